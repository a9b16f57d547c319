//! The durable job queue and its progress events, on the application database (SQLite or
//! PostgreSQL): the only writer of `jobs` and `job_events`.
//!
//! Why not a queue crate: the upload row and its job must commit in one transaction, and the final
//! write must be fenced by the attempt number so a worker that lost its lease cannot overwrite a
//! newer attempt. Both are one SQL statement each here (docs/ARCHITECTURE.md, "Job queue").
//!
//! Semantics: at-least-once. [`claim`] takes the oldest runnable job (queued and due, or running
//! with an expired lease), increments `attempts` and leases it to the worker. The worker renews the
//! lease with [`heartbeat`]; [`finish`] and [`retry_later`] succeed only while the worker still
//! holds the lease for that attempt. Events get a per-consultation sequence number
//! ([`insert_event`]) and are published on the bus once their transaction commits.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};

use crate::db::statement;
use crate::entity::job_events;
use crate::events::{JobQueue, ProgressBus, ProgressEvent, StageUpdate, notify};

/// The one job kind so far: process and analyse a consultation.
pub const KIND_ANALYZE: &str = "analyze";

/// A job leased to a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// Job id.
    pub id: String,
    /// The consultation to process.
    pub consultation_id: String,
    /// This attempt's number (1-based): the fencing token.
    pub attempt: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// The worker holding the lease.
    pub worker_id: String,
}

/// Inserts a queued job (inside the caller's transaction).
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    queue: &JobQueue,
    consultation_id: &str,
    max_attempts: i32,
    now_ms: i64,
) -> Result<String, DbErr> {
    let id = uuid::Uuid::now_v7().to_string();
    let backend = conn.get_database_backend();
    conn.execute(statement(
        backend,
        "INSERT INTO jobs (id, consultation_id, kind, status, attempts, max_attempts, run_at, created_at, updated_at) \
         VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?)",
        vec![
            id.clone().into(),
            consultation_id.into(),
            KIND_ANALYZE.into(),
            max_attempts.into(),
            now_ms.into(),
            now_ms.into(),
            now_ms.into(),
        ],
    ))
    .await?;
    notify::notify_jobs(conn, queue.origin()).await?;
    Ok(id)
}

/// Leases the oldest runnable job to `worker_id`, or returns `None` when there is nothing to do.
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    worker_id: &str,
    now_ms: i64,
    lease_ms: i64,
) -> Result<Option<ClaimedJob>, DbErr> {
    let backend = conn.get_database_backend();
    let lock = if backend == DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let template = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?, \
         lease_expires_at = ?, updated_at = ? \
         WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= ?) \
                     OR (status = 'running' AND lease_expires_at < ?) \
                     ORDER BY run_at, id LIMIT 1{lock}) \
         RETURNING id, consultation_id, attempts, max_attempts"
    );
    let row = conn
        .query_one(statement(
            backend,
            &template,
            vec![
                worker_id.into(),
                (now_ms + lease_ms).into(),
                now_ms.into(),
                now_ms.into(),
                now_ms.into(),
            ],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(ClaimedJob {
        id: row.try_get("", "id")?,
        consultation_id: row.try_get("", "consultation_id")?,
        attempt: row.try_get("", "attempts")?,
        max_attempts: row.try_get("", "max_attempts")?,
        worker_id: worker_id.to_owned(),
    }))
}

