//! Signals → the four category scores, each with a rationale naming what drove it, strengths and
//! weaknesses. All numbers come from [`Weights`].

use std::collections::BTreeMap;

use shared::report::{Category, CategoryScore, Metrics, Scores};
use shared::transcript::{Speaker, Turn};

use super::metrics::Timing;
use super::signals::{Findings, count_hits, count_turns};
use super::text::talk_units;
use super::weights::{Signal, Weights};
use shared::language::Language;

/// How often each signal occurred.
pub(super) type SignalCounts = BTreeMap<Signal, u32>;

/// Counts every signal from the findings and metrics.
pub(super) fn count_signals(
    turns: &[Turn],
    language: Language,
    findings: &Findings,
    metrics: &Metrics,
    timing: &Timing,
    weights: &Weights,
) -> SignalCounts {
    let t = &weights.thresholds;
    let flag = |b: bool| u32::from(b);
    // Upset: one clearly negative turn, negative turns again and again, or an escalation.
    let negative_turns = findings
        .customer_sentiment
        .iter()
        .filter(|(_, s)| *s <= t.upset_below)
        .count();
    let upset = findings
        .customer_sentiment
        .iter()
        .any(|(_, s)| *s < t.upset_below)
        || negative_turns >= 2
        || !findings.customer_escalation.is_empty();
    let both_speak = metrics.agent_turns > 0 && metrics.customer_turns > 0;
    let ratio = metrics.agent_talk_ratio;
    let long_monologue = match timing.monologue {
        Some((_, secs)) => secs > t.long_monologue_s,
        None => longest_agent_turn(turns, language)
            .is_some_and(|(_, units)| exceeds_turn_limit(units, language, weights)),
    };
    let rate_band = match language {
        Language::Ko => t.rate_ko,
        Language::En => t.rate_en,
    };
    let rate_off = metrics
        .agent_words_per_minute
        .is_some_and(|r| r < rate_band.0 || r > rate_band.1);
    let change = metrics.customer_sentiment_end - metrics.customer_sentiment_start;
    let enough_customer = metrics.customer_turns >= 2;
    let mut counts = SignalCounts::new();
    let mut set = |signal: Signal, n: u32| {
        if n > 0 {
            counts.insert(signal, n);
        }
    };
    set(Signal::Greeting, flag(!findings.greeting.is_empty()));
    set(Signal::SelfIntro, flag(!findings.self_intro.is_empty()));
    set(Signal::Empathy, count_turns(&findings.empathy));
    set(Signal::Apology, count_turns(&findings.apology));
    set(Signal::Cushion, count_turns(&findings.cushion));
    set(Signal::BareRequest, count_hits(&findings.bare_requests));
    set(Signal::Confirmation, count_turns(&findings.confirmation));
    set(Signal::Solution, count_turns(&findings.solution));
    set(Signal::NextSteps, count_turns(&findings.next_steps));
    set(Signal::Closing, flag(!findings.closing.is_empty()));
    set(Signal::HonorificSlip, count_hits(&findings.slips));
    set(Signal::Blame, count_hits(&findings.blame));
    set(
        Signal::NegativePhrasing,
        count_hits(&findings.negative_unmitigated),
    );
    set(Signal::Filler, count_hits(&findings.fillers));
    set(Signal::CustomerRepeat, count_turns(&findings.repeats));
    set(Signal::OpenQuestion, count_hits(&findings.open_questions));
    set(
        Signal::CustomerEscalation,
        count_turns(&findings.customer_escalation),
    );
    set(
        Signal::NoEmpathyWhenUpset,
        flag(upset && findings.empathy.is_empty() && metrics.agent_turns > 0),
    );
    set(Signal::LongMonologue, flag(long_monologue));
    set(
        Signal::DeadAir,
        u32::try_from(timing.gaps.len()).unwrap_or(u32::MAX),
    );
    set(
        Signal::AgentInterruption,
        u32::try_from(timing.agent_interruptions.len()).unwrap_or(u32::MAX),
    );
    set(
        Signal::TalkBalanced,
        flag(both_speak && ratio >= t.balanced_talk.0 && ratio <= t.balanced_talk.1),
    );
    set(
        Signal::TalkDominant,
        flag(both_speak && metrics.turns >= 6 && ratio > t.dominant_talk),
    );
    set(Signal::SpeechRateOff, flag(rate_off));
    set(
        Signal::SentimentImproved,
        flag(enough_customer && change >= t.sentiment_change),
    );
    set(
        Signal::SentimentWorsened,
        flag(enough_customer && -change >= t.sentiment_change),
    );
    set(
        Signal::PositiveEnd,
        flag(metrics.customer_turns > 0 && metrics.customer_sentiment_end > 0.2),
    );
    counts
}

