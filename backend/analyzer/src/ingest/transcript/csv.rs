//! CSV chat exports (format `csv`): a header row names the columns, one row per message.
//!
//! The header is recognised when its first line, split on `,`, tab or `;`, has a speaker column
//! (`speaker`, `role`, `author`, `sender`, `name`, `from`, `user`, `participant`, `화자`, `발신자`,
//! `보낸 사람`, `이름`, `작성자`, `대화자`, …) and a text column (`text`, `message`, `content`,
//! `body`, `utterance`, `내용`, `메시지`, `대화 내용`, `발화`, …); a time column (`time`,
//! `timestamp`, `date`, `start`, `시간`, `일시`, `날짜`, …) and an end column (`end`, `종료 시간`)
//! are optional. Header names are compared without case, spaces, `_` and `-`.
//!
//! Rows follow RFC 4180 (quoted fields with embedded delimiters, doubled quotes and newlines,
//! through the `csv` crate); short rows are allowed. Times are offsets (`00:01:05`, `65.5`
//! seconds) or wall-clock date-times (`2024-01-05 14:30:00`, `2024. 1. 5. 오후 2:30`, epoch
//! seconds or milliseconds), which become offsets from the first dated row. Rows whose speaker is
//! `system` or `action` are skipped. KakaoTalk's CSV export (`Date,User,Message`) is read this way.

use ::csv::{ReaderBuilder, StringRecord, Trim};

use super::clock::{parse_clock, parse_date_time};
use super::{RawTurn, push_turn};
use crate::ingest::IngestError;

/// Header names (normalised) of the speaker column.
const SPEAKER_COLUMNS: &[&str] = &[
    "speaker",
    "speakername",
    "speakerlabel",
    "role",
    "author",
    "sender",
    "sendername",
    "name",
    "from",
    "user",
    "username",
    "participant",
    "화자",
    "발신자",
    "보낸사람",
    "이름",
    "작성자",
    "대화자",
    "발화자",
    "사용자",
    "구분",
];
/// Header names (normalised) of the text column.
const TEXT_COLUMNS: &[&str] = &[
    "text",
    "message",
    "messagetext",
    "content",
    "body",
    "utterance",
    "transcript",
    "msg",
    "내용",
    "메시지",
    "메세지",
    "대화",
    "대화내용",
    "발화",
    "발화내용",
    "텍스트",
];
/// Header names (normalised) of the (start) time column.
const TIME_COLUMNS: &[&str] = &[
    "time",
    "timestamp",
    "date",
    "datetime",
    "start",
    "starttime",
    "startms",
    "begin",
    "sentat",
    "createdat",
    "시간",
    "시각",
    "일시",
    "날짜",
    "시작",
    "시작시간",
    "타임스탬프",
];
/// Header names (normalised) of the end time column.
const END_COLUMNS: &[&str] = &["end", "endtime", "endms", "종료", "종료시간"];
/// Speakers that are events, not people.
const SKIPPED_SPEAKERS: &[&str] = &["system", "action", "시스템"];
/// Delimiters tried, in order.
const DELIMITERS: &[u8] = b",\t;";
/// Longest header line considered.
const MAX_HEADER_BYTES: usize = 4096;
/// Offsets above this many seconds are wall-clock epoch values, not offsets (100 hours).
const MAX_OFFSET_SECONDS: f64 = 360_000.0;

/// Where the columns of a recognised CSV export are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLayout {
    /// The field delimiter (`,`, tab or `;`).
    pub delimiter: u8,
    /// Index of the speaker column.
    pub speaker: usize,
    /// Index of the text column.
    pub text: usize,
    /// Index of the start time column, if any.
    pub time: Option<usize>,
    /// Index of the end time column, if any.
    pub end: Option<usize>,
}

