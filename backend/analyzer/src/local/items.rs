//! Improvement items: rules that fire on what happened (or failed to happen), ranked by the points
//! at stake in [`Weights`], each with evidence quoted exactly from the turns. For absences the
//! evidence is the turn where the behaviour was due (the agent's first turn for a missing greeting,
//! the last for a missing closing). When fewer than three rules fire on a conversation of normal
//! length, "keep doing / next level" coaching items fill up to three, still with evidence.

use shared::report::{
    Category, Evidence, Improvement, MAX_IMPROVEMENTS, MIN_IMPROVEMENTS, Metrics, Priority,
};
use shared::transcript::{Speaker, Turn};

use super::lexicon::{TOPICS, positive_alternative};
use super::metrics::Timing;
use super::scoring::{SignalCounts, exceeds_turn_limit, longest_agent_turn};
use super::signals::{Findings, Hit};
use super::text::{
    quote_around, quote_first_sentence, quote_last_sentence, sentence_at, talk_units,
};
use super::weights::{Signal, Weights};
use shared::language::Language;

/// Every improvement-item code the rules and fill-ins can raise: the stable vocabulary of coaching
/// effectiveness tracking, which LLM providers must also choose from.
pub const ITEM_CODES: &[&str] = &[
    "honorific_slip",
    "blaming_customer",
    "missing_greeting",
    "missing_self_intro",
    "no_empathy",
    "negative_phrasing",
    "no_confirmation",
    "no_solution",
    "missing_closing",
    "customer_escalation",
    "customer_repeat",
    "filler_words",
    "long_monologue",
    "dead_air",
    "low_customer_talk",
    "no_cushion",
    "interruption",
    "speech_rate",
    "proactive_next_steps",
    "confirm_satisfaction",
    "deepen_empathy",
    "personalize_closing",
    "open_question",
    "keep_doing",
];

/// Conversations shorter than this get no coaching fill-ins (and say so).
pub(super) const MIN_TURNS_FOR_FULL_COACHING: usize = 4;
/// Impact from which an item is high priority.
const HIGH_IMPACT: f64 = 12.0;
/// Impact from which an item is medium priority.
const MEDIUM_IMPACT: f64 = 6.0;
/// At most this many quotes per item.
const MAX_EVIDENCE: usize = 3;

/// What the rules look at.
pub(super) struct Context<'a> {
    pub turns: &'a [Turn],
    pub language: Language,
    pub findings: &'a Findings,
    pub metrics: &'a Metrics,
    pub timing: &'a Timing,
    pub counts: &'a SignalCounts,
    pub weights: &'a Weights,
}

impl Context<'_> {
    fn agent_turns(&self) -> Vec<usize> {
        list_turns_of(self.turns, Speaker::Agent)
    }

    fn customer_turns(&self) -> Vec<usize> {
        list_turns_of(self.turns, Speaker::Customer)
    }

    fn count(&self, signal: Signal) -> u32 {
        self.counts.get(&signal).copied().unwrap_or(0)
    }

    fn text(&self, turn: usize) -> &str {
        self.turns.get(turn).map_or("", |t| t.text.as_str())
    }

    fn evidence(&self, turn: usize, quote: String) -> Option<Evidence> {
        let quote = quote.trim().to_owned();
        (!quote.is_empty() && self.text(turn).contains(&quote)).then(|| Evidence {
            turn: u32::try_from(turn).unwrap_or(u32::MAX),
            start_ms: self.turns.get(turn).and_then(|t| t.start_ms),
            quote,
        })
    }

    fn hit_evidence(&self, hit: &Hit) -> Option<Evidence> {
        self.evidence(
            hit.turn,
            quote_around(self.text(hit.turn), hit.start, hit.end),
        )
    }

    fn first_sentence_evidence(&self, turn: usize) -> Option<Evidence> {
        self.evidence(turn, quote_first_sentence(self.text(turn)))
    }

    fn last_sentence_evidence(&self, turn: usize) -> Option<Evidence> {
        self.evidence(turn, quote_last_sentence(self.text(turn)))
    }

    /// Evidence from hits: one per sentence, at most [`MAX_EVIDENCE`].
    fn hits_evidence(&self, hits: &[Hit]) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = Vec::new();
        for hit in hits {
            if let Some(e) = self.hit_evidence(hit)
                && !out.iter().any(|o| o.turn == e.turn && o.quote == e.quote)
            {
                out.push(e);
            }
            if out.len() >= MAX_EVIDENCE {
                break;
            }
        }
        out
    }

    /// The exact text of a hit.
    fn hit_text(&self, hit: &Hit) -> &str {
        self.text(hit.turn)
            .get(hit.start..hit.end)
            .unwrap_or_default()
    }

    /// The hit widened to whole words (`원래 오래 걸` → `원래 오래 걸려요`), for quoting in text.
    fn hit_phrase(&self, hit: &Hit) -> &str {
        let text = self.text(hit.turn);
        let stops = |c: char| c.is_whitespace() || matches!(c, '.' | '?' | '!' | ',' | '…' | '~');
        let start = text
            .get(..hit.start)
            .and_then(|head| head.rfind(stops).map(|i| i + 1))
            .unwrap_or(0)
            .min(hit.start);
        let end = text
            .get(hit.end..)
            .and_then(|tail| tail.find(stops).map(|i| hit.end + i))
            .unwrap_or(text.len())
            .max(hit.end);
        text.get(start..end)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| self.hit_text(hit))
    }

    /// The first agent turn after a turn.
    fn next_agent_turn(&self, after: usize) -> Option<usize> {
        self.agent_turns().into_iter().find(|&t| t > after)
    }

    /// The customer's first substantive turn (their request), if any.
    fn request_turn(&self) -> Option<usize> {
        let customers = self.customer_turns();
        customers
            .iter()
            .copied()
            .find(|&t| talk_units(self.text(t), self.language) >= 8)
            .or_else(|| customers.first().copied())
    }

    /// Whether the conversation is long enough for absence-type rules (a missing introduction in
    /// a three-turn question is not worth coaching).
    fn long_enough(&self) -> bool {
        self.turns.len() >= MIN_TURNS_FOR_FULL_COACHING
    }

    fn ko(&self) -> bool {
        self.language == Language::Ko
    }
}

fn list_turns_of(turns: &[Turn], speaker: Speaker) -> Vec<usize> {
    turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speaker == speaker)
        .map(|(i, _)| i)
        .collect()
}

/// An item before ranking.
struct Candidate {
    code: &'static str,
    category: Category,
    impact: f64,
    title: String,
    issue: String,
    recommendation: String,
    example: Option<String>,
    evidence: Vec<Evidence>,
}