/// The agent's longest turn: (turn index, talk units).
pub(super) fn longest_agent_turn(turns: &[Turn], language: Language) -> Option<(usize, usize)> {
    turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speaker == Speaker::Agent)
        .map(|(i, t)| (i, talk_units(&t.text, language)))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// Whether a single turn of this length is a monologue when there are no timestamps.
pub(super) fn exceeds_turn_limit(units: usize, language: Language, weights: &Weights) -> bool {
    match language {
        Language::Ko => units > weights.thresholds.long_turn_chars_ko,
        Language::En => units > weights.thresholds.long_turn_words_en,
    }
}

/// Signals whose absence is worth naming as a weakness, per category.
fn expected_signals(category: Category) -> &'static [Signal] {
    match category {
        Category::Attitude => &[Signal::Greeting, Signal::SelfIntro, Signal::Closing],
        Category::ProblemSolving => &[Signal::Confirmation, Signal::Solution, Signal::NextSteps],
        Category::Communication => &[],
    }
}

/// Scores all categories.
pub(super) fn score_categories(
    counts: &SignalCounts,
    weights: &Weights,
    language: Language,
    has_agent: bool,
) -> Scores {
    let attitude = score_category(Category::Attitude, counts, weights, language, has_agent);
    let problem_solving = score_category(
        Category::ProblemSolving,
        counts,
        weights,
        language,
        has_agent,
    );
    let communication = score_category(
        Category::Communication,
        counts,
        weights,
        language,
        has_agent,
    );
    let overall = score_overall(
        &attitude,
        &problem_solving,
        &communication,
        weights,
        language,
    );
    Scores {
        attitude,
        problem_solving,
        communication,
        overall,
    }
}

fn score_category(
    category: Category,
    counts: &SignalCounts,
    weights: &Weights,
    language: Language,
    has_agent: bool,
) -> CategoryScore {
    let base = weights.base.get(category);
    let mut contributions: Vec<(Signal, u32, f64)> = counts
        .iter()
        .map(|(&signal, &n)| (signal, n, weights.points(signal, category, n)))
        .filter(|(_, _, points)| *points != 0.0)
        .collect();
    let total: f64 = base + contributions.iter().map(|(_, _, p)| p).sum::<f64>();
    let score = clamp_score(total);
    // Largest effects first; ties in signal order, so the text is deterministic.
    contributions.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then(a.0.cmp(&b.0)));
    let drivers: Vec<String> = contributions
        .iter()
        .take(4)
        .map(|(signal, n, points)| {
            format!(
                "{}({:+})",
                describe_signal(*signal, *n, language),
                points.round()
            )
        })
        .collect();
    let name = category_name(category, language);
    let rationale = match (language, drivers.is_empty(), has_agent) {
        (Language::Ko, _, false) => {
            format!("상담원 발화를 식별하지 못해 {name} 점수는 기본 {base}점입니다.")
        }
        (Language::En, _, false) => {
            format!("No agent turns were identified, so {name} stays at the base of {base}.")
        }
        (Language::Ko, true, true) => {
            format!("{name}에 영향을 준 뚜렷한 요인이 없어 기본 {base}점입니다.")
        }
        (Language::En, true, true) => {
            format!("Nothing notable moved {name}, so it stays at the base of {base}.")
        }
        (Language::Ko, false, true) => {
            format!("기본 {base}점 기준, 반영 요인: {}.", drivers.join(", "))
        }
        (Language::En, false, true) => format!("Base {base}, adjusted for {}.", drivers.join(", ")),
    };
    let strengths: Vec<String> = contributions
        .iter()
        .filter(|(_, _, p)| *p > 0.0)
        .take(3)
        .map(|(s, n, _)| describe_signal(*s, *n, language))
        .collect();
    let mut weaknesses: Vec<String> = contributions
        .iter()
        .filter(|(_, _, p)| *p < 0.0)
        .map(|(s, n, _)| describe_signal(*s, *n, language))
        .collect();
    if has_agent {
        for signal in expected_signals(category) {
            if !counts.contains_key(signal) {
                weaknesses.push(describe_missing_signal(*signal, language));
            }
        }
    }
    weaknesses.truncate(3);
    CategoryScore {
        score,
        rationale,
        strengths,
        weaknesses,
    }
}

