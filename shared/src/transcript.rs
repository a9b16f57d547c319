//! Speaker-labelled turns: what the parsers and speech-to-text produce and the analyzers read.

use serde::{Deserialize, Serialize};

/// Who is speaking in a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Speaker {
    /// The counselor (상담원).
    Agent,
    /// The customer (고객).
    Customer,
    /// A speaker that could not be attributed.
    Unknown,
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// Who speaks.
    pub speaker: Speaker,
    /// Start offset in milliseconds from the beginning of the consultation, when known.
    pub start_ms: Option<u64>,
    /// End offset in milliseconds, when known.
    pub end_ms: Option<u64>,
    /// What was said (after PII redaction once stored).
    pub text: String,
}
