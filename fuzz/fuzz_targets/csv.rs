//! The CSV chat-export parser (header detection, RFC 4180 quoting, time columns), then the whole
//! transcript path.

#![no_main]

use coach_analyzer::ingest::transcript::{csv, parse_transcript};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    let layout = csv::detect_csv(text);
    match csv::parse_csv(text) {
        Ok(turns) => {
            assert!(layout.is_some());
            common::check_raw(&turns);
        }
        Err(_) => {}
    }
    common::check_parsed(parse_transcript(text));
});