/// Picks the language's text.
fn pick_text(language: Language, ko: &str, en: &str) -> String {
    match language {
        Language::Ko => ko.to_owned(),
        Language::En => en.to_owned(),
    }
}

/// Builds the ranked items and, when there are fewer than three, the reason.
pub(super) fn build_improvements(ctx: &Context<'_>) -> (Vec<Improvement>, Option<String>) {
    let agent_turns = ctx.agent_turns();
    let mut candidates: Vec<Candidate> = RULES.iter().filter_map(|rule| rule(ctx)).collect();
    candidates.retain(|c| !c.evidence.is_empty());
    candidates.sort_by(|a, b| b.impact.total_cmp(&a.impact).then(a.code.cmp(b.code)));
    candidates.truncate(MAX_IMPROVEMENTS);
    if candidates.len() < MIN_IMPROVEMENTS && ctx.long_enough() && !agent_turns.is_empty() {
        for fallback in FALLBACKS {
            if candidates.len() >= MIN_IMPROVEMENTS {
                break;
            }
            if let Some(c) = fallback(ctx)
                && !c.evidence.is_empty()
                && !candidates.iter().any(|x| x.code == c.code)
            {
                candidates.push(c);
            }
        }
    }
    let note = if candidates.len() >= MIN_IMPROVEMENTS {
        None
    } else if agent_turns.is_empty() {
        Some(pick_text(
            ctx.language,
            "상담원 발화를 식별하지 못해(화자 표시 확인 필요) 근거 있는 개선 항목을 만들 수 없었습니다.",
            "No agent turns could be identified (check the speaker labels), so no evidence-based items could be given.",
        ))
    } else {
        let (n, k) = (ctx.turns.len(), candidates.len());
        Some(match (ctx.language, k) {
            (Language::Ko, 0) => {
                format!("대화가 {n}턴으로 너무 짧아 근거 있는 개선 항목을 제시할 수 없습니다.")
            }
            (Language::Ko, _) => {
                format!("대화가 {n}턴으로 너무 짧아 근거 있는 개선 항목을 {k}개만 제시합니다.")
            }
            (Language::En, 0) => {
                format!("The conversation has only {n} turns, too short for evidence-based items.")
            }
            (Language::En, _) => format!(
                "The conversation has only {n} turns, too short for more than {k} evidence-based item(s)."
            ),
        })
    };
    let items = candidates
        .into_iter()
        .map(|c| Improvement {
            code: c.code.to_owned(),
            category: c.category,
            title: c.title,
            issue: c.issue,
            recommendation: c.recommendation,
            example_phrase: c.example,
            priority: priority_of(c.impact),
            evidence: c.evidence,
        })
        .collect();
    (items, note)
}

fn priority_of(impact: f64) -> Priority {
    if impact >= HIGH_IMPACT {
        Priority::High
    } else if impact >= MEDIUM_IMPACT {
        Priority::Medium
    } else {
        Priority::Low
    }
}

type Rule = fn(&Context<'_>) -> Option<Candidate>;

/// Rules that fire on the conversation.
const RULES: &[Rule] = &[
    check_honorific_slip,
    check_blaming_customer,
    check_missing_greeting,
    check_missing_self_intro,
    check_no_empathy,
    check_negative_phrasing,
    check_no_confirmation,
    check_no_solution,
    check_missing_closing,
    check_customer_escalation,
    check_customer_repeat,
    check_filler_words,
    check_long_monologue,
    check_dead_air,
    check_low_customer_talk,
    check_no_cushion,
    check_interruption,
    check_speech_rate,
];

/// Coaching items used when fewer than three rules fire, in order.
const FALLBACKS: &[Rule] = &[
    suggest_proactive_next_steps,
    suggest_confirm_satisfaction,
    suggest_deepen_empathy,
    suggest_personalize_closing,
    suggest_open_question,
    suggest_keep_doing,
];

fn check_honorific_slip(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::HonorificSlip);
    let first = ctx.findings.slips.first()?;
    let sentence = ctx.hit_text(first);
    Some(Candidate {
        code: "honorific_slip",
        category: Category::Attitude,
        impact: -ctx.weights.total_points(Signal::HonorificSlip, n),
        title: "존댓말 일관되게 유지하기".to_owned(),
        issue: format!("상담원 발화 중 반말로 끝나는 문장이 {n}회 있었습니다."),
        recommendation: "문장 끝을 '-요/-습니다'로 맺어 주세요. 바쁘거나 감정이 올라올 때 반말이 섞이기 쉬우니 특히 주의하세요."
            .to_owned(),
        example: Some(polite_rewrite(sentence)),
        evidence: ctx.hits_evidence(&ctx.findings.slips),
    })
}

/// A polite version of a plain sentence (`확인해 볼게` → `확인해 볼게요`), or a standard phrase.
fn polite_rewrite(sentence: &str) -> String {
    const PLUS_YO: &[&str] = &[
        "해", "돼", "봐", "줘", "와", "려", "져", "워", "어", "아", "지", "게", "래", "거든",
        "잖아", "네", "쳐", "켜",
    ];
    let core = sentence.trim_end_matches(|c: char| !('\u{AC00}'..='\u{D7A3}').contains(&c));
    if core.contains("몰라") {
        return "확인해 보고 바로 안내해 드리겠습니다.".to_owned();
    }
    if let Some(stem) = core.strip_suffix("이야") {
        return format!("{stem}이에요.");
    }
    if let Some(stem) = core.strip_suffix('야') {
        return format!("{stem}예요.");
    }
    if !core.is_empty() && PLUS_YO.iter().any(|e| core.ends_with(e)) {
        return format!("{core}요.");
    }
    "네, 고객님. 바로 확인해 드리겠습니다.".to_owned()
}

fn check_blaming_customer(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::Blame);
    let first = ctx.findings.blame.first()?;
    let phrase = ctx.hit_phrase(first);
    Some(Candidate {
        code: "blaming_customer",
        category: Category::Attitude,
        impact: -ctx.weights.total_points(Signal::Blame, n),
        title: pick_text(
            ctx.language,
            "고객 탓·퉁명스러운 표현 삼가기",
            "Drop blaming and curt remarks",
        ),
        issue: match ctx.language {
            Language::Ko => {
                format!("'{phrase}'처럼 고객을 탓하거나 퉁명스럽게 들리는 표현이 {n}회 있었습니다.")
            }
            Language::En => {
                format!("Remarks like '{phrase}' blame the customer or sound dismissive ({n}×).")
            }
        },
        recommendation: pick_text(
            ctx.language,
            "같은 안내를 반복해야 할 때도 중립적으로 다시 설명하고, 책임 소재보다 해결에 집중하세요.",
            "Even when repeating yourself, re-explain neutrally and focus on the fix, not on fault.",
        ),
        example: Some(pick_text(
            ctx.language,
            "제가 다시 한번 차근차근 안내해 드리겠습니다.",
            "Let me walk you through it once more.",
        )),
        evidence: ctx.hits_evidence(&ctx.findings.blame),
    })
}

