//! The whole transcript path: bytes → text → format detection → turns with mapped speakers.

#![no_main]

use coach_analyzer::ingest::MAX_TURNS;
use coach_analyzer::ingest::text::decode_text;
use coach_analyzer::ingest::transcript::parse_transcript;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(decoded) = decode_text(bytes) else {
        return;
    };
    if let Ok(parsed) = parse_transcript(&decoded.text) {
        assert!(!parsed.turns.is_empty() && parsed.turns.len() <= MAX_TURNS);
        for turn in &parsed.turns {
            assert!(!turn.text.is_empty());
            assert_eq!(turn.text.trim(), turn.text);
        }
    }
});