pub(super) fn score_overall(
    attitude: &CategoryScore,
    problem_solving: &CategoryScore,
    communication: &CategoryScore,
    weights: &Weights,
    language: Language,
) -> CategoryScore {
    let mix = weights.overall_mix;
    let total = mix.attitude * f64::from(attitude.score)
        + mix.problem_solving * f64::from(problem_solving.score)
        + mix.communication * f64::from(communication.score);
    let parts = [
        (Category::Attitude, attitude.score, mix.attitude),
        (
            Category::ProblemSolving,
            problem_solving.score,
            mix.problem_solving,
        ),
        (
            Category::Communication,
            communication.score,
            mix.communication,
        ),
    ];
    let percent = |share: f64| (share * 100.0).round();
    let rationale = match language {
        Language::Ko => format!(
            "태도 {}점({}%), 문제해결 {}점({}%), 커뮤니케이션 {}점({}%)의 가중 평균입니다.",
            attitude.score,
            percent(mix.attitude),
            problem_solving.score,
            percent(mix.problem_solving),
            communication.score,
            percent(mix.communication)
        ),
        Language::En => format!(
            "Weighted mean of attitude {} ({}%), problem solving {} ({}%) and communication {} ({}%).",
            attitude.score,
            percent(mix.attitude),
            problem_solving.score,
            percent(mix.problem_solving),
            communication.score,
            percent(mix.communication)
        ),
    };
    let best = parts
        .iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    let worst = parts
        .iter()
        .min_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let strengths = best
        .filter(|(_, score, _)| *score >= 70)
        .map(|(c, score, _)| match language {
            Language::Ko => format!("가장 강한 영역: {}({score}점)", category_name(*c, language)),
            Language::En => format!("Strongest area: {} ({score})", category_name(*c, language)),
        })
        .into_iter()
        .collect();
    let weaknesses = worst
        .filter(|(_, score, _)| *score < 80)
        .map(|(c, score, _)| match language {
            Language::Ko => format!("우선 보완 영역: {}({score}점)", category_name(*c, language)),
            Language::En => format!(
                "Area to work on first: {} ({score})",
                category_name(*c, language)
            ),
        })
        .into_iter()
        .collect();
    CategoryScore {
        score: clamp_score(total),
        rationale,
        strengths,
        weaknesses,
    }
}

fn clamp_score(value: f64) -> u8 {
    let clamped = value.round().clamp(0.0, 100.0);
    // Clamped to 0-100 above.
    clamped as u8
}

/// The display name of a category.
pub(super) fn category_name(category: Category, language: Language) -> &'static str {
    match (language, category) {
        (Language::Ko, Category::Attitude) => "태도",
        (Language::Ko, Category::ProblemSolving) => "문제해결",
        (Language::Ko, Category::Communication) => "커뮤니케이션",
        (Language::En, Category::Attitude) => "attitude",
        (Language::En, Category::ProblemSolving) => "problem solving",
        (Language::En, Category::Communication) => "communication",
    }
}

