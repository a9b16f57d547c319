//! Settings of the running process: the HTTP server, GraphQL, job workers and logging.

use std::path::PathBuf;

use ipnet::IpNet;
use serde::Deserialize;
use shared::settings::{InvalidSetting, invalid};

/// HTTP server settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to bind (`CONSULT_COACH__SERVER__HOST`, default `127.0.0.1`).
    pub host: String,
    /// Port to bind; 0 picks a free one (`CONSULT_COACH__SERVER__PORT`, default 8080).
    pub port: u16,
    /// Directory of the built web app (`CONSULT_COACH__SERVER__STATIC_DIR`, default `frontend/dist`).
    pub static_dir: PathBuf,
    /// Reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDR ranges
    /// (`CONSULT_COACH__SERVER__TRUSTED_PROXIES`, comma-separated; default none: the client is the
    /// TCP peer). Login limits and audit records use the address this yields.
    pub trusted_proxies: Vec<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            static_dir: PathBuf::from("frontend/dist"),
            trusted_proxies: Vec::new(),
        }
    }
}

impl ServerSettings {
    /// The trusted proxies as networks (entries that do not parse are left out; [`Self::validate`]
    /// refuses them before start).
    pub fn proxy_networks(&self) -> Vec<IpNet> {
        self.trusted_proxies
            .iter()
            .filter_map(|p| parse_network(p))
            .collect()
    }

    /// Checks every value.
    ///
    /// Errors: an [`InvalidSetting`] naming an entry that is not an address or a CIDR range.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        match self
            .trusted_proxies
            .iter()
            .find(|p| parse_network(p).is_none())
        {
            Some(bad) => Err(invalid(
                "server.trusted_proxies",
                &format!("'{bad}' is not an IP address or a CIDR range such as 10.0.0.0/8"),
            )),
            None => Ok(()),
        }
    }
}

/// An address (one host) or a CIDR range.
fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

/// Job worker settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerSettings {
    /// In-process workers started by `serve` (`CONSULT_COACH__WORKERS__COUNT`, default 2; 0 disables).
    pub count: usize,
    /// Lease length in seconds; a job whose worker stops renewing it is retried after it expires
    /// (`CONSULT_COACH__WORKERS__LEASE_SECS`, default 60).
    pub lease_secs: u64,
    /// Attempts before a job is given up (`CONSULT_COACH__WORKERS__MAX_ATTEMPTS`, default 3).
    pub max_attempts: u32,
    /// How often idle workers look for work started by other processes, in milliseconds
    /// (`CONSULT_COACH__WORKERS__POLL_INTERVAL_MS`, default 1000).
    pub poll_interval_ms: u64,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            count: 2,
            lease_secs: 60,
            max_attempts: 3,
            poll_interval_ms: 1000,
        }
    }
}

/// GraphQL settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlSettings {
    /// Allow introspection queries (`CONSULT_COACH__GRAPHQL__INTROSPECTION`, default false).
    pub introspection: bool,
    /// Maximum query depth (`CONSULT_COACH__GRAPHQL__MAX_DEPTH`, default 12).
    pub max_depth: usize,
    /// Maximum query complexity (`CONSULT_COACH__GRAPHQL__MAX_COMPLEXITY`, default 1000).
    pub max_complexity: usize,
    /// Seconds a WebSocket client has to send `connection_init` before it is closed with 4408
    /// (`CONSULT_COACH__GRAPHQL__WS_INIT_TIMEOUT_SECS`, default 10).
    pub ws_init_timeout_secs: u64,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            introspection: false,
            max_depth: 12,
            max_complexity: 1000,
            ws_init_timeout_secs: 10,
        }
    }
}

/// Logging settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `tracing` filter (`CONSULT_COACH__LOG__FILTER`, or `RUST_LOG`; default `info,whisper_rs=warn`: whisper.cpp's model-loading chatter stays out).
    pub filter: String,
    /// Emit JSON lines instead of text (`CONSULT_COACH__LOG__JSON`, default false).
    pub json: bool,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            filter: "info,whisper_rs=warn".into(),
            json: false,
        }
    }
}
