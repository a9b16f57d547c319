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
    /// Pool size (`CONSULT_COACH__DATABASE__MAX_CONNECTIONS`, default 8 on SQLite, 10 on
    /// PostgreSQL).
    pub max_connections: Option<u32>,
    /// How much of an SQLite database file is read through a memory map, MiB, at most 2047; 0
    /// reads every page with `pread` (`CONSULT_COACH__DATABASE__SQLITE_MMAP_MB`, default 256;
    /// mapping the whole file speeds KPI boards up and slows consultation details down).
    pub sqlite_mmap_mb: Option<u32>,
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

/// How often managers are asked for a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SurveyPeriod {
    /// Once a calendar month (`2026-11`).
    #[default]
    Monthly,
    /// Once a calendar quarter (`2026-Q4`).
    Quarterly,
}

/// Manager surveys.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SurveySettings {
    /// `monthly` or `quarterly` (`CONSULT_COACH__SURVEYS__PERIOD`, default `monthly`).
    pub period: SurveyPeriod,
}

/// Report exports (Markdown, PDF, JSON).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExportSettings {
    /// The TrueType/OpenType font (`.ttf`, `.otf`, `.ttc`) PDFs are written in; it must have Korean
    /// glyphs (`CONSULT_COACH__EXPORTS__PDF_FONT`, default: Debian's NanumGothic or Noto Sans CJK).
    pub pdf_font: Option<PathBuf>,
    /// The bold font for headings (`CONSULT_COACH__EXPORTS__PDF_BOLD_FONT`, default: the bold of
    /// the default font, else the regular one).
    pub pdf_bold_font: Option<PathBuf>,
}

impl ExportSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        for (key, path) in [
            ("exports.pdf_font", &self.pdf_font),
            ("exports.pdf_bold_font", &self.pdf_bold_font),
        ] {
            if let Some(path) = path
                && !path.is_file()
            {
                return Err(invalid(key, "must name an existing font file"));
            }
        }
        Ok(())
    }
}

/// How the KPIs are measured and reported.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiSettings {
    /// Seconds between the samples every process stores of its requests, health, CPU and memory
    /// (`CONSULT_COACH__KPI__SAMPLE_INTERVAL_SECS`, default 60, 1-60).
    pub sample_interval_secs: u64,
    /// Days raw samples are kept once rolled up into quarter-hours; the KPIs read the rollups
    /// (`CONSULT_COACH__KPI__SAMPLE_RETENTION_DAYS`, default 14, 1-3650).
    pub sample_retention_days: u32,
    /// The offset from UTC of the days KPIs are counted in, minutes
    /// (`CONSULT_COACH__KPI__UTC_OFFSET_MINUTES`, default 540: Korea Standard Time).
    pub utc_offset_minutes: i32,
    /// Days after a flagged improvement item in which later consultations of the same counselor
    /// decide whether it improved (`CONSULT_COACH__KPI__COACHING_WINDOW_DAYS`, default 30).
    pub coaching_window_days: u32,
    /// The LLM provider's daily call quota the daily-calls KPI is compared with; none: no limit
    /// (`CONSULT_COACH__KPI__LLM_DAILY_QUOTA`).
    pub llm_daily_quota: Option<u64>,
    /// The database size budget in MiB the queue's share is measured against (the sheet's Redis
    /// memory) (`CONSULT_COACH__KPI__DB_BUDGET_MB`, default 100, the sheet's database target).
    pub db_budget_mb: u64,
    /// Whether `serve` writes last week's KPI report on its own once the week is over
    /// (`CONSULT_COACH__KPI__WEEKLY_REPORTS`, default true).
    pub weekly_reports: bool,
}

impl Default for KpiSettings {
    fn default() -> Self {
        Self {
            sample_interval_secs: 60,
            sample_retention_days: 14,
            utc_offset_minutes: 540,
            coaching_window_days: 30,
            llm_daily_quota: None,
            db_budget_mb: 100,
            weekly_reports: true,
        }
    }
}

