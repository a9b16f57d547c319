//! `llm_calls`: one row per logical provider call (its retries included), written here only. The
//! engines describe each call to a [`CallRecorder`]; [`DbCallRecorder`] stores it, counts it in the
//! metrics and scrubs credentials from its error text.

use coach_engines::llm::LlmError;
use coach_engines::llm::calls::{CallRecord, CallRecorder};
use futures_util::future::BoxFuture;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, Set};

use crate::entity::llm_calls;

/// Most characters of an error message kept.
const MAX_ERROR_CHARS: usize = 480;

/// Stores one call. The error text has already been scrubbed of credentials by the provider; it
/// is scrubbed again here before it is stored.
///
/// Errors: the database's.
pub async fn record_call(db: &DatabaseConnection, call: CallRecord<'_>) -> Result<(), DbErr> {
    let stats = call.stats;
    crate::telemetry::metrics::METRICS.llm_call(
        call.provider,
        call.error.map_or("ok", LlmError::status_code),
        stats.latency,
    );
    let to_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    llm_calls::ActiveModel {
        provider: Set(call.provider.to_owned()),
        model: Set(call.model.chars().take(200).collect()),
        purpose: Set(call.purpose.as_str().to_owned()),
        consultation_id: Set(call.consultation_id.map(str::to_owned)),
        started_at: Set(stats.started_at_ms),
        latency_ms: Set(i64::try_from(stats.latency.as_millis()).unwrap_or(i64::MAX)),
        status: Set(call.error.map_or("ok", LlmError::status_code).to_owned()),
        http_status: Set(stats.http_status.map(i32::from)),
        retries: Set(to_i32(stats.retries)),
        retry_reason: Set(Some(stats.retry_reasons.join(",")).filter(|r| !r.is_empty())),
        prompt_tokens: Set(call.prompt_tokens.map(to_i32)),
        output_tokens: Set(call.output_tokens.map(to_i32)),
        error: Set(call.error.map(|e| {
            crate::telemetry::secrets::scrub(&e.to_string(), "llm_calls")
                .chars()
                .take(MAX_ERROR_CHARS)
                .collect()
        })),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The recorder the engines are given: each call becomes an `llm_calls` row.
#[derive(Debug, Clone)]
pub struct DbCallRecorder {
    db: DatabaseConnection,
}

impl DbCallRecorder {
    /// A recorder writing to `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl CallRecorder for DbCallRecorder {
    fn record<'a>(&'a self, call: CallRecord<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(error) = record_call(&self.db, call).await {
                tracing::warn!(%error, "recording the provider call failed");
            }
        })
    }
}