fn check_missing_greeting(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::Greeting) > 0 {
        return None;
    }
    let first = *ctx.agent_turns().first()?;
    Some(Candidate {
        code: "missing_greeting",
        category: Category::Attitude,
        impact: ctx.weights.total_points(Signal::Greeting, 1),
        title: pick_text(
            ctx.language,
            "첫 인사로 상담 시작하기",
            "Open with a greeting",
        ),
        issue: pick_text(
            ctx.language,
            "상담원의 첫 응대에 인사 없이 바로 용건으로 들어갔습니다.",
            "The agent's first turn goes straight to business without a greeting.",
        ),
        recommendation: pick_text(
            ctx.language,
            "전화를 받으면 인사와 소속을 먼저 밝혀 고객이 안심하고 용건을 말할 수 있게 하세요.",
            "Greet the customer and name your company first so they feel welcome before explaining the problem.",
        ),
        example: Some(pick_text(
            ctx.language,
            "안녕하십니까, ○○ 고객센터 상담원 ○○○입니다. 무엇을 도와드릴까요?",
            "Hello, thank you for contacting ○○. How can I help you today?",
        )),
        evidence: ctx.first_sentence_evidence(first).into_iter().collect(),
    })
}

fn check_missing_self_intro(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::SelfIntro) > 0 || !ctx.long_enough() {
        return None;
    }
    let first = *ctx.agent_turns().first()?;
    Some(Candidate {
        code: "missing_self_intro",
        category: Category::Attitude,
        impact: ctx.weights.total_points(Signal::SelfIntro, 1),
        title: pick_text(ctx.language, "상담원 이름 밝히기", "Introduce yourself"),
        issue: pick_text(
            ctx.language,
            "상담 초반에 상담원 이름을 밝히지 않았습니다.",
            "The agent never gave their name at the start.",
        ),
        recommendation: pick_text(
            ctx.language,
            "인사 직후 이름을 밝히면 책임지고 응대한다는 인상을 주어 신뢰가 생깁니다.",
            "Giving your name right after the greeting signals ownership and builds trust.",
        ),
        example: Some(pick_text(
            ctx.language,
            "상담원 ○○○입니다.",
            "My name is ○○ and I'll be helping you today.",
        )),
        evidence: ctx.first_sentence_evidence(first).into_iter().collect(),
    })
}

/// An empathy phrase fitting the customer's topic.
fn empathy_example(ctx: &Context<'_>) -> String {
    let code = ctx
        .findings
        .topic
        .and_then(|i| TOPICS.get(i))
        .map_or("", |t| t.code);
    let (ko, en) = match code {
        "card_loss" => (
            "카드를 잃어버리셔서 많이 놀라셨겠어요. 바로 정지부터 도와드리겠습니다.",
            "That must be worrying. Let's get your card blocked right away.",
        ),
        "refund" => (
            "환불 문제로 신경 많이 쓰이셨겠어요. 빠르게 도와드리겠습니다.",
            "I understand, a refund should be simple. Let me help you with it now.",
        ),
        "delivery" => (
            "배송이 늦어져 많이 기다리셨죠. 불편을 드려 죄송합니다.",
            "I'm sorry your package is late; I know you've been waiting.",
        ),
        "exchange" => (
            "받으신 상품이 맞지 않아 번거로우셨겠어요.",
            "I'm sorry the item wasn't right; that's a real hassle.",
        ),
        "insurance_claim" => (
            "심사 결과를 기다리시느라 많이 답답하셨겠어요. 진행 상황부터 바로 확인해 드리겠습니다.",
            "Waiting on a claim is stressful, I understand. Let me check where it stands right now.",
        ),
        "billing" => (
            "예상하지 못한 결제 내역에 많이 놀라셨겠어요.",
            "An unexpected charge is worrying, I completely understand.",
        ),
        "account_access" => (
            "로그인이 안 돼서 많이 답답하셨겠어요.",
            "Being locked out is frustrating, I understand.",
        ),
        "repair" => (
            "제품이 갑자기 작동하지 않아 많이 불편하셨겠어요.",
            "I'm sorry it stopped working; that's really inconvenient.",
        ),
        _ => (
            "많이 불편하셨겠어요. 바로 확인해 드리겠습니다.",
            "I understand how frustrating that is. Let's get it sorted.",
        ),
    };
    pick_text(ctx.language, ko, en)
}

fn check_no_empathy(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::NoEmpathyWhenUpset) == 0 {
        return None;
    }
    let (upset_turn, _) = ctx
        .findings
        .customer_sentiment
        .iter()
        .copied()
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))?;
    let customer_evidence = ctx
        .findings
        .customer_negative
        .iter()
        .find(|h| h.turn == upset_turn)
        .and_then(|h| ctx.hit_evidence(h))
        .or_else(|| ctx.first_sentence_evidence(upset_turn));
    let agent_evidence = ctx
        .next_agent_turn(upset_turn)
        .and_then(|t| ctx.first_sentence_evidence(t));
    Some(Candidate {
        code: "no_empathy",
        category: Category::Attitude,
        impact: ctx.weights.total_points(Signal::Empathy, 1)
            - ctx.weights.total_points(Signal::NoEmpathyWhenUpset, 1),
        title: pick_text(
            ctx.language,
            "고객의 불편에 먼저 공감하기",
            "Acknowledge the frustration first",
        ),
        issue: pick_text(
            ctx.language,
            "고객이 불편을 표현했지만 공감 표현 없이 바로 업무 처리로 넘어갔습니다.",
            "The customer voiced frustration, but the agent moved on to the process without acknowledging it.",
        ),
        recommendation: pick_text(
            ctx.language,
            "해결 안내 전에 고객의 감정을 한 문장으로 인정하세요. 공감을 받은 고객은 이후 안내를 훨씬 잘 받아들입니다.",
            "Acknowledge the feeling in one sentence before explaining the fix; customers then accept the solution more readily.",
        ),
        example: Some(empathy_example(ctx)),
        evidence: customer_evidence
            .into_iter()
            .chain(agent_evidence)
            .collect(),
    })
}

