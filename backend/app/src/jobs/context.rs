//! [`WorkerContext`]: everything a worker and the pipeline it runs need.

use std::sync::Arc;

use coach_analyzer::Analyzer;
use coach_analyzer::ingest::transcript::SpeakerAliases;
use coach_engines::llm::Refiner;
use sea_orm::DatabaseConnection;

use crate::config::WorkerSettings;
use crate::events::{JobQueue, ProgressBus};
use crate::storage::Storage;

/// Everything a worker needs.
#[derive(Clone)]
pub struct WorkerContext {
    /// Database.
    pub db: DatabaseConnection,
    /// Uploaded files.
    pub storage: Storage,
    /// Progress fan-out.
    pub bus: ProgressBus,
    /// Wake-up signal.
    pub queue: JobQueue,
    /// The analyzer in effect.
    pub analyzer: Arc<dyn Analyzer + Send + Sync>,
    /// The LLM refiner, when a provider is configured.
    pub refiner: Option<Arc<Refiner>>,
    /// Worker settings.
    pub settings: WorkerSettings,
    /// Speaker labels of agents and customers (`ingest.*_aliases`).
    pub aliases: Arc<SpeakerAliases>,
    /// Speech-to-text for recordings.
    pub speech: Arc<coach_engines::speech::SpeechService>,
}

impl WorkerContext {
    /// The lease a claim or heartbeat grants, in milliseconds.
    pub fn lease_ms(&self) -> i64 {
        i64::try_from(self.settings.lease_secs.saturating_mul(1000)).unwrap_or(60_000)
    }
}
