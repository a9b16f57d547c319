//! Conversation metrics: turn counts, talk balance, open and closed questions, customer repeats,
//! customer sentiment per turn with its start and end, and — when turns carry timestamps — speaking
//! rate, dead air and the longest gap, monologues, overlaps and response latency (mean and max).
//!
//! Without `end_ms`, a turn's end is estimated from its length (4 Korean syllables or 2 English
//! words per second, deliberately slow so silences are not over-counted), capped at the next turn's
//! start. The speaking rate then uses the time until the next turn, a lower bound.

use shared::report::{Metrics, TurnSentiment};
use shared::transcript::{Speaker, Turn};

use super::signals::Findings;
use super::text::{speech_units, talk_units};
use super::weights::Thresholds;
use shared::language::Language;

/// Timing details the rules need beyond the report's metrics.
#[derive(Debug, Clone, Default)]
pub(super) struct Timing {
    /// Silences above the threshold that the agent should have filled (before an agent turn, not
    /// after an announced hold): (turn after the silence, seconds). The report's dead-air total
    /// counts every silence.
    pub gaps: Vec<(usize, f64)>,
    /// Longest agent stretch: (its first turn, seconds).
    pub monologue: Option<(usize, f64)>,
    /// Agent turns that started over the customer.
    pub agent_interruptions: Vec<usize>,
    /// All overlapping turns.
    pub overlaps: Vec<usize>,
}

/// Estimated milliseconds per speech unit when a turn has no end.
fn ms_per_unit(language: Language) -> u64 {
    match language {
        Language::Ko => 250,
        Language::En => 500,
    }
}

