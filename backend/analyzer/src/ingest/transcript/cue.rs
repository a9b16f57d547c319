//! Cue files (SRT and WebVTT): timing lines, cue text with voice tags and speaker labels.

use super::clock::parse_clock;
use super::labelled::split_label_line;
use super::{RawTurn, push_turn};
use crate::ingest::IngestError;

/// How many leading non-empty lines are searched for a timing line when sniffing the format.
const SNIFF_LINES: usize = 50;

/// Parses a cue timing line: `00:00:01,000 --> 00:00:03,500` (SRT) or `00:01.000 --> 00:04.000
/// align:start` (WebVTT, with cue settings).
pub(super) fn parse_timing_line(line: &str) -> Option<(u64, u64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((parse_clock(start.trim())?, parse_clock(end)?))
}

/// Whether one of the first lines is a cue timing line.
pub(super) fn has_timing_line(text: &str) -> bool {
    text.split('\n')
        .filter(|l| !l.trim().is_empty())
        .take(SNIFF_LINES)
        .any(|l| parse_timing_line(l).is_some())
}

/// Parses cue blocks into turns. A cue's speaker comes from a `<v Name>` voice or a `Name:` label;
/// a cue without either continues the previous cue's speaker; a cue with several labelled lines
/// gives one turn per line.
pub(super) fn parse_cues(text: &str) -> Result<Vec<RawTurn>, IngestError> {
    let mut turns: Vec<RawTurn> = Vec::new();
    let mut cue: Option<Cue> = None;
    let mut previous_label: Option<String> = None;
    for line in text.split('\n') {
        if let Some((start_ms, end_ms)) = parse_timing_line(line) {
            if let Some(mut finished) = cue.take() {
                // Without a blank line between cues, the next cue's number ends up as text.
                if finished
                    .lines
                    .last()
                    .is_some_and(|l| l.trim().bytes().all(|b| b.is_ascii_digit()))
                {
                    finished.lines.pop();
                }
                finished.emit(&mut turns, &mut previous_label)?;
            }
            cue = Some(Cue {
                start_ms,
                end_ms,
                lines: Vec::new(),
                closed: false,
            });
        } else if let Some(current) = cue.as_mut() {
            if line.trim().is_empty() {
                current.closed = true;
            } else if !current.closed {
                current.lines.push(line.trim().to_owned());
            }
        }
    }
    if let Some(finished) = cue.take() {
        finished.emit(&mut turns, &mut previous_label)?;
    }
    if turns.is_empty() {
        return Err(IngestError::NoTurnsFound);
    }
    Ok(turns)
}

/// One cue being collected.
struct Cue {
    start_ms: u64,
    end_ms: u64,
    lines: Vec<String>,
    /// A blank line ended the cue's text; later lines are ids or notes.
    closed: bool,
}

impl Cue {
    fn emit(
        self,
        turns: &mut Vec<RawTurn>,
        previous_label: &mut Option<String>,
    ) -> Result<(), IngestError> {
        let mut pieces: Vec<RawTurn> = Vec::new();
        for line in &self.lines {
            let (voice, cleaned) = clean_cue_line(line);
            let cleaned = cleaned.trim_start_matches(['-', '–']).trim();
            let (label, text) = match (voice, split_label_line(cleaned)) {
                (Some(voice), _) => (Some(voice), cleaned.to_owned()),
                (None, Some(found)) => (Some(found.label.to_owned()), found.text.to_owned()),
                (None, None) => (None, cleaned.to_owned()),
            };
            match (label, pieces.last_mut()) {
                (None, Some(last)) => {
                    if !last.text.is_empty() {
                        last.text.push('\n');
                    }
                    last.text.push_str(&text);
                }
                (label, _) => pieces.push(RawTurn {
                    label: label.or_else(|| previous_label.clone()),
                    start_ms: None,
                    end_ms: None,
                    text,
                }),
            }
        }
        let count = pieces.len();
        for (index, mut piece) in pieces.into_iter().enumerate() {
            if index == 0 {
                piece.start_ms = Some(self.start_ms);
            }
            if index + 1 == count {
                piece.end_ms = Some(self.end_ms);
            }
            if piece.label.is_some() {
                previous_label.clone_from(&piece.label);
            }
            push_turn(turns, piece)?;
        }
        Ok(())
    }
}

/// Removes markup from a cue line: `<v Name>` voices (returned), other tags, `{\an8}` blocks and
/// HTML entities.
fn clean_cue_line(line: &str) -> (Option<String>, String) {
    let mut voice = None;
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find(['<', '{']) {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after_open = rest.get(open..).unwrap_or_default();
        let close_char = if after_open.starts_with('<') {
            '>'
        } else {
            '}'
        };
        let Some(close) = after_open.find(close_char) else {
            out.push_str(after_open);
            rest = "";
            break;
        };
        let tag = after_open.get(1..close).unwrap_or_default();
        if close_char == '>' && voice.is_none() && (tag.starts_with("v ") || tag.starts_with("v."))
        {
            let name = tag.split_once(' ').map_or("", |(_, name)| name).trim();
            if !name.is_empty() {
                voice = Some(name.to_owned());
            }
        }
        rest = after_open.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    (voice, decode_entities(&out))
}

/// Decodes the HTML entities that appear in subtitle files.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_lines_of_both_formats_parse() {
        assert_eq!(
            parse_timing_line("00:00:01,000 --> 00:00:03,500"),
            Some((1_000, 3_500))
        );
        assert_eq!(
            parse_timing_line("00:01.000 --> 00:04.000 align:start line:0"),
            Some((1_000, 4_000))
        );
        assert_eq!(parse_timing_line("-->"), None);
        assert_eq!(parse_timing_line("상담원: a --> b"), None);
    }

    #[test]
    fn cue_markup_is_removed_and_voices_kept() {
        assert_eq!(
            clean_cue_line("<v.loud Customer Kim>My <i>order</i> &amp; {\\an8}refund"),
            (
                Some("Customer Kim".to_owned()),
                "My order & refund".to_owned()
            )
        );
        assert_eq!(clean_cue_line("a < b"), (None, "a < b".to_owned()));
    }

    #[test]
    fn cues_without_blank_lines_between_them_still_split() {
        let turns = parse_cues("1\n00:00:01,000 --> 00:00:02,000\n상담원: 네\n2\n00:00:03,000 --> 00:00:04,000\n고객: 아니요\n").unwrap_or_default();
        let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["네", "아니요"]);
    }
}
