//! What the model answers: [`Refinement`], the part of the [`Report`] (ARCHITECTURE §7) a model may
//! change — summary, the three category scores with their explanations, and the improvement items
//! with evidence. Metrics, moments and PII counts always come from the local analyzer, and the
//! overall score is recomputed from the categories with the local weights.
//!
//! [`response_schema`] is the JSON Schema of [`Refinement`] (strict-mode compatible: every property
//! required, no additional properties); a test keeps the two in step. [`parse_refinement`] tolerates
//! code fences and prose around the JSON; [`validate`] checks the answer against the transcript.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::report::{Category, CategoryScore, Evidence, Improvement, MAX_IMPROVEMENTS, Priority};
use shared::transcript::Turn;

use coach_analyzer::language::is_hangul;
use coach_analyzer::local::ITEM_CODES;

/// The model's refinement of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Refinement {
    /// Two to four sentences: what the consultation was about and the coaching verdict.
    pub summary: String,
    /// The three category scores.
    pub scores: RefinedScores,
    /// Improvement items, most impactful first.
    pub improvements: Vec<RefinedItem>,
}

/// The three category scores of a refinement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefinedScores {
    /// 태도.
    pub attitude: RefinedScore,
    /// 문제해결.
    pub problem_solving: RefinedScore,
    /// 커뮤니케이션.
    pub communication: RefinedScore,
}

/// One refined category score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefinedScore {
    /// 0-100.
    pub score: i64,
    /// Why, naming moments and metrics.
    pub rationale: String,
    /// What went well.
    pub strengths: Vec<String>,
    /// What went less well.
    pub weaknesses: Vec<String>,
}

/// One refined improvement item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefinedItem {
    /// One of [`ITEM_CODES`].
    pub code: String,
    /// The category it improves.
    pub category: Category,
    /// A short title.
    pub title: String,
    /// What happened.
    pub issue: String,
    /// What to do instead.
    pub recommendation: String,
    /// A phrase to use next time (empty when none fits).
    pub example_phrase: String,
    /// How urgent it is.
    pub priority: Priority,
    /// Quotes from the transcript that show it.
    pub evidence: Vec<RefinedEvidence>,
}

/// One quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefinedEvidence {
    /// Zero-based turn index.
    pub turn: i64,
    /// Exact words of that turn.
    pub quote: String,
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn object(properties: Value) -> Value {
    let required: Vec<Value> = properties
        .as_object()
        .map(|p| p.keys().map(|k| Value::String(k.clone())).collect())
        .unwrap_or_default();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The JSON Schema of [`Refinement`].
pub fn response_schema() -> Value {
    let score = object(json!({
        "score": { "type": "integer", "minimum": 0, "maximum": 100 },
        "rationale": string(),
        "strengths": strings(),
        "weaknesses": strings(),
    }));
    let evidence = object(json!({
        "turn": { "type": "integer", "minimum": 0 },
        "quote": string(),
    }));
    let item = object(json!({
        "code": { "type": "string", "enum": ITEM_CODES },
        "category": { "type": "string", "enum": ["ATTITUDE", "PROBLEM_SOLVING", "COMMUNICATION"] },
        "title": string(),
        "issue": string(),
        "recommendation": string(),
        "examplePhrase": string(),
        "priority": { "type": "string", "enum": ["HIGH", "MEDIUM", "LOW"] },
        "evidence": { "type": "array", "items": evidence, "minItems": 1, "maxItems": 3 },
    }));
    object(json!({
        "summary": string(),
        "scores": object(json!({
            "attitude": score.clone(),
            "problemSolving": score.clone(),
            "communication": score,
        })),
        "improvements": { "type": "array", "items": item, "minItems": 1, "maxItems": MAX_IMPROVEMENTS },
    }))
}

/// Extracts the JSON object from a model's text (code fences and surrounding prose tolerated) and
/// parses it.
///
/// Errors: a description of what is wrong, phrased for the model's correction round.
pub fn parse_refinement(text: &str) -> Result<Refinement, String> {
    let json = extract_json(text).ok_or_else(|| "the answer contains no JSON object".to_owned())?;
    serde_json::from_str(json).map_err(|e| format!("the JSON does not match the schema: {e}"))
}

fn extract_json(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    let unfenced = match trimmed.strip_prefix("```") {
        Some(rest) => {
            // Skip the info string (```json) up to the end of the line.
            let body = rest.split_once('\n').map_or(rest, |(_, b)| b);
            body.rsplit_once("```").map_or(body, |(b, _)| b)
        }
        None => trimmed,
    };
    let start = unfenced.find('{')?;
    let end = unfenced.rfind('}')?;
    (start < end).then(|| &unfenced[start..=end])
}

/// What a valid refinement must satisfy besides the schema.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// The redacted turns the quotes must come from.
    pub turns: &'a [Turn],
    /// Report language (`ko` answers must be written in Korean).
    pub language: &'a str,
    /// Fewest items (three, or fewer when the local analyzer found the conversation too short).
    pub min_items: usize,
}

