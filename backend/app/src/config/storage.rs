//! Settings of where data lives: the database, the file store and backups.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

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