impl KpiSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        check_range(
            "kpi.sample_interval_secs",
            self.sample_interval_secs,
            1..=60,
        )?;
        check_range(
            "kpi.sample_retention_days",
            self.sample_retention_days,
            1..=3650,
        )?;
        check_range(
            "kpi.utc_offset_minutes",
            self.utc_offset_minutes,
            -720..=840,
        )?;
        if self.utc_offset_minutes % 15 != 0 {
            return Err(invalid(
                "kpi.utc_offset_minutes",
                "must be a multiple of 15 minutes (as every time zone is)",
            ));
        }
        check_range(
            "kpi.coaching_window_days",
            self.coaching_window_days,
            1..=365,
        )?;
        if let Some(quota) = self.llm_daily_quota {
            check_range("kpi.llm_daily_quota", quota, 1..=100_000_000)?;
        }
        check_range("kpi.db_budget_mb", self.db_budget_mb, 1..=10_000_000)?;
        Ok(())
    }
}

/// Database backups: SQLite with `VACUUM INTO`, PostgreSQL with `pg_dump`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// Where backups are written (`CONSULT_COACH__BACKUP__DIR`, default `<data_dir>/backups`).
    pub dir: Option<PathBuf>,
    /// How many backups to keep; older ones are deleted (`CONSULT_COACH__BACKUP__KEEP`, default 7).
    pub keep: u32,
    /// Hours between automatic backups made by `serve`; 0 turns them off
    /// (`CONSULT_COACH__BACKUP__INTERVAL_HOURS`, default 24).
    pub interval_hours: u32,
    /// The `pg_dump` program for PostgreSQL (`CONSULT_COACH__BACKUP__PG_DUMP`, default `pg_dump`).
    pub pg_dump: PathBuf,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            dir: None,
            keep: 7,
            interval_hours: 24,
            pg_dump: PathBuf::from("pg_dump"),
        }
    }
}

/// How uploaded transcripts are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestSettings {
    /// Speaker labels that name the counselor, matched case-insensitively on the label or its
    /// first word; replaces the built-in list (상담원, 상담사, 직원, agent, rep, …)
    /// (`CONSULT_COACH__INGEST__AGENT_ALIASES`, comma-separated).
    pub agent_aliases: Vec<String>,
    /// Speaker labels that name the customer; replaces the built-in list (고객, 손님, customer,
    /// caller, …) (`CONSULT_COACH__INGEST__CUSTOMER_ALIASES`, comma-separated).
    pub customer_aliases: Vec<String>,
}

impl Default for IngestSettings {
    fn default() -> Self {
        let aliases = crate::ingest::transcript::SpeakerAliases::default();
        Self {
            agent_aliases: aliases.agent,
            customer_aliases: aliases.customer,
        }
    }
}

