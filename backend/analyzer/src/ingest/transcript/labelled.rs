//! Labelled plain text: one `Speaker: text` line starts a turn, other lines continue it.
//!
//! Accepted line shapes (label case-insensitive, `:` or fullwidth `：`):
//! `상담원: …`, `[00:01:02] 상담원: …`, `00:01:02 상담원: …`, `상담원 [00:01]: …`, `상담원 (00:01:02): …`,
//! `상담원: [00:01:02] …`, `[상담원] …`, `**상담원:** …`, and a label with a timestamp alone on its
//! line (`상담원 00:00:05`, text on the following lines).
//!
//! A `Name:` that is not an alias only starts a turn when it looks like a speaker: when the transcript
//! has aliases for just one side, or no aliases at all, and the name starts at least two lines (or no
//! name does, in a very short transcript). Otherwise such lines (`주문번호: A-123`) are text.

use std::collections::BTreeMap;

use super::clock::{is_clock, parse_clock};
use super::speakers::{LabelKind, SpeakerAliases};
use super::{RawTurn, push_turn};
use crate::ingest::IngestError;

/// Longest speaker label, in characters.
const MAX_LABEL_CHARS: usize = 24;
/// Most words in a speaker label.
const MAX_LABEL_WORDS: usize = 4;

/// A line that starts with a speaker label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LabelLine<'a> {
    /// The label as written (trimmed).
    pub label: &'a str,
    /// The timestamp found before or after the label, in milliseconds.
    pub start_ms: Option<u64>,
    /// The text after the label (trimmed; may be empty).
    pub text: &'a str,
}

/// Parses labelled plain text into raw turns.
pub fn parse_labelled(text: &str, aliases: &SpeakerAliases) -> Result<Vec<RawTurn>, IngestError> {
    let lines: Vec<(&str, Option<LabelLine<'_>>)> = text
        .split('\n')
        .map(|line| (line, split_label_line(line)))
        .collect();
    let mut name_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut has_agent, mut has_customer) = (false, false);
    for label in lines.iter().filter_map(|(_, l)| l.map(|l| l.label)) {
        match aliases.classify(label) {
            LabelKind::Agent => has_agent = true,
            LabelKind::Customer => has_customer = true,
            LabelKind::Name => *name_counts.entry(label).or_insert(0) += 1,
        }
    }
    let any_repeated_name = name_counts.values().any(|&n| n >= 2);
    let accepts = |label: &str| -> bool {
        match aliases.classify(label) {
            LabelKind::Agent | LabelKind::Customer => true,
            LabelKind::Name if has_agent && has_customer => false,
            LabelKind::Name => {
                let count = name_counts.get(label).copied().unwrap_or(0);
                count >= 2 || (!any_repeated_name && !has_agent && !has_customer)
            }
        }
    };

    let mut turns: Vec<RawTurn> = Vec::new();
    for (line, label_line) in lines {
        match label_line {
            Some(found) if accepts(found.label) => push_turn(
                &mut turns,
                RawTurn {
                    label: Some(found.label.to_owned()),
                    start_ms: found.start_ms,
                    end_ms: None,
                    text: found.text.to_owned(),
                },
            )?,
            _ => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                // Lines before the first turn (titles, dates) are not part of the conversation.
                if let Some(current) = turns.last_mut() {
                    if !current.text.is_empty() {
                        current.text.push('\n');
                    }
                    current.text.push_str(line);
                }
            }
        }
    }
    if turns.is_empty() {
        return Err(IngestError::NoTurnsFound);
    }
    Ok(turns)
}

/// Recognises a line that starts with a speaker label (see the module docs for the shapes).
pub(super) fn split_label_line(line: &str) -> Option<LabelLine<'_>> {
    let mut rest = line.trim().trim_start_matches('*').trim_start();
    let mut start_ms = None;
    if let Some((inner, after)) = split_bracketed(rest)
        && let Some(ms) = parse_clock(inner)
    {
        start_ms = Some(ms);
        rest = after;
    } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | '.' | ',')))
            .unwrap_or(rest.len());
        let token = rest.get(..end)?;
        // A clock only when followed by a space: `10:30에` is text, not a timestamp.
        let token = token.trim_end_matches([':', ',']);
        let ms = parse_clock(token)?;
        let after = rest.get(token.len()..)?;
        if !after.starts_with(char::is_whitespace) && !after.is_empty() {
            return None;
        }
        start_ms = Some(ms);
        rest = after;
    }
    rest = rest
        .trim_start()
        .trim_start_matches(['-', '–', '|'])
        .trim_start();

    // `[상담원] 안녕하세요`: a bracketed label without a colon.
    if !rest.starts_with('(')
        && let Some((inner, after)) = split_bracketed(rest)
        && !is_clock(inner)
        && is_plausible_label(inner)
    {
        let (text, ts) = strip_leading_timestamp(after.trim());
        return Some(LabelLine {
            label: inner.trim(),
            start_ms: start_ms.or(ts),
            text,
        });
    }

    match find_label_colon(rest) {
        Some((at, colon_len)) => {
            let label_part = rest.get(..at)?;
            let text = rest.get(at + colon_len..)?;
            if text.starts_with("//") {
                return None; // a URL, not a label
            }
            let label_part = label_part.trim().trim_matches('*').trim();
            let (label, ts_after) = strip_trailing_timestamp(label_part);
            if !is_plausible_label(label) {
                return None;
            }
            let (text, ts_text) =
                strip_leading_timestamp(text.trim().trim_start_matches('*').trim_start());
            Some(LabelLine {
                label,
                start_ms: start_ms.or(ts_after).or(ts_text),
                text,
            })
        }
        None => {
            // `상담원 00:00:05` / `00:00:05 상담원` alone on a line: the text follows below.
            let (label, ts_after) = strip_trailing_timestamp(rest.trim());
            let start = start_ms.or(ts_after)?;
            if !is_plausible_label(label) {
                return None;
            }
            Some(LabelLine {
                label,
                start_ms: Some(start),
                text: "",
            })
        }
    }
}

