//! Text → speaker turns. The format is recognised from the content:
//!
//! * JSON (`json`): an array of `{speaker, text, start?, end?}` objects, or an object holding such an
//!   array under `turns` (the conversation schema of the evaluation material), `utterances`, `segments` or `messages`;
//!   JSON Lines of turn objects (`jsonl`). `start`/`end` are seconds (numbers or `hh:mm:ss.mmm`
//!   strings), `start_ms`/`end_ms` milliseconds.
//! * WebVTT (`webvtt`): cues with `<v Speaker>` voices or `Speaker:` labels.
//! * CSV chat exports (`csv`): a header row with speaker and text columns (optional time columns);
//!   RFC 4180 quoting.
//! * SRT (`srt`): numbered cues with `Speaker:` labels (also header-less VTT-like cue files).
//! * KakaoTalk exports (`kakaotalk`): mobile and PC text exports with dated message lines.
//! * Labelled plain text (`labelled_text`): `상담원: …`, `고객: …`, `Agent: …` lines with optional
//!   `[hh:mm:ss]`/`[mm:ss]`/`hh:mm:ss` timestamps before or after the label; unlabelled lines continue
//!   the previous turn.
//!
//! Speaker labels map to agent/customer through [`SpeakerAliases`] (`speaker_mapping = "labels"`);
//! transcripts that only name people (`김민수:`, `John:`) use the first-speaker heuristic
//! (`"first_speaker"`: the first named speaker is the agent unless the second one opens like an
//! agent, the next one the customer, others unknown); cue files without any label give unknown
//! speakers (`"none"`).
//!
//! [`parse_transcript_with`] is the entry point: it recognises the format and maps speakers with the
//! caller's [`SpeakerAliases`]. The per-format parsers are public for fuzzing and benchmarks; they
//! return [`RawTurn`]s, before speakers are mapped and empty turns dropped.

mod clock;
pub mod csv;
mod cue;
pub mod json;
pub mod kakao;
pub mod labelled;
mod speakers;
pub mod srt;
pub mod webvtt;

use shared::transcript::Turn;

pub use speakers::SpeakerAliases;

use super::{IngestError, MAX_TEXT_BYTES, MAX_TURNS, SizeLimit};

/// A transcript split into turns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTranscript {
    /// The turns in order, with non-empty trimmed text.
    pub turns: Vec<Turn>,
    /// The recognised format: `labelled_text`, `srt`, `webvtt`, `json`, `jsonl`, `csv` or
    /// `kakaotalk`.
    pub format: &'static str,
    /// How speakers were attributed: `labels` (aliases such as 상담원/고객), `first_speaker`
    /// (named speakers, first one is the agent) or `none` (no speaker information at all).
    pub speaker_mapping: &'static str,
}

/// Splits a transcript into turns with the default speaker aliases.
///
/// Errors: [`IngestError::TooLarge`] above [`MAX_TEXT_BYTES`] or [`MAX_TURNS`],
/// [`IngestError::Empty`] for blank text, [`IngestError::NoTurnsFound`] when no turn is recognised.
pub fn parse_transcript(text: &str) -> Result<ParsedTranscript, IngestError> {
    parse_transcript_with(text, &SpeakerAliases::default())
}

/// Splits a transcript into turns, mapping speaker labels with the given aliases: the single entry
/// point for configured aliases ([`parse_transcript`] uses the defaults).
///
/// Errors: as [`parse_transcript`].
pub fn parse_transcript_with(
    text: &str,
    aliases: &SpeakerAliases,
) -> Result<ParsedTranscript, IngestError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(IngestError::TooLarge(SizeLimit::Bytes));
    }
    let text = normalize_newlines(text.strip_prefix('\u{FEFF}').unwrap_or(text));
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(IngestError::Empty);
    }
    let (raw, format) = if let Some(result) = json::parse_json(trimmed) {
        result?
    } else if webvtt::is_webvtt(trimmed) {
        (webvtt::parse_webvtt(trimmed)?, "webvtt")
    } else if csv::detect_csv(trimmed).is_some() {
        (csv::parse_csv(trimmed)?, "csv")
    } else if srt::is_srt(trimmed) {
        (srt::parse_srt(trimmed)?, "srt")
    } else if kakao::is_kakao(trimmed) {
        (kakao::parse_kakao(trimmed)?, "kakaotalk")
    } else {
        (labelled::parse_labelled(trimmed, aliases)?, "labelled_text")
    };
    let (turns, speaker_mapping) = speakers::resolve_speakers(raw, aliases);
    if turns.is_empty() {
        return Err(IngestError::NoTurnsFound);
    }
    Ok(ParsedTranscript {
        turns,
        format,
        speaker_mapping,
    })
}

