//! The scoring model of the local analyzer, in one place: base scores, the weight of every signal
//! (a moment found or missed, a metric in or out of its band) per category, the overall mix and the
//! thresholds. [`Weights`] is serde-(de)serialisable so that a later change can load per-team
//! weights; [`Weights::default`] is [`DEFAULT_WEIGHTS`].
//!
//! A signal counted `n` times adds `first + each_extra × min(n − 1, max_extra)` points (nothing
//! when `n = 0`) to its category; the category score is `base + Σ points`, clamped to 0-100. The
//! overall score is the weighted mean of the three categories. Improvement items are ranked by the
//! points they cost (or would gain), so this table also orders the coaching.

use std::borrow::Cow;

use Category::{Attitude as A, Communication as C, ProblemSolving as P};
use Signal as S;
use serde::{Deserialize, Serialize};
use shared::report::Category;

/// Something the analyzer counts that moves a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Opening greeting in the agent's first turns.
    Greeting,
    /// The agent introduced themselves.
    SelfIntro,
    /// Empathy expressions (turns).
    Empathy,
    /// Apologies (turns).
    Apology,
    /// Cushion words before a request or refusal (turns).
    Cushion,
    /// Imperative requests of the customer without a cushion word (`주문번호 불러 주세요`).
    BareRequest,
    /// Confirmation or repeat-back (turns).
    Confirmation,
    /// A solution or action offered (turns).
    Solution,
    /// Next steps, timelines or follow-up explained (turns).
    NextSteps,
    /// Closing courtesy in the agent's last turns.
    Closing,
    /// Plain (반말) sentence endings in agent turns.
    HonorificSlip,
    /// Blaming or dismissive phrases towards the customer.
    Blame,
    /// Negative phrasing without an alternative.
    NegativePhrasing,
    /// Filler words in agent turns.
    Filler,
    /// The customer asked for a supervisor or threatened a complaint.
    CustomerEscalation,
    /// The customer had to repeat a complaint (turns).
    CustomerRepeat,
    /// The agent asked open questions (what, how, 어떤, 어떻게) to understand the need.
    OpenQuestion,
    /// The customer was upset and the agent never acknowledged it.
    NoEmpathyWhenUpset,
    /// An agent monologue longer than the threshold.
    LongMonologue,
    /// Silences longer than the dead-air threshold.
    DeadAir,
    /// The agent started talking over the customer.
    AgentInterruption,
    /// Agent talk share inside the balanced band.
    TalkBalanced,
    /// Agent talk share above the dominance threshold.
    TalkDominant,
    /// Agent speaking rate outside the comfortable band.
    SpeechRateOff,
    /// Customer sentiment rose clearly from start to end.
    SentimentImproved,
    /// Customer sentiment fell clearly from start to end.
    SentimentWorsened,
    /// The customer ended on a positive note.
    PositiveEnd,
}

/// How much one signal moves one category.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeightRule {
    /// The signal.
    pub signal: Signal,
    /// The category it moves.
    pub category: Category,
    /// Points for the first occurrence (negative for penalties).
    pub first: f64,
    /// Points for each further occurrence.
    pub each_extra: f64,
    /// How many further occurrences count.
    pub max_extra: u32,
}

/// A value per category.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PerCategory {
    /// 태도.
    pub attitude: f64,
    /// 문제해결.
    pub problem_solving: f64,
    /// 커뮤니케이션.
    pub communication: f64,
}

impl PerCategory {
    /// The value for a category.
    pub fn get(&self, category: Category) -> f64 {
        match category {
            Category::Attitude => self.attitude,
            Category::ProblemSolving => self.problem_solving,
            Category::Communication => self.communication,
        }
    }
}

