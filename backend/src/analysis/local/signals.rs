//! Per-turn detection: lexicon cues by speaker and position, self-introductions, honorific slips,
//! fillers, unmitigated refusals, requests without cushions, customer sentiment (with negation) and
//! the customer's topic.

use std::collections::BTreeSet;

use shared::transcript::{Speaker, Turn};

use super::honorifics::find_slips;
use super::lexicon::{Cue, Found, Lexicon, TOPICS};
use super::text::{Folded, sentence_at, tokens};
use crate::analysis::language::Language;

/// A located piece of evidence: turn index and byte range in that turn's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Hit {
    /// Turn index.
    pub turn: usize,
    /// Byte offset of the start in the turn's text.
    pub start: usize,
    /// Byte offset of the end in the turn's text.
    pub end: usize,
}

/// Everything detected in a conversation.
#[derive(Debug, Clone, Default)]
pub(super) struct Findings {
    /// Greetings in the agent's opening turns.
    pub greeting: Vec<Hit>,
    /// Agent self-introductions.
    pub self_intro: Vec<Hit>,
    /// Agent empathy phrases.
    pub empathy: Vec<Hit>,
    /// Agent apologies.
    pub apology: Vec<Hit>,
    /// Agent cushion words.
    pub cushion: Vec<Hit>,
    /// Agent confirmations and repeat-backs.
    pub confirmation: Vec<Hit>,
    /// Agent solutions and actions.
    pub solution: Vec<Hit>,
    /// Agent next steps and timelines.
    pub next_steps: Vec<Hit>,
    /// Closing courtesy in the agent's last turns.
    pub closing: Vec<Hit>,
    /// Every refusal in agent turns.
    pub negative: Vec<Hit>,
    /// Refusals with no alternative in the same or the next agent turn.
    pub negative_unmitigated: Vec<Hit>,
    /// Blaming or dismissive agent phrases.
    pub blame: Vec<Hit>,
    /// The agent mentioning a supervisor or transfer.
    pub agent_escalation: Vec<Hit>,
    /// The customer asking for a supervisor or threatening a complaint.
    pub customer_escalation: Vec<Hit>,
    /// Requests made of the customer with no cushion word in the same sentence.
    pub bare_requests: Vec<Hit>,
    /// Sentences ending in plain speech (Korean only).
    pub slips: Vec<Hit>,
    /// Filler words in agent turns.
    pub fillers: Vec<Hit>,
    /// Sentiment of each customer turn: (turn index, score in [-1, 1]).
    pub customer_sentiment: Vec<(usize, f64)>,
    /// Negative feeling words in customer turns (after negation).
    pub customer_negative: Vec<Hit>,
    /// Index into [`TOPICS`] of what the customer called about.
    pub topic: Option<usize>,
}

/// Counts the distinct turns of a list of hits.
pub(super) fn count_turns(hits: &[Hit]) -> u32 {
    let turns: BTreeSet<usize> = hits.iter().map(|h| h.turn).collect();
    u32::try_from(turns.len()).unwrap_or(u32::MAX)
}

/// Counts hits.
pub(super) fn count_hits(hits: &[Hit]) -> u32 {
    u32::try_from(hits.len()).unwrap_or(u32::MAX)
}

/// Greetings count in the agent's first two turns.
const OPENING_TURNS: usize = 2;
/// Self-introductions count in the agent's first three turns.
const INTRO_TURNS: usize = 3;
/// Closing courtesy counts in the agent's last three turns.
const CLOSING_TURNS: usize = 3;