/// Recognises a CSV chat export from its header line.
pub fn detect_csv(text: &str) -> Option<CsvLayout> {
    let first_line = text.split('\n').next()?.trim();
    if first_line.is_empty() || first_line.len() > MAX_HEADER_BYTES {
        return None;
    }
    DELIMITERS.iter().find_map(|&delimiter| {
        let header = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .trim(Trim::All)
            .from_reader(first_line.as_bytes())
            .records()
            .next()?
            .ok()?;
        let find = |names: &[&str]| {
            header
                .iter()
                .position(|field| names.contains(&normalise_header(field).as_str()))
        };
        let speaker = find(SPEAKER_COLUMNS)?;
        let text = find(TEXT_COLUMNS)?;
        (speaker != text).then(|| CsvLayout {
            delimiter,
            speaker,
            text,
            time: find(TIME_COLUMNS),
            end: find(END_COLUMNS),
        })
    })
}

/// Parses a CSV chat export into raw turns; [`IngestError::NoTurnsFound`] when it is not one.
pub fn parse_csv(text: &str) -> Result<Vec<RawTurn>, IngestError> {
    let layout = detect_csv(text).ok_or(IngestError::NoTurnsFound)?;
    let mut reader = ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .has_headers(true)
        .flexible(true)
        .trim(Trim::All)
        .from_reader(text.as_bytes());
    let mut clock = TimeBase::default();
    let mut turns = Vec::new();
    let mut record = StringRecord::new();
    // A read error (impossible for in-memory UTF-8, but not worth a panic) ends the table.
    while reader.read_record(&mut record).unwrap_or(false) {
        let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or("");
        // Times count from the first dated row, a system row (`Chat started`) included.
        let start_ms = clock.offset_ms(field(layout.time));
        let end_ms = clock.offset_ms(field(layout.end));
        let label = field(Some(layout.speaker));
        if SKIPPED_SPEAKERS
            .iter()
            .any(|s| label.eq_ignore_ascii_case(s))
        {
            continue;
        }
        let message = field(Some(layout.text));
        if message.is_empty() {
            continue;
        }
        push_turn(
            &mut turns,
            RawTurn {
                label: (!label.is_empty()).then(|| label.to_owned()),
                start_ms,
                end_ms,
                text: message.to_owned(),
            },
        )?;
    }
    if turns.is_empty() {
        return Err(IngestError::NoTurnsFound);
    }
    Ok(turns)
}

