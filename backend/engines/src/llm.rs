//! Language-model providers that refine the local analyzer's report (ARCHITECTURE §8, issue 6).
//!
//! * [`transport`]: the shared HTTP layer (limits, timeouts, retry policy, call statistics).
//! * [`gemini`] and [`openai`]: the two wire formats (`generateContent`, chat completions).
//! * [`schema`]: what the model must answer ([`schema::Refinement`]), its JSON schema, parsing and
//!   validation against the transcript.
//! * [`prompt`]: the instructions and the transcript the model sees (Korean for Korean
//!   consultations).
//! * [`refine`]: [`Refiner`] — call, validate, retry once with the validation error, merge or fall
//!   back to the local report — and [`calls`], how each call is handed to the application's
//!   recorder.
//! * [`settings`]: `[analyzer]` and `[providers.*]`.
//!
//! API keys are [`secrecy::SecretString`]s, sent in headers only, and scrubbed from every message
//! a provider returns before it is logged or stored.

pub mod calls;
pub mod gemini;
pub mod openai;
pub mod prompt;
pub mod refine;
pub mod schema;
pub mod settings;
pub mod transport;

use std::time::Duration;

pub use refine::Refiner;

use settings::{AnalyzerProvider, AnalyzerSettings, ProvidersSettings};
use transport::CallStats;

/// Why a provider call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    /// 429 after the retries or budget ran out.
    #[error("the provider is rate limiting us: {message}")]
    RateLimited {
        /// The provider's message.
        message: String,
    },
    /// 5xx after the retries or budget ran out.
    #[error("the provider is unavailable (HTTP {status}): {message}")]
    Unavailable {
        /// HTTP status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// No answer within the per-attempt timeout.
    #[error("the provider did not answer within {0:?}")]
    Timeout(Duration),
    /// The connection failed.
    #[error("could not reach the provider: {0}")]
    Network(String),
    /// The answer was not the provider's documented format (e.g. cut off).
    #[error("the provider's answer was not understood: {0}")]
    Malformed(String),
    /// The provider rejected the request (400/401/403/404 …): a configuration problem.
    #[error("the provider rejected the request{}: {message} (check the provider settings: key, model, base URL)", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Config {
        /// HTTP status, when the provider answered.
        status: Option<u16>,
        /// The provider's message.
        message: String,
    },
    /// The model declined to answer or stopped early (safety block, token limit).
    #[error("the model did not produce an answer: {0}")]
    Refused(String),
    /// The model's JSON did not pass validation, even after one correction round.
    #[error("the model's answer failed validation: {0}")]
    Invalid(String),
}

impl LlmError {
    /// The `llm_calls.status` code.
    pub fn status_code(&self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable { .. } => "server_error",
            Self::Timeout(_) => "timeout",
            Self::Network(_) => "network_error",
            Self::Malformed(_) => "malformed_response",
            Self::Config { .. } => "config_error",
            Self::Refused(_) => "refused",
            Self::Invalid(_) => "invalid_output",
        }
    }

    /// The stable code stored in a report that fell back to the local analysis.
    pub fn fallback_code(&self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "LLM_RATE_LIMITED",
            Self::Unavailable { .. } => "LLM_UNAVAILABLE",
            Self::Timeout(_) => "LLM_TIMEOUT",
            Self::Network(_) => "LLM_UNREACHABLE",
            Self::Malformed(_) => "LLM_MALFORMED_RESPONSE",
            Self::Config { .. } => "LLM_CONFIG_ERROR",
            Self::Refused(_) => "LLM_REFUSED",
            Self::Invalid(_) => "LLM_INVALID_OUTPUT",
        }
    }

    /// Short reason recorded for a retry.
    pub fn retry_reason(&self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "429",
            Self::Unavailable { status: 408, .. } => "408",
            Self::Unavailable { status: 500, .. } => "500",
            Self::Unavailable { status: 502, .. } => "502",
            Self::Unavailable { status: 503, .. } => "503",
            Self::Unavailable { status: 504, .. } => "504",
            Self::Unavailable { .. } => "5xx",
            Self::Timeout(_) => "timeout",
            Self::Network(_) => "network",
            Self::Malformed(_) => "malformed",
            Self::Config { .. } | Self::Refused(_) | Self::Invalid(_) => "other",
        }
    }

    /// The same error with `secret` removed from every message.
    pub fn scrubbed(self, secret: Option<&str>) -> Self {
        let Some(secret) = secret.filter(|s| s.len() >= 4) else {
            return self;
        };
        let clean = |m: String| m.replace(secret, "[REDACTED]");
        match self {
            Self::RateLimited { message } => Self::RateLimited {
                message: clean(message),
            },
            Self::Unavailable { status, message } => Self::Unavailable {
                status,
                message: clean(message),
            },
            Self::Network(m) => Self::Network(clean(m)),
            Self::Malformed(m) => Self::Malformed(clean(m)),
            Self::Config { status, message } => Self::Config {
                status,
                message: clean(message),
            },
            Self::Refused(m) => Self::Refused(clean(m)),
            Self::Invalid(m) => Self::Invalid(clean(m)),
            Self::Timeout(d) => Self::Timeout(d),
        }
    }
}

