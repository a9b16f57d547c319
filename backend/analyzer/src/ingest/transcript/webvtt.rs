//! WebVTT (`.vtt`) captions: a `WEBVTT` header, optional NOTE/STYLE/REGION blocks, cues with optional
//! ids and settings; speakers come from `<v Name>` voice spans or `Name:` labels.

use super::RawTurn;
use super::cue::parse_cues;
use crate::ingest::IngestError;

/// Whether the text starts with the `WEBVTT` signature.
pub fn is_webvtt(text: &str) -> bool {
    text.trim_start().starts_with("WEBVTT")
}

/// Parses WebVTT cues into raw turns (header and NOTE/STYLE/REGION blocks hold no timing line and
/// are skipped by the cue parser).
pub fn parse_webvtt(text: &str) -> Result<Vec<RawTurn>, IngestError> {
    parse_cues(text)
}
