//! Database backups (KPI sheet §5.2 데이터 백업 빈도): SQLite with `VACUUM INTO` (a consistent
//! copy of a live database, WAL included), PostgreSQL with `pg_dump --format=custom`. Every
//! attempt is recorded in `backups`; the newest `backup.keep` files are kept. `serve` backs up on
//! its own every `backup.interval_hours`; `consult-coach backup` backs up now.
//!
//! Restoring: SQLite — stop the server and copy the backup over the database file (or point
//! `database.url` at it); PostgreSQL — `pg_restore --clean --if-exists -d <url> <file>`.

use shared::errors::ErrorCode;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::Viewer;
use crate::config::Settings;
use crate::db::try_job_lock;
use crate::entity::backups;
use crate::error::catalogue;
use crate::error::{AccessError, UserFacingError, internal_message};
use shared::clock::now_ms;
use shared::language::Language;

/// Why a backup failed or could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Not an admin.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The backup itself failed (recorded in `backups`).
    #[error("backup failed: {0}")]
    Failed(String),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for BackupError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Access(e) => e.code(),
            Self::Failed(_) => ErrorCode::BackupFailed,
            Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Access(e) => e.user_message(lang),
            Self::Failed(_) => catalogue::message(self.code(), lang).to_owned(),
            Self::Db(_) => internal_message(lang),
        }
    }
}

/// What made a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The schedule of `serve`.
    Scheduled,
    /// `consult-coach backup` or an admin.
    Manual,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Manual => "manual",
        }
    }
}

/// Where and how to back up.
#[derive(Debug, Clone)]
pub struct BackupPlan {
    /// The backup directory.
    pub dir: PathBuf,
    /// Files to keep.
    pub keep: usize,
    /// The `pg_dump` program.
    pub pg_dump: PathBuf,
    /// The database URL (PostgreSQL backups connect with it).
    pub database_url: SecretString,
    /// Time between scheduled backups; `None`: no schedule.
    pub interval: Option<Duration>,
}

impl BackupPlan {
    /// The plan the settings describe.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            dir: settings.backup_dir(),
            keep: usize::try_from(settings.backup.keep).unwrap_or(7),
            pg_dump: settings.backup.pg_dump.clone(),
            database_url: SecretString::from(settings.database_url()),
            interval: (settings.backup.interval_hours > 0)
                .then(|| Duration::from_secs(u64::from(settings.backup.interval_hours) * 3600)),
        }
    }
}

/// The file name of a backup started at `at_ms`.
fn file_name(at_ms: i64, extension: &str) -> String {
    let at = shared::clock::to_datetime(at_ms);
    format!(
        "consult-coach-{}-{:03}.{extension}",
        at.format("%Y%m%d-%H%M%S"),
        at_ms.rem_euclid(1000)
    )
}

async fn backup_sqlite(db: &DatabaseConnection, path: &Path) -> Result<(), String> {
    let target = path.to_string_lossy().into_owned();
    db.execute(crate::db::statement(
        sea_orm::DatabaseBackend::Sqlite,
        "VACUUM INTO ?",
        vec![target.into()],
    ))
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}

async fn backup_postgres(plan: &BackupPlan, path: &Path) -> Result<(), String> {
    let mut url = reqwest::Url::parse(plan.database_url.expose_secret())
        .map_err(|_| "the database URL cannot be parsed".to_owned())?;
    let password = url.password().map(str::to_owned);
    // The password goes through the environment, not the command line other users can read.
    let _ = url.set_password(None);
    let mut command = tokio::process::Command::new(&plan.pg_dump);
    command
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(path)
        .arg("--dbname")
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command
        .output()
        .await
        .map_err(|e| format!("cannot run {}: {e}", plan.pg_dump.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "pg_dump exited with {}: {}",
            output.status,
            stderr.trim().chars().take(500).collect::<String>()
        ))
    }
}

/// Deletes all but the newest `keep` backup files of `dir`.
fn prune(dir: &Path, keep: usize) -> std::io::Result<usize> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("consult-coach-") && (n.ends_with(".db") || n.ends_with(".dump"))
            })
        })
        .collect();
    // Names start with the UTC time, so they sort by age.
    files.sort();
    let excess = files.len().saturating_sub(keep);
    for old in &files[..excess] {
        std::fs::remove_file(old)?;
    }
    Ok(excess)
}