impl IngestSettings {
    /// The aliases the transcript parser uses (trimmed).
    pub fn speaker_aliases(&self) -> crate::ingest::transcript::SpeakerAliases {
        let clean = |list: &[String]| list.iter().map(|a| a.trim().to_owned()).collect();
        crate::ingest::transcript::SpeakerAliases {
            agent: clean(&self.agent_aliases),
            customer: clean(&self.customer_aliases),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let aliases = self.speaker_aliases();
        for (key, list) in [
            ("ingest.agent_aliases", &aliases.agent),
            ("ingest.customer_aliases", &aliases.customer),
        ] {
            if list.is_empty() {
                return Err(invalid(key, "needs at least one label"));
            }
            if list
                .iter()
                .any(|a| a.is_empty() || a.chars().count() > 40 || a.contains(['\n', ':']))
            {
                return Err(invalid(
                    key,
                    "labels must be 1-40 characters without line breaks or ':'",
                ));
            }
        }
        let lower = |a: &String| a.to_lowercase();
        if let Some(both) = aliases
            .agent
            .iter()
            .find(|a| aliases.customer.iter().map(lower).any(|c| c == lower(a)))
        {
            return Err(invalid(
                "ingest.customer_aliases",
                &format!("'{both}' is also an agent alias"),
            ));
        }
        Ok(())
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

/// Which analyzer produces reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyzerSettings {
    /// `local` (offline rules only), `gemini` or `openai` (the local report refined by that
    /// provider; falls back to the local report when the provider fails)
    /// (`CONSULT_COACH__ANALYZER__PROVIDER`, default `local`).
    pub provider: AnalyzerProvider,
    /// Model name; default `gemini-2.5-flash` for Gemini and `gpt-4o-mini` for OpenAI-compatible
    /// servers (`CONSULT_COACH__ANALYZER__MODEL`).
    pub model: Option<String>,
    /// Most output tokens the model may produce (`CONSULT_COACH__ANALYZER__MAX_OUTPUT_TOKENS`,
    /// default 4096).
    pub max_output_tokens: u32,
    /// Sampling temperature, 0 to 2 (`CONSULT_COACH__ANALYZER__TEMPERATURE`, default 0.2).
    pub temperature: f32,
}

impl Default for AnalyzerSettings {
    fn default() -> Self {
        Self {
            provider: AnalyzerProvider::Local,
            model: None,
            max_output_tokens: 4096,
            temperature: 0.2,
        }
    }
}

impl AnalyzerSettings {
    /// The model in effect for the configured provider (`None` for the local analyzer).
    pub fn model_in_effect(&self) -> Option<String> {
        let default = match self.provider {
            AnalyzerProvider::Local => return None,
            AnalyzerProvider::Gemini => "gemini-2.5-flash",
            AnalyzerProvider::Openai => "gpt-4o-mini",
        };
        Some(self.model.clone().unwrap_or_else(|| default.to_owned()))
    }
}

/// Speech-to-text for audio and video consultations.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeechSettings {
    /// `whisper` (embedded whisper.cpp, offline), `openai` (an OpenAI-compatible
    /// `/v1/audio/transcriptions`, e.g. a local whisper server), `gemini` (audio input), or `none`
    /// (recordings are refused) (`CONSULT_COACH__SPEECH__ENGINE`, default `whisper`).
    pub engine: SpeechEngineKind,
    /// The ggml Whisper model for the embedded engine (`CONSULT_COACH__SPEECH__MODEL_PATH`,
    /// default `~/.cache/consult-coach/models/ggml-whisper-base-q8_0.bin`, which the setup scripts
    /// build); any whisper.cpp ggml model works, e.g. a larger one.
    pub model_path: Option<PathBuf>,
    /// Model name for the `openai` and `gemini` engines (default `whisper-1` and
    /// `gemini-2.5-flash`) (`CONSULT_COACH__SPEECH__MODEL`).
    pub model: Option<String>,
    /// Language spoken, unless an upload says otherwise: an ISO 639-1 code
    /// (`CONSULT_COACH__SPEECH__LANGUAGE`, default `ko`).
    pub language: String,
    /// Threads per transcription (`CONSULT_COACH__SPEECH__THREADS`, default 2).
    pub threads: usize,
    /// Transcriptions at once; default: the CPU cores divided by `threads`, at least 1, so
    /// jobs × threads never exceeds the cores (`CONSULT_COACH__SPEECH__MAX_CONCURRENT`).
    pub max_concurrent: Option<usize>,
    /// Beam width; 1 is greedy decoding (`CONSULT_COACH__SPEECH__BEAM_SIZE`, default 1, at most 8).
    pub beam_size: usize,
    /// Encode each speech window for its own length instead of Whisper's padded 30 s: about a
    /// quarter faster at the same accuracy on the evaluation clips
    /// (`CONSULT_COACH__SPEECH__FIT_ENCODER`, default true).
    pub fit_encoder: bool,
    /// Which channel of a stereo recording is the agent (`left` or `right`; default `left`)
    /// (`CONSULT_COACH__SPEECH__AGENT_CHANNEL`).
    pub agent_channel: AgentChannel,
    /// Longest recording accepted, minutes (`CONSULT_COACH__SPEECH__MAX_MINUTES`, default 120).
    pub max_minutes: u64,
}

impl Default for SpeechSettings {
    fn default() -> Self {
        Self {
            engine: SpeechEngineKind::Whisper,
            model_path: None,
            model: None,
            language: "ko".to_owned(),
            threads: 2,
            max_concurrent: None,
            beam_size: 1,
            fit_encoder: true,
            agent_channel: AgentChannel::Left,
            max_minutes: 120,
        }
    }
}

impl SpeechSettings {
    /// The ggml model file of the embedded engine.
    pub fn model_file(&self) -> PathBuf {
        self.model_path.clone().unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(|| PathBuf::from(".cache"));
            cache
                .join("consult-coach")
                .join("models")
                .join("ggml-whisper-base-q8_0.bin")
        })
    }

    /// Transcriptions allowed at once: `max_concurrent`, or cores ÷ threads (at least 1).
    pub fn concurrency(&self) -> usize {
        self.max_concurrent.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            (cores / self.threads.max(1)).max(1)
        })
    }

    fn validate(&self) -> Result<(), ConfigError> {
        check_range("speech.threads", self.threads, 1..=64)?;
        check_range("speech.beam_size", self.beam_size, 1..=8)?;
        check_range("speech.max_minutes", self.max_minutes, 1..=600)?;
        if let Some(n) = self.max_concurrent {
            check_range("speech.max_concurrent", n, 1..=64)?;
        }
        if !crate::speech::is_language_code(&self.language) {
            return Err(invalid(
                "speech.language",
                "must be a two-letter language code such as ko or en",
            ));
        }
        if let Some(model) = &self.model
            && (model.trim().is_empty() || model.len() > 200)
        {
            return Err(invalid(
                "speech.model",
                "must be a model name of at most 200 characters",
            ));
        }
        Ok(())
    }
}