/// Extends the lease; returns false when the worker no longer holds it.
pub async fn heartbeat<C: ConnectionTrait>(
    conn: &C,
    job: &ClaimedJob,
    now_ms: i64,
    lease_ms: i64,
) -> Result<bool, DbErr> {
    let result = conn
        .execute(statement(
            conn.get_database_backend(),
            "UPDATE jobs SET lease_expires_at = ?, updated_at = ? \
             WHERE id = ? AND attempts = ? AND locked_by = ? AND status = 'running'",
            vec![
                (now_ms + lease_ms).into(),
                now_ms.into(),
                job.id.clone().into(),
                job.attempt.into(),
                job.worker_id.clone().into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Marks the job `done` or `dead` if this attempt still holds it (run inside the transaction that
/// stores the result; roll back when it returns false).
pub async fn finish<C: ConnectionTrait>(
    conn: &C,
    job: &ClaimedJob,
    status: FinalStatus,
    error: Option<&str>,
    now_ms: i64,
) -> Result<bool, DbErr> {
    let result = conn
        .execute(statement(
            conn.get_database_backend(),
            "UPDATE jobs SET status = ?, locked_by = NULL, lease_expires_at = NULL, last_error = ?, updated_at = ? \
             WHERE id = ? AND attempts = ? AND locked_by = ? AND status = 'running'",
            vec![
                status.as_str().into(),
                error.map(str::to_owned).into(),
                now_ms.into(),
                job.id.clone().into(),
                job.attempt.into(),
                job.worker_id.clone().into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Puts the job back in the queue to run at `run_at_ms`, if this attempt still holds it.
pub async fn retry_later<C: ConnectionTrait>(
    conn: &C,
    job: &ClaimedJob,
    error: &str,
    run_at_ms: i64,
    now_ms: i64,
) -> Result<bool, DbErr> {
    let result = conn
        .execute(statement(
            conn.get_database_backend(),
            "UPDATE jobs SET status = 'queued', locked_by = NULL, lease_expires_at = NULL, last_error = ?, \
             run_at = ?, updated_at = ? \
             WHERE id = ? AND attempts = ? AND locked_by = ? AND status = 'running'",
            vec![
                error.into(),
                run_at_ms.into(),
                now_ms.into(),
                job.id.clone().into(),
                job.attempt.into(),
                job.worker_id.clone().into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// How a job ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalStatus {
    /// Completed successfully.
    Done,
    /// Failed for good (dead letter).
    Dead,
}

impl FinalStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }
}

/// Jobs waiting to run (the queue-length metric).
pub async fn count_queued<C: ConnectionTrait>(conn: &C) -> Result<i64, DbErr> {
    let row = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'",
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Backoff before retry `attempt`: 2^attempt seconds (capped at 5 min) with ±25% jitter.
pub fn backoff_ms(attempt: i32) -> i64 {
    use rand::Rng;
    let base = 1000i64 << attempt.clamp(0, 8);
    let base = base.min(300_000);
    let jitter = rand::thread_rng().gen_range(-(base / 4)..=(base / 4));
    base + jitter
}

/// Stores an event with the next sequence number of its consultation (inside the caller's
/// transaction when given one) and, on PostgreSQL, notifies other processes on commit. Publish it
/// on the local bus after the transaction commits.
pub async fn insert_event<C: ConnectionTrait>(
    conn: &C,
    bus: &ProgressBus,
    consultation_id: &str,
    update: StageUpdate,
    at_ms: i64,
) -> Result<ProgressEvent, DbErr> {
    let last: Option<i32> = job_events::Entity::find()
        .select_only()
        .column_as(job_events::Column::Seq.max(), "max_seq")
        .filter(job_events::Column::ConsultationId.eq(consultation_id))
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten();
    let row = job_events::ActiveModel {
        consultation_id: Set(consultation_id.to_owned()),
        seq: Set(last.unwrap_or(0) + 1),
        stage: Set(update.stage.as_str().to_owned()),
        percent: Set(update.percent.map(i16::from)),
        message: Set(update.message_ko),
        message_en: Set(update.message_en),
        at: Set(at_ms),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let event = ProgressEvent::from(row);
    notify::notify_progress(conn, bus.origin(), &event).await?;
    Ok(event)
}

/// Stored events of a consultation with `seq > after_seq`, in order.
pub async fn list_events<C: ConnectionTrait>(
    conn: &C,
    consultation_id: &str,
    after_seq: i32,
) -> Result<Vec<ProgressEvent>, DbErr> {
    Ok(job_events::Entity::find()
        .filter(job_events::Column::ConsultationId.eq(consultation_id))
        .filter(job_events::Column::Seq.gt(after_seq))
        .order_by_asc(job_events::Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(ProgressEvent::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_within_jitter_bounds() {
        for attempt in 1..12 {
            let ms = backoff_ms(attempt);
            let base = (1000i64 << attempt.min(8)).min(300_000);
            assert!(
                ms >= base - base / 4 && ms <= base + base / 4,
                "{attempt}: {ms}"
            );
        }
    }
}