/// Metric thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// A gap between turns longer than this (seconds) is dead air.
    pub dead_air_s: f64,
    /// An agent stretch longer than this (seconds) is a long monologue.
    pub long_monologue_s: f64,
    /// Without timestamps, an agent turn longer than this many characters (Korean) is a monologue.
    pub long_turn_chars_ko: usize,
    /// Without timestamps, an agent turn longer than this many words (English) is a monologue.
    pub long_turn_words_en: usize,
    /// Agent talk share in `[low, high]` is balanced.
    pub balanced_talk: (f64, f64),
    /// Agent talk share above this is dominant.
    pub dominant_talk: f64,
    /// Comfortable Korean agent rate, syllables per minute.
    pub rate_ko: (f64, f64),
    /// Comfortable English agent rate, words per minute.
    pub rate_en: (f64, f64),
    /// Start→end sentiment change that counts as improved or worsened.
    pub sentiment_change: f64,
    /// A customer turn scoring below this is upset (one negative word alone scores -0.5, so it
    /// takes at least two, or negatives outweighing positives two to one); two turns at this
    /// score, or an escalation, also make the customer upset.
    pub upset_below: f64,
    /// Fewest fillers that make an improvement item.
    pub fillers_for_item: u32,
    /// Overlap (seconds) above which a turn start counts as an interruption.
    pub interruption_overlap_s: f64,
}

/// The complete scoring model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Score of each category before any signal.
    pub base: PerCategory,
    /// Share of each category in the overall score (sums to 1).
    pub overall_mix: PerCategory,
    /// Points per signal and category.
    pub rules: Cow<'static, [WeightRule]>,
    /// Metric thresholds.
    pub thresholds: Thresholds,
}

impl Default for Weights {
    fn default() -> Self {
        DEFAULT_WEIGHTS
    }
}

impl Weights {
    /// Points a signal counted `count` times adds to a category.
    pub fn points(&self, signal: Signal, category: Category, count: u32) -> f64 {
        if count == 0 {
            return 0.0;
        }
        self.rules
            .iter()
            .filter(|r| r.signal == signal && r.category == category)
            .map(|r| r.first + r.each_extra * f64::from((count - 1).min(r.max_extra)))
            .sum()
    }

    /// Points a signal counted `count` times adds across all categories.
    pub fn total_points(&self, signal: Signal, count: u32) -> f64 {
        [
            Category::Attitude,
            Category::ProblemSolving,
            Category::Communication,
        ]
        .into_iter()
        .map(|c| self.points(signal, c, count))
        .sum()
    }
}

const fn rule(
    signal: Signal,
    category: Category,
    first: f64,
    each_extra: f64,
    max_extra: u32,
) -> WeightRule {
    WeightRule {
        signal,
        category,
        first,
        each_extra,
        max_extra,
    }
}

/// The weight table.
pub const RULES: &[WeightRule] = &[
    // 태도 (attitude): courtesy, empathy, honorifics.
    rule(S::Greeting, A, 10.0, 0.0, 0),
    rule(S::SelfIntro, A, 5.0, 0.0, 0),
    rule(S::Empathy, A, 10.0, 4.0, 2),
    rule(S::Apology, A, 4.0, 0.0, 0),
    rule(S::Cushion, A, 6.0, 2.0, 2),
    rule(S::Closing, A, 7.0, 0.0, 0),
    rule(S::HonorificSlip, A, -8.0, -8.0, 4),
    rule(S::Blame, A, -12.0, -12.0, 2),
    rule(S::NoEmpathyWhenUpset, A, -6.0, 0.0, 0),
    rule(S::CustomerEscalation, A, -4.0, 0.0, 0),
    // 문제해결 (problem solving): understanding, solution, next steps, outcome.
    rule(S::Confirmation, P, 12.0, 3.0, 2),
    rule(S::Solution, P, 18.0, 2.0, 2),
    rule(S::NextSteps, P, 10.0, 0.0, 0),
    rule(S::SentimentImproved, P, 6.0, 0.0, 0),
    rule(S::PositiveEnd, P, 4.0, 0.0, 0),
    rule(S::SentimentWorsened, P, -8.0, 0.0, 0),
    rule(S::CustomerEscalation, P, -10.0, -5.0, 1),
    rule(S::NegativePhrasing, P, -4.0, -2.0, 2),
    rule(S::Blame, P, -4.0, 0.0, 0),
    rule(S::CustomerRepeat, P, -6.0, -3.0, 2),
    // 커뮤니케이션 (communication): clarity, balance, confirmation, register.
    rule(S::Greeting, C, 3.0, 0.0, 0),
    rule(S::Confirmation, C, 6.0, 0.0, 0),
    rule(S::OpenQuestion, C, 4.0, 0.0, 0),
    rule(S::CustomerRepeat, C, -3.0, 0.0, 0),
    rule(S::Cushion, C, 4.0, 0.0, 0),
    rule(S::BareRequest, C, -2.0, -1.0, 2),
    rule(S::NextSteps, C, 5.0, 0.0, 0),
    rule(S::Closing, C, 5.0, 0.0, 0),
    rule(S::TalkBalanced, C, 8.0, 0.0, 0),
    rule(S::TalkDominant, C, -10.0, 0.0, 0),
    rule(S::NegativePhrasing, C, -5.0, -3.0, 3),
    rule(S::HonorificSlip, C, -3.0, -3.0, 2),
    rule(S::Filler, C, -1.0, -2.0, 7),
    rule(S::LongMonologue, C, -6.0, 0.0, 0),
    rule(S::DeadAir, C, -4.0, -3.0, 3),
    rule(S::AgentInterruption, C, -4.0, -2.0, 3),
    rule(S::SpeechRateOff, C, -4.0, 0.0, 0),
];