fn check_negative_phrasing(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::NegativePhrasing);
    let first = ctx.findings.negative_unmitigated.first()?;
    let phrase = ctx.hit_phrase(first);
    let text = ctx.text(first.turn);
    let (s, e) = sentence_at(text, first.start);
    let sentence = text.get(s..e).unwrap_or(phrase);
    let alternative = positive_alternative(sentence, ctx.language);
    Some(Candidate {
        code: "negative_phrasing",
        category: Category::Communication,
        impact: -ctx.weights.total_points(Signal::NegativePhrasing, n),
        title: pick_text(
            ctx.language,
            "안 되는 것보다 가능한 방법 안내하기",
            "Say what you can do, not what you can't",
        ),
        issue: match ctx.language {
            Language::Ko => format!("대안 없이 '{phrase}' 같은 부정 표현을 {n}회 사용했습니다."),
            Language::En => format!("Used refusals like '{phrase}' without an alternative ({n}×)."),
        },
        recommendation: match ctx.language {
            Language::Ko => format!(
                "안 되는 이유는 짧게 말하고 바로 가능한 방법을 안내하세요. '{phrase}' 대신 '{alternative}'처럼 바꿔 말할 수 있습니다."
            ),
            Language::En => format!(
                "Keep the reason short and follow straight away with what is possible. Instead of '{phrase}', try '{alternative}'"
            ),
        },
        example: Some(alternative.to_owned()),
        evidence: ctx.hits_evidence(&ctx.findings.negative_unmitigated),
    })
}

fn check_no_confirmation(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::Confirmation) > 0 || ctx.agent_turns().len() < 2 || !ctx.long_enough() {
        return None;
    }
    let request = ctx.request_turn();
    let agent = request
        .and_then(|t| ctx.next_agent_turn(t))
        .or_else(|| ctx.agent_turns().get(1).copied())?;
    Some(Candidate {
        code: "no_confirmation",
        category: Category::Communication,
        impact: ctx.weights.total_points(Signal::Confirmation, 1),
        title: pick_text(
            ctx.language,
            "고객 요청 확인·복창하기",
            "Confirm the request back",
        ),
        issue: pick_text(
            ctx.language,
            "고객의 요청 내용을 다시 확인하거나 복창하지 않았습니다.",
            "The agent never repeated back or confirmed what the customer asked for.",
        ),
        recommendation: pick_text(
            ctx.language,
            "주문번호, 요청 사항, 날짜 같은 핵심 정보를 복창해 확인하면 오처리와 재문의를 줄일 수 있습니다.",
            "Repeat key details (order number, request, dates) back to avoid mistakes and repeat contacts.",
        ),
        example: Some(pick_text(
            ctx.language,
            "말씀하신 내용은 ○○ 건 처리 요청이 맞으신가요?",
            "Just to confirm, you'd like ○○ for order ○○, is that right?",
        )),
        evidence: ctx.first_sentence_evidence(agent).into_iter().collect(),
    })
}

fn check_no_solution(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::Solution) > 0 || ctx.agent_turns().len() < 2 || !ctx.long_enough() {
        return None;
    }
    let agents = ctx.agent_turns();
    // The agent's last turn before the closing, where a solution was due.
    let turn = agents
        .iter()
        .rev()
        .copied()
        .find(|&t| !ctx.findings.closing.iter().any(|h| h.turn == t))
        .or_else(|| agents.last().copied())?;
    Some(Candidate {
        code: "no_solution",
        category: Category::ProblemSolving,
        impact: ctx.weights.total_points(Signal::Solution, 1),
        title: pick_text(
            ctx.language,
            "구체적인 해결책 제시하기",
            "Offer a concrete solution",
        ),
        issue: pick_text(
            ctx.language,
            "상담 중 구체적인 처리 방법이나 조치가 안내되지 않았습니다.",
            "No concrete action or solution was offered during the conversation.",
        ),
        recommendation: pick_text(
            ctx.language,
            "무엇을, 언제까지, 어떻게 처리하는지 말하고 실행하세요. 직접 해결이 어렵다면 담당 부서 연결과 회신 시점을 약속하세요.",
            "Say what you will do, how and by when. If you can't fix it yourself, commit to a handover and a callback time.",
        ),
        example: Some(pick_text(
            ctx.language,
            "지금 바로 처리해 드리겠습니다. 영업일 기준 3일 이내 완료됩니다.",
            "I'll process that now; it will be completed within 3 business days.",
        )),
        evidence: ctx.last_sentence_evidence(turn).into_iter().collect(),
    })
}

fn check_missing_closing(ctx: &Context<'_>) -> Option<Candidate> {
    let agents = ctx.agent_turns();
    if ctx.count(Signal::Closing) > 0 || agents.len() < 2 || !ctx.long_enough() {
        return None;
    }
    let last = *agents.last()?;
    Some(Candidate {
        code: "missing_closing",
        category: Category::Attitude,
        impact: ctx.weights.total_points(Signal::Closing, 1),
        title: pick_text(
            ctx.language,
            "마무리 인사로 끝맺기",
            "Close the conversation properly",
        ),
        issue: pick_text(
            ctx.language,
            "추가 문의 확인이나 마무리 인사 없이 상담이 끝났습니다.",
            "The conversation ended without checking for other questions or a closing.",
        ),
        recommendation: pick_text(
            ctx.language,
            "더 궁금한 점이 있는지 확인하고 감사 인사로 마무리해 상담 경험을 긍정적으로 남기세요.",
            "Ask whether there is anything else and thank the customer so the conversation ends on a positive note.",
        ),
        example: Some(pick_text(
            ctx.language,
            "더 궁금하신 점은 없으신가요? 이용해 주셔서 감사합니다. 좋은 하루 보내세요.",
            "Is there anything else I can help with? Thanks for contacting us, have a great day.",
        )),
        evidence: ctx.last_sentence_evidence(last).into_iter().collect(),
    })
}

fn check_customer_escalation(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::CustomerEscalation);
    ctx.findings.customer_escalation.first()?;
    Some(Candidate {
        code: "customer_escalation",
        category: Category::ProblemSolving,
        impact: -ctx.weights.total_points(Signal::CustomerEscalation, n),
        title: pick_text(
            ctx.language,
            "상급자 요구 전에 진정시키기",
            "Defuse before the customer escalates",
        ),
        issue: pick_text(
            ctx.language,
            "고객이 상급자 연결이나 민원 제기를 언급했습니다.",
            "The customer asked for a supervisor or threatened a complaint.",
        ),
        recommendation: pick_text(
            ctx.language,
            "먼저 감정을 인정한 뒤 지금 할 수 있는 조치와, 이관한다면 처리 시간을 구체적으로 안내하세요.",
            "Acknowledge the frustration first, then explain what you can do now and how long a handover would take.",
        ),
        example: Some(pick_text(
            ctx.language,
            "많이 답답하셨을 것 같습니다. 제가 지금 바로 확인해서 해결 방법을 찾아 드리겠습니다.",
            "I understand how frustrating this is. Let me see what I can do right now.",
        )),
        evidence: ctx.hits_evidence(&ctx.findings.customer_escalation),
    })
}

