//! Every process stores one `server_samples` row per interval (aligned to the interval on the
//! wall clock, so each minute of a 60-second interval holds exactly one row per process): the
//! API requests, errors and subscription connections counted since the last stored row, the
//! database health checks, the process's CPU and resident memory, and for `serve` processes the
//! job queue's length and the database's size. These rows are the history behind the API
//! response time, error rate, uptime, subscription, queue and resource KPIs.
//!
//! A row that cannot be stored (database down) is not lost: its counts are carried into the next
//! row, so the failed health checks of an outage are recorded once the database answers again.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use shared::clock::now_ms;

use super::ProcessRole;
use crate::db::DbHealth;
use crate::service::kpi::sources::{NewSample, record_sample};
use crate::telemetry::metrics::{METRICS, Totals};

/// CPU time and memory of this process, read from `/proc`.
#[derive(Debug, Clone, Copy)]
struct ProcessUsage {
    cpu_secs: f64,
    rss_bytes: i64,
    mem_total_bytes: Option<i64>,
}

fn read_usage() -> Option<ProcessUsage> {
    use procfs::Current;
    let stat = procfs::process::Process::myself().ok()?.stat().ok()?;
    let ticks = procfs::ticks_per_second().max(1) as f64;
    Some(ProcessUsage {
        cpu_secs: (stat.utime + stat.stime) as f64 / ticks,
        rss_bytes: i64::try_from(stat.rss.saturating_mul(procfs::page_size())).unwrap_or(i64::MAX),
        mem_total_bytes: procfs::Meminfo::current()
            .ok()
            .and_then(|m| i64::try_from(m.mem_total).ok()),
    })
}

/// Database and queue sizes, measured by serve processes.
#[derive(Debug, Clone, Copy, Default)]
struct StoreSizes {
    queue_length: Option<i64>,
    db_bytes: Option<i64>,
    queue_bytes: Option<i64>,
}

async fn scalar<C: ConnectionTrait>(conn: &C, sql: &str) -> Option<i64> {
    let row = conn
        .query_one(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            sql,
        ))
        .await
        .ok()??;
    row.try_get_by_index::<Option<i64>>(0).ok().flatten()
}

async fn measure_sizes(db: &DatabaseConnection) -> StoreSizes {
    let queue_length = scalar(db, "SELECT COUNT(*) FROM jobs WHERE status = 'queued'").await;
    let (db_bytes, queue_bytes) = match db.get_database_backend() {
        DatabaseBackend::Postgres => (
            scalar(db, "SELECT CAST(pg_database_size(current_database()) AS BIGINT)").await,
            scalar(
                db,
                "SELECT CAST(pg_total_relation_size('jobs') + pg_total_relation_size('job_events') AS BIGINT)",
            )
            .await,
        ),
        _ => (
            // The main file; the WAL is checkpointed back into it.
            scalar(
                db,
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .await,
            // `dbstat` is compiled into the bundled SQLite; without it the share is unknown.
            scalar(
                db,
                "SELECT CAST(SUM(pgsize) AS BIGINT) FROM dbstat WHERE name IN ('jobs', 'job_events') \
                 OR tbl_name IN ('jobs', 'job_events')",
            )
            .await,
        ),
    };
    StoreSizes {
        queue_length,
        db_bytes,
        queue_bytes,
    }
}

/// The counts not yet stored.
#[derive(Debug, Default)]
struct Pending {
    counted: Totals,
    health_checks: i64,
    health_ok: i64,
}

/// Starts sampling every `interval` until `shutdown`; the final, partial interval is stored too.
pub fn spawn_sampler(
    db: DatabaseConnection,
    role: ProcessRole,
    interval: Duration,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    let process_id = format!("{}:{}:{}", hostname(), std::process::id(), now_ms());
    tokio::spawn(async move {
        let health = DbHealth::new(db.clone());
        let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(60_000).max(1);
        let mut last_totals = METRICS.totals();
        let mut last_usage = read_usage();
        let mut pending = Pending::default();
        loop {
            let now = now_ms();
            let next = (now / interval_ms + 1) * interval_ms;
            let wait = Duration::from_millis(u64::try_from(next - now).unwrap_or(0));
            let stopping = tokio::select! {
                () = shutdown.cancelled() => true,
                () = tokio::time::sleep(wait) => false,
            };
            let at = if stopping { now_ms() } else { next };
            let totals = METRICS.totals();
            let counted = totals.since(last_totals);
            last_totals = totals;
            pending.counted = pending.counted + counted;
            pending.health_checks += 1;
            if health.probe().await {
                pending.health_ok += 1;
            }
            let usage = read_usage();
            let cpu_pct = match (last_usage, usage) {
                (Some(before), Some(after)) => {
                    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
                    let elapsed = interval_ms as f64 / 1000.0;
                    Some(
                        ((after.cpu_secs - before.cpu_secs) / elapsed / cpus * 100.0)
                            .clamp(0.0, 100.0),
                    )
                }
                _ => None,
            };
            last_usage = usage;
            let sizes = match role {
                ProcessRole::Serve => measure_sizes(&db).await,
                ProcessRole::Worker => StoreSizes::default(),
            };
            let sample = NewSample {
                process_id: process_id.clone(),
                role: role.as_str(),
                at,
                interval_ms,
                requests: to_i64(pending.counted.requests),
                request_errors: to_i64(pending.counted.errors),
                request_ms_sum: to_i64(pending.counted.request_ms),
                ws_attempts: to_i64(pending.counted.ws_attempts),
                ws_acked: to_i64(pending.counted.ws_acked),
                health_checks: pending.health_checks,
                health_ok: pending.health_ok,
                cpu_pct,
                rss_bytes: usage.map(|u| u.rss_bytes),
                mem_total_bytes: usage.and_then(|u| u.mem_total_bytes),
                queue_length: sizes.queue_length,
                db_bytes: sizes.db_bytes,
                queue_bytes: sizes.queue_bytes,
            };
            match record_sample(&db, sample).await {
                Ok(_) => pending = Pending::default(),
                Err(error) => {
                    tracing::warn!(%error, "could not store a server sample; counts carry over");
                }
            }
            if stopping {
                break;
            }
        }
    })
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
