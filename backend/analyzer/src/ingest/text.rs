//! Bytes → text: byte-order marks first (UTF-8, UTF-16LE, UTF-16BE), then UTF-16 without a BOM
//! (NUL bytes at every other position), then strict UTF-8, then detection with `chardetng` (which
//! reports CP949 files as `EUC-KR`; `encoding_rs`'s EUC-KR decoder is the CP949 superset, so the
//! text decodes correctly). Invalid byte sequences become U+FFFD and are counted, never an error.
//! Binary content is rejected as [`IngestError::NotText`].

use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::{IngestError, MAX_TEXT_BYTES, SizeLimit};

/// Most raw bytes accepted: enough for [`MAX_TEXT_BYTES`] of text stored as UTF-16.
pub const MAX_INPUT_BYTES: usize = 2 * MAX_TEXT_BYTES;

/// How many leading bytes the UTF-16 and binary sniffers look at.
const SNIFF_BYTES: usize = 8 * 1024;

/// Text decoded from an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The WHATWG name of the encoding it was read as (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `EUC-KR`, …).
    pub encoding: &'static str,
    /// How many invalid byte sequences were replaced with U+FFFD.
    pub replaced_chars: usize,
}

/// Decodes an uploaded file's bytes into text, detecting the encoding.
///
/// Errors: [`IngestError::Empty`] for empty or whitespace-only content, [`IngestError::NotText`]
/// for binary content, [`IngestError::TooLarge`] above [`MAX_INPUT_BYTES`].
pub fn decode_text(bytes: &[u8]) -> Result<DecodedText, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let (encoding, body) = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        (encoding, bytes.get(bom_len..).unwrap_or_default())
    } else if let Some(encoding) = sniff_utf16(bytes) {
        (encoding, bytes)
    } else if bytes.contains(&0) || looks_binary(bytes.get(..SNIFF_BYTES).unwrap_or(bytes)) {
        return Err(IngestError::NotText);
    } else if is_mostly_utf8(bytes.get(..MAX_INPUT_BYTES).unwrap_or(bytes)) {
        (UTF_8, bytes)
    } else {
        (
            detect_legacy_encoding(bytes.get(..MAX_INPUT_BYTES).unwrap_or(bytes)),
            bytes,
        )
    };
    if body.len() > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge(SizeLimit::Bytes));
    }
    let (mut text, replaced_chars) = decode_counting(encoding, body);
    if text.starts_with('\u{FEFF}') {
        text.remove(0);
    }
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    if is_mostly_noise(&text, replaced_chars) {
        return Err(IngestError::NotText);
    }
    Ok(DecodedText {
        text,
        encoding: encoding.name(),
        replaced_chars,
    })
}

/// Recognises UTF-16 without a BOM: text whose ASCII characters leave a NUL byte at every odd (LE)
/// or every even (BE) position, and (almost) none on the other side.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        if let [first, second] = pair {
            zero_even += usize::from(*first == 0);
            zero_odd += usize::from(*second == 0);
        }
    }
    // At least one character in ten is ASCII (spaces, newlines, labels), the other side is clean.
    if zero_odd * 10 >= pairs && zero_even * 8 <= zero_odd {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs && zero_odd * 8 <= zero_even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Whether raw bytes look like a binary file: many C0 control bytes other than whitespace.
fn looks_binary(sample: &[u8]) -> bool {
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    controls * 20 > sample.len()
}

/// Whether bytes are UTF-8 apart from a few damaged sequences (a cut last character, stray bytes):
/// valid multi-byte characters outnumber invalid sequences four to one. CP949 text fails this,
/// because most of its lead bytes can never start a valid UTF-8 sequence.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    // Valid except for a character cut off at the very end (a truncated head): UTF-8.
    if std::str::from_utf8(bytes)
        .err()
        .is_some_and(|e| e.error_len().is_none())
    {
        return true;
    }
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    invalid == 0 || multibyte >= invalid.saturating_mul(4)
}

/// Guesses a legacy encoding (CP949/EUC-KR above all) for bytes that are not valid UTF-8.
fn detect_legacy_encoding(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(None, false)
}

/// Decodes with replacement, counting the malformed sequences replaced.
fn decode_counting(encoding: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len());
    let mut out = String::with_capacity(capacity);
    let mut replaced = 0usize;
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        input = input.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(input.len().saturating_mul(3).max(16)),
            DecoderResult::Malformed(_, _) => {
                replaced += 1;
                out.push('\u{FFFD}');
            }
        }
    }
    (out, replaced)
}

