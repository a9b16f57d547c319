//! The JSON / JSON Lines parser (arrays, `{turns: [...]}`, nested objects), then the whole path.

#![no_main]

use coach_analyzer::ingest::transcript::{json, parse_transcript};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    if let Some(Ok((turns, format))) = json::parse_json(text) {
        assert!(format == "json" || format == "jsonl");
        common::check_raw(&turns);
    }
    common::check_parsed(parse_transcript(text));
});