fn check_customer_repeat(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::CustomerRepeat);
    ctx.findings.repeats.first()?;
    Some(Candidate {
        code: "customer_repeat",
        category: Category::ProblemSolving,
        impact: -ctx.weights.total_points(Signal::CustomerRepeat, n),
        title: pick_text(
            ctx.language,
            "고객이 같은 말을 반복하지 않게 하기",
            "Don't make the customer repeat themselves",
        ),
        issue: match ctx.language {
            Language::Ko => format!(
                "고객이 같은 불만을 {n}회 다시 말해야 했습니다. 처음 말한 내용이 충분히 인정되거나 처리되지 않았다는 신호입니다."
            ),
            Language::En => format!(
                "The customer had to repeat the same complaint {n} time(s), a sign it wasn't acknowledged or acted on the first time."
            ),
        },
        recommendation: pick_text(
            ctx.language,
            "불만을 들으면 핵심을 한 문장으로 되짚어 확인하고, 무엇을 언제까지 할지 바로 말하세요. 같은 말이 다시 나오면 진행 상황을 구체적으로 알려 주세요.",
            "When you hear a complaint, restate it in one sentence and say what you'll do and by when. If it comes up again, give a concrete progress update.",
        ),
        example: Some(pick_text(
            ctx.language,
            "말씀하신 내용 정확히 이해했습니다. 지금 바로 처리하고 결과를 문자로 알려 드리겠습니다.",
            "I understand exactly what happened. I'm fixing it now and I'll email you as soon as it's done.",
        )),
        evidence: ctx.hits_evidence(&ctx.findings.repeats),
    })
}

fn check_filler_words(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::Filler);
    if n < ctx.weights.thresholds.fillers_for_item {
        return None;
    }
    Some(Candidate {
        code: "filler_words",
        category: Category::Communication,
        impact: -ctx.weights.total_points(Signal::Filler, n),
        title: pick_text(ctx.language, "군말 줄이기", "Cut the fillers"),
        issue: match ctx.language {
            Language::Ko => format!("'음', '어…' 같은 군말이 {n}회 나왔습니다."),
            Language::En => format!("Fillers such as 'um' and 'uh' came up {n} times."),
        },
        recommendation: pick_text(
            ctx.language,
            "확인할 시간이 필요하면 군말 대신 잠시 확인하겠다고 말하고 잠깐 멈추세요.",
            "When you need a moment, say so instead of filling the silence.",
        ),
        example: Some(pick_text(
            ctx.language,
            "잠시만 기다려 주시겠어요? 바로 확인해 드리겠습니다.",
            "Give me just a moment while I check that for you.",
        )),
        evidence: ctx.hits_evidence(&ctx.findings.fillers),
    })
}

fn check_long_monologue(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::LongMonologue) == 0 {
        return None;
    }
    let (turn, issue) = match ctx.timing.monologue {
        Some((turn, secs)) => (
            turn,
            match ctx.language {
                Language::Ko => {
                    format!("상담원이 {secs}초 동안 고객 반응 확인 없이 설명을 이어갔습니다.")
                }
                Language::En => {
                    format!("The agent talked for {secs} s without checking in with the customer.")
                }
            },
        ),
        None => {
            let (turn, units) = longest_agent_turn(ctx.turns, ctx.language)?;
            if !exceeds_turn_limit(units, ctx.language, ctx.weights) {
                return None;
            }
            (
                turn,
                match ctx.language {
                    Language::Ko => format!("한 번에 {units}자 분량의 설명을 이어서 했습니다."),
                    Language::En => format!("One agent turn ran to {units} words."),
                },
            )
        }
    };
    Some(Candidate {
        code: "long_monologue",
        category: Category::Communication,
        impact: ctx.weights.total_points(Signal::LongMonologue, 1).abs(),
        title: pick_text(
            ctx.language,
            "긴 설명은 나눠서 확인하며 하기",
            "Break up long explanations",
        ),
        issue,
        recommendation: pick_text(
            ctx.language,
            "설명은 2~3문장씩 끊고 중간에 이해했는지 확인하세요.",
            "Explain two or three sentences at a time and check understanding in between.",
        ),
        example: Some(pick_text(
            ctx.language,
            "여기까지 이해되셨을까요? 이어서 다음 단계도 안내해 드리겠습니다.",
            "Does that make sense so far? Then I'll go over the next step.",
        )),
        evidence: ctx.first_sentence_evidence(turn).into_iter().collect(),
    })
}

fn check_dead_air(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::DeadAir);
    let &(turn, longest) = ctx
        .timing
        .gaps
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    let total = (ctx.timing.gaps.iter().map(|(_, s)| s).sum::<f64>() * 10.0).round() / 10.0;
    Some(Candidate {
        code: "dead_air",
        category: Category::Communication,
        impact: -ctx.weights.total_points(Signal::DeadAir, n),
        title: pick_text(
            ctx.language,
            "침묵 구간에 진행 상황 알리기",
            "Fill silences with updates",
        ),
        issue: match ctx.language {
            Language::Ko => format!("긴 침묵이 {n}회(총 {total}초, 최장 {longest}초) 있었습니다."),
            Language::En => {
                format!("{n} long silence(s): {total} s in total, the longest {longest} s.")
            }
        },
        recommendation: pick_text(
            ctx.language,
            "조회나 처리에 시간이 걸리면 무엇을 하는지, 얼마나 걸리는지 미리 알려 주세요.",
            "When a lookup takes time, tell the customer what you're doing and how long it will take.",
        ),
        example: Some(pick_text(
            ctx.language,
            "지금 주문 내역을 조회하고 있습니다. 30초 정도만 기다려 주시겠어요?",
            "I'm pulling up your order now; this will take about 30 seconds.",
        )),
        evidence: ctx.first_sentence_evidence(turn).into_iter().collect(),
    })
}

fn check_low_customer_talk(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::TalkDominant) == 0 {
        return None;
    }
    let (turn, _) = longest_agent_turn(ctx.turns, ctx.language)?;
    let percent = (ctx.metrics.agent_talk_ratio * 100.0).round();
    Some(Candidate {
        code: "low_customer_talk",
        category: Category::Communication,
        impact: -ctx.weights.total_points(Signal::TalkDominant, 1)
            + ctx.weights.total_points(Signal::TalkBalanced, 1),
        title: pick_text(
            ctx.language,
            "고객이 말할 기회 늘리기",
            "Let the customer talk more",
        ),
        issue: match ctx.language {
            Language::Ko => format!("상담원 발화 비중이 {percent}%로 고객보다 훨씬 많았습니다."),
            Language::En => format!("The agent did {percent}% of the talking."),
        },
        recommendation: pick_text(
            ctx.language,
            "개방형 질문으로 고객 상황을 먼저 충분히 듣고, 설명은 필요한 만큼만 하세요.",
            "Use open questions to hear the customer out first, then explain only what's needed.",
        ),
        example: Some(pick_text(
            ctx.language,
            "어떤 점이 가장 불편하셨는지 조금 더 말씀해 주시겠어요?",
            "Could you tell me a bit more about what happened?",
        )),
        evidence: ctx.first_sentence_evidence(turn).into_iter().collect(),
    })
}