/// Checks a parsed refinement: scores in range, texts present and in the report's language,
/// known codes, no duplicates, and every quote found verbatim in the turn it names.
///
/// Errors: every problem found, one per line, phrased for the model's correction round.
pub fn validate(refinement: &Refinement, expect: &Expectations<'_>) -> Result<(), String> {
    let mut problems = Vec::new();
    let summary = refinement.summary.trim();
    if summary.is_empty() || summary.chars().count() > 3000 {
        problems.push("summary must be 1 to 3000 characters".to_owned());
    }
    if expect.language == "ko" && !summary.chars().any(is_hangul) {
        problems.push("summary must be written in Korean (한국어로 작성)".to_owned());
    }
    let scores = [
        ("attitude", &refinement.scores.attitude),
        ("problemSolving", &refinement.scores.problem_solving),
        ("communication", &refinement.scores.communication),
    ];
    for (name, score) in scores {
        if !(0..=100).contains(&score.score) {
            problems.push(format!("scores.{name}.score must be between 0 and 100"));
        }
        if score.rationale.trim().is_empty() {
            problems.push(format!("scores.{name}.rationale must not be empty"));
        }
    }
    let n = refinement.improvements.len();
    if n < expect.min_items || n > MAX_IMPROVEMENTS {
        problems.push(format!(
            "improvements must have {} to {MAX_IMPROVEMENTS} items (has {n})",
            expect.min_items
        ));
    }
    let mut seen = Vec::new();
    for (i, item) in refinement.improvements.iter().enumerate() {
        if !ITEM_CODES.contains(&item.code.as_str()) {
            problems.push(format!(
                "improvements[{i}].code `{}` is not an allowed code",
                item.code
            ));
        }
        if seen.contains(&item.code.as_str()) {
            problems.push(format!(
                "improvements[{i}].code `{}` is used twice",
                item.code
            ));
        }
        seen.push(item.code.as_str());
        for (field, text) in [
            ("title", &item.title),
            ("issue", &item.issue),
            ("recommendation", &item.recommendation),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("improvements[{i}].{field} must not be empty"));
            }
        }
        if item.evidence.is_empty() {
            problems.push(format!(
                "improvements[{i}].evidence needs at least one quote"
            ));
        }
        for (j, evidence) in item.evidence.iter().enumerate() {
            if let Err(problem) = check_quote(evidence, expect.turns) {
                problems.push(format!("improvements[{i}].evidence[{j}]: {problem}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn check_quote(evidence: &RefinedEvidence, turns: &[Turn]) -> Result<(), String> {
    let turn = usize::try_from(evidence.turn)
        .ok()
        .and_then(|i| turns.get(i))
        .ok_or_else(|| {
            format!(
                "turn {} does not exist (turns are 0 to {})",
                evidence.turn,
                turns.len().saturating_sub(1)
            )
        })?;
    let quote = normalize(&evidence.quote);
    if quote.chars().count() < 2 {
        return Err("the quote is empty".to_owned());
    }
    if normalize(&turn.text).contains(&quote) {
        Ok(())
    } else {
        Err(format!(
            "the quote is not in turn {}; copy words exactly from that turn",
            evidence.turn
        ))
    }
}

/// Collapses whitespace and lower-cases, so line breaks and capitalisation do not fail a quote.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The refinement's items as report items (turn start times filled in from the transcript).
pub fn to_improvements(refinement: &Refinement, turns: &[Turn]) -> Vec<Improvement> {
    refinement
        .improvements
        .iter()
        .map(|item| Improvement {
            code: item.code.clone(),
            category: item.category,
            title: item.title.trim().to_owned(),
            issue: item.issue.trim().to_owned(),
            recommendation: item.recommendation.trim().to_owned(),
            example_phrase: Some(item.example_phrase.trim().to_owned()).filter(|p| !p.is_empty()),
            priority: item.priority,
            evidence: item
                .evidence
                .iter()
                .filter_map(|e| {
                    let index = u32::try_from(e.turn).ok()?;
                    let turn = turns.get(usize::try_from(e.turn).ok()?)?;
                    Some(Evidence {
                        turn: index,
                        start_ms: turn.start_ms,
                        quote: e.quote.trim().to_owned(),
                    })
                })
                .collect(),
        })
        .collect()
}

/// A refined score as a report score (validated to 0-100 before).
pub fn to_category_score(score: &RefinedScore) -> CategoryScore {
    CategoryScore {
        score: u8::try_from(score.score.clamp(0, 100)).unwrap_or(0),
        rationale: score.rationale.trim().to_owned(),
        strengths: clean_list(&score.strengths),
        weaknesses: clean_list(&score.weaknesses),
    }
}

fn clean_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .take(5)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::transcript::Speaker;

    fn turns() -> Vec<Turn> {
        let turn = |speaker, text: &str| Turn {
            speaker,
            start_ms: None,
            end_ms: None,
            text: text.into(),
        };
        vec![
            turn(Speaker::Agent, "안녕하세요, 상담원 김민수입니다."),
            turn(Speaker::Customer, "배송이 너무 늦어요.\n벌써 일주일째예요."),
            turn(Speaker::Agent, "확인해 보겠습니다."),
        ]
    }

    fn sample() -> Refinement {
        let score = RefinedScore {
            score: 80,
            rationale: "인사가 좋았습니다.".into(),
            strengths: vec!["인사".into()],
            weaknesses: vec![],
        };
        Refinement {
            summary: "배송 지연 문의입니다.".into(),
            scores: RefinedScores {
                attitude: score.clone(),
                problem_solving: score.clone(),
                communication: score,
            },
            improvements: vec![RefinedItem {
                code: "no_empathy".into(),
                category: Category::Attitude,
                title: "공감 표현".into(),
                issue: "고객의 불편에 공감하지 않았습니다.".into(),
                recommendation: "먼저 공감하세요.".into(),
                example_phrase: "많이 불편하셨겠습니다.".into(),
                priority: Priority::High,
                evidence: vec![RefinedEvidence {
                    turn: 1,
                    quote: "배송이 너무 늦어요. 벌써".into(),
                }],
            }],
        }
    }

    /// Every object's property names in the schema equal the serialized struct's keys.
    fn assert_same_shape(schema: &Value, value: &Value, path: &str) {
        match value {
            Value::Object(fields) => {
                let properties = schema["properties"].as_object();
                let Some(properties) = properties else {
                    panic!("{path}: the schema has no properties");
                };
                let mut schema_keys: Vec<&String> = properties.keys().collect();
                let mut value_keys: Vec<&String> = fields.keys().collect();
                schema_keys.sort();
                value_keys.sort();
                assert_eq!(schema_keys, value_keys, "{path}");
                assert_eq!(
                    schema["required"].as_array().map(Vec::len),
                    Some(fields.len())
                );
                for (key, field) in fields {
                    assert_same_shape(&properties[key], field, &format!("{path}.{key}"));
                }
            }
            Value::Array(items) => {
                for item in items {
                    assert_same_shape(&schema["items"], item, &format!("{path}[]"));
                }
            }
            Value::String(s) => {
                if let Some(allowed) = schema["enum"].as_array() {
                    assert!(allowed.contains(&Value::String(s.clone())), "{path}: {s}");
                }
                assert_eq!(schema["type"], "string", "{path}");
            }
            Value::Number(_) => assert_eq!(schema["type"], "integer", "{path}"),
            _ => panic!("{path}: unexpected {value}"),
        }
    }

    #[test]
    fn the_schema_describes_exactly_the_refinement_struct() {
        let value = serde_json::to_value(sample()).unwrap_or_default();
        assert_same_shape(&response_schema(), &value, "$");
    }

    #[test]
    fn fenced_json_and_surrounding_prose_are_tolerated() {
        let json = serde_json::to_string(&sample()).unwrap_or_default();
        for text in [
            json.clone(),
            format!("```json\n{json}\n```"),
            format!("```\n{json}\n```\n"),
            format!("Here is the report:\n{json}\nThanks"),
        ] {
            assert_eq!(parse_refinement(&text), Ok(sample()), "{text}");
        }
        assert!(parse_refinement("no json here").is_err());
        assert!(parse_refinement("{\"summary\": 1}").is_err());
    }

    #[test]
    fn a_quote_must_appear_in_the_turn_it_names_ignoring_line_breaks() {
        let turns = turns();
        let expect = Expectations {
            turns: &turns,
            language: "ko",
            min_items: 1,
        };
        assert_eq!(validate(&sample(), &expect), Ok(()));

        let mut wrong_turn = sample();
        wrong_turn.improvements[0].evidence[0].turn = 0;
        let err = validate(&wrong_turn, &expect).err().unwrap_or_default();
        assert!(err.contains("not in turn 0"), "{err}");

        let mut out_of_range = sample();
        out_of_range.improvements[0].evidence[0].turn = 9;
        let err = validate(&out_of_range, &expect).err().unwrap_or_default();
        assert!(err.contains("does not exist"), "{err}");

        let mut invented = sample();
        invented.improvements[0].evidence[0].quote = "고객님 죄송합니다".into();
        assert!(validate(&invented, &expect).is_err());
    }

    #[test]
    fn scores_codes_counts_and_language_are_checked() {
        let turns = turns();
        let expect = Expectations {
            turns: &turns,
            language: "ko",
            min_items: 3,
        };
        let mut bad = sample();
        bad.scores.attitude.score = 140;
        bad.improvements[0].code = "be_nicer".into();
        bad.summary = "Delivery delay.".into();
        let err = validate(&bad, &expect).err().unwrap_or_default();
        assert!(err.contains("scores.attitude.score"), "{err}");
        assert!(err.contains("be_nicer"), "{err}");
        assert!(err.contains("Korean"), "{err}");
        assert!(err.contains("3 to 5 items"), "{err}");
    }

    #[test]
    fn refined_items_get_turn_start_times_and_empty_phrases_become_none() {
        let mut turns = turns();
        turns[1].start_ms = Some(4_000);
        let mut refinement = sample();
        refinement.improvements[0].example_phrase = "  ".into();
        let items = to_improvements(&refinement, &turns);
        assert_eq!(items[0].evidence[0].start_ms, Some(4_000));
        assert_eq!(items[0].example_phrase, None);
    }
}