fn round_to(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

fn ms_to_seconds(ms: u64) -> f64 {
    // Milliseconds within any real recording fit f64 exactly.
    ms as f64 / 1000.0
}

/// Computes the metrics and timing details.
pub(super) fn compute_metrics(
    turns: &[Turn],
    language: Language,
    findings: &Findings,
    thresholds: &Thresholds,
) -> (Metrics, Timing) {
    let count_of = |speaker: Speaker| turns.iter().filter(|t| t.speaker == speaker).count();
    let units_of = |speaker: Speaker| -> usize {
        turns
            .iter()
            .filter(|t| t.speaker == speaker)
            .map(|t| talk_units(&t.text, language))
            .sum()
    };
    let (agent_units, customer_units) = (units_of(Speaker::Agent), units_of(Speaker::Customer));
    let talk_total = agent_units + customer_units;
    let agent_talk_ratio = if talk_total == 0 {
        0.0
    } else {
        round_to(agent_units as f64 / talk_total as f64, 3)
    };
    let (sentiment_start, sentiment_end) = sentiment_trajectory(&findings.customer_sentiment);
    let mut metrics = Metrics {
        agent_talk_ratio,
        turns: u32::try_from(turns.len()).unwrap_or(u32::MAX),
        agent_turns: u32::try_from(count_of(Speaker::Agent)).unwrap_or(u32::MAX),
        customer_turns: u32::try_from(count_of(Speaker::Customer)).unwrap_or(u32::MAX),
        agent_words_per_minute: None,
        longest_agent_monologue_s: None,
        dead_air_total_s: None,
        interruptions: None,
        avg_response_latency_s: None,
        max_response_latency_s: None,
        longest_gap_s: None,
        open_questions: count_u32(findings.open_questions.len()),
        closed_questions: count_u32(findings.closed_questions.len()),
        customer_repeats: count_u32(findings.repeats.len()),
        customer_sentiment_start: round_to(sentiment_start, 2),
        customer_sentiment_end: round_to(sentiment_end, 2),
        customer_sentiment_by_turn: findings
            .customer_sentiment
            .iter()
            .map(|&(turn, score)| TurnSentiment {
                turn: count_u32(turn),
                score: round_to(score, 2),
            })
            .collect(),
        audio: None,
    };
    let timed = turns.iter().filter(|t| t.start_ms.is_some()).count();
    if timed < 2 {
        return (metrics, Timing::default());
    }
    let timing = compute_timing(turns, language, thresholds, &mut metrics);
    (metrics, timing)
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn compute_timing(
    turns: &[Turn],
    language: Language,
    thresholds: &Thresholds,
    metrics: &mut Metrics,
) -> Timing {
    let next_start = |i: usize| turns.get(i + 1).and_then(|t| t.start_ms);
    let effective_end = |i: usize| -> Option<u64> {
        let turn = turns.get(i)?;
        let start = turn.start_ms?;
        if let Some(end) = turn.end_ms {
            return Some(end.max(start));
        }
        let estimate = start.saturating_add(
            (speech_units(&turn.text, language) as u64)
                .saturating_mul(ms_per_unit(language))
                .max(600),
        );
        Some(match next_start(i) {
            Some(next) if next > start => estimate.min(next),
            _ => estimate,
        })
    };
    let mut timing = Timing::default();
    let has_ends = turns.iter().any(|t| t.end_ms.is_some());
    let (mut dead_air_ms, mut latency_ms, mut latency_count) = (0u64, 0u64, 0u64);
    let (mut max_latency_ms, mut longest_gap_ms): (Option<u64>, Option<u64>) = (None, None);
    let (mut agent_units, mut agent_ms) = (0usize, 0u64);
    let mut monologue_start: Option<(usize, u64)> = None;
    let mut longest: Option<(usize, u64)> = None;

    for (i, turn) in turns.iter().enumerate() {
        let next = turns.get(i + 1);
        if let (Some(end), Some(next_turn_start)) = (effective_end(i), next_start(i)) {
            let gap = next_turn_start.saturating_sub(end);
            longest_gap_ms = longest_gap_ms.max(Some(gap));
            if ms_to_seconds(gap) > thresholds.dead_air_s {
                dead_air_ms = dead_air_ms.saturating_add(gap);
                // Only silences the agent should fill are coached: before an agent turn, unless the
                // agent announced a hold ("잠시만 기다려 주시겠어요?"). The customer's pauses are not.
                let agent_due = next.is_some_and(|n| n.speaker == Speaker::Agent);
                if agent_due && !(turn.speaker == Speaker::Agent && announces_hold(&turn.text)) {
                    timing.gaps.push((i + 1, round_to(ms_to_seconds(gap), 1)));
                }
            }
            if turn.speaker == Speaker::Customer
                && next.is_some_and(|n| n.speaker == Speaker::Agent)
            {
                latency_ms = latency_ms.saturating_add(gap);
                latency_count += 1;
                max_latency_ms = max_latency_ms.max(Some(gap));
            }
        }
        if let (Some(end), Some(next_turn)) = (turn.end_ms, next)
            && let Some(next_turn_start) = next_turn.start_ms
            && next_turn.speaker != turn.speaker
            && turn.speaker != Speaker::Unknown
            && next_turn.speaker != Speaker::Unknown
            && ms_to_seconds(end.saturating_sub(next_turn_start))
                > thresholds.interruption_overlap_s
        {
            timing.overlaps.push(i + 1);
            if next_turn.speaker == Speaker::Agent {
                timing.agent_interruptions.push(i + 1);
            }
        }
        if turn.speaker == Speaker::Agent {
            if let Some(start) = turn.start_ms {
                let until = turn.end_ms.or_else(|| next_start(i).filter(|&n| n > start));
                if let Some(until) = until {
                    agent_units += speech_units(&turn.text, language);
                    agent_ms = agent_ms.saturating_add(until.saturating_sub(start));
                }
                if monologue_start.is_none() {
                    monologue_start = Some((i, start));
                }
            }
            let stretch_ends = next.is_none_or(|n| n.speaker != Speaker::Agent);
            if stretch_ends
                && let (Some((first, start)), Some(end)) =
                    (monologue_start.take(), effective_end(i))
            {
                let length = end.saturating_sub(start);
                if longest.is_none_or(|(_, l)| length > l) {
                    longest = Some((first, length));
                }
            }
        } else {
            monologue_start = None;
        }
    }

    metrics.dead_air_total_s = Some(round_to(ms_to_seconds(dead_air_ms), 1));
    metrics.interruptions =
        has_ends.then(|| u32::try_from(timing.overlaps.len()).unwrap_or(u32::MAX));
    metrics.avg_response_latency_s =
        (latency_count > 0).then(|| round_to(ms_to_seconds(latency_ms) / latency_count as f64, 1));
    metrics.max_response_latency_s = max_latency_ms.map(|ms| round_to(ms_to_seconds(ms), 1));
    metrics.longest_gap_s = longest_gap_ms.map(|ms| round_to(ms_to_seconds(ms), 1));
    metrics.longest_agent_monologue_s = longest.map(|(_, ms)| round_to(ms_to_seconds(ms), 1));
    metrics.agent_words_per_minute = (agent_ms >= 5_000)
        .then(|| round_to(agent_units as f64 / (ms_to_seconds(agent_ms) / 60.0), 1));
    timing.monologue = longest.map(|(turn, ms)| (turn, round_to(ms_to_seconds(ms), 1)));
    timing
}

/// Phrases with which an agent announces a hold.
const HOLD_PHRASES: &[&str] = &[
    "잠시만",
    "기다려 주",
    "기다려주",
    "one moment",
    "a moment",
    "hold on",
    "bear with me",
    "just a sec",
    "one sec",
    "please wait",
];

fn announces_hold(text: &str) -> bool {
    let lower = text.to_lowercase();
    HOLD_PHRASES.iter().any(|p| lower.contains(p))
}

/// Mean sentiment of the first and of the last third (one to three turns) of the customer's turns.
fn sentiment_trajectory(scores: &[(usize, f64)]) -> (f64, f64) {
    let n = scores.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let k = n.div_ceil(3).clamp(1, 3);
    let mean = |slice: &[(usize, f64)]| {
        slice.iter().map(|(_, s)| s).sum::<f64>() / slice.len().max(1) as f64
    };
    let first = scores.get(..k).unwrap_or(scores);
    let last = scores.get(n - k..).unwrap_or(scores);
    (mean(first), mean(last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::weights::DEFAULT_WEIGHTS;

    fn timed(speaker: Speaker, start_s: u64, end_s: Option<u64>, text: &str) -> Turn {
        Turn {
            speaker,
            start_ms: Some(start_s * 1000),
            end_ms: end_s.map(|e| e * 1000),
            text: text.to_owned(),
        }
    }

    #[test]
    fn timestamps_give_dead_air_monologues_latency_and_overlaps() {
        let turns = [
            timed(Speaker::Agent, 0, Some(4), "안녕하세요 고객센터입니다"),
            timed(Speaker::Customer, 5, Some(9), "배송이 안 와서요"),
            timed(Speaker::Agent, 10, Some(14), "확인해 드리겠습니다"),
            timed(
                Speaker::Agent,
                25,
                Some(80),
                "확인해 보니 물류센터에서 출고가 늦어졌습니다",
            ),
            timed(Speaker::Customer, 79, Some(85), "네"),
            timed(Speaker::Agent, 84, Some(88), "죄송합니다"),
        ];
        let (metrics, timing) = compute_metrics(
            &turns,
            Language::Ko,
            &Findings::default(),
            &DEFAULT_WEIGHTS.thresholds,
        );
        assert_eq!(metrics.dead_air_total_s, Some(11.0));
        assert_eq!(timing.gaps, [(3, 11.0)]);
        assert_eq!(metrics.longest_agent_monologue_s, Some(70.0));
        assert_eq!(timing.monologue, Some((2, 70.0)));
        assert_eq!(metrics.interruptions, Some(2));
        assert_eq!(timing.agent_interruptions, [5]);
        assert_eq!(metrics.avg_response_latency_s, Some(0.5));
        assert_eq!(metrics.max_response_latency_s, Some(1.0));
        assert_eq!(metrics.longest_gap_s, Some(11.0));
        assert!(metrics.agent_words_per_minute.is_some());
    }

    #[test]
    fn talk_ratio_counts_characters_in_korean_and_words_in_english() {
        let ko = [
            Turn {
                speaker: Speaker::Agent,
                start_ms: None,
                end_ms: None,
                text: "가나 다라".into(),
            },
            Turn {
                speaker: Speaker::Customer,
                start_ms: None,
                end_ms: None,
                text: "마바사아".into(),
            },
        ];
        let (metrics, _) = compute_metrics(
            &ko,
            Language::Ko,
            &Findings::default(),
            &DEFAULT_WEIGHTS.thresholds,
        );
        assert_eq!(metrics.agent_talk_ratio, 0.5);
        assert_eq!(metrics.dead_air_total_s, None);
        let en = [
            Turn {
                speaker: Speaker::Agent,
                start_ms: None,
                end_ms: None,
                text: "one two three".into(),
            },
            Turn {
                speaker: Speaker::Customer,
                start_ms: None,
                end_ms: None,
                text: "four".into(),
            },
        ];
        let (metrics, _) = compute_metrics(
            &en,
            Language::En,
            &Findings::default(),
            &DEFAULT_WEIGHTS.thresholds,
        );
        assert_eq!(metrics.agent_talk_ratio, 0.75);
    }

    #[test]
    fn sentiment_start_and_end_average_a_third_of_the_customer_turns() {
        let scores = [
            (1, -0.5),
            (3, -0.5),
            (5, 0.0),
            (7, 0.0),
            (9, 0.5),
            (11, 0.5),
        ];
        assert_eq!(sentiment_trajectory(&scores), (-0.5, 0.5));
        assert_eq!(sentiment_trajectory(&[]), (0.0, 0.0));
    }
}