fn check_no_cushion(ctx: &Context<'_>) -> Option<Candidate> {
    if !ctx.long_enough() {
        return None;
    }
    let first = ctx.findings.bare_requests.first()?;
    let n = ctx.count(Signal::BareRequest);
    Some(Candidate {
        code: "no_cushion",
        category: Category::Communication,
        impact: ctx.weights.total_points(Signal::Cushion, 1)
            - ctx
                .weights
                .total_points(Signal::BareRequest, ctx.count(Signal::BareRequest)),
        title: pick_text(ctx.language, "요청 앞에 쿠션어 붙이기", "Soften requests"),
        issue: match ctx.language {
            Language::Ko => format!(
                "고객에게 정보나 행동을 요청하면서 쿠션어 없이 명령형(~해 주세요)으로 말한 문장이 {n}회 있었습니다."
            ),
            Language::En => {
                format!(
                    "{n} request(s) to the customer came as bare commands, without any softening."
                )
            }
        },
        recommendation: pick_text(
            ctx.language,
            "'번거로우시겠지만', '괜찮으시다면' 같은 쿠션어를 앞에 붙이고 '~해 주시겠어요?'처럼 묻는 형태로 말하면 같은 요청도 훨씬 부드럽게 들립니다.",
            "Adding 'if you don't mind' or 'could you please' makes the same request sound far more considerate.",
        ),
        example: Some(cushioned_request(ctx, first)),
        evidence: ctx.hits_evidence(&ctx.findings.bare_requests),
    })
}

/// The first bare request rewritten with a cushion and as a question
/// (`사진 찍어서 보내 주세요` → `번거로우시겠지만 사진 찍어서 보내 주시겠어요?`).
fn cushioned_request(ctx: &Context<'_>, hit: &Hit) -> String {
    let text = ctx.text(hit.turn);
    let (s, e) = sentence_at(text, hit.start);
    let sentence = text
        .get(s..e)
        .unwrap_or_default()
        .trim_end_matches(['.', '!', '?', '~', '…', ' ']);
    match ctx.language {
        Language::Ko => {
            let body = sentence
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim_start_matches("그럼 ")
                .trim_start_matches("네 ");
            let asked = [
                "주세요",
                "주십시오",
                "부탁드립니다",
                "부탁드려요",
                "부탁합니다",
            ]
            .iter()
            .find_map(|ending| {
                body.rfind(ending).map(|at| {
                    let stem = body.get(..at).unwrap_or_default().trim_end();
                    match *ending {
                        "주세요" | "주십시오" => format!("{stem} 주시겠어요?"),
                        _ => format!("{stem} 부탁드려도 될까요?"),
                    }
                })
            });
            match asked {
                Some(question) if question.chars().count() > 8 => {
                    format!("번거로우시겠지만 {}", question.trim_start())
                }
                _ => "번거로우시겠지만 주문번호를 말씀해 주시겠어요?".to_owned(),
            }
        }
        Language::En => {
            let mut chars = sentence.trim_start().chars();
            match chars.next() {
                Some(c) if sentence.chars().count() > 6 => format!(
                    "If you don't mind, could you {}{}?",
                    c.to_lowercase(),
                    chars.as_str()
                ),
                _ => "If you don't mind, could you share your order number?".to_owned(),
            }
        }
    }
}

fn check_interruption(ctx: &Context<'_>) -> Option<Candidate> {
    let n = ctx.count(Signal::AgentInterruption);
    let hits: Vec<Hit> = ctx
        .timing
        .agent_interruptions
        .iter()
        .map(|&turn| {
            let (start, end) = sentence_at(ctx.text(turn), 0);
            Hit { turn, start, end }
        })
        .collect();
    hits.first()?;
    Some(Candidate {
        code: "interruption",
        category: Category::Communication,
        impact: -ctx.weights.total_points(Signal::AgentInterruption, n),
        title: pick_text(
            ctx.language,
            "고객 말 끝까지 듣기",
            "Let the customer finish",
        ),
        issue: match ctx.language {
            Language::Ko => format!("고객이 말하는 도중에 {n}회 말을 시작했습니다."),
            Language::En => format!("Started talking over the customer {n} time(s)."),
        },
        recommendation: pick_text(
            ctx.language,
            "고객의 말이 끝난 뒤 잠깐 기다렸다가 답하면 경청하고 있다는 인상을 줍니다.",
            "Wait a beat after the customer finishes before answering; it shows you are listening.",
        ),
        example: Some(pick_text(
            ctx.language,
            "네, 말씀 끝까지 듣고 정확히 안내해 드리겠습니다.",
            "Please go on, I'm listening.",
        )),
        evidence: ctx.hits_evidence(&hits),
    })
}

fn check_speech_rate(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::SpeechRateOff) == 0 {
        return None;
    }
    let rate = ctx.metrics.agent_words_per_minute?;
    let band = match ctx.language {
        Language::Ko => ctx.weights.thresholds.rate_ko,
        Language::En => ctx.weights.thresholds.rate_en,
    };
    let fast = rate > band.1;
    let (turn, _) = longest_agent_turn(ctx.turns, ctx.language)?;
    Some(Candidate {
        code: "speech_rate",
        category: Category::Communication,
        impact: ctx.weights.total_points(Signal::SpeechRateOff, 1).abs(),
        title: pick_text(ctx.language, "말 속도 조절하기", "Adjust your pace"),
        issue: match (ctx.language, fast) {
            (Language::Ko, true) => format!("상담원 말 속도가 분당 {rate}음절로 빠릅니다."),
            (Language::Ko, false) => format!("상담원 말 속도가 분당 {rate}음절로 느립니다."),
            (Language::En, true) => {
                format!("The agent spoke at {rate} words per minute, too fast to follow easily.")
            }
            (Language::En, false) => {
                format!("The agent spoke at {rate} words per minute, slower than is comfortable.")
            }
        },
        recommendation: pick_text(
            ctx.language,
            "금액, 날짜, 번호 같은 핵심 정보는 끊어서 천천히 말하고, 전체 속도는 분당 250~350음절을 목표로 하세요.",
            "Slow down for key details (amounts, dates, numbers) and aim for about 140-160 words per minute.",
        ),
        example: Some(pick_text(
            ctx.language,
            "환불 금액은 삼만 오천 원이고요, 영업일 기준 삼 일 안에 입금됩니다.",
            "The refund is thirty-five dollars, and it will reach your account within three business days.",
        )),
        evidence: ctx.first_sentence_evidence(turn).into_iter().collect(),
    })
}

