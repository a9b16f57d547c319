//! Database connection: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, plus migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::Settings;

/// Connects to the configured database, creating the data directory for embedded SQLite.
#[tracing::instrument(skip_all)]
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let url = settings.database_url();
    let is_sqlite = url.starts_with("sqlite:");
    if is_sqlite && settings.database.url.is_none() {
        std::fs::create_dir_all(&settings.storage.data_dir)
            .map_err(|e| DbErr::Custom(format!("cannot create data directory: {e}")))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(settings.database.max_connections.unwrap_or(if is_sqlite {
            8
        } else {
            10
        }))
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if is_sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    }
    Database::connect(options).await
}

/// Applies pending migrations.
#[tracing::instrument(skip_all)]
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Takes the transaction-scoped advisory lock `key` on PostgreSQL, so that of several `serve`
/// processes only one runs a scheduled job (backups, weekly reports); held until `txn` ends.
/// Always granted on SQLite, whose database belongs to one process.
pub async fn try_job_lock(txn: &sea_orm::DatabaseTransaction, key: i64) -> Result<bool, DbErr> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(true);
    }
    Ok(txn
        .query_one(Statement::from_string(
            DatabaseBackend::Postgres,
            format!("SELECT pg_try_advisory_xact_lock({key}) AS locked"),
        ))
        .await?
        .and_then(|r| r.try_get::<bool>("", "locked").ok())
        .unwrap_or(false))
}

/// Whether the database answers, as last seen: the HTTP layer answers 503 instead of waiting for
/// connection timeouts while it is down, and `/healthz` reports it.
#[derive(Debug, Clone)]
pub struct DbHealth {
    db: DatabaseConnection,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Longest wait for the probe query.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

impl DbHealth {
    /// Starts as "up" (the caller has just connected).
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            up: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)),
        }
    }

    /// The last probe's verdict.
    pub fn is_up(&self) -> bool {
        self.up.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `SELECT 1` (at most [`PROBE_TIMEOUT`]) and records the verdict; logs changes.
    pub async fn probe(&self) -> bool {
        use sea_orm::ConnectionTrait;
        let ok = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, self.db.execute_unprepared("SELECT 1")).await,
            Ok(Ok(_))
        );
        let was = self.up.swap(ok, std::sync::atomic::Ordering::Relaxed);
        match (was, ok) {
            (true, false) => tracing::error!("the database stopped answering"),
            (false, true) => tracing::info!("the database answers again"),
            _ => {}
        }
        ok
    }

    /// Probes every `every` until `shutdown`, so a recovered database is noticed without traffic.
    pub fn spawn_monitor(
        &self,
        every: Duration,
        shutdown: tokio_util::sync::CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(every) => { health.probe().await; }
                }
            }
        })
    }
}
