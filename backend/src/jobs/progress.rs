//! Progress events: stored with a per-consultation sequence number, then published on an in-process
//! broadcast bus. Subscribers replay what is stored and follow the bus; a lagging subscriber re-reads
//! the table instead of making the bus grow, so memory stays bounded.

use std::sync::Arc;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::progress::Stage;
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
    super::notify::notify_progress(conn, bus.origin(), &event).await?;
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