// Coaching fill-ins for conversations where few rules fire.

/// Small fixed impact of coaching fill-ins, below every rule.
const COACHING_IMPACT: f64 = 1.0;

fn suggest_proactive_next_steps(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.count(Signal::NextSteps) > 0 {
        return None;
    }
    let solution = ctx.findings.solution.last()?;
    Some(Candidate {
        code: "proactive_next_steps",
        category: Category::ProblemSolving,
        impact: COACHING_IMPACT,
        title: pick_text(
            ctx.language,
            "처리 이후 일정까지 먼저 안내하기",
            "Explain what happens next",
        ),
        issue: pick_text(
            ctx.language,
            "처리 내용은 안내했지만 완료 시점이나 결과 확인 방법은 말하지 않았습니다.",
            "The fix was explained, but not when it will be done or how the customer will hear about it.",
        ),
        recommendation: pick_text(
            ctx.language,
            "완료 예정 시점과 알림 방법(문자, 이메일)을 먼저 알려 주면 재문의가 줄어듭니다.",
            "Give the expected completion time and how the customer will be notified; it prevents follow-up contacts.",
        ),
        example: Some(pick_text(
            ctx.language,
            "영업일 기준 2~3일 안에 처리되며, 완료되면 문자로 안내해 드리겠습니다.",
            "This will be done within 2-3 business days, and you'll get an email when it's complete.",
        )),
        evidence: ctx.hit_evidence(solution).into_iter().collect(),
    })
}

const KO_SATISFACTION_CHECKS: &[&str] = &[
    "해결되셨",
    "도움이 되셨",
    "도움이 되었",
    "괜찮으실까요",
    "괜찮으세요",
    "궁금증이 해결",
    "이해되셨",
];
const EN_SATISFACTION_CHECKS: &[&str] = &[
    "does that help",
    "does that solve",
    "does that work",
    "is that okay",
    "did that answer",
    "does that answer",
    "work for you",
];

fn agent_says_any(ctx: &Context<'_>, ko: &[&str], en: &[&str]) -> bool {
    let phrases = if ctx.ko() { ko } else { en };
    ctx.agent_turns().iter().any(|&t| {
        let lower = ctx.text(t).to_lowercase();
        phrases.iter().any(|p| lower.contains(p))
    })
}

fn suggest_confirm_satisfaction(ctx: &Context<'_>) -> Option<Candidate> {
    if agent_says_any(ctx, KO_SATISFACTION_CHECKS, EN_SATISFACTION_CHECKS) {
        return None;
    }
    let evidence = match ctx.findings.solution.last() {
        Some(hit) => ctx.hit_evidence(hit),
        None => ctx.last_sentence_evidence(*ctx.agent_turns().last()?),
    };
    Some(Candidate {
        code: "confirm_satisfaction",
        category: Category::ProblemSolving,
        impact: COACHING_IMPACT,
        title: pick_text(
            ctx.language,
            "해결 여부를 고객에게 확인하기",
            "Check the fix works for the customer",
        ),
        issue: pick_text(
            ctx.language,
            "안내한 처리 방법이 고객에게 충분한지 확인하는 질문이 없었습니다.",
            "The agent never checked whether the solution fully met the customer's need.",
        ),
        recommendation: pick_text(
            ctx.language,
            "해결책을 안내한 직후 고객 입장에서 충분한지 물어보면 남은 불편을 바로 찾아낼 수 있습니다.",
            "Right after giving the solution, ask whether it works for them; it surfaces leftover problems early.",
        ),
        example: Some(pick_text(
            ctx.language,
            "안내해 드린 방법으로 궁금증이 해결되셨을까요?",
            "Does that solve the problem for you?",
        )),
        evidence: evidence.into_iter().collect(),
    })
}

fn suggest_deepen_empathy(ctx: &Context<'_>) -> Option<Candidate> {
    let empathy = ctx.count(Signal::Empathy);
    if empathy >= 2 || ctx.count(Signal::NoEmpathyWhenUpset) > 0 {
        return None;
    }
    let evidence = match ctx.findings.empathy.first() {
        Some(hit) => ctx.hit_evidence(hit),
        None => {
            let after = ctx.request_turn().unwrap_or(0);
            let turn = ctx
                .next_agent_turn(after)
                .or_else(|| ctx.agent_turns().first().copied())?;
            ctx.first_sentence_evidence(turn)
        }
    };
    Some(Candidate {
        code: "deepen_empathy",
        category: Category::Attitude,
        impact: COACHING_IMPACT,
        title: pick_text(ctx.language, "고객 상황에 맞춘 공감 더하기", "Make empathy specific"),
        issue: match (ctx.language, empathy) {
            (Language::Ko, 0) => "고객의 감정을 헤아리는 표현이 없었습니다. 큰 불만이 없어도 한마디 공감이 만족도를 높입니다.".to_owned(),
            (Language::Ko, _) => "공감 표현이 한 번에 그쳤습니다. 고객이 말한 상황을 짚어 공감하면 더 진정성 있게 들립니다.".to_owned(),
            (Language::En, 0) => "No words acknowledged how the customer felt; even a calm customer appreciates one.".to_owned(),
            (Language::En, _) => "Empathy came up only once; tying it to the customer's own words makes it sound sincere.".to_owned(),
        },
        recommendation: pick_text(
            ctx.language,
            "고객이 쓴 표현(지연, 분실, 불편)을 그대로 받아 공감한 뒤 해결로 넘어가세요.",
            "Echo the customer's own words (the delay, the lost card) when you empathise, then move to the fix.",
        ),
        example: Some(empathy_example(ctx)),
        evidence: evidence.into_iter().collect(),
    })
}

fn suggest_personalize_closing(ctx: &Context<'_>) -> Option<Candidate> {
    let closing = ctx.findings.closing.last()?;
    Some(Candidate {
        code: "personalize_closing",
        category: Category::Attitude,
        impact: COACHING_IMPACT,
        title: pick_text(
            ctx.language,
            "마무리에 처리 결과 요약 더하기",
            "Personalise the closing",
        ),
        issue: pick_text(
            ctx.language,
            "마무리 인사는 좋았지만 오늘 처리한 내용을 다시 짚어 주지는 않았습니다.",
            "The closing was polite but did not recap what was done.",
        ),
        recommendation: pick_text(
            ctx.language,
            "끝인사 전에 처리 결과를 한 문장으로 요약하면 고객이 내용을 확실히 기억하고 만족도도 높아집니다.",
            "Recap the outcome in one sentence before saying goodbye; customers remember it and feel looked after.",
        ),
        example: Some(pick_text(
            ctx.language,
            "오늘 요청하신 건은 접수 완료되었습니다. 더 궁금하신 점 있으시면 언제든 연락 주세요.",
            "So your request is all set today. If anything else comes up, just reach out.",
        )),
        evidence: ctx.hit_evidence(closing).into_iter().collect(),
    })
}