/// Whether decoded text is really binary: many control characters, or mostly replacements.
fn is_mostly_noise(text: &str, replaced: usize) -> bool {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0c}' | '\u{1b}') {
            controls += 1;
        }
    }
    total > 0 && (controls * 20 > total || (replaced * 3 > total && total >= 8))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;

    const SAMPLE: &str = "상담원: 안녕하십니까, 행복카드 고객센터 상담원 김민지입니다.\n고객: 카드를 잃어버렸어요.\n";

    fn encode_utf16(text: &str, little_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|unit| {
                if little_endian {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn the_same_korean_text_decodes_identically_from_every_encoding() {
        let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(SAMPLE);
        assert!(!unmappable);
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(SAMPLE.as_bytes());
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend(encode_utf16(SAMPLE, true));
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend(encode_utf16(SAMPLE, false));
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (SAMPLE.as_bytes().to_vec(), "UTF-8"),
            (utf8_bom, "UTF-8"),
            (cp949.into_owned(), "EUC-KR"),
            (le_bom, "UTF-16LE"),
            (be_bom, "UTF-16BE"),
            (encode_utf16(SAMPLE, true), "UTF-16LE"),
            (encode_utf16(SAMPLE, false), "UTF-16BE"),
        ];
        for (bytes, expected_encoding) in cases {
            let decoded = decode_text(&bytes).unwrap();
            assert_eq!(decoded.text, SAMPLE, "{expected_encoding}");
            assert_eq!(decoded.encoding, expected_encoding);
            assert_eq!(decoded.replaced_chars, 0);
        }
    }

    #[test]
    fn cp949_only_syllables_decode_through_the_euc_kr_superset() {
        // '똠' and '햏' are outside KS X 1001 (EUC-KR proper) but inside CP949.
        let text = "고객: 똠방각하 햏햏 문의드립니다. 배송이 아직 안 왔어요.\n";
        let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
        assert!(!unmappable);
        let decoded = decode_text(&bytes).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.encoding, "EUC-KR");
    }

    #[test]
    fn invalid_bytes_are_replaced_and_counted_not_rejected() {
        let mut bytes = "상담원: 안녕하세요".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xFF]);
        bytes.extend_from_slice("\n고객: 네, 감사합니다 고객님 반갑습니다".as_bytes());
        let decoded = decode_text(&bytes).unwrap();
        assert!(decoded.replaced_chars >= 1);
        assert!(decoded.text.contains("감사합니다"));
    }

    #[test]
    fn empty_and_whitespace_only_files_are_empty() {
        assert_eq!(decode_text(b""), Err(IngestError::Empty));
        assert_eq!(decode_text(b"  \n\t\r\n "), Err(IngestError::Empty));
        assert_eq!(
            decode_text(&[0xEF, 0xBB, 0xBF, b' ']),
            Err(IngestError::Empty)
        );
        assert_eq!(
            decode_text(&encode_utf16("   \n", true)),
            Err(IngestError::Empty)
        );
    }

    #[test]
    fn binary_content_is_not_text() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ];
        assert_eq!(decode_text(&png), Err(IngestError::NotText));
        let noise: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(decode_text(&noise), Err(IngestError::NotText));
        let controls: Vec<u8> = (0..200u8)
            .map(|i| if i % 3 == 0 { 0x01 } else { b'a' })
            .collect();
        assert_eq!(decode_text(&controls), Err(IngestError::NotText));
    }

    #[test]
    fn oversized_input_is_rejected_before_decoding() {
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert_eq!(
            decode_text(&big),
            Err(IngestError::TooLarge(SizeLimit::Bytes))
        );
    }

    #[test]
    fn truncated_heads_of_valid_files_still_decode() {
        // The upload path sniffs the first bytes only, which may cut a character in half.
        let bytes = SAMPLE.as_bytes();
        for cut in 1..bytes.len() {
            let head = bytes.get(..cut).unwrap();
            match decode_text(head) {
                Ok(decoded) => assert!(decoded.replaced_chars <= 1),
                Err(error) => assert_eq!(error, IngestError::Empty, "cut at {cut}"),
            }
        }
    }
}
