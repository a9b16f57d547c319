//! The WebVTT parser (`<v Speaker>` voices, cue settings, NOTE blocks), then the whole transcript path.

#![no_main]

use coach_analyzer::ingest::transcript::{parse_transcript, webvtt};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    let _ = webvtt::is_webvtt(text);
    if let Ok(turns) = webvtt::parse_webvtt(text) {
        common::check_raw(&turns);
    }
    common::check_parsed(parse_transcript(text));
});