/// The speech-to-text engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SpeechEngineKind {
    /// whisper.cpp, embedded and offline.
    #[default]
    Whisper,
    /// An OpenAI-compatible `/v1/audio/transcriptions` endpoint (`providers.openai`).
    Openai,
    /// Gemini audio input (`providers.gemini`).
    Gemini,
    /// No speech-to-text: recordings are refused.
    None,
}

/// The channel of a stereo call carrying the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AgentChannel {
    /// Left (channel 0), the usual call-centre layout.
    #[default]
    Left,
    /// Right (channel 1).
    Right,
}

/// The analyzer provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnalyzerProvider {
    /// The built-in offline analyzer alone.
    #[default]
    Local,
    /// Google Gemini (`generateContent`).
    Gemini,
    /// Any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).
    Openai,
}

impl AnalyzerProvider {
    /// The stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Gemini => "gemini",
            Self::Openai => "openai",
        }
    }
}

/// Connection settings of every HTTP provider.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ProvidersSettings {
    /// Google Gemini (`CONSULT_COACH__PROVIDERS__GEMINI__…`).
    pub gemini: ProviderSettings,
    /// OpenAI-compatible server (`CONSULT_COACH__PROVIDERS__OPENAI__…`).
    pub openai: ProviderSettings,
}

/// How to reach one provider, and how hard to push it.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderSettings {
    /// API key, never logged (`CONSULT_COACH__PROVIDERS__<NAME>__API_KEY`; required for Gemini,
    /// optional for local OpenAI-compatible servers).
    pub api_key: Option<SecretString>,
    /// Base URL; default `https://generativelanguage.googleapis.com/v1beta` for Gemini and
    /// `https://api.openai.com/v1` for OpenAI; e.g. `http://127.0.0.1:11434/v1` for Ollama
    /// (`CONSULT_COACH__PROVIDERS__<NAME>__BASE_URL`).
    pub base_url: Option<String>,
    /// Timeout of one HTTP attempt in seconds (`…__TIMEOUT_SECS`, default 60).
    pub timeout_secs: u64,
    /// Retries after the first attempt on 429, 5xx, timeouts and broken responses
    /// (`…__MAX_RETRIES`, default 3).
    pub max_retries: u32,
    /// Total time one call may take, retries and waits included, in seconds
    /// (`…__RETRY_BUDGET_SECS`, default 120).
    pub retry_budget_secs: u64,
    /// First backoff delay in milliseconds, doubled per retry with ±25% jitter
    /// (`…__RETRY_BASE_MS`, default 500).
    pub retry_base_ms: u64,
    /// Requests in flight at once (`…__MAX_CONCURRENCY`, default 4).
    pub max_concurrency: usize,
    /// Requests started per minute (`…__REQUESTS_PER_MINUTE`, default 60).
    pub requests_per_minute: u32,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            timeout_secs: 60,
            max_retries: 3,
            retry_budget_secs: 120,
            retry_base_ms: 500,
            max_concurrency: 4,
            requests_per_minute: 60,
        }
    }
}

