//! The analyzer: a consultation file in, a coaching [`Report`] out, with nothing but pure
//! libraries underneath (no database, HTTP server or speech engine), so the fuzz targets and the
//! analyzer benchmark build it alone.
//!
//! * [`ingest`]: type sniffing, text decoding and the transcript parsers (every format we accept).
//! * [`Analyzer`]: the provider-independent trait every analyzer implements (sync, CPU-bound for the
//!   local one; the job worker runs it on a blocking thread).
//! * [`local`]: [`local::LocalAnalyzer`], the offline rule-based analyzer (Korean first, English
//!   too) that produces a complete report alone.
//! * [`redact`]: PII redaction applied to turns before they are stored or analysed.
//! * [`eval`]: batch evaluation of JSONL conversations (`consult-coach analyze --jsonl`).
//! * [`language`]: language detection shared by the redactor and the analyzers.

pub mod eval;
pub mod ingest;
pub mod language;
pub mod local;
pub mod redact;

use shared::errors::ErrorCode;
use shared::report::{PiiCount, Report};
use shared::transcript::Turn;

/// Something that turns a conversation into a coaching report.
pub trait Analyzer: Send + Sync {
    /// Analyses redacted turns; `pii` is the redaction count to record in the report.
    ///
    /// Errors: [`AnalysisError::NoTurns`] when there is nothing to analyse.
    fn analyze(&self, turns: &[Turn], pii: Vec<PiiCount>) -> Result<Report, AnalysisError>;
}

/// Why an analysis failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// There are no turns with text.
    #[error("there are no turns to analyse")]
    NoTurns,
}

impl AnalysisError {
    /// Stable machine-readable code (stored as the consultation's failure code).
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NoTurns => ErrorCode::NoTurnsFound,
        }
    }

    /// Message for Korean-speaking users.
    pub fn message_ko(&self) -> String {
        match self {
            Self::NoTurns => {
                "분석할 대화 내용이 없습니다. 상담원과 고객의 발화가 들어 있는지 확인해 주세요."
                    .to_owned()
            }
        }
    }

    /// Message for English-speaking users.
    pub fn message_en(&self) -> String {
        match self {
            Self::NoTurns => "There is nothing to analyse. Check that the transcript contains agent and customer turns.".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_turns_error_has_a_stable_code_and_two_messages() {
        let error = AnalysisError::NoTurns;
        assert_eq!(error.code(), ErrorCode::NoTurnsFound);
        assert!(error.message_ko().contains("분석"));
        assert!(error.message_en().contains("analyse"));
    }
}
