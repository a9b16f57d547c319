//! Text decoding: any bytes either decode (BOM, UTF-16, UTF-8, CP949/EUC-KR detection) into
//! non-blank text without a byte-order mark, or fail with an [`IngestError`]; never a panic.

#![no_main]

use coach_analyzer::ingest::IngestError;
use coach_analyzer::ingest::text::{MAX_INPUT_BYTES, decode_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match decode_text(bytes) {
        Ok(decoded) => {
            assert!(!decoded.text.trim().is_empty());
            assert!(!decoded.text.starts_with('\u{FEFF}'));
            assert!(decoded.replaced_chars <= bytes.len());
        }
        Err(IngestError::Empty) => assert!(bytes.len() <= MAX_INPUT_BYTES + 3),
        Err(IngestError::NotText | IngestError::TooLarge(_)) => {}
        Err(other) => panic!("unexpected error from decode_text: {other:?}"),
    }
});
