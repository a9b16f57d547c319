//! What a process runs besides answering requests: the shared pieces every process opens
//! ([`Core`]) and every background task of each process role, listed in one table
//! ([`BACKGROUND_TASKS`]). A task's body is a service call; this module only decides when it runs
//! and in which process.

pub mod periodic;
pub mod sampler;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use coach_analyzer::local::LocalAnalyzer;
use coach_engines::llm::Refiner;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::auth::limits::{LoginLimiter, LoginLimits};
use crate::config::Settings;
use crate::db::DbHealth;
use crate::events::{JobQueue, ProgressBus};
use crate::jobs::{WorkerContext, spawn_workers};
use crate::service;
use crate::service::backups::BackupPlan;
use crate::service::kpi::sources::DAY_MS;
use crate::service::llm_calls::DbCallRecorder;
use crate::storage::Storage;
use periodic::spawn_periodic;

/// Which kind of process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessRole {
    /// `consult-coach serve`: the HTTP API and, usually, workers.
    Serve,
    /// `consult-coach worker`: job workers only.
    Worker,
}

impl ProcessRole {
    /// The stored name (`server_samples.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Serve => "serve",
            Self::Worker => "worker",
        }
    }
}

/// The shared pieces every process opens.
#[derive(Clone)]
pub struct Core {
    /// Database (migrated).
    pub db: DatabaseConnection,
    /// Object storage.
    pub storage: Storage,
    /// Progress fan-out.
    pub bus: ProgressBus,
    /// Worker wake-ups.
    pub queue: JobQueue,
    /// Whether the database answers (probed in the background, read by `/healthz`).
    pub health: DbHealth,
    /// Login rate limits.
    pub login_limiter: Arc<LoginLimiter>,
}

impl Core {
    /// Connects, migrates and opens storage.
    ///
    /// Errors: the database or the storage could not be opened.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let db = crate::db::connect_and_migrate(settings)
            .await
            .context("connecting to and migrating the database")?;
        let storage = Storage::from_settings(&settings.storage).context("opening file storage")?;
        Ok(Self {
            health: DbHealth::new(db.clone()),
            db,
            storage,
            bus: ProgressBus::new(),
            queue: JobQueue::new(),
            login_limiter: Arc::new(LoginLimiter::new(LoginLimits {
                per_address_and_account_per_minute: settings
                    .auth
                    .login_per_address_and_account_per_minute,
                per_account_per_15_minutes: settings.auth.login_per_account_per_15_minutes,
                unknown_accounts_per_ip_per_minute: settings.auth.login_per_ip_per_minute,
            })),
        })
    }

    /// The context a job worker needs: the analyzer, the refiner when a provider is configured,
    /// speech-to-text and the shared pieces.
    ///
    /// Errors: the analyzer provider's client could not be built.
    pub fn worker_context(&self, settings: &Settings) -> anyhow::Result<WorkerContext> {
        let calls = Arc::new(DbCallRecorder::new(self.db.clone()));
        let refiner =
            Refiner::from_settings(&settings.analyzer, &settings.providers, calls.clone())
                .context("setting up the analyzer provider")?
                .map(Arc::new);
        if let Some(refiner) = &refiner {
            tracing::info!(
                provider = refiner.provider_name(),
                model = refiner.model(),
                "reports are refined by an LLM provider (local report on failure)"
            );
        }
        Ok(WorkerContext {
            db: self.db.clone(),
            storage: self.storage.clone(),
            bus: self.bus.clone(),
            queue: self.queue.clone(),
            analyzer: Arc::new(LocalAnalyzer::default()),
            refiner,
            settings: settings.workers.clone(),
            aliases: Arc::new(settings.ingest.speaker_aliases()),
            speech: Arc::new(coach_engines::speech::SpeechService::new(
                &settings.speech,
                &settings.providers,
                calls,
            )),
        })
    }
}

/// What a task is started with.
pub struct TaskContext<'a> {
    /// The process's settings.
    pub settings: &'a Settings,
    /// The shared pieces.
    pub core: &'a Core,
    /// The process's role.
    pub role: ProcessRole,
    /// Cancelled when the process stops.
    pub shutdown: CancellationToken,
}