/// Who said a message of the conversation with the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRole {
    /// Us.
    User,
    /// The model (an earlier answer, when asking it to correct itself).
    Model,
}

/// One message to or from the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who said it.
    pub role: ChatRole,
    /// What was said.
    pub text: String,
}

/// A structured-output request, independent of the wire format.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    /// The system instruction.
    pub system: String,
    /// The conversation so far, starting with the user's prompt.
    pub messages: Vec<ChatMessage>,
    /// JSON Schema (draft 2020-12 subset, strict-mode compatible) the answer must follow.
    pub schema: serde_json::Value,
    /// Most output tokens.
    pub max_output_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
}

/// A stretch of transcribed speech from a provider, in seconds from the start of the audio sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SpokenText {
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// The words.
    pub text: String,
    /// The provider's probability that this is not speech (0 when it does not say).
    pub no_speech: f32,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatAnswer {
    /// The text of the answer (JSON, possibly fenced).
    pub text: String,
    /// The model version that answered, when reported.
    pub model_version: Option<String>,
}

impl ChatAnswer {
    /// The answer, or a refusal when the text is empty.
    pub fn from_text(text: String, model_version: Option<String>) -> Result<Self, LlmError> {
        if text.trim().is_empty() {
            return Err(LlmError::Refused("the answer is empty".into()));
        }
        Ok(Self {
            text,
            model_version,
        })
    }
}

/// A provider error message with its code in front, when there is one (`CODE: message`).
fn with_code(code: Option<String>, message: Option<String>) -> String {
    let message = message.unwrap_or_default();
    match code {
        Some(code) => format!("{code}: {message}"),
        None => message,
    }
}

/// A configured provider.
#[derive(Debug, Clone)]
pub enum Provider {
    /// Google Gemini.
    Gemini(gemini::Gemini),
    /// An OpenAI-compatible server.
    OpenAi(openai::OpenAi),
}

impl Provider {
    /// The analyzer provider of `settings`, or `None` for the local analyzer alone.
    ///
    /// Errors: [`LlmError::Config`] when the HTTP client cannot be built.
    pub fn for_analyzer(
        analyzer: &AnalyzerSettings,
        providers: &ProvidersSettings,
    ) -> Result<Option<Self>, LlmError> {
        let model = analyzer.model_in_effect().unwrap_or_default();
        Ok(match analyzer.provider {
            AnalyzerProvider::Local => None,
            AnalyzerProvider::Gemini => {
                Some(Self::Gemini(gemini::Gemini::new(&providers.gemini, model)?))
            }
            AnalyzerProvider::Openai => {
                Some(Self::OpenAi(openai::OpenAi::new(&providers.openai, model)?))
            }
        })
    }

    /// `gemini` or `openai`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Gemini(_) => "gemini",
            Self::OpenAi(_) => "openai",
        }
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        match self {
            Self::Gemini(p) => p.model(),
            Self::OpenAi(p) => p.model(),
        }
    }

    /// Sends one structured-output request (with retries) and returns its statistics and answer.
    pub async fn chat(&self, request: &ChatRequest) -> (CallStats, Result<ChatAnswer, LlmError>) {
        match self {
            Self::Gemini(p) => p.chat(request).await,
            Self::OpenAi(p) => p.chat(request).await,
        }
    }
}
