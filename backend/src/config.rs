//! Typed, layered settings: built-in defaults < `consult-coach.toml` (or `--config FILE`) <
//! environment variables `CONSULT_COACH__SECTION__FIELD` (plus the conventional `DATABASE_URL`).
//!
//! Every field's doc names its environment variable. [`Settings::validate`] rejects bad values with a
//! message naming the setting, before anything starts.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or environment could not be read or parsed.
    #[error("could not read the configuration: {0}")]
    Load(#[from] config::ConfigError),
    /// A value is out of range or inconsistent.
    #[error("invalid setting `{key}`: {reason}")]
    Invalid {
        /// Dotted name of the setting.
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// All settings of a Consult Coach process.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// HTTP server.
    pub server: ServerSettings,
    /// Database.
    pub database: DatabaseSettings,
    /// Local data directory and object storage.
    pub storage: StorageSettings,
    /// Authentication.
    pub auth: AuthSettings,
    /// Upload and request limits.
    pub limits: LimitSettings,
    /// Background job workers.
    pub workers: WorkerSettings,
    /// GraphQL behaviour.
    pub graphql: GraphqlSettings,
    /// Logging.
    pub log: LogSettings,
}

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
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            static_dir: PathBuf::from("frontend/dist"),
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…` (`CONSULT_COACH__DATABASE__URL` or `DATABASE_URL`); default
    /// `sqlite://<data_dir>/consult-coach.db`.
    pub url: Option<SecretString>,
    /// Pool size (`CONSULT_COACH__DATABASE__MAX_CONNECTIONS`, default 10).
    pub max_connections: Option<u32>,
}

/// Where files and the embedded database live.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageSettings {
    /// Data directory for the SQLite file, local uploads and generated secrets
    /// (`CONSULT_COACH__STORAGE__DATA_DIR`, default `./data`).
    pub data_dir: PathBuf,
    /// Where uploaded files go: `local` (`<data_dir>/files`) or `s3`
    /// (`CONSULT_COACH__STORAGE__BACKEND`, default `local`).
    pub backend: StorageBackend,
    /// S3-compatible object storage (AWS, MinIO, Supabase Storage), used when `backend = "s3"`.
    pub s3: S3Settings,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            backend: StorageBackend::Local,
            s3: S3Settings::default(),
        }
    }
}

/// The object storage backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A local directory.
    #[default]
    Local,
    /// An S3-compatible service.
    S3,
}

/// S3-compatible storage settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Settings {
    /// Bucket name (`CONSULT_COACH__STORAGE__S3__BUCKET`).
    pub bucket: String,
    /// Region (`CONSULT_COACH__STORAGE__S3__REGION`, default `us-east-1`).
    pub region: String,
    /// Endpoint URL for non-AWS services, e.g. `http://127.0.0.1:9000` for MinIO or
    /// `https://<project>.supabase.co/storage/v1/s3` (`CONSULT_COACH__STORAGE__S3__ENDPOINT`).
    pub endpoint: Option<String>,
    /// Access key id (`CONSULT_COACH__STORAGE__S3__ACCESS_KEY_ID`).
    pub access_key_id: Option<SecretString>,
    /// Secret access key (`CONSULT_COACH__STORAGE__S3__SECRET_ACCESS_KEY`).
    pub secret_access_key: Option<SecretString>,
    /// Key prefix inside the bucket (`CONSULT_COACH__STORAGE__S3__PREFIX`, default empty).
    pub prefix: String,
    /// Allow plain `http://` endpoints (`CONSULT_COACH__STORAGE__S3__ALLOW_HTTP`, default false).
    pub allow_http: bool,
    /// Use virtual-hosted-style URLs instead of path style
    /// (`CONSULT_COACH__STORAGE__S3__VIRTUAL_HOSTED_STYLE`, default false: path style works with
    /// MinIO, Supabase and AWS).
    pub virtual_hosted_style: bool,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            bucket: String::new(),
            region: "us-east-1".into(),
            endpoint: None,
            access_key_id: None,
            secret_access_key: None,
            prefix: String::new(),
            allow_http: false,
            virtual_hosted_style: false,
        }
    }
}