/// A background task: its name, the roles that run it, when it runs, and how it starts (nothing
/// when the settings or the database leave it nothing to do).
pub struct BackgroundTask {
    /// What it is called in logs and docs.
    pub name: &'static str,
    /// The process roles that run it.
    pub roles: &'static [ProcessRole],
    /// When it runs, in words (docs/ARCHITECTURE.md repeats this table).
    pub schedule: &'static str,
    start: fn(&TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>>,
}

const BOTH: &[ProcessRole] = &[ProcessRole::Serve, ProcessRole::Worker];
const SERVE: &[ProcessRole] = &[ProcessRole::Serve];

/// Every background task of every process role.
pub const BACKGROUND_TASKS: &[BackgroundTask] = &[
    BackgroundTask {
        name: "job workers",
        roles: BOTH,
        schedule: "`workers.count` workers, woken by uploads and polling every `workers.poll_interval_ms`",
        start: start_workers,
    },
    BackgroundTask {
        name: "notification listener",
        roles: BOTH,
        schedule: "PostgreSQL only: one LISTEN connection, reconnecting after 1 s",
        start: start_listener,
    },
    BackgroundTask {
        name: "KPI sampler",
        roles: BOTH,
        schedule: "every `kpi.sample_interval_secs`, aligned to the wall clock",
        start: start_sampler,
    },
    BackgroundTask {
        name: "key-exposure recorder",
        roles: BOTH,
        schedule: "as the secret scanner finds credentials in logs or provider errors",
        start: start_incident_recorder,
    },
    BackgroundTask {
        name: "database health probe",
        roles: SERVE,
        schedule: "every 2 s",
        start: start_health_probe,
    },
    BackgroundTask {
        name: "SQLite planner statistics",
        roles: SERVE,
        schedule: "SQLite only: hourly",
        start: start_optimizer,
    },
    BackgroundTask {
        name: "weekly KPI report",
        roles: SERVE,
        schedule: "hourly check, when `kpi.weekly_reports`",
        start: start_weekly_reports,
    },
    BackgroundTask {
        name: "coaching follow-ups",
        roles: SERVE,
        schedule: "every 10 min",
        start: start_followups,
    },
    BackgroundTask {
        name: "KPI day-cache warm-up",
        roles: SERVE,
        schedule: "1 min after start, then hourly",
        start: start_warm_up,
    },
    BackgroundTask {
        name: "sample and storage rollups",
        roles: SERVE,
        schedule: "every 5 min (nothing due at start)",
        start: start_rollups,
    },
    BackgroundTask {
        name: "scheduled backups",
        roles: SERVE,
        schedule: "checked every `backup.interval_hours` (at most 10 min apart), when not 0",
        start: start_backups,
    },
    BackgroundTask {
        name: "login limiter sweep",
        roles: SERVE,
        schedule: "every 5 min",
        start: start_limiter_sweep,
    },
];

/// Starts every background task of `ctx.role`.
///
/// Errors: a task could not be set up (the analyzer provider's client, for the workers).
pub fn start_background_tasks(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let mut handles = Vec::new();
    for task in BACKGROUND_TASKS
        .iter()
        .filter(|t| t.roles.contains(&ctx.role))
    {
        let started = (task.start)(ctx).with_context(|| format!("starting the {}", task.name))?;
        tracing::debug!(
            task = task.name,
            handles = started.len(),
            "background task started"
        );
        handles.extend(started);
    }
    Ok(handles)
}

fn start_workers(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let count = ctx.settings.workers.count;
    if count == 0 {
        return Ok(Vec::new());
    }
    let worker = ctx.core.worker_context(ctx.settings)?;
    Ok(spawn_workers(worker, count, ctx.shutdown.clone()))
}

fn start_listener(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let postgres = ctx.core.db.get_database_backend() == DatabaseBackend::Postgres;
    Ok(postgres
        .then(|| {
            crate::events::notify::spawn_listener(
                ctx.settings.database_url(),
                ctx.core.bus.clone(),
                ctx.core.queue.clone(),
                ctx.shutdown.clone(),
            )
        })
        .into_iter()
        .collect())
}

fn start_sampler(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    Ok(vec![sampler::spawn_sampler(
        ctx.core.db.clone(),
        ctx.role,
        Duration::from_secs(ctx.settings.kpi.sample_interval_secs),
        ctx.shutdown.clone(),
    )])
}

fn start_incident_recorder(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let Some(mut incidents) = crate::telemetry::secrets::take_incidents() else {
        return Ok(Vec::new());
    };
    let (db, shutdown) = (ctx.core.db.clone(), ctx.shutdown.clone());
    Ok(vec![tokio::spawn(async move {
        loop {
            let incident = tokio::select! {
                () = shutdown.cancelled() => break,
                incident = incidents.recv() => match incident {
                    Some(incident) => incident,
                    None => break,
                },
            };
            if let Err(error) = service::security::record_incident(&db, &incident).await {
                // Written straight to stderr: logging it would go through the scanner again.
                let _ = std::io::Write::write_all(
                    &mut std::io::stderr(),
                    format!("could not record a key-exposure incident: {error}\n").as_bytes(),
                );
            }
        }
    })])
}

fn start_health_probe(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let every = Duration::from_secs(2);
    let health = ctx.core.health.clone();
    Ok(vec![spawn_periodic(
        every,
        every,
        ctx.shutdown.clone(),
        move || {
            let health = health.clone();
            async move {
                health.probe().await;
            }
        },
    )])
}

fn start_optimizer(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    if ctx.core.db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(Vec::new());
    }
    let every = Duration::from_secs(3_600);
    let db = ctx.core.db.clone();
    Ok(vec![spawn_periodic(
        every,
        every,
        ctx.shutdown.clone(),
        move || {
            let db = db.clone();
            async move {
                if let Err(error) = crate::db::optimize(&db).await {
                    tracing::warn!(%error, "refreshing the planner statistics failed");
                }
            }
        },
    )])
}

