//! JSON transcripts: `[{speaker, text, start?, end?}]`, `{turns: [...]}` (also `utterances`,
//! `segments`, `messages`, `dialogue`, `conversation`, `transcript`), and JSON Lines of turn
//! objects. `start`/`end` are seconds (numbers or clock strings); `start_ms`/`end_ms` are
//! milliseconds. Turns whose speaker is `system` or `action` (tool events) are skipped.

use serde_json::{Map, Value};

use super::clock::parse_clock;
use super::{RawTurn, push_turn};
use crate::ingest::IngestError;

/// Keys that may hold the speaker.
const SPEAKER_KEYS: &[&str] = &[
    "speaker",
    "role",
    "spk",
    "speaker_label",
    "speakerLabel",
    "name",
    "from",
    "author",
    "participant",
];
/// Keys that may hold the text.
const TEXT_KEYS: &[&str] = &[
    "text",
    "content",
    "utterance",
    "message",
    "transcript",
    "value",
];
/// Keys that may hold the start in seconds.
const START_KEYS: &[&str] = &["start", "start_time", "startTime", "begin", "offset"];
/// Keys that may hold the end in seconds.
const END_KEYS: &[&str] = &["end", "end_time", "endTime"];
/// Keys of the turn array in an object.
const LIST_KEYS: &[&str] = &[
    "turns",
    "utterances",
    "segments",
    "messages",
    "dialogue",
    "conversation",
    "transcript",
];
/// Speakers that are events, not people.
const SKIPPED_SPEAKERS: &[&str] = &["system", "action"];
/// How deep `{transcript: {turns: [...]}}` nesting is followed.
const MAX_NESTING: usize = 3;
/// Latest accepted timestamp (100 hours), to keep conversions exact.
const MAX_MS: f64 = 360_000_000.0;

/// Parses JSON (format `json`) or JSON Lines (`jsonl`). `None` when the text is not JSON at all
/// (another parser should try); `Some(Err(NoTurnsFound))` when it is JSON without turns.
pub fn parse_json(text: &str) -> Option<Result<(Vec<RawTurn>, &'static str), IngestError>> {
    if !text.starts_with(['[', '{']) {
        return None;
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Some(turns_from_value(&value, 0).map(|turns| (turns, "json")));
    }
    parse_json_lines(text).map(|result| result.map(|turns| (turns, "jsonl")))
}

/// One turn object per line; `None` unless the first line is a JSON object.
fn parse_json_lines(text: &str) -> Option<Result<Vec<RawTurn>, IngestError>> {
    let mut lines = text.split('\n').map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    let Ok(Value::Object(first)) = serde_json::from_str::<Value>(first) else {
        return None;
    };
    let mut turns = Vec::new();
    let mut add = |object: &Map<String, Value>| -> Result<(), IngestError> {
        match turn_from_object(object) {
            Some(turn) => push_turn(&mut turns, turn),
            None => Ok(()),
        }
    };
    if let Err(error) = add(&first) {
        return Some(Err(error));
    }
    for line in lines {
        if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(line)
            && let Err(error) = add(&object)
        {
            return Some(Err(error));
        }
    }
    if turns.is_empty() {
        return Some(Err(IngestError::NoTurnsFound));
    }
    Some(Ok(turns))
}

fn turns_from_value(value: &Value, depth: usize) -> Result<Vec<RawTurn>, IngestError> {
    match value {
        Value::Array(items) => turns_from_array(items),
        Value::Object(object) if depth < MAX_NESTING => {
            for key in LIST_KEYS {
                if let Some(inner @ (Value::Array(_) | Value::Object(_))) = object.get(*key) {
                    return turns_from_value(inner, depth + 1);
                }
            }
            Err(IngestError::NoTurnsFound)
        }
        _ => Err(IngestError::NoTurnsFound),
    }
}

fn turns_from_array(items: &[Value]) -> Result<Vec<RawTurn>, IngestError> {
    let mut turns = Vec::new();
    for item in items {
        let turn = match item {
            Value::Object(object) => turn_from_object(object),
            // `["상담원: 안녕하세요", ...]`: labelled lines in an array.
            Value::String(line) => super::labelled::split_label_line(line).map(|found| RawTurn {
                label: Some(found.label.to_owned()),
                start_ms: found.start_ms,
                end_ms: None,
                text: found.text.to_owned(),
            }),
            _ => None,
        };
        if let Some(turn) = turn {
            push_turn(&mut turns, turn)?;
        }
    }
    if turns.is_empty() {
        return Err(IngestError::NoTurnsFound);
    }
    Ok(turns)
}

fn turn_from_object(object: &Map<String, Value>) -> Option<RawTurn> {
    let text = TEXT_KEYS.iter().find_map(|k| object.get(*k)?.as_str())?;
    let label = SPEAKER_KEYS.iter().find_map(|k| match object.get(*k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(format!("Speaker {n}")),
        _ => None,
    });
    if label
        .as_deref()
        .is_some_and(|l| SKIPPED_SPEAKERS.iter().any(|s| l.eq_ignore_ascii_case(s)))
    {
        return None;
    }
    let start_ms =
        read_ms(object, &["start_ms", "startMs"]).or_else(|| read_seconds(object, START_KEYS));
    let end_ms = read_ms(object, &["end_ms", "endMs"]).or_else(|| read_seconds(object, END_KEYS));
    Some(RawTurn {
        label,
        start_ms,
        end_ms,
        text: text.to_owned(),
    })
}

fn read_ms(object: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter()
        .find_map(|k| object.get(*k)?.as_f64())
        .and_then(|ms| to_ms(ms / 1000.0))
}

fn read_seconds(object: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| match object.get(*k)? {
        Value::Number(n) => n.as_f64().and_then(to_ms),
        Value::String(s) => parse_clock(s).or_else(|| s.trim().parse::<f64>().ok().and_then(to_ms)),
        _ => None,
    })
}

/// Seconds → milliseconds, for finite, non-negative, plausible values only.
fn to_ms(seconds: f64) -> Option<u64> {
    let ms = (seconds * 1000.0).round();
    if ms.is_finite() && (0.0..=MAX_MS).contains(&ms) {
        // In range and integral, so the conversion is exact.
        Some(ms as u64)
    } else {
        None
    }
}