/// Authentication settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// HMAC secret for access tokens, at least 32 bytes (`CONSULT_COACH__AUTH__JWT_SECRET`). When
    /// unset, a random one is generated once and kept in `<data_dir>/jwt-secret`; set it explicitly
    /// when several servers share the work.
    pub jwt_secret: Option<SecretString>,
    /// Access-token lifetime in seconds, at most 900 (`CONSULT_COACH__AUTH__ACCESS_TOKEN_TTL_SECS`).
    pub access_token_ttl_secs: u64,
    /// E-mail of the admin created on first start (`CONSULT_COACH__AUTH__ADMIN_EMAIL`).
    pub admin_email: String,
    /// Password of that admin (`CONSULT_COACH__AUTH__ADMIN_PASSWORD`); generated and printed once
    /// when unset.
    pub admin_password: Option<SecretString>,
    /// Refresh-token lifetime in days (`CONSULT_COACH__AUTH__REFRESH_TOKEN_TTL_DAYS`, default 14).
    pub refresh_token_ttl_days: u32,
    /// Let people create counselor accounts themselves (`CONSULT_COACH__AUTH__ALLOW_SIGNUP`,
    /// default false).
    pub allow_signup: bool,
    /// Login attempts per minute from one address (`CONSULT_COACH__AUTH__LOGIN_PER_IP_PER_MINUTE`,
    /// default 20).
    pub login_per_ip_per_minute: u32,
    /// Login attempts per 15 minutes for one account
    /// (`CONSULT_COACH__AUTH__LOGIN_PER_ACCOUNT_PER_15_MINUTES`, default 10).
    pub login_per_account_per_15_minutes: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_ttl_secs: 900,
            admin_email: "admin@consult-coach.local".into(),
            admin_password: None,
            refresh_token_ttl_days: 14,
            allow_signup: false,
            login_per_ip_per_minute: 20,
            login_per_account_per_15_minutes: 10,
        }
    }
}

/// Upload and request limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Largest accepted upload in bytes (`CONSULT_COACH__LIMITS__MAX_UPLOAD_BYTES`, default 200 MiB).
    pub max_upload_bytes: u64,
    /// Files accepted in one request (`CONSULT_COACH__LIMITS__MAX_FILES_PER_REQUEST`, default 1).
    pub max_files_per_request: usize,
    /// Largest JSON request body in bytes (`CONSULT_COACH__LIMITS__MAX_JSON_BODY_BYTES`, default 256 KiB).
    pub max_json_body_bytes: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            max_upload_bytes: 200 * 1024 * 1024,
            max_files_per_request: 1,
            max_json_body_bytes: 256 * 1024,
        }
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
    /// `tracing` filter (`CONSULT_COACH__LOG__FILTER`, or `RUST_LOG`; default `info`).
    pub filter: String,
    /// Emit JSON lines instead of text (`CONSULT_COACH__LOG__JSON`, default false).
    pub json: bool,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            filter: "info".into(),
            json: false,
        }
    }
}

