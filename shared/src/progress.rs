//! Pipeline stages and the progress events every stage emits.

use serde::{Deserialize, Serialize};

/// A stage of the processing pipeline, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stage {
    /// Accepted, waiting for a worker.
    Queued,
    /// Reading and decoding the file.
    Decoding,
    /// Turning the file into speaker turns (parsing a transcript or speech-to-text).
    Transcribing,
    /// Removing personal information.
    Redacting,
    /// Analysing the conversation.
    Analyzing,
    /// Done: the report is stored.
    Completed,
    /// Failed for good.
    Failed,
}

impl Stage {
    /// The lower-case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Decoding => "decoding",
            Self::Transcribing => "transcribing",
            Self::Redacting => "redacting",
            Self::Analyzing => "analyzing",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored lower-case name.
    pub fn from_db(value: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Decoding,
            Self::Transcribing,
            Self::Redacting,
            Self::Analyzing,
            Self::Completed,
            Self::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }

    /// Whether this stage ends the stream of events.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_round_trips_through_its_stored_name() {
        for stage in [
            Stage::Queued,
            Stage::Decoding,
            Stage::Transcribing,
            Stage::Redacting,
            Stage::Analyzing,
            Stage::Completed,
            Stage::Failed,
        ] {
            assert_eq!(Stage::from_db(stage.as_str()), Some(stage));
        }
        assert!(Stage::Failed.is_terminal() && !Stage::Analyzing.is_terminal());
    }
}
