//! The instructions and the material a model gets: the redacted transcript with turn indexes, the
//! local analyzer's metrics, moments and draft report, and the allowed item codes. Korean
//! consultations get Korean instructions; English ones English.

use std::fmt::Write as _;

use serde_json::json;
use shared::report::Report;
use shared::transcript::{Speaker, Turn};

use coach_analyzer::local::ITEM_CODES;

/// Longest transcript text sent, in characters; longer transcripts are cut (and the model told).
const MAX_TRANSCRIPT_CHARS: usize = 60_000;

/// The system instruction for a report in `language`.
pub fn system_instruction(language: &str) -> String {
    if language == "ko" {
        format!(
            "당신은 고객센터 상담 품질(QA) 코치입니다. 상담 기록과 규칙 기반 분석기의 초안을 검토해 \
             태도·문제해결·커뮤니케이션 점수와 개선 항목을 더 정확하고 구체적으로 다듬습니다.\n\
             규칙:\n\
             1. 점수는 0~100 정수이며, 근거(rationale)에 상담 내용과 지표를 구체적으로 언급하세요.\n\
             2. 개선 항목은 3~5개, 가장 중요한 것부터 쓰고, 각 항목의 code는 다음 중 하나만 사용하세요: {codes}.\n\
             3. evidence의 turn은 상담 기록의 [번호]이고, quote는 그 발화에서 글자 그대로 복사한 일부여야 합니다. \
             기록에 없는 말을 인용하지 마세요.\n\
             4. examplePhrase에는 상담원이 다음에 그대로 쓸 수 있는 존댓말 문장을 쓰세요.\n\
             5. [전화번호], [이메일] 같은 가림 표시는 그대로 두고, 가려진 개인정보를 추측하지 마세요.\n\
             6. 모든 문장은 한국어로 쓰고, 지정된 JSON 스키마에 맞는 JSON만 출력하세요.",
            codes = ITEM_CODES.join(", ")
        )
    } else {
        format!(
            "You are a contact-centre quality (QA) coach. Review the consultation transcript and a \
             rule-based analyzer's draft, and refine the attitude, problem-solving and communication \
             scores and the improvement items so they are accurate and specific.\n\
             Rules:\n\
             1. Scores are integers from 0 to 100; each rationale names concrete moments and metrics.\n\
             2. Give 3 to 5 improvement items, most important first; each code must be one of: {codes}.\n\
             3. evidence.turn is the [number] of a turn in the transcript and evidence.quote must be \
             copied verbatim from that turn. Never quote words that are not in the transcript.\n\
             4. examplePhrase is a polite sentence the agent can use word for word next time.\n\
             5. Keep masks such as [PHONE] or [EMAIL] as they are; never guess redacted details.\n\
             6. Write in English and output only JSON that follows the given schema.",
            codes = ITEM_CODES.join(", ")
        )
    }
}

/// The user message: transcript, metrics, moments and the draft to refine.
pub fn user_prompt(turns: &[Turn], draft: &Report) -> String {
    let ko = draft.language == "ko";
    let mut text = String::new();
    let (heading, agent, customer, unknown) = if ko {
        (
            "## 상담 기록 (개인정보 가림)",
            "상담원",
            "고객",
            "화자 미상",
        )
    } else {
        (
            "## Transcript (personal data redacted)",
            "Agent",
            "Customer",
            "Unknown",
        )
    };
    let _ = writeln!(text, "{heading}");
    let mut used = 0usize;
    for (i, turn) in turns.iter().enumerate() {
        let speaker = match turn.speaker {
            Speaker::Agent => agent,
            Speaker::Customer => customer,
            Speaker::Unknown => unknown,
        };
        let line = format!("[{i}] {speaker}: {}\n", turn.text.replace('\n', " "));
        used += line.chars().count();
        if used > MAX_TRANSCRIPT_CHARS {
            let _ = writeln!(
                text,
                "{}",
                if ko {
                    format!("(이후 {}개 발화는 길이 제한으로 생략)", turns.len() - i)
                } else {
                    format!("({} more turns omitted for length)", turns.len() - i)
                }
            );
            break;
        }
        text.push_str(&line);
    }
    let draft_json = json!({
        "summary": draft.summary,
        "scores": {
            "attitude": draft.scores.attitude,
            "problemSolving": draft.scores.problem_solving,
            "communication": draft.scores.communication,
        },
        "improvements": draft.improvements,
    });
    let (metrics_heading, moments_heading, draft_heading, ask) = if ko {
        (
            "## 분석기 지표",
            "## 주요 순간 (종류, 발화 번호)",
            "## 규칙 기반 초안",
            "위 초안을 검토해 상담 기록에 근거한 더 정확한 보고서를 JSON으로 출력하세요.",
        )
    } else {
        (
            "## Analyzer metrics",
            "## Moments (kind, turn)",
            "## Rule-based draft",
            "Review the draft and output a more accurate report, grounded in the transcript, as JSON.",
        )
    };
    let metrics = serde_json::to_string(&draft.metrics).unwrap_or_default();
    let moments: Vec<String> = draft
        .moments
        .iter()
        .map(|m| format!("{:?} {}", m.kind, m.turn))
        .collect();
    let draft = serde_json::to_string_pretty(&draft_json).unwrap_or_default();
    let _ = write!(
        text,
        "\n{metrics_heading}\n{metrics}\n\n{moments_heading}\n{}\n\n{draft_heading}\n{draft}\n\n{ask}\n",
        moments.join(", ")
    );
    text
}

/// The correction request after an answer failed validation.
pub fn correction_prompt(language: &str, problems: &str) -> String {
    if language == "ko" {
        format!(
            "방금 답변은 다음 이유로 사용할 수 없습니다:\n{problems}\n\
             문제를 모두 고친 전체 JSON을 다시 출력하세요. 인용문은 해당 발화에서 글자 그대로 복사하세요."
        )
    } else {
        format!(
            "Your answer cannot be used because:\n{problems}\n\
             Output the whole JSON again with every problem fixed. Copy quotes verbatim from the turn."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coach_analyzer::Analyzer;
    use coach_analyzer::local::LocalAnalyzer;

    #[test]
    fn a_korean_consultation_gets_korean_instructions_with_numbered_turns_and_the_draft() {
        let turns = vec![
            Turn {
                speaker: Speaker::Agent,
                start_ms: None,
                end_ms: None,
                text: "안녕하세요, 상담원입니다.".into(),
            },
            Turn {
                speaker: Speaker::Customer,
                start_ms: None,
                end_ms: None,
                text: "환불\n문의요".into(),
            },
        ];
        let report = LocalAnalyzer::default().analyze(&turns, vec![]);
        let Ok(report) = report else {
            panic!("analyses");
        };
        let prompt = user_prompt(&turns, &report);
        assert!(prompt.contains("[0] 상담원: 안녕하세요"), "{prompt}");
        assert!(prompt.contains("[1] 고객: 환불 문의요"), "{prompt}");
        assert!(prompt.contains("## 규칙 기반 초안"));
        assert!(prompt.contains("agentTalkRatio"));
        assert!(system_instruction("ko").contains("no_empathy"));
        assert!(system_instruction("en").contains("verbatim"));
    }
}