impl ProviderSettings {
    /// The configured base URL without a trailing slash, or `default`.
    pub fn base_url_or(&self, default: &str) -> String {
        self.base_url
            .as_deref()
            .unwrap_or(default)
            .trim()
            .trim_end_matches('/')
            .to_owned()
    }

    fn validate(&self, keys: &ProviderKeys) -> Result<(), ConfigError> {
        if let Some(url) = &self.base_url {
            check_base_url(keys.base_url, url.trim())?;
        }
        check_range(keys.timeout_secs, self.timeout_secs, 1..=600)?;
        check_range(keys.max_retries, self.max_retries, 0..=10)?;
        check_range(keys.retry_budget_secs, self.retry_budget_secs, 1..=3600)?;
        check_range(keys.retry_base_ms, self.retry_base_ms, 1..=60_000)?;
        check_range(keys.max_concurrency, self.max_concurrency, 1..=256)?;
        check_range(
            keys.requests_per_minute,
            self.requests_per_minute,
            1..=100_000,
        )?;
        Ok(())
    }
}

fn check_base_url(key: &'static str, url: &str) -> Result<(), ConfigError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
        return Err(invalid(key, "must be an http:// or https:// URL"));
    }
    if url.contains(char::is_whitespace) || url.contains('?') || url.contains('#') {
        return Err(invalid(
            key,
            "must be a plain URL without spaces, query or fragment",
        ));
    }
    // Credentials in the URL would be printed with every connection error.
    let authority = url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        .unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid(
            key,
            "must not contain a user name or password (use the api_key setting)",
        ));
    }
    Ok(())
}

/// Dotted setting names of one provider, for error messages.
struct ProviderKeys {
    base_url: &'static str,
    timeout_secs: &'static str,
    max_retries: &'static str,
    retry_budget_secs: &'static str,
    retry_base_ms: &'static str,
    max_concurrency: &'static str,
    requests_per_minute: &'static str,
}

macro_rules! provider_keys {
    ($name:literal) => {
        ProviderKeys {
            base_url: concat!("providers.", $name, ".base_url"),
            timeout_secs: concat!("providers.", $name, ".timeout_secs"),
            max_retries: concat!("providers.", $name, ".max_retries"),
            retry_budget_secs: concat!("providers.", $name, ".retry_budget_secs"),
            retry_base_ms: concat!("providers.", $name, ".retry_base_ms"),
            max_concurrency: concat!("providers.", $name, ".max_concurrency"),
            requests_per_minute: concat!("providers.", $name, ".requests_per_minute"),
        }
    };
}

fn invalid(key: &'static str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.to_owned(),
    }
}

/// Rejects `value` outside `range`, naming the setting.
fn check_range<T>(
    key: &'static str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<(), ConfigError>
where
    T: PartialOrd + std::fmt::Display,
{
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            key,
            reason: format!(
                "must be between {} and {} (got {value})",
                range.start(),
                range.end()
            ),
        })
    }
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
            10..=100_000,
        )?;
        self.validate_analyzer()?;
        Ok(())
    }

    fn validate_analyzer(&self) -> Result<(), ConfigError> {
        use secrecy::ExposeSecret;
        let analyzer = &self.analyzer;
        check_range(
            "analyzer.max_output_tokens",
            analyzer.max_output_tokens,
            256..=65_536,
        )?;
        check_range("analyzer.temperature", analyzer.temperature, 0.0..=2.0)?;
        if let Some(model) = &analyzer.model
            && (model.trim().is_empty()
                || model.len() > 200
                || model.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(invalid(
                "analyzer.model",
                "must be a model name without spaces, at most 200 characters",
            ));
        }
        self.providers.gemini.validate(&provider_keys!("gemini"))?;
        self.providers.openai.validate(&provider_keys!("openai"))?;
        let key_missing = |p: &ProviderSettings| {
            p.api_key
                .as_ref()
                .is_none_or(|k| k.expose_secret().trim().is_empty())
        };
        if analyzer.provider == AnalyzerProvider::Gemini && key_missing(&self.providers.gemini) {
            return Err(invalid(
                "providers.gemini.api_key",
                "is required when analyzer.provider = \"gemini\"",
            ));
        }
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