/// A turn as a parser found it, before its speaker label is mapped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawTurn {
    /// The speaker label as written, if any.
    pub label: Option<String>,
    /// Start, in milliseconds from the start of the conversation.
    pub start_ms: Option<u64>,
    /// End, in milliseconds from the start of the conversation.
    pub end_ms: Option<u64>,
    /// The text (may be empty or untrimmed; [`parse_transcript_with`] drops empty turns).
    pub text: String,
}

/// Pushes a turn, failing once the transcript has more than [`MAX_TURNS`] turns.
fn push_turn(turns: &mut Vec<RawTurn>, turn: RawTurn) -> Result<(), IngestError> {
    if turns.len() >= MAX_TURNS {
        return Err(IngestError::TooLarge(SizeLimit::Turns));
    }
    turns.push(turn);
    Ok(())
}

/// `\r\n` and lone `\r` become `\n`, so parsers only split on `\n`.
fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use shared::transcript::Speaker;

    use super::*;

    fn speakers_of(parsed: &ParsedTranscript) -> Vec<Speaker> {
        parsed.turns.iter().map(|t| t.speaker).collect()
    }

    #[test]
    fn korean_labels_map_to_agent_and_customer() {
        let parsed = parse_transcript(
            "상담원: 안녕하십니까, 고객센터입니다.\n고객: 배송이 안 와서요.\n상담사： 확인해 드리겠습니다.\n손님: 네.\n직원: 감사합니다.",
        )
        .unwrap();
        assert_eq!(parsed.format, "labelled_text");
        assert_eq!(parsed.speaker_mapping, "labels");
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent
            ]
        );
        assert_eq!(parsed.turns.get(2).unwrap().text, "확인해 드리겠습니다.");
    }

    #[test]
    fn english_labels_are_case_insensitive() {
        let parsed = parse_transcript("AGENT: Hello, how can I help?\ncaller: My card is lost.\nRep: I'm sorry to hear that.\nCustomer: Thanks.").unwrap();
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer
            ]
        );
    }

    #[test]
    fn timestamps_before_or_after_the_label_become_start_times() {
        let parsed = parse_transcript(
            "[00:00:05] 상담원: 안녕하세요\n고객 [00:12]: 네 안녕하세요\n00:01:02 상담원: 확인했습니다\n고객: [1:02:03.5] 감사합니다\n상담원 (00:02:00): 네",
        )
        .unwrap();
        let starts: Vec<Option<u64>> = parsed.turns.iter().map(|t| t.start_ms).collect();
        assert_eq!(
            starts,
            [
                Some(5_000),
                Some(12_000),
                Some(62_000),
                Some(3_723_500),
                Some(120_000)
            ]
        );
        assert!(parsed.turns.iter().all(|t| t.end_ms.is_none()));
        assert_eq!(parsed.turns.first().unwrap().text, "안녕하세요");
    }

    #[test]
    fn unlabelled_lines_continue_the_previous_turn_and_blank_lines_are_ignored() {
        let parsed = parse_transcript(
            "상담 기록 2024-01-05\n\n상담원: 안녕하세요.\n무엇을 도와드릴까요?\n\n고객: 주문한 물건이 안 왔어요.\n주문번호: A-20240105-0012 입니다.\n상담원: 확인해 드리겠습니다.",
        )
        .unwrap();
        assert_eq!(parsed.turns.len(), 3);
        assert_eq!(
            parsed.turns.first().unwrap().text,
            "안녕하세요.\n무엇을 도와드릴까요?"
        );
        assert_eq!(
            parsed.turns.get(1).unwrap().text,
            "주문한 물건이 안 왔어요.\n주문번호: A-20240105-0012 입니다."
        );
    }

    #[test]
    fn unknown_names_use_the_first_speaker_heuristic() {
        let parsed = parse_transcript("김민수: 안녕하세요\n이영희: 네\n김민수: 무엇을 도와드릴까요?\n이영희: 환불이요\n박과장: 잠시만요\n박과장: 네").unwrap();
        assert_eq!(parsed.speaker_mapping, "first_speaker");
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Unknown,
                Speaker::Unknown
            ]
        );
    }

    #[test]
    fn a_second_speaker_who_opens_like_an_agent_is_the_agent() {
        let parsed = parse_transcript("John: Hi, I need help with a refund.\nMary: Thank you for contacting us, how can I help?\nJohn: My order was wrong.\nMary: Let me check.").unwrap();
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent
            ]
        );
    }

    #[test]
    fn a_named_customer_beside_an_agent_alias_is_the_customer() {
        let parsed = parse_transcript("상담원: 안녕하세요\n김민수: 네 안녕하세요\n상담원: 무엇을 도와드릴까요\n김민수: 환불 문의요").unwrap();
        assert_eq!(parsed.speaker_mapping, "labels");
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer
            ]
        );
    }

    #[test]
    fn srt_cues_keep_their_times_and_labels() {
        let srt = "1\n00:00:01,000 --> 00:00:03,500\n상담원: 안녕하세요, 고객센터입니다.\n\n2\n00:00:04,000 --> 00:00:06,000\n고객: 카드를 잃어버렸어요.\n\n3\n00:00:06,500 --> 00:00:08,000\n바로 정지해 주세요.\n";
        let parsed = parse_transcript(srt).unwrap();
        assert_eq!(parsed.format, "srt");
        assert_eq!(
            speakers_of(&parsed),
            [Speaker::Agent, Speaker::Customer, Speaker::Customer]
        );
        let first = parsed.turns.first().unwrap();
        assert_eq!((first.start_ms, first.end_ms), (Some(1_000), Some(3_500)));
        assert_eq!(first.text, "안녕하세요, 고객센터입니다.");
    }

    #[test]
    fn webvtt_voices_become_speakers() {
        let vtt = "WEBVTT\n\nNOTE exported\n\n00:01.000 --> 00:04.000\n<v Agent>Hello, thanks for calling.</v>\n\ncue-2\n00:00:05.000 --> 00:00:07.250 align:start\n<v.loud Customer>My <b>package</b> is late &amp; I'm upset.\n";
        let parsed = parse_transcript(vtt).unwrap();
        assert_eq!(parsed.format, "webvtt");
        assert_eq!(speakers_of(&parsed), [Speaker::Agent, Speaker::Customer]);
        let second = parsed.turns.get(1).unwrap();
        assert_eq!(second.text, "My package is late & I'm upset.");
        assert_eq!((second.start_ms, second.end_ms), (Some(5_000), Some(7_250)));
    }

    #[test]
    fn json_arrays_and_turns_objects_are_read() {
        let array = r#"[{"speaker":"agent","text":"안녕하세요","start":1.5,"end":3},{"speaker":"고객","text":"환불해 주세요","start":"00:00:04.000"}]"#;
        let parsed = parse_transcript(array).unwrap();
        assert_eq!(parsed.format, "json");
        assert_eq!(speakers_of(&parsed), [Speaker::Agent, Speaker::Customer]);
        assert_eq!(parsed.turns.first().unwrap().start_ms, Some(1_500));
        assert_eq!(parsed.turns.first().unwrap().end_ms, Some(3_000));
        assert_eq!(parsed.turns.get(1).unwrap().start_ms, Some(4_000));

        let object = r#"{"id":"x","language":"en","turns":[{"speaker":"customer","text":"Hi"},{"speaker":"agent","text":"Hello!"}]}"#;
        let parsed = parse_transcript(object).unwrap();
        assert_eq!(speakers_of(&parsed), [Speaker::Customer, Speaker::Agent]);

        let lines = "{\"speaker\":\"Agent\",\"text\":\"Hello\"}\n{\"speaker\":\"Customer\",\"text\":\"Hi\"}\n";
        let parsed = parse_transcript(lines).unwrap();
        assert_eq!(parsed.format, "jsonl");
        assert_eq!(parsed.turns.len(), 2);
    }

    #[test]
    fn a_csv_chat_export_maps_its_speakers_and_keeps_quoted_text() {
        let csv = "시간,화자,내용\n00:00:01,상담원,\"안녕하세요, 행복카드 고객센터 상담원 김민지입니다.\"\n00:00:06,고객,\"카드를 잃어버렸어요.\n어제 저녁부터 안 보여요.\"\n00:00:12,상담원,\"많이 놀라셨겠어요. \"\"분실 신고\"\"부터 도와드리겠습니다.\"\n";
        let parsed = parse_transcript(csv).unwrap();
        assert_eq!(parsed.format, "csv");
        assert_eq!(parsed.speaker_mapping, "labels");
        assert_eq!(
            speakers_of(&parsed),
            [Speaker::Agent, Speaker::Customer, Speaker::Agent]
        );
        let second = parsed.turns.get(1).unwrap();
        assert_eq!(
            second.text,
            "카드를 잃어버렸어요.\n어제 저녁부터 안 보여요."
        );
        assert_eq!(second.start_ms, Some(6_000));
        assert_eq!(
            parsed.turns.get(2).unwrap().text,
            "많이 놀라셨겠어요. \"분실 신고\"부터 도와드리겠습니다."
        );

        // An English support-desk export with roles, epoch-free ISO times and a system row.
        let english = "timestamp,role,message\r\n2024-03-02T09:15:00Z,system,Chat started\r\n2024-03-02T09:15:04Z,agent,\"Hi, thanks for contacting us. How can I help?\"\r\n2024-03-02T09:15:30Z,customer,I was charged twice.\r\n";
        let parsed = parse_transcript(english).unwrap();
        assert_eq!(speakers_of(&parsed), [Speaker::Agent, Speaker::Customer]);
        let starts: Vec<Option<u64>> = parsed.turns.iter().map(|t| t.start_ms).collect();
        assert_eq!(starts, [Some(4_000), Some(30_000)]);
    }

    #[test]
    fn a_kakaotalk_export_uses_the_first_speaker_heuristic() {
        let export = "행복카드 고객센터 님과 카카오톡 대화\n저장한 날짜 : 2024. 1. 5. 오후 3:00\n\n2024. 1. 5. 오후 2:30, 김민수 : 카드를 잃어버렸어요\n2024. 1. 5. 오후 2:31, 행복카드 고객센터 : 안녕하세요, 무엇을 도와드릴까요?\n2024. 1. 5. 오후 2:32, 김민수 : 분실 신고 부탁드려요\n";
        let parsed = parse_transcript(export).unwrap();
        assert_eq!(parsed.format, "kakaotalk");
        assert_eq!(parsed.speaker_mapping, "first_speaker");
        assert_eq!(
            speakers_of(&parsed),
            [Speaker::Customer, Speaker::Agent, Speaker::Customer]
        );
        assert_eq!(parsed.turns.get(2).unwrap().start_ms, Some(120_000));
    }

    #[test]
    fn a_realistic_labelled_call_without_timestamps_keeps_multi_line_turns() {
        let text = "[상담 기록] 2024-01-05 배송 문의\n\n상담원: 안녕하십니까, 행복쇼핑 고객센터 상담원 이지은입니다.\n무엇을 도와드릴까요?\n고객: 지난주에 주문한 운동화가 아직 안 왔어요.\n주문번호는 A-20240105-0012예요.\n상담원: 불편을 드려 죄송합니다. 바로 확인해 드리겠습니다.\n고객: 네.\n";
        let parsed = parse_transcript(text).unwrap();
        assert_eq!(parsed.format, "labelled_text");
        assert_eq!(parsed.turns.len(), 4);
        assert!(parsed.turns.iter().all(|t| t.start_ms.is_none()));
        assert_eq!(
            parsed.turns.first().unwrap().text,
            "안녕하십니까, 행복쇼핑 고객센터 상담원 이지은입니다.\n무엇을 도와드릴까요?"
        );
    }

    #[test]
    fn a_realistic_webvtt_export_with_voices_and_notes_is_read() {
        let vtt = "WEBVTT Kind: captions; Language: ko\n\nNOTE\n회의 녹화에서 자동 생성됨\n\n1\n00:00:00.500 --> 00:00:03.000\n<v 상담원 김민지>안녕하세요, 고객센터입니다.\n\n2\n00:00:03.200 --> 00:00:06.800\n<v 고객>배송이 일주일째 안 와요.\n<v 고객>주문번호 알려 드릴까요?\n\n3\n00:00:07.000 --> 00:00:09.000\n<v 상담원 김민지>네, 말씀해 주세요.\n";
        let parsed = parse_transcript(vtt).unwrap();
        assert_eq!(parsed.format, "webvtt");
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Customer,
                Speaker::Agent
            ]
        );
        assert_eq!(parsed.turns.first().unwrap().start_ms, Some(500));
    }

    #[test]
    fn configured_aliases_change_the_mapping() {
        let text = "매니저: 안녕하세요, 무엇을 도와드릴까요?\n회원: 환불 문의요\n매니저: 확인하겠습니다\n회원: 네";
        let mut aliases = SpeakerAliases::default();
        aliases.agent.push("매니저".into());
        aliases.customer.push("회원".into());
        let parsed = parse_transcript_with(text, &aliases).unwrap();
        assert_eq!(parsed.speaker_mapping, "labels");
        assert_eq!(
            speakers_of(&parsed),
            [
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer
            ]
        );
        let csv = "sender,message\n매니저,안녕하세요\n회원,환불이요\n";
        let parsed = parse_transcript_with(csv, &aliases).unwrap();
        assert_eq!(speakers_of(&parsed), [Speaker::Agent, Speaker::Customer]);
    }

    #[test]
    fn text_without_turns_is_rejected() {
        assert_eq!(
            parse_transcript("그냥 메모입니다. 화자 표시가 없어요."),
            Err(IngestError::NoTurnsFound)
        );
        assert_eq!(
            parse_transcript("{\"foo\": 1}"),
            Err(IngestError::NoTurnsFound)
        );
        assert_eq!(parse_transcript("[]"), Err(IngestError::NoTurnsFound));
        assert_eq!(parse_transcript(" \n "), Err(IngestError::Empty));
        assert_eq!(
            parse_transcript("상담원:   \n고객:\n"),
            Err(IngestError::NoTurnsFound)
        );
    }

    #[test]
    fn oversized_transcripts_are_rejected() {
        let many = "고객: 네\n".repeat(MAX_TURNS + 1);
        assert_eq!(
            parse_transcript(&many),
            Err(IngestError::TooLarge(SizeLimit::Turns))
        );
        let long = "가".repeat(MAX_TEXT_BYTES / 3 + 1);
        assert_eq!(
            parse_transcript(&long),
            Err(IngestError::TooLarge(SizeLimit::Bytes))
        );
    }

    #[test]
    fn urls_and_times_inside_text_are_not_labels() {
        let parsed = parse_transcript("상담원: 안내 링크입니다\nhttps://example.com/help 참고해 주세요\n10:30에 다시 연락드릴게요\n고객: 네").unwrap();
        assert_eq!(parsed.turns.len(), 2);
        assert!(
            parsed
                .turns
                .first()
                .unwrap()
                .text
                .contains("https://example.com/help")
        );
    }

    #[test]
    fn hostile_inputs_never_panic() {
        let inputs = [
            "[",
            "]",
            "[[[[",
            "상담원",
            ":",
            "：：",
            "[00:00",
            "00:00:",
            "[99:99:99] 고객: 네",
            "<v",
            "<v >",
            "1\n-->\n",
            "WEBVTT\n\n-->",
            "WEBVTT\n\n00:00.000 --> \n<v Agent",
            "{\"turns\":5}",
            "[{\"speaker\":null,\"text\":\"a\",\"start\":-1e308}]",
            "[{\"text\":\"a\",\"start\":1e308}]",
            "상담원 [",
            "고객 (",
            "(1:2:3) :",
            "\u{FEFF}고객: 네",
            "고객:\u{0}",
            "a:b:c:d",
            "**상담원:** 안녕",
        ];
        for input in inputs {
            let _ = parse_transcript(input);
        }
    }
}
