//! Ingest: recognising an uploaded file and turning it into speaker turns.
//!
//! * [`sniff`]: what a file is (text, audio, video) from its magic bytes, the name as a hint only.
//! * [`text`]: bytes → text (BOM, UTF-8, CP949/EUC-KR detection, UTF-16 without BOM), rejecting
//!   binary content.
//! * [`transcript`]: text → [`shared::transcript::Turn`]s (labelled plain text, SRT, WebVTT, JSON,
//!   CSV chat exports, KakaoTalk exports), with speaker labels mapped to agent/customer.
//!
//! Every failure is an [`IngestError`] with a stable code and a bilingual message; no input can make
//! these functions panic, and their work is bounded by [`MAX_TEXT_BYTES`] and [`MAX_TURNS`].

pub mod settings;
pub mod sniff;
pub mod text;
pub mod transcript;

use shared::errors::ErrorCode;
/// Most bytes of text a transcript may have (after decoding, UTF-8).
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// Most turns a transcript may have.
pub const MAX_TURNS: usize = 20_000;

/// Which bound an input exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeLimit {
    /// More than [`MAX_TEXT_BYTES`] of text (or [`text::MAX_INPUT_BYTES`] of raw bytes).
    Bytes,
    /// More than [`MAX_TURNS`] turns.
    Turns,
}

/// Why a file could not be turned into turns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The content is binary, not text.
    #[error("the file is not text")]
    NotText,
    /// The content is not a supported type, or is text claimed to be another type.
    #[error("unsupported file type {detected}")]
    UnsupportedType {
        /// The MIME type of the content (`image/png`, `application/zip`, `text/plain`, …).
        detected: String,
        /// What the client claimed instead (`.wav`, `audio/wav`), when that contradicts the content.
        claimed: Option<String>,
    },
    /// The file is empty or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// No speaker turns could be recognised.
    #[error("no speaker turns were found")]
    NoTurnsFound,
    /// The transcript exceeds a size bound.
    #[error("the transcript is too large ({0:?})")]
    TooLarge(SizeLimit),
}

