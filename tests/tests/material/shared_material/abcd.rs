//! The ABCD sample chats (three real-style English customer-service conversations, JSONL): read
//! by every parser path, analysed into well-formed reports, and evaluated deterministically.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use coach_analyzer::Analyzer;
use coach_analyzer::eval::evaluate_jsonl;
use coach_analyzer::ingest::transcript::parse_transcript;
use coach_analyzer::local::LocalAnalyzer;
use coach_analyzer::redact::redact_turns;
use shared::report::{MAX_IMPROVEMENTS, MIN_IMPROVEMENTS};
use shared::transcript::Speaker;
use tests::eval_path;

fn sample() -> String {
    std::fs::read_to_string(eval_path("text/en_abcd_sample_3.jsonl")).unwrap()
}

fn lines(content: &str) -> impl Iterator<Item = &str> {
    content.lines().filter(|l| !l.trim().is_empty())
}

#[test]
fn each_abcd_chat_parses_into_agent_and_customer_turns() {
    let content = sample();
    for line in lines(&content) {
        let parsed = parse_transcript(line).unwrap();
        assert!(parsed.turns.len() > 10);
        assert!(parsed.turns.iter().all(|t| t.speaker != Speaker::Unknown));
    }
}

#[test]
fn each_abcd_chat_gets_a_well_formed_english_report_quoting_its_turns() {
    let content = sample();
    for line in lines(&content) {
        let mut turns = parse_transcript(line).unwrap().turns;
        let pii = redact_turns(&mut turns);
        let report = LocalAnalyzer::default().analyze(&turns, pii).unwrap();
        assert_eq!(report.language, "en");
        let n = report.improvements.len();
        assert!(
            (MIN_IMPROVEMENTS..=MAX_IMPROVEMENTS).contains(&n),
            "{n} items"
        );
        for item in &report.improvements {
            assert!(!item.evidence.is_empty(), "{} has no evidence", item.code);
            for evidence in &item.evidence {
                let turn = &turns[evidence.turn as usize];
                assert!(turn.text.contains(&evidence.quote), "{}", item.code);
            }
        }
    }
}

#[test]
fn the_abcd_sample_is_evaluated_line_by_line_and_deterministically() {
    let content = sample();
    let run = || {
        let mut out = Vec::new();
        let summary =
            evaluate_jsonl(content.as_bytes(), &mut out, &LocalAnalyzer::default()).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    };
    let (output, summary) = run();
    assert_eq!(summary.failed, 0);
    assert_eq!(summary.analysed, 3);
    let lines: Vec<serde_json::Value> = output
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids, ["abcd-3592", "abcd-9489", "abcd-3695"]);
    for line in &lines {
        assert_eq!(line["language"], "en");
        let count = line["improvement_count"].as_u64().unwrap();
        assert!((3..=5).contains(&count), "{line}");
        assert!(line["moments"]["greeting"].as_u64() >= Some(1), "{line}");
        assert!(line["moments"]["closing"].as_u64() >= Some(1), "{line}");
    }
    // abcd-3592 refuses the return before offering to escalate; the refusal is coached.
    assert!(
        lines[0]["improvements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "negative_phrasing"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["pii"]["phone"].as_u64(), Some(1), "{}", lines[0]);
    assert_eq!(run().0, output);
}
