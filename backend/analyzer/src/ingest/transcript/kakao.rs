//! KakaoTalk text exports (format `kakaotalk`), as saved by the phone and PC apps:
//!
//! * mobile (Android): `2024년 1월 5일 오후 2:30, 홍길동 : 안녕하세요`;
//! * mobile (iOS): `2024. 1. 5. 오후 2:30, 홍길동 : 안녕하세요`;
//! * PC: `[홍길동] [오후 2:30] 안녕하세요` under date lines such as
//!   `--------------- 2024년 1월 5일 금요일 ---------------`.
//!
//! The title (`홍길동 님과 카카오톡 대화`), the save date, date lines and system lines (joins, leaves,
//! `2024년 1월 5일 오후 2:30, 홍길동님이 들어왔습니다.`) are skipped; other lines continue the previous
//! message. Times become offsets from the first message (minute precision, as exported). The CSV
//! export (`Date,User,Message`) is read by the CSV parser.

use std::sync::LazyLock;

use regex::Regex;

use super::clock::{DATE_TIME_PATTERN, date_time_from_captures, parse_date_time};
use super::{RawTurn, push_turn};
use crate::ingest::IngestError;

/// How many leading non-empty lines are searched when recognising an export.
const SNIFF_LINES: usize = 200;

/// A mobile message line: date-time, `,`, name, ` : `, text.
static MOBILE_MESSAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*{DATE_TIME_PATTERN}\s*,\s*(?P<name>[^\n:]{{1,40}}?)\s+:\s?(?P<text>.*)$"
    ))
    .ok()
});
/// A mobile line that starts with a date-time (messages, system lines, date headers).
static MOBILE_DATED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*{DATE_TIME_PATTERN}")).ok());
/// A PC message line: `[name] [오후 2:30] text`.
static PC_MESSAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^\[(?P<name>[^\]\n]{1,40})\]\s*\[(?P<ampm>오전|오후|AM|PM)\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})\]\s?(?P<text>.*)$",
    )
    .ok()
});
/// A date line: `2024년 1월 5일 금요일` (PC lines framed with dashes, mobile lines bare).
static DATE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[\s-]*(?P<year>\d{4})\s*[년.]\s*(?P<month>\d{1,2})\s*[월.]\s*(?P<day>\d{1,2})\s*[일.]?\s*(?:[월화수목금토일]요일)?[\s-]*$",
    )
    .ok()
});

/// Whether the text looks like a KakaoTalk export: the title line, or at least two message lines
/// (one in a very short file) among the first lines.
pub fn is_kakao(text: &str) -> bool {
    let mut messages = 0usize;
    let mut lines = 0usize;
    for line in text
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .take(SNIFF_LINES)
    {
        lines += 1;
        if lines == 1 && line.contains("카카오톡 대화") {
            return true;
        }
        if matches(&MOBILE_MESSAGE, line) || matches(&PC_MESSAGE, line) {
            messages += 1;
            if messages >= 2 {
                return true;
            }
        }
    }
    messages >= 1 && lines <= 2
}

/// Parses a KakaoTalk export into raw turns.
pub fn parse_kakao(text: &str) -> Result<Vec<RawTurn>, IngestError> {
    let (Some(mobile), Some(dated), Some(pc), Some(date_line)) = (
        MOBILE_MESSAGE.as_ref(),
        MOBILE_DATED.as_ref(),
        PC_MESSAGE.as_ref(),
        DATE_LINE.as_ref(),
    ) else {
        return Err(IngestError::NoTurnsFound);
    };
    let mut turns: Vec<RawTurn> = Vec::new();
    let mut first_ms: Option<i64> = None;
    let mut offset = |at_ms: Option<i64>| -> Option<u64> {
        let at = at_ms?;
        let first = *first_ms.get_or_insert(at);
        u64::try_from(at.checked_sub(first)?).ok()
    };
    // The date of the PC export's current section, as `YYYY-MM-DD`.
    let mut pc_date: Option<String> = None;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if let Some(found) = mobile.captures(trimmed) {
            let name = found.name("name").map_or("", |m| m.as_str().trim());
            let message = found.name("text").map_or("", |m| m.as_str());
            push_turn(
                &mut turns,
                RawTurn {
                    label: Some(name.to_owned()),
                    start_ms: offset(date_time_from_captures(&found)),
                    end_ms: None,
                    text: message.to_owned(),
                },
            )?;
        } else if let Some(found) = pc.captures(trimmed) {
            let name = found.name("name").map_or("", |m| m.as_str().trim());
            let message = found.name("text").map_or("", |m| m.as_str());
            let at_ms = pc_date.as_deref().and_then(|date| {
                let time = format!(
                    "{date} {} {}:{}",
                    found.name("ampm")?.as_str(),
                    found.name("hour")?.as_str(),
                    found.name("minute")?.as_str()
                );
                parse_date_time(&time)
            });
            push_turn(
                &mut turns,
                RawTurn {
                    label: Some(name.to_owned()),
                    start_ms: offset(at_ms),
                    end_ms: None,
                    text: message.to_owned(),
                },
            )?;
        } else if let Some(found) = date_line.captures(trimmed) {
            pc_date = match (found.name("year"), found.name("month"), found.name("day")) {
                (Some(y), Some(m), Some(d)) => {
                    Some(format!("{}-{}-{}", y.as_str(), m.as_str(), d.as_str()))
                }
                _ => None,
            };
        } else if dated.is_match(trimmed) || trimmed.is_empty() || is_system_line(trimmed) {
            // System lines (joins, leaves, the save date) and blank lines.
        } else if let Some(current) = turns.last_mut() {
            // A multi-line message; lines before the first message are the title and save date.
            current.text.push('\n');
            current.text.push_str(trimmed);
        }
    }
    if turns.is_empty() {
        return Err(IngestError::NoTurnsFound);
    }
    Ok(turns)
}