/// Runs every detector over the turns.
pub(super) fn detect_signals(turns: &[Turn], language: Language) -> Findings {
    let lexicon = Lexicon::of(language);
    let agent_turns: Vec<usize> = indices_of(turns, Speaker::Agent);
    let mut findings = Findings::default();
    let mut alternative_turns: BTreeSet<usize> = BTreeSet::new();
    let mut topic_scores = vec![0u32; TOPICS.len()];
    let mut customer_seen = 0usize;

    let mut agent_rank = 0usize;
    for (index, turn) in turns.iter().enumerate() {
        let folded = Folded::new(&turn.text, language);
        let found = lexicon.find(&folded.text);
        let hit = |f: &Found| {
            let (start, end) = folded.original_range(&turn.text, f.start, f.end);
            Hit {
                turn: index,
                start,
                end,
            }
        };
        match turn.speaker {
            Speaker::Agent => {
                let rank = agent_rank;
                agent_rank += 1;
                let from_end = agent_turns.len().saturating_sub(rank + 1);
                let opening = rank < OPENING_TURNS;
                let ending = from_end < CLOSING_TURNS;
                let mut requests: Vec<Hit> = Vec::new();
                let mut cushions: Vec<Hit> = Vec::new();
                for f in &found {
                    let h = hit(f);
                    match f.cue {
                        Cue::Greeting if opening => findings.greeting.push(h),
                        Cue::Thanks if from_end == 0 && rank > 0 => findings.closing.push(h),
                        Cue::Empathy => findings.empathy.push(h),
                        Cue::Apology => findings.apology.push(h),
                        Cue::Cushion => {
                            findings.cushion.push(h);
                            cushions.push(h);
                        }
                        Cue::Confirmation => findings.confirmation.push(h),
                        Cue::Solution => {
                            findings.solution.push(h);
                            alternative_turns.insert(index);
                        }
                        Cue::NextSteps => findings.next_steps.push(h),
                        Cue::Closing if ending && rank > 0 => findings.closing.push(h),
                        Cue::Negative => findings.negative.push(h),
                        Cue::Alternative => {
                            alternative_turns.insert(index);
                        }
                        Cue::Blame => findings.blame.push(h),
                        Cue::Escalation => findings.agent_escalation.push(h),
                        Cue::Request => requests.push(h),
                        _ => {}
                    }
                }
                if rank < INTRO_TURNS {
                    findings
                        .self_intro
                        .extend(find_self_intro(&turn.text, &folded, language, index));
                }
                if rank == 0
                    && findings.greeting.is_empty()
                    && opens_with_thanks(&found, &turn.text, &findings.self_intro)
                {
                    findings.greeting.extend(
                        found
                            .iter()
                            .filter(|f| f.cue == Cue::Thanks)
                            .take(1)
                            .map(hit),
                    );
                }
                if language == Language::Ko {
                    findings
                        .slips
                        .extend(find_slips(&turn.text).into_iter().map(|(start, end)| Hit {
                            turn: index,
                            start,
                            end,
                        }));
                }
                findings
                    .fillers
                    .extend(find_fillers(&turn.text, language, index));
                findings
                    .bare_requests
                    .extend(bare_requests(&turn.text, &requests, &cushions));
            }
            Speaker::Customer => {
                let mut positive = 0u32;
                let mut negative = 0u32;
                for f in &found {
                    match f.cue {
                        Cue::Escalation => findings.customer_escalation.push(hit(f)),
                        Cue::Positive | Cue::NegativeFeeling => {
                            let negated = is_negated(&folded.text, f.start, f.end, language);
                            if (f.cue == Cue::Positive) != negated {
                                positive += 1;
                            } else {
                                negative += 1;
                                findings.customer_negative.push(hit(f));
                            }
                        }
                        Cue::Topic(id) => {
                            if let Some(score) = topic_scores.get_mut(usize::from(id)) {
                                *score += if customer_seen < 3 { 2 } else { 1 };
                            }
                        }
                        _ => {}
                    }
                }
                let score = (f64::from(positive) - f64::from(negative))
                    / (f64::from(positive + negative) + 1.0);
                findings.customer_sentiment.push((index, score));
                customer_seen += 1;
            }
            Speaker::Unknown => {}
        }
    }

    findings.negative_unmitigated = findings
        .negative
        .iter()
        .copied()
        .filter(|h| {
            let next_agent = agent_turns
                .get(agent_turns.partition_point(|&t| t <= h.turn))
                .copied();
            !alternative_turns.contains(&h.turn)
                && !next_agent.is_some_and(|t| alternative_turns.contains(&t))
        })
        .collect();
    findings.topic = topic_scores
        .iter()
        .enumerate()
        .filter(|&(_, &score)| score > 0)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    findings
}

fn indices_of(turns: &[Turn], speaker: Speaker) -> Vec<usize> {
    turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speaker == speaker)
        .map(|(i, _)| i)
        .collect()
}

