//! The report summary: what the customer wanted (when a topic is detectable), how the conversation
//! went, the scores and the top coaching point, in two to four sentences.

use shared::report::{Improvement, Metrics, Scores};

use super::lexicon::TOPICS;
use super::signals::Findings;
use shared::language::Language;

/// Sentiment above this reads as positive, below its negative as negative.
const MOOD_BAND: f64 = 0.15;

/// Writes the summary.
pub(super) fn write_summary(
    language: Language,
    findings: &Findings,
    metrics: &Metrics,
    scores: &Scores,
    improvements: &[Improvement],
) -> String {
    let topic = findings.topic.and_then(|i| TOPICS.get(i));
    let solved = !findings.solution.is_empty();
    let escalated = !findings.customer_escalation.is_empty();
    let (start, end) = (
        metrics.customer_sentiment_start,
        metrics.customer_sentiment_end,
    );
    let improved = end - start >= 0.3 && start < 0.0;
    let mood = if end > MOOD_BAND {
        1
    } else if end < -MOOD_BAND {
        -1
    } else {
        0
    };
    let mut sentences: Vec<String> = Vec::new();
    match language {
        Language::Ko => {
            sentences.push(match topic {
                Some(t) => format!("고객은 {} 관련으로 문의했습니다.", t.ko),
                None => format!("고객 문의에 대한 {}턴 분량의 상담입니다.", metrics.turns),
            });
            let mood_ko = match mood {
                1 => "긍정적",
                -1 => "부정적",
                _ => "중립적",
            };
            sentences.push(match (metrics.agent_turns > 0, solved, improved) {
                (false, _, _) => "상담원 발화를 식별하지 못해 응대 과정은 평가하기 어렵습니다.".to_owned(),
                (true, true, true) => "상담원이 해결 방안을 안내했고, 고객 반응은 부정적에서 긍정적으로 바뀌었습니다.".to_owned(),
                (true, true, false) => format!("상담원이 해결 방안을 안내했으며, 고객은 {mood_ko}인 반응으로 상담을 마쳤습니다."),
                (true, false, _) => format!("뚜렷한 해결 방안 안내 없이 상담이 끝났고, 고객 반응은 {mood_ko}이었습니다."),
            });
            if escalated {
                sentences
                    .push("상담 중 고객이 상급자 연결이나 민원 제기를 언급했습니다.".to_owned());
            }
            if metrics.customer_repeats > 0 {
                sentences.push(format!(
                    "고객은 같은 불만을 {}회 되풀이해야 했습니다.",
                    metrics.customer_repeats
                ));
            }
            let overall = format!(
                "종합 {}점(태도 {}, 문제해결 {}, 커뮤니케이션 {})",
                scores.overall.score,
                scores.attitude.score,
                scores.problem_solving.score,
                scores.communication.score
            );
            sentences.push(match improvements.first() {
                Some(item) => format!(
                    "{overall}이며, 가장 먼저 개선할 점은 '{}'입니다.",
                    item.title
                ),
                None => format!("{overall}입니다."),
            });
        }
        Language::En => {
            sentences.push(match topic {
                Some(t) => format!("The customer contacted us about {}.", t.en),
                None => format!("A {}-turn customer conversation.", metrics.turns),
            });
            let mood_en = match mood {
                1 => "positive",
                -1 => "negative",
                _ => "neutral",
            };
            sentences.push(match (metrics.agent_turns > 0, solved, improved) {
                (false, _, _) => "No agent turns were identified, so the handling could not be assessed.".to_owned(),
                (true, true, true) => "The agent offered a solution and the customer's mood went from negative to positive.".to_owned(),
                (true, true, false) => format!("The agent offered a solution and the customer ended on a {mood_en} note."),
                (true, false, _) => format!("The conversation ended without a clear solution, with the customer's mood {mood_en}."),
            });
            if escalated {
                sentences.push(
                    "The customer asked for a supervisor or mentioned a complaint.".to_owned(),
                );
            }
            if metrics.customer_repeats > 0 {
                sentences.push(format!(
                    "The customer had to repeat the same complaint {} time(s).",
                    metrics.customer_repeats
                ));
            }
            let overall = format!(
                "Overall {} (attitude {}, problem solving {}, communication {})",
                scores.overall.score,
                scores.attitude.score,
                scores.problem_solving.score,
                scores.communication.score
            );
            sentences.push(match improvements.first() {
                Some(item) => format!("{overall}; the first thing to work on: \"{}\".", item.title),
                None => format!("{overall}."),
            });
        }
    }
    sentences.join(" ")
}
