//! Batch evaluation behind `consult-coach analyze --jsonl FILE`: conversations in the shared
//! evaluation JSONL schema (`{id, language, turns: [{speaker, text}], …}`, one per line) are
//! redacted and analysed, and each becomes one JSON line:
//!
//! ```json
//! {"id":"abcd-3592","language":"en",
//!  "scores":{"attitude":80,"problem_solving":70,"communication":75,"overall":75},
//!  "improvement_count":4,"improvements":["negative_phrasing","…"],
//!  "moments":{"closing":2,"greeting":1,"…":1},"moment_turns":[{"kind":"GREETING","turn":0}],
//!  "pii":{"email":1,"phone":1}}
//! ```
//!
//! A line that cannot be analysed becomes `{"line":N,"id":…,"error":{"code":…,"message":…}}` and
//! the run goes on; only reading the input or writing the output stops it. Output is deterministic
//! (maps are ordered; the local analyzer is deterministic).

use shared::errors::ErrorCode;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use shared::report::{Moment, MomentKind, Report};
use shared::transcript::{Speaker, Turn};

use super::Analyzer;
use super::redact::redact_turns;
use crate::ingest::MAX_TURNS;

/// One conversation of the evaluation schema. Unknown fields (`source`, `labels`, `meta`) are
/// ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalConversation {
    /// Conversation id.
    #[serde(default)]
    pub id: String,
    /// Declared language (the analyzer detects it again from the text).
    #[serde(default)]
    pub language: Option<String>,
    /// The turns.
    #[serde(default)]
    pub turns: Vec<EvalTurn>,
}

/// One turn of the evaluation schema.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalTurn {
    /// `agent` or `customer` (also `counselor`, `user`, `상담원`, `고객` …); anything else is unknown.
    #[serde(default)]
    pub speaker: String,
    /// What was said.
    #[serde(default)]
    pub text: String,
    /// Start in milliseconds, when known.
    #[serde(default, alias = "startMs")]
    pub start_ms: Option<u64>,
    /// End in milliseconds, when known.
    #[serde(default, alias = "endMs")]
    pub end_ms: Option<u64>,
}

/// The four scores of an evaluated conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalScores {
    /// 태도.
    pub attitude: u8,
    /// 문제해결.
    pub problem_solving: u8,
    /// 커뮤니케이션.
    pub communication: u8,
    /// Overall.
    pub overall: u8,
}

/// The line written for an analysed conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalLine {
    /// Conversation id.
    pub id: String,
    /// Detected language (`ko`, `en`).
    pub language: String,
    /// The scores.
    pub scores: EvalScores,
    /// Number of improvement items.
    pub improvement_count: usize,
    /// The items' codes, most impactful first.
    pub improvements: Vec<String>,
    /// How many moments of each kind (snake_case kind → count).
    pub moments: BTreeMap<String, u32>,
    /// Every moment with its turn.
    pub moment_turns: Vec<Moment>,
    /// Redacted PII per kind.
    pub pii: BTreeMap<String, u32>,
}

impl EvalLine {
    /// Summarises a report.
    pub fn from_report(id: String, report: &Report) -> Self {
        let mut moments: BTreeMap<String, u32> = BTreeMap::new();
        for moment in &report.moments {
            *moments
                .entry(moment_code(moment.kind).to_owned())
                .or_default() += 1;
        }
        Self {
            id,
            language: report.language.clone(),
            scores: EvalScores {
                attitude: report.scores.attitude.score,
                problem_solving: report.scores.problem_solving.score,
                communication: report.scores.communication.score,
                overall: report.scores.overall.score,
            },
            improvement_count: report.improvements.len(),
            improvements: report.improvements.iter().map(|i| i.code.clone()).collect(),
            moments,
            moment_turns: report.moments.clone(),
            pii: report
                .pii
                .iter()
                .map(|p| (p.kind.clone(), p.count))
                .collect(),
        }
    }
}

/// The snake_case code of a moment kind.
pub fn moment_code(kind: MomentKind) -> &'static str {
    match kind {
        MomentKind::Greeting => "greeting",
        MomentKind::SelfIntro => "self_intro",
        MomentKind::Empathy => "empathy",
        MomentKind::Apology => "apology",
        MomentKind::Cushion => "cushion",
        MomentKind::Confirmation => "confirmation",
        MomentKind::Solution => "solution",
        MomentKind::Closing => "closing",
        MomentKind::NegativePhrasing => "negative_phrasing",
        MomentKind::Interruption => "interruption",
        MomentKind::DeadAir => "dead_air",
        MomentKind::Filler => "filler",
        MomentKind::Escalation => "escalation",
    }
}

