//! What an administrator sees about the running system (the `systemStatus` query): never a secret.

use serde::{Deserialize, Serialize};

/// Which engines the server runs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SystemStatus {
    /// The server's version.
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// `local` or `s3`.
    pub storage: String,
    /// The analyzer: `local`, `gemini` or `openai` (the LLM refines the local analysis).
    pub analyzer: String,
    /// The LLM model, for LLM providers.
    pub model: Option<String>,
    /// The LLM provider's host, for LLM providers.
    pub provider_host: Option<String>,
    /// Whether the LLM provider has an API key configured (never the key).
    pub provider_key_configured: bool,
    /// The speech-to-text engine for recordings and its model (`none` when switched off).
    pub speech_to_text: String,
    /// In-process job workers of this server.
    pub workers: u32,
    /// Whether PDF exports have a Korean font.
    pub pdf_font_available: bool,
}
