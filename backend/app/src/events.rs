//! In-process signals of the job pipeline: progress events ([`ProgressEvent`], published on the
//! [`ProgressBus`] after they are stored) and worker wake-ups ([`JobQueue`]). On PostgreSQL,
//! [`notify`] carries both between processes. Subscribers replay what is stored and follow the
//! bus; a lagging subscriber re-reads the table instead of making the bus grow, so memory stays
//! bounded.

pub mod notify;

use std::sync::Arc;

use shared::progress::Stage;
use tokio::sync::Notify;
use tokio::sync::broadcast;

use crate::entity::job_events;

/// One progress event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    /// The consultation.
    pub consultation_id: String,
    /// Sequence number within the consultation, from 1.
    pub seq: i32,
    /// The stage reached.
    pub stage: Stage,
    /// Percent complete, when known.
    pub percent: Option<u8>,
    /// Korean message.
    pub message_ko: String,
    /// English message.
    pub message_en: String,
    /// When, epoch ms.
    pub at_ms: i64,
}

impl From<job_events::Model> for ProgressEvent {
    fn from(row: job_events::Model) -> Self {
        Self {
            consultation_id: row.consultation_id,
            seq: row.seq,
            stage: Stage::from_db(&row.stage).unwrap_or(Stage::Failed),
            percent: row.percent.and_then(|p| u8::try_from(p).ok()),
            message_ko: row.message,
            message_en: row.message_en,
            at_ms: row.at,
        }
    }
}

/// A stage update to record: stage, percent and a bilingual message.
#[derive(Debug, Clone)]
pub struct StageUpdate {
    /// The stage.
    pub stage: Stage,
    /// Percent complete.
    pub percent: Option<u8>,
    /// Korean message.
    pub message_ko: String,
    /// English message.
    pub message_en: String,
}

impl StageUpdate {
    /// Builds an update.
    pub fn new(stage: Stage, percent: u8, ko: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            stage,
            percent: Some(percent),
            message_ko: ko.into(),
            message_en: en.into(),
        }
    }
}

/// Capacity of the in-process broadcast channel (events, not bytes).
const BUS_CAPACITY: usize = 1024;

/// The in-process fan-out of progress events.
#[derive(Debug, Clone)]
pub struct ProgressBus {
    tx: broadcast::Sender<ProgressEvent>,
    origin: Arc<str>,
}

impl Default for ProgressBus {
    fn default() -> Self {
        Self::new()
    }
}

impl ProgressBus {
    /// A bus with a bounded buffer.
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(BUS_CAPACITY);
        Self {
            tx,
            origin: uuid::Uuid::new_v4().simple().to_string().into(),
        }
    }

    /// This bus's identity in cross-process notifications (its own are not republished).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Publishes a stored event to live subscribers.
    pub fn publish(&self, event: ProgressEvent) {
        // No subscribers is fine: the event is stored.
        let _ = self.tx.send(event);
    }

    /// Subscribes to every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ProgressEvent> {
        self.tx.subscribe()
    }
}

/// Wakes in-process workers when a job is enqueued.
#[derive(Debug, Clone)]
pub struct JobQueue {
    notify: Arc<Notify>,
    origin: Arc<str>,
}

impl Default for JobQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl JobQueue {
    /// A queue handle with its own wake-up signal.
    pub fn new() -> Self {
        Self {
            notify: Arc::new(Notify::new()),
            origin: uuid::Uuid::new_v4().simple().to_string().into(),
        }
    }

    /// This handle's identity in cross-process notifications (its own are not acted on twice).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Wakes one idle in-process worker (call after the enqueuing transaction commits).
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Waits until woken.
    pub async fn woken(&self) {
        self.notify.notified().await;
    }
}