/// Why one line could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalLineError {
    /// The line is not a conversation object.
    #[error("line {line}: not a conversation: {detail}")]
    InvalidLine {
        /// One-based line number.
        line: usize,
        /// The JSON error.
        detail: String,
    },
    /// The conversation has more turns than a transcript may have.
    #[error("line {line}: more than {MAX_TURNS} turns")]
    TooManyTurns {
        /// One-based line number.
        line: usize,
    },
    /// The analyzer refused it.
    #[error("line {line}: {source}")]
    Analysis {
        /// One-based line number.
        line: usize,
        /// The analyzer's error.
        source: super::AnalysisError,
    },
}

impl EvalLineError {
    /// Stable machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidLine { .. } => ErrorCode::InvalidJsonlLine,
            Self::TooManyTurns { .. } => ErrorCode::TooManyTurns,
            Self::Analysis { source, .. } => source.code(),
        }
    }
}

/// How a batch went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EvalSummary {
    /// Conversations analysed.
    pub analysed: usize,
    /// Lines that could not be analysed.
    pub failed: usize,
}

/// Maps an evaluation speaker label to a [`Speaker`].
pub fn parse_speaker(label: &str) -> Speaker {
    match label.trim().to_lowercase().as_str() {
        "agent" | "counselor" | "counsellor" | "rep" | "representative" | "assistant"
        | "상담원" | "상담사" => Speaker::Agent,
        "customer" | "user" | "client" | "caller" | "고객" | "손님" => Speaker::Customer,
        _ => Speaker::Unknown,
    }
}

/// Parses, redacts and analyses one JSONL line (`line_no` is one-based, for messages).
pub fn evaluate_line(
    line: &str,
    line_no: usize,
    analyzer: &dyn Analyzer,
) -> Result<EvalLine, EvalLineError> {
    let conversation: EvalConversation =
        serde_json::from_str(line).map_err(|e| EvalLineError::InvalidLine {
            line: line_no,
            detail: e.to_string(),
        })?;
    if conversation.turns.len() > MAX_TURNS {
        return Err(EvalLineError::TooManyTurns { line: line_no });
    }
    let mut turns: Vec<Turn> = conversation
        .turns
        .into_iter()
        .map(|t| Turn {
            speaker: parse_speaker(&t.speaker),
            start_ms: t.start_ms,
            end_ms: t.end_ms,
            text: t.text,
        })
        .collect();
    let pii = redact_turns(&mut turns);
    let report = analyzer
        .analyze(&turns, pii)
        .map_err(|source| EvalLineError::Analysis {
            line: line_no,
            source,
        })?;
    Ok(EvalLine::from_report(conversation.id, &report))
}

/// The id of a line that failed, when it can still be read.
fn id_of(line: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(line)
        .ok()?
        .get("id")?
        .as_str()
        .map(str::to_owned)
}

