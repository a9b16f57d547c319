//! SubRip (`.srt`) subtitles: numbered cues with `hh:mm:ss,mmm --> hh:mm:ss,mmm` timings; speakers
//! come from `Name:` labels in the cue text.

use super::RawTurn;
use super::cue::{has_timing_line, parse_cues};
use crate::ingest::IngestError;

/// Whether the text looks like SRT (or a header-less cue file): a timing line near the top.
pub fn is_srt(text: &str) -> bool {
    has_timing_line(text)
}

/// Parses SRT cues into raw turns.
pub fn parse_srt(text: &str) -> Result<Vec<RawTurn>, IngestError> {
    parse_cues(text)
}