impl IngestError {
    /// Stable machine-readable code (stored as the consultation's failure code).
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotText | Self::UnsupportedType { .. } => ErrorCode::UnsupportedFileType,
            Self::Empty => ErrorCode::EmptyFile,
            Self::NoTurnsFound => ErrorCode::NoTurnsFound,
            Self::TooLarge(_) => ErrorCode::FileTooLarge,
        }
    }

    /// Message for Korean-speaking users.
    pub fn message_ko(&self) -> String {
        match self {
            Self::NotText => "텍스트로 읽을 수 없는 파일입니다. 상담 대화 텍스트(.txt, .srt, .vtt, .json, .csv) 파일을 올려 주세요.".to_owned(),
            Self::UnsupportedType { detected, claimed: None } => format!(
                "지원하지 않는 파일 형식입니다 ({detected}). 상담 대화 텍스트(.txt, .srt, .vtt, .json, .csv)나 녹음 파일을 올려 주세요."
            ),
            Self::UnsupportedType { detected, claimed: Some(claimed) } => format!(
                "파일 형식이 맞지 않습니다. 이름(또는 선언된 형식)은 {claimed}이지만 실제 내용은 {detected}입니다. 올바른 파일인지 확인해 주세요."
            ),
            Self::Empty => "빈 파일입니다. 상담 내용이 들어 있는 파일을 올려 주세요.".to_owned(),
            Self::NoTurnsFound => "대화에서 상담원/고객 발화를 찾지 못했습니다. '상담원:'/'고객:' 같은 화자 표시가 있는지 확인해 주세요.".to_owned(),
            Self::TooLarge(SizeLimit::Bytes) => format!(
                "대화가 너무 깁니다. 텍스트는 최대 {}MB까지 분석할 수 있습니다.",
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
            Self::TooLarge(SizeLimit::Turns) => format!(
                "발화가 너무 많습니다. 한 상담은 최대 {MAX_TURNS}개 발화까지 분석할 수 있습니다."
            ),
        }
    }

    /// Message for English-speaking users.
    pub fn message_en(&self) -> String {
        match self {
            Self::NotText => "The file could not be read as text. Please upload a transcript (.txt, .srt, .vtt, .json or .csv).".to_owned(),
            Self::UnsupportedType { detected, claimed: None } => format!(
                "Unsupported file type ({detected}). Please upload a transcript (.txt, .srt, .vtt, .json or .csv) or a recording."
            ),
            Self::UnsupportedType { detected, claimed: Some(claimed) } => format!(
                "The file type does not match: it is named or declared as {claimed}, but its content is {detected}. Please check the file."
            ),
            Self::Empty => "The file is empty. Please upload a file that contains the consultation.".to_owned(),
            Self::NoTurnsFound => "No agent/customer turns were found. Check that the transcript labels its speakers (e.g. 'Agent:' / 'Customer:').".to_owned(),
            Self::TooLarge(SizeLimit::Bytes) => format!(
                "The conversation is too long: at most {} MB of text can be analysed.",
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
            Self::TooLarge(SizeLimit::Turns) => format!(
                "The conversation has too many turns: at most {MAX_TURNS} can be analysed."
            ),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Deterministic pseudo-random pieces of transcript-like text.
    pub(crate) fn generate_messy_texts(count: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "상담원",
            "고객",
            "Agent",
            "Customer",
            ":",
            "：",
            " ",
            "\n",
            "\n\n",
            "[",
            "]",
            "(",
            ")",
            "00:00:05",
            "12:3",
            "-->",
            "WEBVTT",
            "<v Agent>",
            "</v>",
            "<",
            ">",
            "{",
            "}",
            "\"",
            ",",
            "…",
            "..",
            "?",
            "~",
            "010-1234-5678",
            "4111 1111 1111 1111",
            "안 됩니다",
            "죄송합니다",
            "음…",
            "했어",
            "\u{0}",
            "\u{FEFF}",
            "😀",
            "e\u{301}",
            "ㅎㅎ",
            "가",
            "\t",
            "\r",
            "0",
            "1",
            "김민수",
            "\"speaker\"",
            "\"text\"",
            "turns",
            "[{",
            "}]",
            "  ",
            "고객님",
            "입니다",
            "안녕하세요",
            "Hi",
            "um",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 40) as usize;
                (0..len)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_korean_transcript_yields_identical_turns_from_every_encoding() {
        let original = include_str!("../fixtures/ko_card_loss_timed.txt").replace('\n', "\r\n");
        let utf16 = |little: bool| -> Vec<u8> {
            original
                .encode_utf16()
                .flat_map(|u| {
                    if little {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect()
        };
        let (cp949, _, _) = encoding_rs::EUC_KR.encode(&original);
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(original.as_bytes());
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend(utf16(true));
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend(utf16(false));
        let expected = transcript::parse_transcript(&original).map(|p| p.turns);
        assert!(expected.as_ref().is_ok_and(|turns| turns.len() == 16));
        for bytes in [
            original.as_bytes().to_vec(),
            with_bom,
            cp949.into_owned(),
            le_bom,
            be_bom,
            utf16(true),
            utf16(false),
        ] {
            let decoded = text::decode_text(&bytes)
                .map(|d| d.text)
                .unwrap_or_default();
            assert_eq!(
                transcript::parse_transcript(&decoded).map(|p| p.turns),
                expected
            );
        }
    }

    #[test]
    fn strict_euc_kr_and_cp949_extension_bytes_yield_the_same_turns_as_utf8() {
        let original = "상담원: 안녕하십니까, 행복카드 고객센터입니다.\n고객: 카드를 잃어버렸어요. 정지해 주세요.\n상담원: 네, 바로 정지해 드리겠습니다.\n";
        let (euc_kr, _, unmappable) = encoding_rs::EUC_KR.encode(original);
        assert!(!unmappable);
        // Every double-byte character sits in KS X 1001's range (A1-FE, A1-FE): strict EUC-KR.
        assert!(
            euc_kr
                .iter()
                .all(|&b| b.is_ascii() || (0xA1..=0xFE).contains(&b))
        );
        // '똠' and '햏' exist only in CP949's extension (trail bytes below A1).
        let extended = format!("{original}고객: 똠방각하 햏님 감사합니다.\n");
        let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(&extended);
        assert!(!unmappable);
        let (only_extension, _, _) = encoding_rs::EUC_KR.encode("똠햏");
        assert!(only_extension.iter().any(|b| !(0xA1..=0xFE).contains(b)));
        for (text, bytes) in [
            (original, euc_kr.into_owned()),
            (extended.as_str(), cp949.into_owned()),
        ] {
            let decoded = text::decode_text(&bytes).map(|d| (d.encoding, d.text));
            assert_eq!(decoded, Ok(("EUC-KR", text.to_owned())));
            assert_eq!(
                transcript::parse_transcript(text).map(|p| p.turns),
                transcript::parse_transcript(&decoded.map(|d| d.1).unwrap_or_default())
                    .map(|p| p.turns)
            );
        }
    }

    #[test]
    fn thousands_of_messy_inputs_never_panic_in_decoding_or_parsing() {
        for text in generate_messy_texts(3000) {
            let _ = text::decode_text(text.as_bytes());
            let _ = transcript::parse_transcript(&text);
            let bytes: Vec<u8> = text.bytes().rev().collect();
            if let Ok(decoded) = text::decode_text(&bytes) {
                let _ = transcript::parse_transcript(&decoded.text);
            }
        }
    }

    #[test]
    fn every_error_has_a_stable_code_and_two_messages() {
        let all = [
            IngestError::NotText,
            IngestError::UnsupportedType {
                detected: "image/png".into(),
                claimed: None,
            },
            IngestError::UnsupportedType {
                detected: "application/zip".into(),
                claimed: Some(".txt".into()),
            },
            IngestError::Empty,
            IngestError::NoTurnsFound,
            IngestError::TooLarge(SizeLimit::Bytes),
            IngestError::TooLarge(SizeLimit::Turns),
        ];
        let codes: Vec<&str> = all.iter().map(|e| e.code().as_str()).collect();
        assert_eq!(
            codes,
            [
                "UNSUPPORTED_FILE_TYPE",
                "UNSUPPORTED_FILE_TYPE",
                "UNSUPPORTED_FILE_TYPE",
                "EMPTY_FILE",
                "NO_TURNS_FOUND",
                "FILE_TOO_LARGE",
                "FILE_TOO_LARGE"
            ]
        );
        for error in &all {
            assert!(
                error
                    .message_ko()
                    .chars()
                    .any(|c| ('가'..='힣').contains(&c))
            );
            assert!(error.message_en().is_ascii());
        }
        for error in all.get(1..3).unwrap_or_default() {
            let detected = if error.message_en().contains("image/png") {
                "image/png"
            } else {
                "application/zip"
            };
            assert!(error.message_ko().contains(detected));
            assert!(error.message_en().contains(detected));
        }
        let mismatch = all.get(2).map(IngestError::message_ko).unwrap_or_default();
        assert!(mismatch.contains(".txt"), "{mismatch}");
    }
}
