//! The KakaoTalk export parser (mobile and PC forms), then the whole transcript path.

#![no_main]

use coach_analyzer::ingest::transcript::{kakao, parse_transcript};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    let _ = kakao::is_kakao(text);
    if let Ok(turns) = kakao::parse_kakao(text) {
        common::check_raw(&turns);
    }
    common::check_parsed(parse_transcript(text));
});
