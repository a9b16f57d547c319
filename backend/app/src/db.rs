//! Database connection: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, plus migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DbErr, Statement, Value,
};

use crate::config::Settings;

/// Applies pending migrations on a connection of their own, then opens the application's pool.
///
/// Migrating through the pool could fail a migration: on SQLite, a pooled connection that did
/// not run an earlier step's DDL may still hold the old schema when it prepares a later step
/// (an `ADD COLUMN` after a `DROP COLUMN` was refused as a duplicate), and on PostgreSQL its
/// cached statements may predate the change. Every pooled connection opens after the last DDL.
#[tracing::instrument(skip_all)]
pub async fn connect_and_migrate(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let migrating = connect(settings, Some(1)).await?;
    migrate(&migrating).await?;
    migrating.close().await?;
    connect(settings, None).await
}

/// Connects to the configured database with at most `pool_size` connections (default: the
/// configured size), creating the data directory for embedded SQLite.
async fn connect(settings: &Settings, pool_size: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let url = settings.database_url();
    let is_sqlite = url.starts_with("sqlite:");
    if is_sqlite && settings.database.url.is_none() {
        std::fs::create_dir_all(&settings.storage.data_dir)
            .map_err(|e| DbErr::Custom(format!("cannot create data directory: {e}")))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(
            pool_size
                .or(settings.database.max_connections)
                .unwrap_or(if is_sqlite { 8 } else { 10 }),
        )
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if is_sqlite {
        let mmap_bytes =
            u64::from(settings.database.sqlite_mmap_mb.unwrap_or(DEFAULT_MMAP_MB)) << 20;
        options.map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
                // `PRAGMA optimize` (after migrations, hourly and on close) samples at most this
                // many rows per index, so it stays in milliseconds on any size of database.
                .pragma("analysis_limit", ANALYSIS_LIMIT.to_string())
                // Pages within the map are read without a copy into each connection's small
                // page cache.
                .pragma("mmap_size", mmap_bytes.to_string())
                .optimize_on_close(true, None)
        });
    }
    Database::connect(options).await
}

/// How much of an SQLite database file is read through a memory map unless configured
/// (`database.sqlite_mmap_mb`), MiB. Measured on 100,000 consultations (a 1.3 GB file), a map of
/// the whole file is a trade:
/// * beyond the map, pages are copied by `pread` into each connection's page cache: 12 % of a KPI
///   board's server CPU at 256 MiB, 1.5 % with the whole file mapped (boards 10–15 % faster);
/// * but a consultation detail reads scattered report pages, and faulting them into each
///   connection's map costs more than copying them: 1,220 and 1,246 req/s at 256 MiB against
///   1,096 and 1,008 with 1,280 MiB mapped.
///
/// The default keeps the detail's figure; a dashboard-heavy installation may map its whole file
/// (at most 2047 MiB). A map larger than the file is remapped by every connection whenever a
/// write grows the file (SQLite maps `min(mmap_size, file size)`).
const DEFAULT_MMAP_MB: u32 = 256;

/// Rows `PRAGMA optimize` samples per index (SQLite's `analysis_limit`).
const ANALYSIS_LIMIT: u32 = 1_000;

/// Applies pending migrations, then refreshes the planner statistics ([`optimize`]).
#[tracing::instrument(skip_all)]
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    optimize(db).await
}

/// On SQLite, `PRAGMA optimize=0x10002`: gathers the planner's statistics (`sqlite_stat1`) for
/// every table whose size changed a lot since they were last gathered, sampling at most
/// [`ANALYSIS_LIMIT`] rows per index. Without them SQLite picks indexes by their shape alone and
/// chose, for instance, the upload-kind index over `(user_id, at)` for each user's first upload
/// (368 ms against under 1 ms on 100,000 consultations). SQLite recommends it at start and
/// periodically for long-lived connections. PostgreSQL's autovacuum keeps its own statistics:
/// nothing to do there.
#[tracing::instrument(skip_all)]
pub async fn optimize(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DatabaseBackend};
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        let started = std::time::Instant::now();
        db.execute_unprepared("PRAGMA optimize=0x10002").await?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis(),
            "planner statistics refreshed"
        );
    }
    Ok(())
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
}

/// Databases and rows for unit tests.
#[cfg(test)]
pub mod fixtures {
    use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

    /// A migrated in-memory SQLite database of one connection.
    pub async fn memory_db() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        super::migrate(&db).await.unwrap_or_else(|e| panic!("{e}"));
        db
    }

    /// Runs `sql`, panicking with it on failure.
    pub async fn exec(db: &DatabaseConnection, sql: &str) {
        db.execute(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// An active counselor `id` without a team.
    pub async fn insert_counselor(db: &DatabaseConnection, id: &str) {
        exec(
            db,
            &format!(
                "INSERT INTO users (id, email, display_name, password_hash, role, team_id, \
                 locale, active, created_at) \
                 VALUES ('{id}', '{id}@x.io', '{id}', 'x', 'counselor', NULL, 'ko', true, 0)"
            ),
        )
        .await;
    }

    /// A completed text consultation `id` of `owner`, uploaded at 0 and finished at
    /// `completed_at`.
    pub async fn insert_consultation(
        db: &DatabaseConnection,
        id: &str,
        owner: &str,
        completed_at: Option<i64>,
    ) {
        let completed_at = completed_at.map_or("NULL".to_owned(), |at| at.to_string());
        exec(
            db,
            &format!(
                "INSERT INTO consultations (id, owner_id, title, file_type, status, \
                 source_sha256, storage_key, byte_size, mime, original_name, created_at, \
                 completed_at) \
                 VALUES ('{id}', '{owner}', 't', 'text', 'completed', '{id}', 'k/{id}', 1, \
                 'text/plain', 'a.txt', 0, {completed_at})"
            ),
        )
        .await;
    }
}

/// Renders `?` placeholders as `$1, $2, …` for PostgreSQL.
fn numbered(backend: DatabaseBackend, template: &str) -> String {
    if backend != DatabaseBackend::Postgres {
        return template.to_owned();
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut n = 0;
    for c in template.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A hand-written statement with `?` placeholders, for SQL the query builder cannot express
/// (`FOR UPDATE SKIP LOCKED`, `INSERT … SELECT` with a lateral latest row), on either backend.
pub fn statement(backend: DatabaseBackend, template: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, numbered(backend, template), values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered_in_order() {
        assert_eq!(
            numbered(DatabaseBackend::Postgres, "a = ? AND b = ?"),
            "a = $1 AND b = $2"
        );
        assert_eq!(numbered(DatabaseBackend::Sqlite, "a = ?"), "a = ?");
    }
}
