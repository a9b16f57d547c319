//! Provider call accounting: every logical provider call (its retries included) is handed to a
//! [`CallRecorder`]. The application stores them (`llm_calls`, the source of the KPI sheet's API
//! success rate, retry rate, average response time and daily call count); the engines only
//! describe them.

use futures_util::future::BoxFuture;

use super::LlmError;
use super::transport::CallStats;

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

/// Where provider calls are recorded. Recording never fails a call: an implementation logs its
/// own failures.
pub trait CallRecorder: Send + Sync + std::fmt::Debug {
    /// Records one call.
    fn record<'a>(&'a self, call: CallRecord<'a>) -> BoxFuture<'a, ()>;
}