/// `감사합니다, 행복카드 고객센터 상담원 김민지입니다`: a thank-you that opens the call together with
/// the centre's name or an introduction is a greeting.
fn opens_with_thanks(found: &[Found], text: &str, intros: &[Hit]) -> bool {
    let has_thanks = found.iter().any(|f| f.cue == Cue::Thanks);
    let lower = text.to_lowercase();
    let names_centre = [
        "고객센터",
        "상담원",
        "상담사",
        "콜센터",
        "customer service",
        "support",
    ]
    .iter()
    .any(|w| lower.contains(w));
    has_thanks && (names_centre || !intros.is_empty())
}

/// Role words after which a name and a copula make a Korean self-introduction.
const KO_ROLES: &[&str] = &["상담원", "상담사", "담당자", "매니저", "저는", "제이름은"];
const KO_COPULAS: &[&str] = &["입니다", "이에요", "예요", "이고요", "라고합니다"];
const EN_INTROS: &[&str] = &[
    "my name is",
    "you're speaking with",
    "you are speaking with",
    "you're chatting with",
    "you are chatting with",
    "i'm your agent",
];

/// Finds a self-introduction (`상담원 김민지입니다`, `김민지 상담원입니다`, `my name is`).
fn find_self_intro(text: &str, folded: &Folded, language: Language, turn: usize) -> Option<Hit> {
    let f = folded.text.as_str();
    let range = match language {
        Language::Ko => KO_ROLES.iter().find_map(|role| {
            f.match_indices(role).find_map(|(at, _)| {
                let after = at + role.len();
                let window_end = f
                    .get(after..)?
                    .char_indices()
                    .nth(8)
                    .map_or(f.len(), |(i, _)| after + i);
                let window = f.get(after..window_end)?;
                KO_COPULAS
                    .iter()
                    .find_map(|c| window.find(c).map(|i| (at, after + i + c.len())))
            })
        }),
        Language::En => EN_INTROS
            .iter()
            .find_map(|p| f.find(p).map(|at| (at, at + p.len())))
            .or_else(|| {
                // `This is Sarah`: a capitalised name after "this is".
                f.match_indices("this is ").find_map(|(at, p)| {
                    let (_, end) = folded.original_range(text, at, at + p.len());
                    let next = text.get(end..)?.trim_start().chars().next()?;
                    next.is_uppercase().then_some((at, at + p.len()))
                })
            }),
    }?;
    let (start, end) = folded.original_range(text, range.0, range.1);
    Some(Hit { turn, start, end })
}

const KO_FILLERS: &[&str] = &["음", "으음", "음음", "어어", "흠"];
const KO_MARKED_FILLERS: &[&str] = &["어", "그", "저", "아", "뭐", "저기", "그게"];
const EN_FILLERS: &[&str] = &["um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm", "hmmm"];
const EN_MARKED_FILLERS: &[&str] = &["so", "well", "like"];

/// Filler words: always-fillers (`음`, `um`) anywhere; hesitation words (`어`, `그`) only when
/// followed by `…`/`..` (or `,` in Korean).
fn find_fillers(text: &str, language: Language, turn: usize) -> Vec<Hit> {
    let (always, marked) = match language {
        Language::Ko => (KO_FILLERS, KO_MARKED_FILLERS),
        Language::En => (EN_FILLERS, EN_MARKED_FILLERS),
    };
    let mut hits = Vec::new();
    for (offset, token) in tokens(text) {
        let mut piece_start = 0usize;
        for piece in token.split_inclusive(['…', ',', '.']) {
            let piece_end = piece_start + piece.len();
            let core = piece.trim_end_matches(['…', ',', '.']);
            let rest = token.get(piece_end..).unwrap_or_default();
            let ellipsis = piece.ends_with('…') || (piece.ends_with('.') && rest.starts_with('.'));
            let is_marked = match language {
                Language::Ko => ellipsis || piece.ends_with(','),
                Language::En => ellipsis,
            };
            let lower = core.to_lowercase();
            if !core.is_empty()
                && (always.contains(&lower.as_str())
                    || (is_marked && marked.contains(&lower.as_str())))
            {
                hits.push(Hit {
                    turn,
                    start: offset + piece_start,
                    end: offset + piece_start + core.len(),
                });
            }
            piece_start = piece_end;
        }
    }
    hits
}

/// Requests in sentences without a cushion word (one per sentence).
fn bare_requests(text: &str, requests: &[Hit], cushions: &[Hit]) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    for request in requests {
        let (s, e) = sentence_at(text, request.start);
        let cushioned = cushions.iter().any(|c| c.start >= s && c.end <= e);
        let already = out.iter().any(|h| h.start >= s && h.end <= e);
        if !cushioned && !already {
            out.push(*request);
        }
    }
    out
}