/// Join/leave/invite notices of the PC export, which carry no date.
fn is_system_line(line: &str) -> bool {
    const NOTICES: &[&str] = &[
        "님이 들어왔습니다.",
        "님이 나갔습니다.",
        "님을 초대했습니다.",
        "님을 내보냈습니다.",
        "채팅방 관리자가 메시지를 가렸습니다.",
    ];
    NOTICES.iter().any(|n| line.ends_with(n))
}

fn matches(pattern: &LazyLock<Option<Regex>>, line: &str) -> bool {
    pattern.as_ref().is_some_and(|p| p.is_match(line.trim()))
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
    fn android_exports_are_read_with_times_and_multi_line_messages() {
        let export = "행복카드 고객센터 님과 카카오톡 대화\n저장한 날짜 : 2024년 1월 5일 오후 3:00\n\n2024년 1월 5일 금요일\n2024년 1월 5일 오후 2:30, 김민수님이 들어왔습니다.\n2024년 1월 5일 오후 2:30, 행복카드 고객센터 : 안녕하세요, 행복카드 고객센터입니다.\n무엇을 도와드릴까요?\n2024년 1월 5일 오후 2:31, 김민수 : 카드를 잃어버렸어요\n2024년 1월 5일 오후 2:33, 행복카드 고객센터 : 바로 분실 신고 도와드리겠습니다.\n";
        assert!(is_kakao(export));
        let turns = parse_kakao(export).unwrap();
        assert_eq!(
            summary(&turns),
            [
                (
                    Some("행복카드 고객센터"),
                    Some(0),
                    "안녕하세요, 행복카드 고객센터입니다.\n무엇을 도와드릴까요?"
                ),
                (Some("김민수"), Some(60_000), "카드를 잃어버렸어요"),
                (
                    Some("행복카드 고객센터"),
                    Some(180_000),
                    "바로 분실 신고 도와드리겠습니다."
                ),
            ]
        );
    }

    #[test]
    fn ios_exports_are_read() {
        let export = "2024. 1. 5. 오후 11:59, 상담원 : 마감 전에 연락 주셔서 감사합니다.\n2024. 1. 6. 오전 12:01, 고객 : 네 감사합니다\n";
        assert!(is_kakao(export));
        let turns = parse_kakao(export).unwrap();
        assert_eq!(
            summary(&turns),
            [
                (Some("상담원"), Some(0), "마감 전에 연락 주셔서 감사합니다."),
                (Some("고객"), Some(120_000), "네 감사합니다"),
            ]
        );
    }

    #[test]
    fn pc_exports_are_read_under_their_date_lines() {
        let export = "김민수 님과 카카오톡 대화\n저장한 날짜 : 2024-01-06 09:00:00\n\n--------------- 2024년 1월 5일 금요일 ---------------\n[상담사 이지은] [오후 11:58] 안녕하세요 고객님\n[김민수] [오후 11:59] 배송이 안 왔어요\n주문번호는 A-123 입니다\n박과장님이 들어왔습니다.\n--------------- 2024년 1월 6일 토요일 ---------------\n[상담사 이지은] [오전 12:00] 확인해 드리겠습니다\n";
        assert!(is_kakao(export));
        let turns = parse_kakao(export).unwrap();
        assert_eq!(
            summary(&turns),
            [
                (Some("상담사 이지은"), Some(0), "안녕하세요 고객님"),
                (
                    Some("김민수"),
                    Some(60_000),
                    "배송이 안 왔어요\n주문번호는 A-123 입니다"
                ),
                (Some("상담사 이지은"), Some(120_000), "확인해 드리겠습니다"),
            ]
        );
    }

    #[test]
    fn other_transcripts_are_not_kakao_exports() {
        for text in [
            "상담원: 안녕하세요\n고객: 네",
            "[00:00:05] 상담원: 안녕하세요\n[00:00:07] 고객: 네",
            "1\n00:00:01,000 --> 00:00:02,000\n상담원: 네",
            "2024년 1월 5일 회의록\n참석자: 김민수",
        ] {
            assert!(!is_kakao(text), "{text}");
        }
    }
}