/// Why a batch stopped.
#[derive(Debug, thiserror::Error)]
pub enum EvalIoError {
    /// The input could not be read (or is not UTF-8).
    #[error("cannot read the input: {0}")]
    Read(#[source] std::io::Error),
    /// The output could not be written.
    #[error("cannot write the output: {0}")]
    Write(#[source] std::io::Error),
}

/// Evaluates every non-blank line of `input`, writing one JSON line per conversation to `output`.
///
/// Errors: only I/O errors on reading or writing; a bad line becomes an error line.
pub fn evaluate_jsonl<R: BufRead, W: Write>(
    input: R,
    mut output: W,
    analyzer: &dyn Analyzer,
) -> Result<EvalSummary, EvalIoError> {
    let mut summary = EvalSummary::default();
    for (index, line) in input.lines().enumerate() {
        let line = line.map_err(EvalIoError::Read)?;
        if line.trim().is_empty() {
            continue;
        }
        let line_no = index + 1;
        let json = match evaluate_line(&line, line_no, analyzer) {
            Ok(result) => {
                summary.analysed += 1;
                serde_json::to_string(&result)
            }
            Err(error) => {
                summary.failed += 1;
                serde_json::to_string(&serde_json::json!({
                    "line": line_no,
                    "id": id_of(&line),
                    "error": { "code": error.code(), "message": error.to_string() },
                }))
            }
        }
        .map_err(|e| EvalIoError::Write(std::io::Error::other(e)))?;
        writeln!(output, "{json}").map_err(EvalIoError::Write)?;
    }
    output.flush().map_err(EvalIoError::Write)?;
    Ok(summary)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;
    use crate::local::LocalAnalyzer;

    fn run(input: &str) -> (Vec<serde_json::Value>, EvalSummary) {
        let mut out = Vec::new();
        let summary =
            evaluate_jsonl(input.as_bytes(), &mut out, &LocalAnalyzer::default()).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, summary)
    }

    #[test]
    fn each_conversation_becomes_one_line_with_scores_items_and_moments() {
        let input = concat!(
            r#"{"id":"c1","language":"ko","turns":[{"speaker":"agent","text":"안녕하세요, 행복쇼핑 상담원 김민지입니다."},{"speaker":"customer","text":"배송이 아직 안 왔어요. 제 번호는 010-1234-5678이에요."},{"speaker":"agent","text":"많이 기다리셨겠어요. 오늘 발송되었습니다."},{"speaker":"customer","text":"감사합니다."},{"speaker":"agent","text":"좋은 하루 보내세요."}]}"#,
            "\n\n",
            r#"{"id":"c2","turns":[]}"#,
            "\n",
            "not json\n",
        );
        let (lines, summary) = run(input);
        assert_eq!(
            summary,
            EvalSummary {
                analysed: 1,
                failed: 2
            }
        );
        assert_eq!(lines.len(), 3);
        let first = &lines[0];
        assert_eq!(first["id"], "c1");
        assert_eq!(first["language"], "ko");
        for key in ["attitude", "problem_solving", "communication", "overall"] {
            assert!(
                first["scores"][key].as_u64().is_some_and(|s| s <= 100),
                "{key}"
            );
        }
        assert_eq!(
            first["improvement_count"].as_u64(),
            Some(first["improvements"].as_array().unwrap().len() as u64)
        );
        assert_eq!(first["moments"]["greeting"], 1);
        assert_eq!(first["moments"]["solution"], 1);
        assert_eq!(first["pii"]["phone"], 1);
        assert_eq!(lines[1]["id"], "c2");
        assert_eq!(lines[1]["error"]["code"], "NO_TURNS_FOUND");
        assert_eq!(lines[2]["line"], 4);
        assert_eq!(lines[2]["error"]["code"], "INVALID_JSONL_LINE");
    }

    #[test]
    fn korean_polite_and_rude_versions_of_the_same_calls_score_clearly_apart() {
        let pairs = include_str!("../fixtures/ko_polite_rude_pairs.jsonl");
        let (lines, summary) = run(pairs);
        assert_eq!(summary.failed, 0);
        let by_id: BTreeMap<&str, &serde_json::Value> = lines
            .iter()
            .filter_map(|l| Some((l["id"].as_str()?, l)))
            .collect();
        let score = |id: &str, key: &str| {
            by_id
                .get(id)
                .and_then(|l| l["scores"][key].as_i64())
                .unwrap_or(-1)
        };
        for call in ["ko-delivery", "ko-card-loss", "ko-exchange"] {
            let (polite, rude) = (format!("{call}-polite"), format!("{call}-rude"));
            let attitude = (score(&polite, "attitude"), score(&rude, "attitude"));
            assert!(attitude.0 >= 80, "{call}: polite attitude {attitude:?}");
            assert!(attitude.1 <= 45, "{call}: rude attitude {attitude:?}");
            assert!(attitude.0 - attitude.1 >= 35, "{call}: {attitude:?}");
            let overall = (score(&polite, "overall"), score(&rude, "overall"));
            assert!(overall.0 - overall.1 >= 25, "{call}: overall {overall:?}");
            let rude_line = by_id.get(rude.as_str()).unwrap();
            assert!(
                rude_line["moments"]["negative_phrasing"].as_u64() >= Some(2),
                "{rude_line}"
            );
            assert_eq!(by_id.get(polite.as_str()).unwrap()["language"], "ko");
        }
    }

    #[test]
    fn speaker_labels_of_common_exports_are_mapped() {
        assert_eq!(parse_speaker("Agent"), Speaker::Agent);
        assert_eq!(parse_speaker("상담원"), Speaker::Agent);
        assert_eq!(parse_speaker(" customer "), Speaker::Customer);
        assert_eq!(parse_speaker("system"), Speaker::Unknown);
    }
}
