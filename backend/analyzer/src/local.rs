//! The local analyzer: offline, deterministic, rule-based coaching for Korean (first) and English
//! consultations. It produces a complete [`Report`] alone.
//!
//! Pipeline: language detection → per-turn detection ([`lexicon`] cues by speaker and position,
//! self-introductions, Korean action statements, 존댓말 slips, fillers, refusals without
//! alternatives, imperative requests without cushions, open and closed questions, customer
//! sentiment with negation, customer repeats of a complaint, topic) → metrics (talk balance,
//! questions, repeats, sentiment per turn; with timestamps speaking rate, dead air and the longest
//! gap, monologues, overlaps, mean and max response latency) → signal counts → scores from the
//! single table in [`weights`] → ranked improvement items with exact quotes → summary. Work is
//! linear in the transcript (one Aho-Corasick pass per turn, repeats compared with a bounded
//! look-back); no clocks, randomness or hash-order iteration.
//!
//! Moments use the report's kinds (ARCHITECTURE §7): honorific slips and blame are reported as
//! `NEGATIVE_PHRASING`, next steps as `SOLUTION`, agent transfers and customer threats as
//! `ESCALATION`; the improvement items keep them apart.
//!
//! Limits (see `docs/analyzer.md`): lexicon matching cannot see sarcasm, tone of voice or whether
//! a promised action is correct; speakers must be attributed (unknown turns are ignored); honorific
//! checks only look at sentence endings.

mod honorifics;
mod items;
mod lexicon;
mod metrics;
mod scoring;
mod signals;
mod summary;
mod text;
pub mod weights;

use std::collections::BTreeSet;

use shared::report::{
    AnalyzerInfo, CategoryScore, MIN_IMPROVEMENTS, Moment, MomentKind, PiiCount, Report,
    SCHEMA_VERSION,
};
use shared::transcript::Turn;

pub use self::items::ITEM_CODES;
use self::weights::Weights;
use super::language::detect_language;
use super::{AnalysisError, Analyzer};
use shared::language::Language;

/// The analyzer's name in reports.
pub const NAME: &str = "local";
/// Version of the rules; bumped whenever lexicons, weights or texts change.
pub const VERSION: &str = "local-2";
/// Upper end of the coaching-text band (the KPI sheet's 500-2000 characters).
const MAX_RESULT_CHARS: usize = 2000;

/// The offline rule-based analyzer.
#[derive(Debug, Clone, Default)]
pub struct LocalAnalyzer {
    weights: Weights,
}

impl LocalAnalyzer {
    /// An analyzer with the default weights.
    pub fn new() -> Self {
        Self::default()
    }

    /// An analyzer with custom weights (e.g. a team's).
    pub fn with_weights(weights: Weights) -> Self {
        Self { weights }
    }

    /// The weights in effect.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The overall score (weighted mix of the three categories, with its rationale) for category
    /// scores that came from elsewhere, e.g. an LLM's refinement.
    pub fn score_overall(
        &self,
        attitude: &CategoryScore,
        problem_solving: &CategoryScore,
        communication: &CategoryScore,
        language: Language,
    ) -> CategoryScore {
        scoring::score_overall(
            attitude,
            problem_solving,
            communication,
            &self.weights,
            language,
        )
    }
}

impl Analyzer for LocalAnalyzer {
    fn analyze(&self, turns: &[Turn], mut pii: Vec<PiiCount>) -> Result<Report, AnalysisError> {
        if turns.iter().all(|t| t.text.trim().is_empty()) {
            return Err(AnalysisError::NoTurns);
        }
        let language = detect_language(turns);
        let findings = signals::detect_signals(turns, language);
        let (metrics, timing) =
            metrics::compute_metrics(turns, language, &findings, &self.weights.thresholds);
        let counts =
            scoring::count_signals(turns, language, &findings, &metrics, &timing, &self.weights);
        let scores =
            scoring::score_categories(&counts, &self.weights, language, metrics.agent_turns > 0);
        let context = items::Context {
            turns,
            language,
            findings: &findings,
            metrics: &metrics,
            timing: &timing,
            counts: &counts,
            weights: &self.weights,
        };
        let (improvements, improvements_note) = items::build_improvements(&context);
        let summary = summary::write_summary(language, &findings, &metrics, &scores, &improvements);
        let moments = collect_moments(&findings, &timing);
        pii.sort_by(|a, b| a.kind.cmp(&b.kind));
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            language: language.code().to_owned(),
            summary,
            scores,
            improvements,
            improvements_note,
            moments,
            metrics,
            pii,
            analyzer: AnalyzerInfo {
                name: NAME.to_owned(),
                model: None,
                version: VERSION.to_owned(),
                fallback_code: None,
                note: None,
            },
        };
        fit_to_budget(&mut report);
        Ok(report)
    }
}

