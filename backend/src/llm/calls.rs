//! `llm_calls` accounting: one row per logical provider call (its retries included), the source of
//! the KPI sheet's API success rate, retry rate, average response time and daily call count.

use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, Set};

use super::LlmError;
use super::transport::CallStats;
use crate::entity::llm_calls;

/// Most characters of an error message kept.
const MAX_ERROR_CHARS: usize = 480;

/// What a call was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Refining a report.
    Analysis,
    /// The correction round after an answer failed validation.
    AnalysisRepair,
    /// Speech-to-text of one window of a recording by a cloud speech engine.
    Transcription,
}

impl Purpose {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Analysis => "analysis",
            Self::AnalysisRepair => "analysis_repair",
            Self::Transcription => "transcription",
        }
    }
}

/// One call to record.
#[derive(Debug, Clone)]
pub struct CallRecord<'a> {
    /// `gemini` or `openai`.
    pub provider: &'a str,
    /// The model asked.
    pub model: &'a str,
    /// What it was for.
    pub purpose: Purpose,
    /// The consultation it served.
    pub consultation_id: Option<&'a str>,
    /// Timing, retries and status.
    pub stats: &'a CallStats,
    /// `None` when it succeeded (and the answer was valid).
    pub error: Option<&'a LlmError>,
    /// Tokens reported by the provider.
    pub prompt_tokens: Option<u32>,
    /// Tokens reported by the provider.
    pub output_tokens: Option<u32>,
}

/// Stores one call. The error text has already been scrubbed of credentials by the provider.
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
