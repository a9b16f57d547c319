//! The `llm_calls` table.

use sea_orm::entity::prelude::*;

/// One logical request to an LLM or cloud speech provider (its retries included).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "llm_calls")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `gemini` or `openai`.
    pub provider: String,
    /// The model asked.
    pub model: String,
    /// `analysis`, `analysis_repair` (the retry with the validation error) or `transcription`.
    pub purpose: String,
    /// The consultation it served, when any.
    pub consultation_id: Option<String>,
    /// When the first attempt started, epoch ms.
    pub started_at: i64,
    /// From the first attempt's start to the final answer, waits included, in milliseconds.
    pub latency_ms: i64,
    /// Outcome code (`ok`, `invalid_output`, `rate_limited`, `server_error`, `timeout`,
    /// `config_error`, `malformed_response`, `network_error`).
    pub status: String,
    /// HTTP status of the last attempt, when one was received.
    pub http_status: Option<i32>,
    /// Attempts after the first.
    pub retries: i32,
    /// Why it was retried, e.g. `429,503,timeout`.
    pub retry_reason: Option<String>,
    /// Prompt tokens reported by the provider.
    pub prompt_tokens: Option<i32>,
    /// Output tokens reported by the provider.
    pub output_tokens: Option<i32>,
    /// What went wrong, when something did (never contains credentials).
    pub error: Option<String>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
