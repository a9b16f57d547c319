//! Invariants shared by the parser targets.

use coach_analyzer::ingest::transcript::{ParsedTranscript, RawTurn};
use coach_analyzer::ingest::{IngestError, MAX_TURNS};

/// A parser's raw turns stay within the turn bound.
pub fn check_raw(turns: &[RawTurn]) {
    assert!(!turns.is_empty() && turns.len() <= MAX_TURNS);
    for turn in turns {
        if let (Some(start), Some(end)) = (turn.start_ms, turn.end_ms) {
            // Times are bounded (100 hours for JSON, 99:59:59.999 for clocks); no overflow.
            assert!(start < u64::MAX / 2 && end < u64::MAX / 2);
        }
    }
}

/// The whole path yields trimmed, non-empty turns or a known error.
pub fn check_parsed(result: Result<ParsedTranscript, IngestError>) {
    match result {
        Ok(parsed) => {
            assert!(!parsed.turns.is_empty() && parsed.turns.len() <= MAX_TURNS);
            for turn in &parsed.turns {
                assert!(!turn.text.is_empty());
                assert_eq!(turn.text.trim(), turn.text);
            }
        }
        Err(IngestError::Empty | IngestError::NoTurnsFound | IngestError::TooLarge(_)) => {}
        Err(other) => panic!("unexpected error from parse_transcript: {other:?}"),
    }
}