/// `[inner] after` or `(inner) after` → (`inner`, `after`).
fn split_bracketed(text: &str) -> Option<(&str, &str)> {
    let close = match text.chars().next()? {
        '[' => ']',
        '(' => ')',
        '【' => '】',
        _ => return None,
    };
    let open_len = text.chars().next()?.len_utf8();
    let end = text.find(close)?;
    let inner = text.get(open_len..end)?;
    let after = text.get(end + close.len_utf8()..)?;
    Some((inner, after))
}

/// Finds the colon that ends a label: the first `:`/`：` outside brackets that is not part of a
/// clock (`00:05`). Returns its byte offset and length.
fn find_label_colon(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0i32;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '[' | '(' | '【' | '（' => depth += 1,
            ']' | ')' | '】' | '）' => depth -= 1,
            ':' | '：' if depth <= 0 => {
                let next_is_digit = chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
                let previous_is_digit = previous.is_some_and(|p| p.is_ascii_digit());
                if !(next_is_digit && previous_is_digit) {
                    return Some((at, c.len_utf8()));
                }
            }
            _ => {}
        }
        previous = Some(c);
    }
    None
}

/// `상담원 [00:01]` / `상담원 (00:01)` / `상담원 00:01` → (`상담원`, 1000 ms).
fn strip_trailing_timestamp(label: &str) -> (&str, Option<u64>) {
    if let Some(open_at) = label.rfind(['[', '('])
        && label.ends_with([']', ')'])
        && let Some(inner) = label.get(open_at + 1..label.len() - 1)
        && let Some(ms) = parse_clock(inner)
    {
        return (
            label.get(..open_at).unwrap_or_default().trim_end(),
            Some(ms),
        );
    }
    if let Some(space_at) = label.rfind(char::is_whitespace)
        && let Some(token) = label.get(space_at..)
        && let Some(ms) = parse_clock(token)
    {
        return (
            label.get(..space_at).unwrap_or_default().trim_end(),
            Some(ms),
        );
    }
    (label, None)
}

/// `[00:01:02] 안녕하세요` → (`안녕하세요`, 62000 ms); a wall-clock `[오후 2:30]` is dropped.
fn strip_leading_timestamp(text: &str) -> (&str, Option<u64>) {
    if let Some((inner, after)) = split_bracketed(text) {
        if let Some(ms) = parse_clock(inner) {
            return (after.trim(), Some(ms));
        }
        let inner = inner.trim();
        let wall_clock = ["오전", "오후", "AM", "PM", "am", "pm"]
            .iter()
            .any(|p| inner.starts_with(p) || inner.ends_with(p));
        if wall_clock && inner.contains(':') && inner.chars().count() <= 12 {
            return (after.trim(), None);
        }
    }
    (text, None)
}

/// Whether a string can be a speaker label: short, a few words, starts with a letter, no sentence
/// punctuation.
fn is_plausible_label(label: &str) -> bool {
    let label = label.trim();
    let Some(first) = label.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && label.chars().count() <= MAX_LABEL_CHARS
        && label.split_whitespace().count() <= MAX_LABEL_WORDS
        && !label.contains([
            '.', '?', '!', ',', '"', '\'', '…', '~', ';', '/', '=', '<', '>', '{', '}',
        ])
        && !label.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_lines_are_split_into_label_time_and_text() {
        type Expected<'a> = Option<(&'a str, Option<u64>, &'a str)>;
        let cases: [(&str, Expected<'_>); 12] = [
            ("상담원: 안녕하세요", Some(("상담원", None, "안녕하세요"))),
            ("고객：네", Some(("고객", None, "네"))),
            (
                "[00:00:05] 상담원: 안녕",
                Some(("상담원", Some(5_000), "안녕")),
            ),
            ("00:01:02 - Agent: hi", Some(("Agent", Some(62_000), "hi"))),
            ("상담원 [00:12]: 네", Some(("상담원", Some(12_000), "네"))),
            ("상담원 00:00:07: 네", Some(("상담원", Some(7_000), "네"))),
            ("[상담원] 안녕하세요", Some(("상담원", None, "안녕하세요"))),
            ("**Agent:** Hello", Some(("Agent", None, "Hello"))),
            ("상담원 00:00:09", Some(("상담원", Some(9_000), ""))),
            (
                "[김민수] [오후 2:30] 안녕하세요",
                Some(("김민수", None, "안녕하세요")),
            ),
            ("10:30에 다시 연락드릴게요", None),
            ("네. 그리고 참고로: 내일 도착합니다", None),
        ];
        for (line, expected) in cases {
            let got = split_label_line(line).map(|l| (l.label, l.start_ms, l.text));
            assert_eq!(got, expected, "{line}");
        }
    }
}