/// The default scoring model.
pub const DEFAULT_WEIGHTS: Weights = Weights {
    base: PerCategory {
        attitude: 50.0,
        problem_solving: 45.0,
        communication: 60.0,
    },
    overall_mix: PerCategory {
        attitude: 0.35,
        problem_solving: 0.35,
        communication: 0.30,
    },
    rules: Cow::Borrowed(RULES),
    thresholds: Thresholds {
        dead_air_s: 5.0,
        long_monologue_s: 60.0,
        long_turn_chars_ko: 300,
        long_turn_words_en: 120,
        balanced_talk: (0.35, 0.70),
        dominant_talk: 0.8,
        rate_ko: (180.0, 420.0),
        rate_en: (100.0, 190.0),
        sentiment_change: 0.3,
        upset_below: -0.5,
        fillers_for_item: 3,
        interruption_overlap_s: 0.3,
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_grow_with_count_up_to_the_cap() {
        let w = Weights::default();
        assert_eq!(w.points(Signal::Empathy, Category::Attitude, 0), 0.0);
        assert_eq!(w.points(Signal::Empathy, Category::Attitude, 1), 10.0);
        assert_eq!(w.points(Signal::Empathy, Category::Attitude, 3), 18.0);
        assert_eq!(w.points(Signal::Empathy, Category::Attitude, 9), 18.0);
        assert_eq!(
            w.points(Signal::HonorificSlip, Category::Attitude, 2),
            -16.0
        );
    }

    /// A number as the documentation writes it: `+10`, `-8`, `0`.
    fn signed(value: f64) -> String {
        if value == 0.0 {
            "0".to_owned()
        } else {
            format!("{value:+}")
        }
    }

    #[test]
    fn the_documented_weight_table_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/analyzer.md");
        let docs = std::fs::read_to_string(path).unwrap_or_default();
        let rows: Vec<String> = RULES
            .iter()
            .map(|r| {
                let signal = serde_json::to_string(&r.signal).unwrap_or_default();
                format!(
                    "| `{}` | {} | {} | {} | {} |",
                    signal.trim_matches('"'),
                    r.category.as_str(),
                    signed(r.first),
                    signed(r.each_extra),
                    r.max_extra
                )
            })
            .collect();
        let missing: Vec<&String> = rows.iter().filter(|row| !docs.contains(*row)).collect();
        assert!(
            missing.is_empty(),
            "docs/analyzer.md is out of date; its table should read:\n{}",
            rows.join("\n")
        );
    }

    #[test]
    fn the_overall_mix_sums_to_one_and_weights_round_trip_through_json() {
        let w = Weights::default();
        let mix = w.overall_mix;
        assert!((mix.attitude + mix.problem_solving + mix.communication - 1.0).abs() < 1e-9);
        let json = serde_json::to_string(&w).unwrap_or_default();
        let back: Option<Weights> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(w));
    }
}