/// A short description of a signal that occurred `n` times.
fn describe_signal(signal: Signal, n: u32, language: Language) -> String {
    let times_ko = |name: &str| {
        if n > 1 {
            format!("{name} {n}회")
        } else {
            name.to_owned()
        }
    };
    let times_en = |name: &str| {
        if n > 1 {
            format!("{name} ×{n}")
        } else {
            name.to_owned()
        }
    };
    match language {
        Language::Ko => match signal {
            Signal::Greeting => "첫 인사".to_owned(),
            Signal::SelfIntro => "자기소개".to_owned(),
            Signal::Empathy => times_ko("공감 표현"),
            Signal::Apology => times_ko("사과"),
            Signal::Cushion => times_ko("쿠션어"),
            Signal::BareRequest => format!("쿠션어 없는 요청 {n}회"),
            Signal::Confirmation => times_ko("확인·복창"),
            Signal::Solution => times_ko("해결책 제시"),
            Signal::NextSteps => "다음 단계 안내".to_owned(),
            Signal::Closing => "마무리 인사".to_owned(),
            Signal::HonorificSlip => format!("반말 종결 {n}회"),
            Signal::Blame => format!("고객 탓·퉁명스러운 표현 {n}회"),
            Signal::NegativePhrasing => format!("대안 없는 부정 표현 {n}회"),
            Signal::Filler => format!("군말 {n}회"),
            Signal::CustomerEscalation => "고객의 상급자·민원 언급".to_owned(),
            Signal::CustomerRepeat => format!("고객의 같은 불만 반복 {n}회"),
            Signal::OpenQuestion => times_ko("개방형 질문"),
            Signal::NoEmpathyWhenUpset => "불만 고객에게 공감 없음".to_owned(),
            Signal::LongMonologue => "긴 일방 설명".to_owned(),
            Signal::DeadAir => format!("긴 침묵 {n}회"),
            Signal::AgentInterruption => format!("고객 말 끊기 {n}회"),
            Signal::TalkBalanced => "균형 잡힌 대화 비율".to_owned(),
            Signal::TalkDominant => "상담원 발화 과다".to_owned(),
            Signal::SpeechRateOff => "부적절한 말 속도".to_owned(),
            Signal::SentimentImproved => "고객 감정 개선".to_owned(),
            Signal::SentimentWorsened => "고객 감정 악화".to_owned(),
            Signal::PositiveEnd => "긍정적인 마무리".to_owned(),
        },
        Language::En => match signal {
            Signal::Greeting => "opening greeting".to_owned(),
            Signal::SelfIntro => "self-introduction".to_owned(),
            Signal::Empathy => times_en("empathy"),
            Signal::Apology => times_en("apology"),
            Signal::Cushion => times_en("softening phrases"),
            Signal::BareRequest => format!("blunt requests ×{n}"),
            Signal::Confirmation => times_en("confirmation"),
            Signal::Solution => times_en("solution offered"),
            Signal::NextSteps => "next steps explained".to_owned(),
            Signal::Closing => "closing courtesy".to_owned(),
            Signal::HonorificSlip => format!("informal endings ×{n}"),
            Signal::Blame => format!("blaming or curt remarks ×{n}"),
            Signal::NegativePhrasing => format!("refusals without alternative ×{n}"),
            Signal::Filler => format!("fillers ×{n}"),
            Signal::CustomerEscalation => "customer escalation".to_owned(),
            Signal::CustomerRepeat => format!("customer repeated a complaint ×{n}"),
            Signal::OpenQuestion => times_en("open questions"),
            Signal::NoEmpathyWhenUpset => "no empathy for an upset customer".to_owned(),
            Signal::LongMonologue => "long monologue".to_owned(),
            Signal::DeadAir => format!("long silences ×{n}"),
            Signal::AgentInterruption => format!("talked over the customer ×{n}"),
            Signal::TalkBalanced => "balanced talk ratio".to_owned(),
            Signal::TalkDominant => "agent dominated the talk".to_owned(),
            Signal::SpeechRateOff => "speaking rate off".to_owned(),
            Signal::SentimentImproved => "customer mood improved".to_owned(),
            Signal::SentimentWorsened => "customer mood worsened".to_owned(),
            Signal::PositiveEnd => "positive ending".to_owned(),
        },
    }
}

/// A short description of an expected signal that never occurred.
fn describe_missing_signal(signal: Signal, language: Language) -> String {
    let text = match (language, signal) {
        (Language::Ko, Signal::Greeting) => "첫 인사 없음",
        (Language::Ko, Signal::SelfIntro) => "자기소개 없음",
        (Language::Ko, Signal::Closing) => "마무리 인사 없음",
        (Language::Ko, Signal::Confirmation) => "요청 확인·복창 없음",
        (Language::Ko, Signal::Solution) => "구체적 해결책 없음",
        (Language::Ko, Signal::NextSteps) => "다음 단계 안내 없음",
        (Language::Ko, Signal::Cushion) => "쿠션어 없음",
        (Language::En, Signal::Greeting) => "no opening greeting",
        (Language::En, Signal::SelfIntro) => "no self-introduction",
        (Language::En, Signal::Closing) => "no closing",
        (Language::En, Signal::Confirmation) => "no confirmation of the request",
        (Language::En, Signal::Solution) => "no concrete solution",
        (Language::En, Signal::NextSteps) => "no next steps",
        (Language::En, Signal::Cushion) => "no softening phrases",
        (_, other) => return describe_signal(other, 0, language),
    };
    text.to_owned()
}