/// Lower case without spaces, `_`, `-`, quotes and a byte-order mark.
fn normalise_header(field: &str) -> String {
    field
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '"' | '\'' | '\u{FEFF}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Turns time cells into offsets: clock values and small numbers are offsets already; wall-clock
/// values are measured from the first one seen.
#[derive(Debug, Default)]
struct TimeBase {
    first_wall_clock_ms: Option<i64>,
}

impl TimeBase {
    fn offset_ms(&mut self, cell: &str) -> Option<u64> {
        if cell.is_empty() {
            return None;
        }
        if let Some(ms) = parse_clock(cell) {
            return Some(ms);
        }
        let wall_clock_ms = match cell.parse::<f64>() {
            Ok(seconds) if seconds.is_finite() && (0.0..=MAX_OFFSET_SECONDS).contains(&seconds) => {
                // In range and rounded, so the conversion is exact.
                return Some((seconds * 1000.0).round() as u64);
            }
            // Epoch seconds (until the year 5138) or milliseconds.
            Ok(value) if value.is_finite() && value > 0.0 && value < 1e11 => {
                Some((value * 1000.0).round() as i64)
            }
            Ok(value) if value.is_finite() && value > 0.0 && value < 1e14 => {
                Some(value.round() as i64)
            }
            Ok(_) => None,
            Err(_) => parse_date_time(cell),
        }?;
        let first = *self.first_wall_clock_ms.get_or_insert(wall_clock_ms);
        u64::try_from(wall_clock_ms.checked_sub(first)?).ok()
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;

    fn summary(turns: &[RawTurn]) -> Vec<(Option<&str>, Option<u64>, &str)> {
        turns
            .iter()
            .map(|t| (t.label.as_deref(), t.start_ms, t.text.as_str()))
            .collect()
    }

    #[test]
    fn headers_in_english_and_korean_are_recognised() {
        let cases = [
            ("speaker,text", (b',', 0, 1, None)),
            ("Time,Speaker,Message", (b',', 1, 2, Some(0))),
            ("\"Role\";\"Content\"", (b';', 0, 1, None)),
            ("시간\t화자\t내용", (b'\t', 1, 2, Some(0))),
            ("날짜,발신자,메시지", (b',', 1, 2, Some(0))),
            ("Date,User,Message", (b',', 1, 2, Some(0))),
            (
                "Start Time,End Time,Speaker Name,Utterance",
                (b',', 2, 3, Some(0)),
            ),
            ("번호,보낸 사람,대화 내용", (b',', 1, 2, None)),
        ];
        for (header, (delimiter, speaker, text, time)) in cases {
            let layout = detect_csv(&format!("{header}\na,b,c")).unwrap();
            assert_eq!(
                (layout.delimiter, layout.speaker, layout.text, layout.time),
                (delimiter, speaker, text, time),
                "{header}"
            );
        }
        for not_csv in [
            "상담원: 안녕하세요, 고객님",
            "speaker: text",
            "name,age",
            "text,message",
            "",
            "WEBVTT",
        ] {
            assert_eq!(detect_csv(not_csv), None, "{not_csv}");
        }
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let csv = "speaker,text\n상담원,\"안녕하세요, 행복카드 고객센터입니다.\"\n고객,\"카드를 잃어버렸어요.\n어제 저녁에요.\"\n상담원,\"\"\"분실 신고\"\"를 바로 접수해 드리겠습니다.\"\n";
        let turns = parse_csv(csv).unwrap();
        assert_eq!(
            summary(&turns),
            [
                (Some("상담원"), None, "안녕하세요, 행복카드 고객센터입니다."),
                (Some("고객"), None, "카드를 잃어버렸어요.\n어제 저녁에요."),
                (
                    Some("상담원"),
                    None,
                    "\"분실 신고\"를 바로 접수해 드리겠습니다."
                ),
            ]
        );
    }

    #[test]
    fn offsets_and_wall_clock_times_become_start_times() {
        let offsets =
            "start,end,speaker,text\n0.5,3.2,Agent,Hello\n00:00:04,00:00:06,Customer,Hi\n";
        let turns = parse_csv(offsets).unwrap();
        let times: Vec<_> = turns.iter().map(|t| (t.start_ms, t.end_ms)).collect();
        assert_eq!(
            times,
            [(Some(500), Some(3_200)), (Some(4_000), Some(6_000))]
        );

        let kakao = "Date,User,Message\n2024-01-05 14:30:00,\"행복카드 고객센터\",\"안녕하세요, 무엇을 도와드릴까요?\"\n2024-01-05 14:31:30,\"김민수\",\"카드 분실 신고요\"\n";
        let turns = parse_csv(kakao).unwrap();
        let starts: Vec<_> = turns.iter().map(|t| t.start_ms).collect();
        assert_eq!(starts, [Some(0), Some(90_000)]);

        let epoch = "timestamp,sender,message\n1704433800,agent,hi\n1704433812,customer,hello\n";
        let starts: Vec<_> = parse_csv(epoch)
            .unwrap()
            .iter()
            .map(|t| t.start_ms)
            .collect();
        assert_eq!(starts, [Some(0), Some(12_000)]);
    }

    #[test]
    fn short_rows_empty_messages_and_system_rows_are_skipped() {
        let csv = "role,content,time\nsystem,채팅이 시작되었습니다,\nagent,안녕하세요\ncustomer,,\ncustomer\n,이름 없는 메시지,\ncustomer,환불해 주세요,not a time\n";
        let turns = parse_csv(csv).unwrap();
        assert_eq!(
            summary(&turns),
            [
                (Some("agent"), None, "안녕하세요"),
                (None, None, "이름 없는 메시지"),
                (Some("customer"), None, "환불해 주세요"),
            ]
        );
        assert_eq!(parse_csv("speaker,text\n"), Err(IngestError::NoTurnsFound));
        assert_eq!(parse_csv("hello"), Err(IngestError::NoTurnsFound));
    }

    #[test]
    fn broken_quoting_never_panics() {
        for csv in [
            "speaker,text\n\"",
            "speaker,text\n\"a,\"b\"\"\n",
            "speaker,text\na,\"unterminated\nb,c",
            "\"speaker,text",
            "speaker,text\n,,,,,,,,,,,,\n\"\"\"\"\"\n",
        ] {
            let _ = parse_csv(csv);
        }
    }
}