/// Every detected moment, once per (turn, kind), in turn order.
fn collect_moments(findings: &signals::Findings, timing: &metrics::Timing) -> Vec<Moment> {
    let mut set: BTreeSet<(usize, MomentKind)> = BTreeSet::new();
    let lists: [(&[signals::Hit], MomentKind); 15] = [
        (&findings.greeting, MomentKind::Greeting),
        (&findings.self_intro, MomentKind::SelfIntro),
        (&findings.empathy, MomentKind::Empathy),
        (&findings.apology, MomentKind::Apology),
        (&findings.cushion, MomentKind::Cushion),
        (&findings.confirmation, MomentKind::Confirmation),
        (&findings.solution, MomentKind::Solution),
        (&findings.next_steps, MomentKind::Solution),
        (&findings.closing, MomentKind::Closing),
        (&findings.negative, MomentKind::NegativePhrasing),
        (&findings.blame, MomentKind::NegativePhrasing),
        (&findings.slips, MomentKind::NegativePhrasing),
        (&findings.fillers, MomentKind::Filler),
        (&findings.customer_escalation, MomentKind::Escalation),
        (&findings.agent_escalation, MomentKind::Escalation),
    ];
    for (hits, kind) in lists {
        set.extend(hits.iter().map(|h| (h.turn, kind)));
    }
    set.extend(
        timing
            .overlaps
            .iter()
            .map(|&t| (t, MomentKind::Interruption)),
    );
    set.extend(timing.gaps.iter().map(|&(t, _)| (t, MomentKind::DeadAir)));
    set.into_iter()
        .map(|(turn, kind)| Moment {
            kind,
            turn: u32::try_from(turn).unwrap_or(u32::MAX),
        })
        .collect()
}

/// Keeps the coaching text within the KPI band: shortens strength/weakness lists first, then drops
/// the lowest-ranked items (never below three).
fn fit_to_budget(report: &mut Report) {
    for keep in [2, 1] {
        if report.result_chars() <= MAX_RESULT_CHARS {
            return;
        }
        for score in [
            &mut report.scores.attitude,
            &mut report.scores.problem_solving,
            &mut report.scores.communication,
            &mut report.scores.overall,
        ] {
            score.strengths.truncate(keep);
            score.weaknesses.truncate(keep);
        }
    }
    while report.result_chars() > MAX_RESULT_CHARS && report.improvements.len() > MIN_IMPROVEMENTS {
        report.improvements.pop();
    }
}

#[cfg(test)]
#[expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]
mod tests {
    use shared::report::{MAX_IMPROVEMENTS, Report};
    use shared::transcript::Speaker;

    use super::*;
    use crate::ingest::transcript::parse_transcript;
    use crate::redact::redact_turns;

    const POLITE: &str = include_str!("../fixtures/ko_delivery_polite.txt");
    const RUDE: &str = include_str!("../fixtures/ko_delivery_rude.txt");
    const CARD_LOSS_TIMED: &str = include_str!("../fixtures/ko_card_loss_timed.txt");
    const REFUND_FILLER: &str = include_str!("../fixtures/ko_refund_filler.txt");
    const DOUBLE_CHARGE_EN: &str = include_str!("../fixtures/en_double_charge.txt");
    const FIXTURES: [&str; 5] = [
        POLITE,
        RUDE,
        CARD_LOSS_TIMED,
        REFUND_FILLER,
        DOUBLE_CHARGE_EN,
    ];

    fn analyze_text(text: &str) -> Report {
        let mut turns = parse_transcript(text).unwrap().turns;
        let pii = redact_turns(&mut turns);
        LocalAnalyzer::default().analyze(&turns, pii).unwrap()
    }

    fn codes(report: &Report) -> Vec<&str> {
        report
            .improvements
            .iter()
            .map(|i| i.code.as_str())
            .collect()
    }

