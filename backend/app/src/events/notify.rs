//! Cross-process fan-out on PostgreSQL through `LISTEN/NOTIFY` (issue 10): progress events reach
//! subscribers connected to any server, and new jobs wake workers in any process without polling.
//!
//! `pg_notify` runs inside the transaction that stores the event or the job, so a notification is
//! delivered exactly when the row is committed (never for a rolled-back one). Each process listens
//! on one dedicated connection and republishes other processes' events on its in-process bus;
//! its own (recognised by the bus's and queue's origin ids) are skipped: they were published
//! locally already. A notification lost while the
//! listening connection reconnects is caught by subscribers re-reading the table when idle.
//! On SQLite everything runs in one process and these calls do nothing.

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use serde::{Deserialize, Serialize};
use shared::progress::Stage;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{JobQueue, ProgressBus, ProgressEvent};

/// Channel of progress events.
pub const PROGRESS_CHANNEL: &str = "consult_coach_progress";
/// Channel of newly enqueued jobs.
pub const JOBS_CHANNEL: &str = "consult_coach_jobs";

/// Most characters of each message carried in a notification (PostgreSQL caps payloads at 8000
/// bytes; Korean takes three bytes a character).
const MAX_MESSAGE_CHARS: usize = 600;

/// A progress event as carried in a notification.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    /// Origin id of the sending bus.
    o: String,
    c: String,
    s: i32,
    st: String,
    p: Option<u8>,
    ko: String,
    en: String,
    at: i64,
}

async fn pg_notify<C: ConnectionTrait>(
    conn: &C,
    channel: &str,
    payload: &str,
) -> Result<(), DbErr> {
    conn.execute(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [channel.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// Announces a stored progress event to other processes (PostgreSQL only; delivered on commit).
pub async fn notify_progress<C: ConnectionTrait>(
    conn: &C,
    origin: &str,
    event: &ProgressEvent,
) -> Result<(), DbErr> {
    if conn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let payload = Payload {
        o: origin.to_owned(),
        c: event.consultation_id.clone(),
        s: event.seq,
        st: event.stage.as_str().to_owned(),
        p: event.percent,
        ko: event.message_ko.chars().take(MAX_MESSAGE_CHARS).collect(),
        en: event.message_en.chars().take(MAX_MESSAGE_CHARS).collect(),
        at: event.at_ms,
    };
    let text = serde_json::to_string(&payload).map_err(|e| DbErr::Custom(e.to_string()))?;
    pg_notify(conn, PROGRESS_CHANNEL, &text).await
}

/// Announces a new job to workers in other processes (PostgreSQL only; delivered on commit).
pub async fn notify_jobs<C: ConnectionTrait>(conn: &C, origin: &str) -> Result<(), DbErr> {
    if conn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    pg_notify(conn, JOBS_CHANNEL, origin).await
}

/// Listens for other processes' notifications and republishes them locally, reconnecting after
/// failures, until `shutdown`.
pub fn spawn_listener(
    database_url: String,
    bus: ProgressBus,
    queue: JobQueue,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                result = listen(&database_url, &bus, &queue) => {
                    if let Err(error) = result {
                        tracing::warn!(%error, "LISTEN connection failed; reconnecting in 1 s");
                    }
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    })
}

async fn listen(
    database_url: &str,
    bus: &ProgressBus,
    queue: &JobQueue,
) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(database_url).await?;
    listener
        .listen_all([PROGRESS_CHANNEL, JOBS_CHANNEL])
        .await?;
    tracing::debug!("listening for progress and job notifications");
    // Events committed while we were not listening are found by subscribers' idle re-reads;
    // jobs by the workers' polling. Wake local workers once in case one is waiting.
    queue.wake();
    loop {
        let notification = listener.recv().await?;
        match notification.channel() {
            PROGRESS_CHANNEL => match serde_json::from_str::<Payload>(notification.payload()) {
                Ok(payload) if payload.o != bus.origin() => {
                    if let Some(event) = to_event(payload) {
                        bus.publish(event);
                    }
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "ignoring a malformed progress notification"),
            },
            JOBS_CHANNEL if notification.payload() != queue.origin() => queue.wake(),
            _ => {}
        }
    }
}

fn to_event(payload: Payload) -> Option<ProgressEvent> {
    Some(ProgressEvent {
        consultation_id: payload.c,
        seq: payload.s,
        stage: Stage::from_db(&payload.st)?,
        percent: payload.p,
        message_ko: payload.ko,
        message_en: payload.en,
        at_ms: payload.at,
    })
}
