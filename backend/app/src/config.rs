//! Typed, layered settings: built-in defaults < `consult-coach.toml` (or `--config FILE`) <
//! environment variables `CONSULT_COACH__SECTION__FIELD` (plus the conventional `DATABASE_URL`).
//!
//! Every field's doc names its environment variable. [`Settings::validate`] rejects bad values with a
//! message naming the setting, before anything starts.

mod auth;
mod reporting;
mod runtime;
mod storage;

use std::path::{Path, PathBuf};

pub use auth::{AuthSettings, LimitSettings};
pub use coach_analyzer::ingest::settings::IngestSettings;
pub use coach_engines::llm::settings::{
    AnalyzerProvider, AnalyzerSettings, ProviderSettings, ProvidersSettings,
};
pub use coach_engines::speech::settings::{AgentChannel, SpeechEngineKind, SpeechSettings};
pub use reporting::{ExportSettings, KpiSettings, SurveyPeriod, SurveySettings};
pub use runtime::{GraphqlSettings, LogSettings, ServerSettings, TrustedProxy, WorkerSettings};
use serde::Deserialize;
use shared::settings::{InvalidSetting, check_range};
pub use storage::{BackupSettings, DatabaseSettings, S3Settings, StorageBackend, StorageSettings};

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or environment could not be read or parsed.
    #[error("could not read the configuration: {0}")]
    Load(#[from] config::ConfigError),
    /// A value is out of range or inconsistent.
    #[error(transparent)]
    Invalid(#[from] InvalidSetting),
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
    /// How uploaded transcripts are read.
    pub ingest: IngestSettings,
    /// Manager surveys.
    pub surveys: SurveySettings,
    /// Report exports.
    pub exports: ExportSettings,
    /// How the KPIs are measured and reported.
    pub kpi: KpiSettings,
    /// Database backups.
    pub backup: BackupSettings,
    /// Background job workers.
    pub workers: WorkerSettings,
    /// GraphQL behaviour.
    pub graphql: GraphqlSettings,
    /// Logging.
    pub log: LogSettings,
    /// Which analyzer refines the local report.
    pub analyzer: AnalyzerSettings,
    /// Connection details and limits of the cloud/local LLM providers.
    pub providers: ProvidersSettings,
    /// Speech-to-text for audio and video consultations.
    pub speech: SpeechSettings,
}

impl Settings {
    /// Loads defaults, then `file` (or `consult-coach.toml` when present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with_env(file, None)
    }

    /// [`Settings::load`] reading `CONSULT_COACH__*` variables from `env` instead of the process
    /// environment when it is given (tests).
    fn load_with_env(
        file: Option<&Path>,
        env: Option<std::collections::HashMap<String, String>>,
    ) -> Result<Self, ConfigError> {
        let from_process = env.is_none();
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
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("ingest.agent_aliases")
                .with_list_parse_key("ingest.customer_aliases")
                .with_list_parse_key("server.trusted_proxies")
                .source(env),
        );
        if from_process
            && let Ok(url) = std::env::var("DATABASE_URL")
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
        let invalid = |key, reason: &str| Err(shared::settings::invalid(key, reason).into());
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
            if url.starts_with("sqlite:")
                && (url.contains(":memory:") || url.contains("mode=memory"))
            {
                return invalid(
                    "database.url",
                    "must name an SQLite file: an in-memory database is lost when its connection \
                     closes and is not shared between connections",
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
        self.ingest.validate()?;
        self.kpi.validate()?;
        self.exports.validate()?;
        self.speech.validate()?;
        check_range("backup.keep", self.backup.keep, 1..=1000)?;
        check_range(
            "backup.interval_hours",
            self.backup.interval_hours,
            0..=24 * 31,
        )?;
        if self.database.max_connections == Some(0) {
            return invalid("database.max_connections", "must be at least 1");
        }
        if let Some(mb) = self.database.sqlite_mmap_mb {
            check_range("database.sqlite_mmap_mb", mb, 0..=2047)?;
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose_secret().len() < 32
        {
            return invalid("auth.jwt_secret", "must be at least 32 bytes long");
        }
        check_range(
            "auth.access_token_ttl_secs",
            self.auth.access_token_ttl_secs,
            60..=900,
        )?;
        check_range(
            "auth.refresh_token_ttl_days",
            self.auth.refresh_token_ttl_days,
            1..=365,
        )?;
        check_range(
            "auth.login_per_ip_per_minute",
            self.auth.login_per_ip_per_minute,
            1..=10_000,
        )?;
        check_range(
            "auth.login_per_address_and_account_per_minute",
            self.auth.login_per_address_and_account_per_minute,
            1..=1_000,
        )?;
        check_range(
            "auth.login_per_account_per_15_minutes",
            self.auth.login_per_account_per_15_minutes,
            1..=1_000,
        )?;
        if shared::inputs::Email::parse(&self.auth.admin_email).is_err() {
            return invalid("auth.admin_email", "is not a valid e-mail address");
        }
        if let Some(password) = &self.auth.admin_password
            && shared::inputs::Password::parse_new(password.expose_secret()).is_err()
        {
            return invalid("auth.admin_password", "must be 12 to 128 characters long");
        }
        check_range(
            "limits.max_upload_bytes",
            self.limits.max_upload_bytes,
            1..=10 * 1024 * 1024 * 1024,
        )?;
        check_range(
            "limits.max_files_per_request",
            self.limits.max_files_per_request,
            1..=100,
        )?;
        check_range(
            "limits.max_json_body_bytes",
            self.limits.max_json_body_bytes,
            1024..=64 * 1024 * 1024,
        )?;
        check_range("workers.count", self.workers.count, 0..=64)?;
        check_range("workers.lease_secs", self.workers.lease_secs, 5..=3600)?;
        check_range("workers.max_attempts", self.workers.max_attempts, 1..=20)?;
        check_range(
            "workers.poll_interval_ms",
            self.workers.poll_interval_ms,
            10..=60_000,
        )?;
        check_range("graphql.max_depth", self.graphql.max_depth, 2..=64)?;
        check_range(
            "graphql.ws_init_timeout_secs",
            self.graphql.ws_init_timeout_secs,
            1..=60,
        )?;
        check_range(
            "graphql.max_complexity",
            self.graphql.max_complexity,
            10..=1_000_000,
        )?;
        check_range(
            "graphql.max_expensive_aliases",
            self.graphql.max_expensive_aliases,
            1..=100,
        )?;
        coach_engines::llm::settings::validate(&self.analyzer, &self.providers)?;
        Ok(())
    }

    /// The directory backups are written to.
    pub fn backup_dir(&self) -> PathBuf {
        self.backup
            .dir
            .clone()
            .unwrap_or_else(|| self.storage.data_dir.join("backups"))
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
    use secrecy::SecretString;

    use super::*;

    /// The validation error's text, empty when the settings are valid.
    fn validation_error(settings: &Settings) -> String {
        settings
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

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
        let err = validation_error(&settings);
        assert!(err.contains("storage.s3.bucket"), "{err}");
        settings.storage.s3.bucket = "calls".into();
        settings.storage.s3.access_key_id = Some(SecretString::from("AKIA"));
        let err = validation_error(&settings);
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
    fn a_gemini_analyzer_needs_a_key_and_provider_urls_must_be_plain_http_urls() {
        let mut settings = Settings::default();
        settings.analyzer.provider = AnalyzerProvider::Gemini;
        let err = validation_error(&settings);
        assert!(err.contains("providers.gemini.api_key"), "{err}");
        settings.providers.gemini.api_key = Some(SecretString::from("AIza-secret-value"));
        assert!(settings.validate().is_ok());
        assert_eq!(
            settings.analyzer.model_in_effect().as_deref(),
            Some("gemini-2.5-flash")
        );

        settings.providers.openai.base_url = Some("ftp://models.local/v1".into());
        let err = validation_error(&settings);
        assert!(err.contains("providers.openai.base_url"), "{err}");
        settings.providers.openai.base_url = Some("http://127.0.0.1:11434/v1?key=x".into());
        assert!(settings.validate().is_err());
        settings.providers.openai.base_url = Some("https://me:secret@llm.example/v1".into());
        let err = validation_error(&settings);
        assert!(
            err.contains("user name or password") && !err.contains("secret@"),
            "{err}"
        );
        settings.providers.openai.base_url = Some("http://127.0.0.1:11434/v1/".into());
        assert!(settings.validate().is_ok());
        assert_eq!(
            settings.providers.openai.base_url_or("unused"),
            "http://127.0.0.1:11434/v1"
        );

        settings.providers.openai.max_concurrency = 0;
        let err = validation_error(&settings);
        assert!(err.contains("providers.openai.max_concurrency"), "{err}");
        assert!(!err.contains("AIza"), "{err}");
    }

    #[test]
    fn speaker_aliases_can_be_replaced_but_not_emptied_or_shared_by_both_sides() {
        let mut settings = Settings::default();
        assert!(settings.ingest.agent_aliases.contains(&"상담원".to_owned()));
        settings.ingest.agent_aliases = vec![" 매니저 ".into(), "Agent".into()];
        assert!(settings.validate().is_ok());
        assert_eq!(settings.ingest.speaker_aliases().agent[0], "매니저");
        settings.ingest.customer_aliases = vec!["agent".into()];
        let err = validation_error(&settings);
        assert!(
            err.contains("ingest.customer_aliases") && err.contains("agent"),
            "{err}"
        );
        settings.ingest.customer_aliases = Vec::new();
        assert!(validation_error(&settings).contains("at least one"));
        settings.ingest.customer_aliases = vec!["고객: 김".into()];
        assert!(validation_error(&settings).contains("1-40 characters"));
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges_from_a_comma_separated_environment_variable() {
        let load = |value: &str| {
            let env = std::collections::HashMap::from([(
                "CONSULT_COACH__SERVER__TRUSTED_PROXIES".to_owned(),
                value.to_owned(),
            )]);
            Settings::load_with_env(None, Some(env))
        };
        let settings = load("10.0.0.0/8, 192.168.1.7").unwrap_or_else(|e| panic!("{e}"));
        let trusted = |ip: [u8; 4]| {
            settings
                .server
                .trusted_proxies
                .iter()
                .any(|p| p.contains(std::net::IpAddr::from(ip)))
        };
        assert!(trusted([10, 1, 2, 3]));
        assert!(trusted([192, 168, 1, 7]));
        assert!(!trusted([192, 168, 1, 8]));
        assert!(
            !trusted([127, 0, 0, 1]),
            "the list replaces the loopback default"
        );
        let error = load("10.0.0.0/8,proxy.local").err().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains("proxy.local")),
            "{error:?}"
        );
        let defaults = Settings::default();
        assert!(
            defaults
                .server
                .trusted_proxies
                .iter()
                .any(|p| p.contains(std::net::IpAddr::from([127, 0, 0, 1])))
        );
    }

    #[test]
    fn speaker_aliases_come_from_a_comma_separated_environment_variable() {
        let env = std::collections::HashMap::from([(
            "CONSULT_COACH__INGEST__AGENT_ALIASES".to_owned(),
            "매니저,팀장".to_owned(),
        )]);
        let settings = Settings::load_with_env(None, Some(env)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.ingest.agent_aliases, ["매니저", "팀장"]);
        assert!(
            settings
                .ingest
                .customer_aliases
                .contains(&"고객".to_owned())
        );
    }

    #[test]
    fn an_openai_compatible_local_server_needs_no_key() {
        let mut settings = Settings::default();
        settings.analyzer.provider = AnalyzerProvider::Openai;
        settings.analyzer.model = Some("qwen2.5:7b".into());
        settings.providers.openai.base_url = Some("http://127.0.0.1:11434/v1".into());
        assert!(settings.validate().is_ok());
        settings.analyzer.temperature = 3.0;
        assert!(settings.validate().is_err());
    }

    #[test]
    fn out_of_range_values_are_rejected_with_the_setting_name() {
        let mut settings = Settings::default();
        settings.auth.access_token_ttl_secs = 3600;
        let err = validation_error(&settings);
        assert!(err.contains("auth.access_token_ttl_secs"), "{err}");

        let mut settings = Settings::default();
        settings.database.url = Some(SecretString::from("mysql://x"));
        assert!(settings.validate().is_err());
        for url in ["sqlite::memory:", "sqlite://x.db?mode=memory"] {
            settings.database.url = Some(SecretString::from(url));
            let err = validation_error(&settings);
            assert!(err.contains("in-memory"), "{url}: {err}");
        }

        let mut settings = Settings::default();
        settings.database.sqlite_mmap_mb = Some(4096);
        let err = validation_error(&settings);
        assert!(err.contains("database.sqlite_mmap_mb"), "{err}");
        settings.database.sqlite_mmap_mb = Some(0);
        assert!(settings.validate().is_ok());

        let mut settings = Settings::default();
        settings.auth.jwt_secret = Some(SecretString::from("short"));
        let err = validation_error(&settings);
        assert!(
            err.contains("jwt_secret") && !err.contains("short"),
            "{err}"
        );
    }
}
