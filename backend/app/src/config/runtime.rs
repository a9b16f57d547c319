//! Settings of the running process: the HTTP server, GraphQL, job workers and logging.

use std::net::IpAddr;
use std::path::PathBuf;

use ipnet::IpNet;
use serde::Deserialize;

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
    /// Reverse proxies whose forwarded headers are believed, as addresses or CIDR ranges
    /// (`CONSULT_COACH__SERVER__TRUSTED_PROXIES`, comma-separated; default `127.0.0.1, ::1`). From
    /// one of them, `X-Forwarded-For` gives the client's address (login limits) and
    /// `X-Forwarded-Proto: https` says the request was served over HTTPS (it gets
    /// `Strict-Transport-Security` and a `Secure` session cookie). The server terminates no TLS
    /// itself; an empty list believes no one.
    pub trusted_proxies: Vec<TrustedProxy>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            static_dir: PathBuf::from("frontend/dist"),
            trusted_proxies: vec![
                TrustedProxy(IpAddr::from([127, 0, 0, 1]).into()),
                TrustedProxy(IpAddr::from(std::net::Ipv6Addr::LOCALHOST).into()),
            ],
        }
    }
}

/// An address or a CIDR range of trusted reverse proxies (`10.0.0.5`, `10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TrustedProxy(pub IpNet);

impl TrustedProxy {
    /// Whether `address` belongs to this proxy (range).
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&address)
    }
}

impl TryFrom<String> for TrustedProxy {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let raw = raw.trim();
        raw.parse::<IpNet>()
            .or_else(|_| raw.parse::<IpAddr>().map(IpNet::from))
            .map(Self)
            .map_err(|_| format!("`{raw}` is not an IP address or a CIDR range"))
    }
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
    /// Maximum cost of one operation (`CONSULT_COACH__GRAPHQL__MAX_COMPLEXITY`, default 10000).
    /// A plain field costs 1, a list its length times one item's cost, and the expensive fields
    /// their price (`consult_coach::graphql::cost`): a 365-day KPI board about 2,100, a page of
    /// 100 consultations with transcript and report about 4,300.
    pub max_complexity: usize,
    /// How many times one expensive field (a KPI board, a report, a transcript, an export, a
    /// consultation list …) may appear in one operation, aliases and repeated fragments counted
    /// (`CONSULT_COACH__GRAPHQL__MAX_EXPENSIVE_ALIASES`, default 5).
    pub max_expensive_aliases: usize,
    /// Seconds a WebSocket client has to send `connection_init` before it is closed with 4408
    /// (`CONSULT_COACH__GRAPHQL__WS_INIT_TIMEOUT_SECS`, default 10).
    pub ws_init_timeout_secs: u64,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            introspection: false,
            max_depth: 12,
            max_complexity: 10_000,
            max_expensive_aliases: 5,
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