fn start_weekly_reports(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    if !ctx.settings.kpi.weekly_reports {
        return Ok(Vec::new());
    }
    let (db, settings) = (ctx.core.db.clone(), ctx.settings.kpi.clone());
    Ok(vec![spawn_periodic(
        Duration::ZERO,
        Duration::from_secs(3_600),
        ctx.shutdown.clone(),
        move || {
            let (db, settings) = (db.clone(), settings.clone());
            async move { service::reports::write_if_missing(&db, &settings).await }
        },
    )])
}

fn coaching_window_ms(settings: &Settings) -> i64 {
    i64::from(settings.kpi.coaching_window_days) * DAY_MS
}

fn start_followups(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let (db, window_ms) = (ctx.core.db.clone(), coaching_window_ms(ctx.settings));
    Ok(vec![spawn_periodic(
        Duration::ZERO,
        Duration::from_secs(600),
        ctx.shutdown.clone(),
        move || {
            let db = db.clone();
            async move { service::analyses::followups::settle_due(&db, window_ms).await }
        },
    )])
}

fn start_warm_up(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let db = ctx.core.db.clone();
    let offset_ms = i64::from(ctx.settings.kpi.utc_offset_minutes) * 60_000;
    let window_ms = coaching_window_ms(ctx.settings);
    Ok(vec![spawn_periodic(
        Duration::from_secs(60),
        Duration::from_secs(3_600),
        ctx.shutdown.clone(),
        move || {
            let db = db.clone();
            async move { service::kpi::daycache::warm_up_now(&db, offset_ms, window_ms).await }
        },
    )])
}

fn start_rollups(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let db = ctx.core.db.clone();
    let keep_samples_ms = i64::from(ctx.settings.kpi.sample_retention_days) * DAY_MS;
    let every = Duration::from_secs(300);
    Ok(vec![spawn_periodic(
        every,
        every,
        ctx.shutdown.clone(),
        move || {
            let db = db.clone();
            async move { service::kpi::sources::roll_up_due(&db, keep_samples_ms).await }
        },
    )])
}

fn start_backups(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let plan = BackupPlan::from_settings(ctx.settings);
    let Some(interval) = plan.interval else {
        return Ok(Vec::new());
    };
    let db = ctx.core.db.clone();
    Ok(vec![spawn_periodic(
        Duration::ZERO,
        interval.min(Duration::from_secs(600)),
        ctx.shutdown.clone(),
        move || {
            let (db, plan) = (db.clone(), plan.clone());
            async move { service::backups::backup_if_due(&db, &plan, interval).await }
        },
    )])
}

fn start_limiter_sweep(ctx: &TaskContext<'_>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let limiter = ctx.core.login_limiter.clone();
    let every = Duration::from_secs(300);
    Ok(vec![spawn_periodic(
        every,
        every,
        ctx.shutdown.clone(),
        move || {
            let limiter = limiter.clone();
            async move { limiter.forget_idle() }
        },
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_background_task_has_a_name_a_role_and_a_schedule() {
        let mut names: Vec<_> = BACKGROUND_TASKS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BACKGROUND_TASKS.len(), "names are unique");
        assert!(
            BACKGROUND_TASKS
                .iter()
                .all(|t| !t.roles.is_empty() && !t.schedule.is_empty())
        );
        let worker_tasks: Vec<_> = BACKGROUND_TASKS
            .iter()
            .filter(|t| t.roles.contains(&ProcessRole::Worker))
            .map(|t| t.name)
            .collect();
        assert_eq!(
            worker_tasks,
            [
                "job workers",
                "notification listener",
                "KPI sampler",
                "key-exposure recorder"
            ]
        );
    }
}