    /// Checks the invariants every normal report must satisfy.
    fn assert_well_formed(report: &Report, turns: &[Turn]) {
        let n = report.improvements.len();
        assert!(
            (MIN_IMPROVEMENTS..=MAX_IMPROVEMENTS).contains(&n),
            "{n} items: {:?}",
            codes(report)
        );
        assert!(report.improvements_note.is_none());
        for item in &report.improvements {
            assert!(!item.evidence.is_empty(), "{} has no evidence", item.code);
            for evidence in &item.evidence {
                let turn = turns
                    .get(evidence.turn as usize)
                    .expect("evidence turn exists");
                assert!(!evidence.quote.is_empty());
                assert!(
                    turn.text.contains(&evidence.quote),
                    "{}: {:?} not in {:?}",
                    item.code,
                    evidence.quote,
                    turn.text
                );
                assert_eq!(evidence.start_ms, turn.start_ms);
            }
        }
        for score in [
            &report.scores.attitude,
            &report.scores.problem_solving,
            &report.scores.communication,
            &report.scores.overall,
        ] {
            assert!(score.score <= 100 && !score.rationale.is_empty());
        }
        let chars = report.result_chars();
        assert!((500..=2000).contains(&chars), "result_chars {chars}");
        assert_eq!(report.analyzer.name, "local");
        assert_eq!(report.analyzer.version, VERSION);
        assert_eq!(report.schema_version, SCHEMA_VERSION);
    }

    #[test]
    fn polite_and_rude_versions_of_the_same_call_score_clearly_apart_on_attitude() {
        let polite = analyze_text(POLITE);
        let rude = analyze_text(RUDE);
        let gap = i32::from(polite.scores.attitude.score) - i32::from(rude.scores.attitude.score);
        assert!(
            gap >= 15,
            "polite {} vs rude {}",
            polite.scores.attitude.score,
            rude.scores.attitude.score
        );
        assert!(polite.scores.overall.score > rude.scores.overall.score + 15);
        let rude_codes = codes(&rude);
        assert!(rude_codes.contains(&"honorific_slip"), "{rude_codes:?}");
        assert!(rude_codes.contains(&"blaming_customer"), "{rude_codes:?}");
        assert!(
            rude_codes.contains(&"no_empathy") || rude_codes.contains(&"negative_phrasing"),
            "{rude_codes:?}"
        );
    }

    #[test]
    fn every_fixture_report_has_three_to_five_items_quoting_their_turns() {
        for fixture in FIXTURES {
            let mut turns = parse_transcript(fixture).unwrap().turns;
            let pii = redact_turns(&mut turns);
            let report = LocalAnalyzer::default().analyze(&turns, pii).unwrap();
            assert_well_formed(&report, &turns);
        }
    }

