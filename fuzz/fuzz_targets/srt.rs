//! The SRT parser, then the whole transcript path.

#![no_main]

use coach_analyzer::ingest::transcript::{parse_transcript, srt};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    let _ = srt::is_srt(text);
    if let Ok(turns) = srt::parse_srt(text) {
        common::check_raw(&turns);
    }
    common::check_parsed(parse_transcript(text));
});