fn suggest_open_question(ctx: &Context<'_>) -> Option<Candidate> {
    if ctx.metrics.open_questions > 0 {
        return None;
    }
    let closed = ctx.metrics.closed_questions;
    let hit = match ctx.findings.closed_questions.first() {
        Some(hit) => *hit,
        None => {
            let agents = ctx.agent_turns();
            let turn = agents.get(1).or_else(|| agents.first()).copied()?;
            let (start, end) = sentence_at(ctx.text(turn), 0);
            Hit { turn, start, end }
        }
    };
    Some(Candidate {
        code: "open_question",
        category: Category::Communication,
        impact: COACHING_IMPACT,
        title: pick_text(
            ctx.language,
            "개방형 질문으로 요구 넓게 파악하기",
            "Ask open questions",
        ),
        issue: match (ctx.language, closed) {
            (Language::Ko, 0) => {
                "고객 상황을 넓게 묻는 개방형 질문(어떤, 어떻게)이 없었습니다.".to_owned()
            }
            (Language::Ko, n) => format!(
                "질문 {n}회가 모두 예/아니요로 답하는 닫힌 질문이었고, 상황을 넓게 묻는 개방형 질문(어떤, 어떻게)은 없었습니다."
            ),
            (Language::En, 0) => {
                "There were no open questions (what, how) to explore the customer's situation."
                    .to_owned()
            }
            (Language::En, n) => format!(
                "All {n} questions were closed (yes/no or a single detail); none explored the customer's situation."
            ),
        },
        recommendation: pick_text(
            ctx.language,
            "예/아니요 질문과 함께 개방형 질문을 한 번 더하면 숨은 요구를 미리 발견할 수 있습니다.",
            "Add one open question alongside yes/no checks; it uncovers needs the customer hasn't mentioned.",
        ),
        example: Some(pick_text(
            ctx.language,
            "혹시 이용하시면서 어떤 점이 가장 불편하셨을까요?",
            "What else has been getting in your way with this?",
        )),
        evidence: ctx.hits_evidence(&[hit]),
    })
}

fn suggest_keep_doing(ctx: &Context<'_>) -> Option<Candidate> {
    let f = ctx.findings;
    let (hit, ko_name, en_name) = [
        (f.empathy.first(), "공감 표현이", "empathy"),
        (f.confirmation.first(), "확인·복창이", "confirmation"),
        (f.cushion.first(), "쿠션어 사용이", "softening phrase"),
        (
            f.next_steps.first(),
            "다음 단계 안내가",
            "next-step explanation",
        ),
        (f.solution.first(), "해결책 안내가", "clear solution"),
        (f.greeting.first(), "첫 인사가", "greeting"),
    ]
    .into_iter()
    .find_map(|(hit, ko, en)| hit.map(|h| (h, ko, en)))?;
    let evidence = ctx.hit_evidence(hit)?;
    Some(Candidate {
        code: "keep_doing",
        category: Category::Attitude,
        impact: COACHING_IMPACT / 2.0,
        title: pick_text(ctx.language, "좋았던 응대 습관 유지하기", "Keep doing this"),
        issue: match ctx.language {
            Language::Ko => format!("이번 상담의 {ko_name} 고객 응대에 효과적이었습니다."),
            Language::En => format!("The {en_name} in this conversation worked well."),
        },
        recommendation: pick_text(
            ctx.language,
            "다른 상담에서도 같은 시점에 같은 표현을 의식적으로 반복해 습관으로 만드세요.",
            "Use the same move at the same point in other conversations until it becomes a habit.",
        ),
        example: Some(evidence.quote.clone()),
        evidence: vec![evidence],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_a_rule_raises_is_in_the_catalogue() {
        let source = include_str!("items.rs");
        let raised: Vec<&str> = source
            .split("code: \"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(raised.len() >= ITEM_CODES.len(), "{raised:?}");
        for code in raised {
            assert!(ITEM_CODES.contains(&code), "{code} is not in ITEM_CODES");
        }
    }

    fn context_for<'a>(
        turns: &'a [Turn],
        findings: &'a Findings,
        metrics: &'a Metrics,
        counts: &'a SignalCounts,
        weights: &'a Weights,
    ) -> Context<'a> {
        Context {
            turns,
            language: Language::Ko,
            findings,
            metrics,
            timing: &TIMING,
            counts,
            weights,
        }
    }

    static TIMING: Timing = Timing {
        gaps: Vec::new(),
        monologue: None,
        agent_interruptions: Vec::new(),
        overlaps: Vec::new(),
    };

    #[test]
    fn a_bare_request_is_rewritten_with_a_cushion_as_a_question() {
        let text = "어… 그럼 사진 찍어서 보내 주세요.";
        let turns = [Turn {
            speaker: Speaker::Agent,
            start_ms: None,
            end_ms: None,
            text: text.to_owned(),
        }];
        let findings = Findings::default();
        let (metrics, _) = super::super::metrics::compute_metrics(
            &turns,
            Language::Ko,
            &findings,
            &Weights::default().thresholds,
        );
        let counts = SignalCounts::new();
        let weights = Weights::default();
        let ctx = context_for(&turns, &findings, &metrics, &counts, &weights);
        let at = text.find("주세요").unwrap_or(0);
        let hit = Hit {
            turn: 0,
            start: at,
            end: at + "주세요".len(),
        };
        assert_eq!(
            cushioned_request(&ctx, &hit),
            "번거로우시겠지만 사진 찍어서 보내 주시겠어요?"
        );
    }

    #[test]
    fn plain_sentences_get_a_polite_rewrite() {
        assert_eq!(polite_rewrite("확인해 볼게"), "확인해 볼게요.");
        assert_eq!(polite_rewrite("그건 안 돼."), "그건 안 돼요.");
        assert_eq!(polite_rewrite("그게 규정이야"), "그게 규정이에요.");
        assert_eq!(
            polite_rewrite("저도 몰라"),
            "확인해 보고 바로 안내해 드리겠습니다."
        );
        assert_eq!(
            polite_rewrite("배송은 내일 도착한다"),
            "네, 고객님. 바로 확인해 드리겠습니다."
        );
    }
}