const KO_NEGATION_AFTER: &[&str] = &[
    "지않",
    "지는않",
    "지도않",
    "지못",
    "지는못",
    "없",
    "지마",
    "마세",
];
const EN_NEGATORS: &[&str] = &[
    "not", "no", "never", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't",
    "can't", "won't", "hardly", "without", "nothing",
];

/// Whether a sentiment word is negated: Korean `안 좋`/`못 받` before or `-지 않`/`없` after;
/// English `not`, `never`, `n't` in the three words before.
fn is_negated(folded: &str, start: usize, end: usize, language: Language) -> bool {
    match language {
        Language::Ko => {
            let before = folded.get(..start).and_then(|b| b.chars().next_back());
            let after = folded.get(end..).unwrap_or_default();
            let window_end = after.char_indices().nth(4).map_or(after.len(), |(i, _)| i);
            let window = after.get(..window_end).unwrap_or_default();
            matches!(before, Some('안' | '못'))
                || KO_NEGATION_AFTER.iter().any(|n| window.contains(n))
        }
        Language::En => folded
            .get(..start)
            .unwrap_or_default()
            .split_whitespace()
            .rev()
            .take(3)
            .any(|w| {
                EN_NEGATORS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(speaker: Speaker, text: &str) -> Turn {
        Turn {
            speaker,
            start_ms: None,
            end_ms: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn fillers_are_found_only_when_they_hesitate() {
        let hits = find_fillers(
            "음 그러니까 어… 그 제품은, 그… 확인해 볼게요",
            Language::Ko,
            0,
        );
        assert_eq!(hits.len(), 3);
        assert!(find_fillers("그 제품은 어제 도착했어요", Language::Ko, 0).is_empty());
        assert_eq!(
            find_fillers("Um, let me uh check that", Language::En, 0).len(),
            2
        );
    }

    #[test]
    fn korean_self_introductions_are_found_in_either_order() {
        for text in [
            "상담원 김민지입니다",
            "김민지 상담원입니다",
            "네 저는 박서준이에요",
        ] {
            let folded = Folded::new(text, Language::Ko);
            assert!(
                find_self_intro(text, &folded, Language::Ko, 0).is_some(),
                "{text}"
            );
        }
        let text = "This is Sarah from support";
        let folded = Folded::new(text, Language::En);
        assert!(find_self_intro(text, &folded, Language::En, 0).is_some());
        let text = "this is not possible";
        let folded = Folded::new(text, Language::En);
        assert!(find_self_intro(text, &folded, Language::En, 0).is_none());
    }

    #[test]
    fn negation_flips_customer_sentiment() {
        let findings = detect_signals(
            &[
                turn(Speaker::Agent, "안녕하세요"),
                turn(
                    Speaker::Customer,
                    "별로 안 좋아요. 배송이 아직도 안 왔어요.",
                ),
                turn(
                    Speaker::Customer,
                    "문제없어요, 불편하지 않아요. 감사합니다.",
                ),
            ],
            Language::Ko,
        );
        let scores: Vec<f64> = findings
            .customer_sentiment
            .iter()
            .map(|(_, s)| *s)
            .collect();
        assert!(scores.first().is_some_and(|s| *s < -0.3), "{scores:?}");
        assert!(scores.get(1).is_some_and(|s| *s > 0.3), "{scores:?}");
        let english = detect_signals(
            &[turn(
                Speaker::Customer,
                "No problem, that's not bad at all. Thanks!",
            )],
            Language::En,
        );
        assert!(
            english
                .customer_sentiment
                .first()
                .is_some_and(|(_, s)| *s > 0.3)
        );
    }

    #[test]
    fn a_refusal_followed_by_an_alternative_is_mitigated() {
        let findings = detect_signals(
            &[
                turn(Speaker::Agent, "환불은 어렵습니다. 대신 교환은 가능합니다."),
                turn(Speaker::Agent, "그건 안 됩니다."),
                turn(Speaker::Customer, "네?"),
            ],
            Language::Ko,
        );
        assert_eq!(findings.negative.len(), 2);
        assert_eq!(findings.negative_unmitigated.len(), 1);
        assert_eq!(
            findings.negative_unmitigated.first().map(|h| h.turn),
            Some(1)
        );
    }
}
