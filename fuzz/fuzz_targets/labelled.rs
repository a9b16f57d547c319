//! The labelled plain-text parser (`상담원: …`, `[00:01:02] Agent: …`), then the whole transcript path.

#![no_main]

use coach_analyzer::ingest::transcript::{SpeakerAliases, labelled, parse_transcript_with};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    let aliases = SpeakerAliases::default();
    if let Ok(turns) = labelled::parse_labelled(text, &aliases) {
        common::check_raw(&turns);
    }
    common::check_parsed(parse_transcript_with(text, &aliases));
});