impl Settings {
    /// Loads defaults, then `file` (or `consult-coach.toml` when present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        match file {
            Some(path) => builder = builder.add_source(config::File::from(path).required(true)),
            None => {
                builder =
                    builder.add_source(config::File::with_name("consult-coach").required(false))
            }
        }
        builder = builder.add_source(
            config::Environment::with_prefix("CONSULT_COACH")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        if let Ok(url) = std::env::var("DATABASE_URL")
            && std::env::var("CONSULT_COACH__DATABASE__URL").is_err()
        {
            builder = builder.set_override("database.url", url)?;
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks ranges and consistency of every value.
    pub fn validate(&self) -> Result<(), ConfigError> {
        use secrecy::ExposeSecret;
        let invalid = |key, reason: &str| {
            Err(ConfigError::Invalid {
                key,
                reason: reason.to_owned(),
            })
        };
        if let Some(url) = &self.database.url {
            let url = url.expose_secret();
            if !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
            {
                return invalid(
                    "database.url",
                    "must start with sqlite:, postgres:// or postgresql://",
                );
            }
        }
        if self.storage.backend == StorageBackend::S3 {
            let s3 = &self.storage.s3;
            if s3.bucket.trim().is_empty() {
                return invalid(
                    "storage.s3.bucket",
                    "is required when storage.backend = \"s3\"",
                );
            }
            if s3.access_key_id.is_some() != s3.secret_access_key.is_some() {
                return invalid(
                    "storage.s3.secret_access_key",
                    "access_key_id and secret_access_key must be set together",
                );
            }
            if let Some(endpoint) = &s3.endpoint {
                if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
                    return invalid("storage.s3.endpoint", "must be an http:// or https:// URL");
                }
                if endpoint.starts_with("http://") && !s3.allow_http {
                    return invalid(
                        "storage.s3.endpoint",
                        "uses http://; set storage.s3.allow_http = true to allow it",
                    );
                }
            }
        }
        if self.database.max_connections == Some(0) {
            return invalid("database.max_connections", "must be at least 1");
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose_secret().len() < 32
        {
            return invalid("auth.jwt_secret", "must be at least 32 bytes long");
        }
        if !(60..=900).contains(&self.auth.access_token_ttl_secs) {
            return invalid(
                "auth.access_token_ttl_secs",
                "must be between 60 and 900 seconds",
            );
        }
        if !(1..=365).contains(&self.auth.refresh_token_ttl_days) {
            return invalid("auth.refresh_token_ttl_days", "must be between 1 and 365");
        }
        if !(1..=10_000).contains(&self.auth.login_per_ip_per_minute) {
            return invalid(
                "auth.login_per_ip_per_minute",
                "must be between 1 and 10000",
            );
        }
        if !(1..=1_000).contains(&self.auth.login_per_account_per_15_minutes) {
            return invalid(
                "auth.login_per_account_per_15_minutes",
                "must be between 1 and 1000",
            );
        }
        if shared::inputs::Email::parse(&self.auth.admin_email).is_err() {
            return invalid("auth.admin_email", "is not a valid e-mail address");
        }
        if let Some(password) = &self.auth.admin_password
            && shared::inputs::Password::parse_new(password.expose_secret()).is_err()
        {
            return invalid("auth.admin_password", "must be 12 to 128 characters long");
        }
        if self.limits.max_upload_bytes == 0
            || self.limits.max_upload_bytes > 10 * 1024 * 1024 * 1024
        {
            return invalid(
                "limits.max_upload_bytes",
                "must be between 1 byte and 10 GiB",
            );
        }
        if !(1..=100).contains(&self.limits.max_files_per_request) {
            return invalid("limits.max_files_per_request", "must be between 1 and 100");
        }
        if !(1024..=64 * 1024 * 1024).contains(&self.limits.max_json_body_bytes) {
            return invalid(
                "limits.max_json_body_bytes",
                "must be between 1 KiB and 64 MiB",
            );
        }
        if self.workers.count > 64 {
            return invalid("workers.count", "must be at most 64");
        }
        if !(5..=3600).contains(&self.workers.lease_secs) {
            return invalid("workers.lease_secs", "must be between 5 and 3600");
        }
        if !(1..=20).contains(&self.workers.max_attempts) {
            return invalid("workers.max_attempts", "must be between 1 and 20");
        }
        if !(10..=60_000).contains(&self.workers.poll_interval_ms) {
            return invalid("workers.poll_interval_ms", "must be between 10 and 60000");
        }
        if !(2..=64).contains(&self.graphql.max_depth) {
            return invalid("graphql.max_depth", "must be between 2 and 64");
        }
        if !(1..=60).contains(&self.graphql.ws_init_timeout_secs) {
            return invalid("graphql.ws_init_timeout_secs", "must be between 1 and 60");
        }
        if !(10..=100_000).contains(&self.graphql.max_complexity) {
            return invalid("graphql.max_complexity", "must be between 10 and 100000");
        }
        Ok(())
    }

    /// The database URL in effect (the embedded SQLite file when none is configured).
    pub fn database_url(&self) -> String {
        use secrecy::ExposeSecret;
        match &self.database.url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.storage.data_dir.join("consult-coach.db").display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_use_embedded_sqlite() {
        let settings = Settings::default();
        assert!(settings.validate().is_ok());
        assert!(
            settings
                .database_url()
                .starts_with("sqlite://data/consult-coach.db")
        );
    }

    #[test]
    fn s3_storage_needs_a_bucket_and_paired_credentials() {
        let mut settings = Settings::default();
        settings.storage.backend = StorageBackend::S3;
        let err = settings
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("storage.s3.bucket"), "{err}");
        settings.storage.s3.bucket = "calls".into();
        settings.storage.s3.access_key_id = Some(SecretString::from("AKIA"));
        let err = settings
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("secret_access_key") && !err.contains("AKIA"),
            "{err}"
        );
        settings.storage.s3.secret_access_key = Some(SecretString::from("secret"));
        settings.storage.s3.endpoint = Some("http://127.0.0.1:9000".into());
        assert!(settings.validate().is_err(), "plain http needs allow_http");
        settings.storage.s3.allow_http = true;
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn out_of_range_values_are_rejected_with_the_setting_name() {
        let mut settings = Settings::default();
        settings.auth.access_token_ttl_secs = 3600;
        let err = settings
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("auth.access_token_ttl_secs"), "{err}");

        let mut settings = Settings::default();
        settings.database.url = Some(SecretString::from("mysql://x"));
        assert!(settings.validate().is_err());

        let mut settings = Settings::default();
        settings.auth.jwt_secret = Some(SecretString::from("short"));
        let err = settings
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("jwt_secret") && !err.contains("short"),
            "{err}"
        );
    }
}
