//! Consultation file types and lifecycle statuses.

use serde::{Deserialize, Serialize};

/// The kind of file a consultation was uploaded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FileType {
    /// A chat or phone transcript in a text format.
    Text,
    /// An audio recording.
    Audio,
    /// A video recording (its audio track is analysed).
    Video,
}

impl FileType {
    /// The lower-case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }

    /// Parses the stored lower-case name.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "text" => Some(Self::Text),
            "audio" => Some(Self::Audio),
            "video" => Some(Self::Video),
            _ => None,
        }
    }
}

/// Where a consultation is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsultationStatus {
    /// Accepted and waiting for a worker.
    Pending,
    /// A worker is processing it.
    Processing,
    /// The analysis is stored.
    Completed,
    /// Processing failed for good; `failureCode` says why.
    Failed,
}

impl ConsultationStatus {
    /// The lower-case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored lower-case name.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "processing" => Some(Self::Processing),
            "completed" => Some(Self::Completed),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }

    /// Whether no further processing will happen.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_for_every_status_and_file_type() {
        for status in [
            ConsultationStatus::Pending,
            ConsultationStatus::Processing,
            ConsultationStatus::Completed,
            ConsultationStatus::Failed,
        ] {
            assert_eq!(ConsultationStatus::from_db(status.as_str()), Some(status));
        }
        for file_type in [FileType::Text, FileType::Audio, FileType::Video] {
            assert_eq!(FileType::from_db(file_type.as_str()), Some(file_type));
        }
        assert_eq!(FileType::from_db("pdf"), None);
    }
}