    /// The fixture the API and browser tests upload (read by path, shared with them).
    const DELIVERY_DELAY: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ko_delivery_delay.txt"
    );

    #[test]
    fn the_delivery_delay_call_is_recognised_as_solved() {
        let text = std::fs::read_to_string(DELIVERY_DELAY).unwrap();
        let mut turns = parse_transcript(&text).unwrap().turns;
        let pii = redact_turns(&mut turns);
        let report = LocalAnalyzer::default().analyze(&turns, pii).unwrap();
        assert_well_formed(&report, &turns);
        assert!(
            !codes(&report).contains(&"no_solution"),
            "{:?}",
            codes(&report)
        );
        assert!(
            !report.summary.contains("해결 방안 안내 없이"),
            "{}",
            report.summary
        );
        assert!(
            report.summary.contains("해결 방안을 안내"),
            "{}",
            report.summary
        );
        // 발송되었습니다 · 도착 예정입니다 (turn 5), 보내 드리겠습니다 · 넣어 드렸습니다 (turn 9).
        for turn in [5, 9] {
            assert!(
                report
                    .moments
                    .iter()
                    .any(|m| m.kind == MomentKind::Solution && m.turn == turn),
                "no solution moment at turn {turn}: {:?}",
                report.moments
            );
        }
        let problem_solving = &report.scores.problem_solving;
        assert!(problem_solving.score >= 80, "{problem_solving:?}");
        assert!(
            problem_solving
                .weaknesses
                .iter()
                .all(|w| !w.contains("해결책")),
            "{problem_solving:?}"
        );
        let m = &report.metrics;
        assert!(m.customer_sentiment_end > m.customer_sentiment_start);
        assert_eq!(m.customer_sentiment_by_turn.len(), 6);
        assert_eq!(m.open_questions, 1, "{m:?}");
        assert_eq!(m.customer_repeats, 0);
        assert!(m.max_response_latency_s.is_some() && m.longest_gap_s.is_some());
    }

    #[test]
    fn moments_carry_the_turn_they_occur_in() {
        let report = analyze_text(RUDE);
        let at = |kind: MomentKind| -> Vec<u32> {
            report
                .moments
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| m.turn)
                .collect()
        };
        // 잠깐만. 음… 어… 출고가 늦어졌네.
        assert_eq!(at(MomentKind::Filler), [4]);
        // 팀장님 바꿔 주세요 (customer), 팀장님도 똑같이 말할 거야 (agent).
        assert_eq!(at(MomentKind::Escalation), [11, 12]);
        // Plain endings, blame and refusals.
        for turn in [4, 6, 8, 10, 12, 14] {
            assert!(at(MomentKind::NegativePhrasing).contains(&turn), "{turn}");
        }
        assert!(at(MomentKind::Greeting).is_empty());
    }

    #[test]
    fn a_customer_who_has_to_repeat_the_complaint_is_coached() {
        let report = analyze_text(
            "상담원: 안녕하세요, 행복쇼핑 상담원 김민지입니다.\n\
             고객: 배송이 아직도 안 왔어요. 너무 답답하네요.\n\
             상담원: 주문번호 말씀해 주시겠어요?\n\
             고객: A-20240105-0012요.\n\
             상담원: 네 확인해 보겠습니다.\n\
             고객: 그러니까 배송이 아직 안 왔다고요. 답답해요.\n\
             상담원: 네.\n\
             고객: 몇 번을 말해야 돼요?\n\
             상담원: 죄송합니다. 내일 도착 예정입니다.\n\
             고객: 알겠어요.\n\
             상담원: 좋은 하루 보내세요.",
        );
        assert_eq!(report.metrics.customer_repeats, 2, "{:?}", report.metrics);
        let item = report
            .improvements
            .iter()
            .find(|i| i.code == "customer_repeat")
            .unwrap();
        assert!(item.evidence.iter().any(|e| e.turn == 7));
    }

    #[test]
    fn a_bare_refusal_gets_a_positive_rewrite_as_its_example() {
        let report = analyze_text(RUDE);
        let item = report
            .improvements
            .iter()
            .find(|i| i.code == "negative_phrasing");
        if let Some(item) = item {
            let example = item.example_phrase.as_deref().unwrap_or_default();
            assert!(example.ends_with("습니다."), "{example}");
            assert!(
                item.recommendation.contains(example),
                "{}",
                item.recommendation
            );
        }
        let refund = analyze_text(REFUND_FILLER);
        let item = refund
            .improvements
            .iter()
            .find(|i| i.code == "negative_phrasing")
            .unwrap();
        assert!(
            item.recommendation.contains("'안 됩니다' 대신"),
            "{}",
            item.recommendation
        );
    }

    #[test]
    fn reports_stored_before_the_new_metrics_still_deserialize() {
        let mut value = serde_json::to_value(analyze_text(POLITE)).unwrap();
        let metrics = value["metrics"].as_object_mut().unwrap();
        for key in [
            "maxResponseLatencyS",
            "longestGapS",
            "openQuestions",
            "closedQuestions",
            "customerRepeats",
            "customerSentimentByTurn",
        ] {
            assert!(metrics.remove(key).is_some(), "{key}");
        }
        let old: Report = serde_json::from_value(value).unwrap();
        assert_eq!(old.metrics.open_questions, 0);
        assert!(old.metrics.customer_sentiment_by_turn.is_empty());
        assert_eq!(old.metrics.max_response_latency_s, None);
    }

    #[test]
    fn reports_are_identical_across_threads_and_analyzer_instances() {
        let expected: Vec<String> = FIXTURES
            .iter()
            .map(|f| serde_json::to_string(&analyze_text(f)).unwrap())
            .collect();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    FIXTURES
                        .iter()
                        .rev()
                        .map(|f| serde_json::to_string(&analyze_text(f)).unwrap())
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        for handle in handles {
            let mut got = handle.join().unwrap();
            got.reverse();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_fifteen_turn_korean_call_is_coached_in_korean_within_the_length_band() {
        let report = analyze_text(POLITE);
        assert_eq!(report.language, "ko");
        assert!(report.summary.contains("배송"), "{}", report.summary);
        assert!(
            (500..=2000).contains(&report.result_chars()),
            "{}",
            report.result_chars()
        );
        assert!(
            report
                .improvements
                .iter()
                .all(|i| i.title.chars().any(|c| ('가'..='힣').contains(&c)))
        );
        assert!(report.moments.iter().any(|m| m.kind == MomentKind::Empathy));
        assert!(
            report
                .moments
                .iter()
                .any(|m| m.kind == MomentKind::Greeting && m.turn == 0)
        );
        assert!(
            report.scores.attitude.score >= 80,
            "{:?}",
            report.scores.attitude
        );
    }

    #[test]
    fn a_refund_call_with_fillers_and_a_bare_refusal_gets_those_items() {
        let report = analyze_text(REFUND_FILLER);
        let found = codes(&report);
        for expected in ["negative_phrasing", "filler_words", "no_confirmation"] {
            assert!(
                found.contains(&expected),
                "{expected} missing from {found:?}"
            );
        }
        let negative = report
            .improvements
            .iter()
            .find(|i| i.code == "negative_phrasing")
            .unwrap();
        assert!(
            negative
                .evidence
                .iter()
                .any(|e| e.quote.contains("안 됩니다"))
        );
    }

    #[test]
    fn timestamps_feed_the_timing_metrics_and_pii_is_counted() {
        let report = analyze_text(CARD_LOSS_TIMED);
        let m = &report.metrics;
        assert!(m.agent_words_per_minute.is_some());
        assert!(m.longest_agent_monologue_s.is_some());
        assert!(m.avg_response_latency_s.is_some());
        assert!(m.dead_air_total_s.is_some_and(|s| s > 5.0), "{m:?}");
        // The silence follows an announced hold, so it is not coached as dead air.
        assert!(!codes(&report).contains(&"dead_air"));
        // 이지은 and 박서준, 1990년 3월 15일 after the question, 우리카드 before 고객센터.
        let pii: Vec<(&str, u32)> = report
            .pii
            .iter()
            .map(|p| (p.kind.as_str(), p.count))
            .collect();
        assert_eq!(
            pii,
            [
                ("birth_date", 1),
                ("name", 2),
                ("organization", 1),
                ("phone", 1)
            ]
        );
        assert!(
            report
                .moments
                .iter()
                .any(|m| m.kind == MomentKind::SelfIntro)
        );
        assert!(
            report
                .improvements
                .iter()
                .all(|i| i.evidence.iter().all(|e| e.start_ms.is_some()))
        );
        assert!(m.customer_sentiment_end > m.customer_sentiment_start);
    }

    #[test]
    fn an_english_call_is_coached_in_english() {
        let report = analyze_text(DOUBLE_CHARGE_EN);
        assert_eq!(report.language, "en");
        assert!(report.summary.contains("billing"), "{}", report.summary);
        assert!(
            report.scores.attitude.score >= 80,
            "{:?}",
            report.scores.attitude
        );
        assert!(report.improvements.iter().all(|i| i.title.is_ascii()));
        // Sarah and Jordan; Acme in the greeting and the closing.
        let pii: Vec<(&str, u32)> = report
            .pii
            .iter()
            .map(|p| (p.kind.as_str(), p.count))
            .collect();
        assert_eq!(pii, [("email", 1), ("name", 2), ("organization", 2)]);
    }

    #[test]
    fn the_same_transcript_always_gives_byte_identical_json() {
        for fixture in FIXTURES {
            let first = serde_json::to_string(&analyze_text(fixture)).unwrap();
            let second = serde_json::to_string(&analyze_text(fixture)).unwrap();
            assert_eq!(first, second);
        }
    }

    #[test]
    fn a_very_short_call_says_why_it_has_fewer_items() {
        let report = analyze_text(
            "상담원: 안녕하세요.\n고객: 영업시간이 어떻게 되나요?\n상담원: 평일 9시부터 6시까지입니다.",
        );
        assert!(report.improvements.len() < MIN_IMPROVEMENTS);
        assert!(
            report
                .improvements_note
                .as_deref()
                .is_some_and(|n| n.contains("짧아"))
        );
    }

    #[test]
    fn unattributed_turns_are_analysed_without_items_and_say_why() {
        let turns: Vec<Turn> = (0..6)
            .map(|i| Turn {
                speaker: Speaker::Unknown,
                start_ms: None,
                end_ms: None,
                text: format!("문장 {i}입니다."),
            })
            .collect();
        let report = LocalAnalyzer::default()
            .analyze(&turns, Vec::new())
            .unwrap();
        assert!(report.improvements.is_empty());
        assert!(report.improvements_note.is_some());
    }

    #[test]
    #[ignore = "prints the fixture reports for manual review"]
    fn fixture_reports_can_be_printed_for_review() {
        for fixture in FIXTURES {
            let report = analyze_text(fixture);
            eprintln!(
                "{}\nresult_chars={}\n",
                serde_json::to_string_pretty(&report).unwrap(),
                report.result_chars()
            );
        }
    }

    #[test]
    fn thousands_of_messy_transcripts_never_panic_in_redaction_or_analysis() {
        let speakers = [Speaker::Agent, Speaker::Customer, Speaker::Unknown];
        let texts = crate::ingest::tests::generate_messy_texts(1500);
        for (i, chunk) in texts.chunks(5).enumerate() {
            let mut turns: Vec<Turn> = chunk
                .iter()
                .enumerate()
                .map(|(j, text)| Turn {
                    speaker: speakers[(i + j) % 3],
                    start_ms: (j % 2 == 0).then_some((i * 1000 + j * 7000) as u64),
                    end_ms: (i % 3 == 0).then_some((i * 1000 + j * 5000) as u64),
                    text: text.clone(),
                })
                .collect();
            let pii = redact_turns(&mut turns);
            if let Ok(report) = LocalAnalyzer::default().analyze(&turns, pii) {
                for item in &report.improvements {
                    for e in &item.evidence {
                        assert!(
                            turns
                                .get(e.turn as usize)
                                .is_some_and(|t| t.text.contains(&e.quote))
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn extreme_or_inconsistent_timestamps_do_not_break_the_metrics() {
        let times = [
            (Some(u64::MAX), Some(0)),
            (Some(0), Some(u64::MAX)),
            (Some(u64::MAX - 1), None),
            (None, Some(5)),
            (Some(7), Some(3)),
        ];
        let turns: Vec<Turn> = times
            .iter()
            .enumerate()
            .map(|(i, &(start_ms, end_ms))| Turn {
                speaker: if i % 2 == 0 {
                    Speaker::Agent
                } else {
                    Speaker::Customer
                },
                start_ms,
                end_ms,
                text: "안녕하세요 확인해 드리겠습니다".into(),
            })
            .collect();
        let report = LocalAnalyzer::default()
            .analyze(&turns, Vec::new())
            .unwrap();
        let m = &report.metrics;
        for value in [
            m.agent_words_per_minute,
            m.longest_agent_monologue_s,
            m.dead_air_total_s,
            m.avg_response_latency_s,
        ]
        .into_iter()
        .flatten()
        {
            assert!(value.is_finite() && value >= 0.0);
        }
    }

    #[test]
    fn empty_turns_are_rejected() {
        assert_eq!(
            LocalAnalyzer::default().analyze(&[], Vec::new()),
            Err(AnalysisError::NoTurns)
        );
        let blank = [Turn {
            speaker: Speaker::Agent,
            start_ms: None,
            end_ms: None,
            text: "  ".into(),
        }];
        assert_eq!(
            LocalAnalyzer::default().analyze(&blank, Vec::new()),
            Err(AnalysisError::NoTurns)
        );
    }

    #[test]
    fn a_six_hundred_turn_consultation_is_analysed_quickly() {
        let base = parse_transcript(POLITE).unwrap().turns;
        let turns: Vec<Turn> = base.iter().cycle().take(600).cloned().collect();
        let analyzer = LocalAnalyzer::default();
        analyzer.analyze(&turns, Vec::new()).unwrap();
        let started = std::time::Instant::now();
        let report = analyzer.analyze(&turns, Vec::new()).unwrap();
        let elapsed = started.elapsed();
        assert_eq!(report.metrics.turns, 600);
        // Unoptimised test builds on a shared machine: a generous bound that still catches
        // quadratic behaviour.
        assert!(elapsed.as_millis() < 500, "{elapsed:?}");
    }
}