/// Backs the database up now and records the attempt.
///
/// Errors: [`BackupError::Failed`] when the copy could not be made (the failure is recorded).
#[tracing::instrument(skip(db, plan))]
pub async fn run_backup(
    db: &DatabaseConnection,
    plan: &BackupPlan,
    trigger: Trigger,
) -> Result<backups::Model, BackupError> {
    let at = now_ms();
    let started = Instant::now();
    let backend = db.get_database_backend();
    let (kind, extension) = match backend {
        DatabaseBackend::Postgres => ("postgres", "dump"),
        _ => ("sqlite", "db"),
    };
    let name = file_name(at, extension);
    let path = plan.dir.join(&name);
    let made = match std::fs::create_dir_all(&plan.dir) {
        Err(e) => Err(format!("cannot create {}: {e}", plan.dir.display())),
        Ok(()) => match backend {
            DatabaseBackend::Postgres => backup_postgres(plan, &path).await,
            _ => backup_sqlite(db, &path).await,
        },
    };
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    if made.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    let row = backups::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        at: Set(at),
        kind: Set(kind.to_owned()),
        trigger: Set(trigger.as_str().to_owned()),
        file_name: Set(name),
        bytes: Set(if made.is_ok() {
            i64::try_from(bytes).unwrap_or(i64::MAX)
        } else {
            0
        }),
        duration_ms: Set(i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)),
        ok: Set(made.is_ok()),
        error: Set(made.as_ref().err().cloned()),
    }
    .insert(db)
    .await?;
    match made {
        Ok(()) => {
            match prune(&plan.dir, plan.keep) {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "old backups removed"),
                Err(error) => tracing::warn!(%error, "could not remove old backups"),
            }
            tracing::info!(file = %row.file_name, bytes = row.bytes, "database backed up");
            Ok(row)
        }
        Err(reason) => {
            tracing::error!(%reason, "database backup failed");
            Err(BackupError::Failed(reason))
        }
    }
}

/// The most recent backups, newest first (admins only).
pub async fn list_backups(
    db: &DatabaseConnection,
    viewer: &Viewer,
    limit: u64,
) -> Result<Vec<backups::Model>, BackupError> {
    viewer.require_admin()?;
    Ok(backups::Entity::find()
        .order_by_desc(backups::Column::At)
        .limit(limit.clamp(1, 200))
        .all(db)
        .await?)
}

/// Backs up now on an admin's request.
pub async fn backup_now(
    db: &DatabaseConnection,
    viewer: &Viewer,
    plan: &BackupPlan,
) -> Result<backups::Model, BackupError> {
    viewer.require_admin()?;
    run_backup(db, plan, Trigger::Manual).await
}

/// Whether the last successful backup is older than `interval`.
async fn is_due<C: ConnectionTrait>(conn: &C, interval: Duration) -> Result<bool, DbErr> {
    let row = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            "SELECT MAX(at) AS last FROM backups WHERE ok = TRUE",
        ))
        .await?;
    let last = row.and_then(|r| r.try_get::<Option<i64>>("", "last").ok().flatten());
    let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
    Ok(last.is_none_or(|at| now_ms() - at >= interval_ms))
}

/// The advisory lock key of scheduled backups.
const BACKUP_LOCK: i64 = 7_263_504;

/// Makes the scheduled backup when it is due. On PostgreSQL a transaction-scoped advisory lock
/// lets only one of several `serve` processes do it.
pub async fn backup_if_due(db: &DatabaseConnection, plan: &BackupPlan, interval: Duration) {
    let outcome: Result<(), BackupError> = async {
        let lock = db.begin().await?;
        if try_job_lock(&lock, BACKUP_LOCK).await? && is_due(db, interval).await? {
            run_backup(db, plan, Trigger::Scheduled).await?;
        }
        lock.commit().await?;
        Ok(())
    }
    .await;
    if let Err(error) = outcome {
        tracing::warn!(%error, "scheduled backup not made");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_files_are_named_by_time_and_only_the_newest_are_kept() {
        assert_eq!(
            file_name(1_767_571_200_123, "db"),
            "consult-coach-20260105-000000-123.db"
        );
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for at in [1_000, 2_000, 3_000, 4_000] {
            std::fs::write(dir.path().join(file_name(at * 86_400, "db")), b"x")
                .unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(dir.path().join("notes.txt"), b"keep me").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prune(dir.path(), 2).ok(), Some(2));
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                file_name(3_000 * 86_400, "db"),
                file_name(4_000 * 86_400, "db"),
                "notes.txt".to_owned()
            ]
        );
    }
}
