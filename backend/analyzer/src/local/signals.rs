//! Per-turn detection: lexicon cues by speaker and position, self-introductions, Korean action
//! statements (`보내 드리겠습니다`, `발송되었습니다`), honorific slips, fillers, unmitigated refusals,
//! requests without cushions, open and closed questions, customer sentiment (with negation), customer
//! repeats of the same complaint and the customer's topic.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use shared::transcript::{Speaker, Turn};

use super::honorifics::find_slips;
use super::lexicon::{Cue, Found, Lexicon, TOPICS};
use super::text::{Folded, sentence_at, sentences, talk_units, tokens};
use crate::language::is_hangul;
use shared::language::Language;

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
    /// Agent solutions and actions, offered, done or scheduled.
    pub solution: Vec<Hit>,
    /// Agent next steps and timelines.
    pub next_steps: Vec<Hit>,
    /// Closing courtesy in the agent's last turns.
    pub closing: Vec<Hit>,
    /// Every refusal in agent turns.
    pub negative: Vec<Hit>,
    /// Refusals with no alternative in the same turn or an immediately following agent turn.
    pub negative_unmitigated: Vec<Hit>,
    /// Blaming or dismissive agent phrases.
    pub blame: Vec<Hit>,
    /// The agent mentioning a supervisor or transfer.
    pub agent_escalation: Vec<Hit>,
    /// The customer asking for a supervisor or threatening a complaint.
    pub customer_escalation: Vec<Hit>,
    /// Imperative requests made of the customer with no cushion word in the same sentence.
    pub bare_requests: Vec<Hit>,
    /// Sentences ending in plain speech (Korean only).
    pub slips: Vec<Hit>,
    /// Filler words in agent turns.
    pub fillers: Vec<Hit>,
    /// Open questions asked by the agent (one per sentence).
    pub open_questions: Vec<Hit>,
    /// Closed questions asked by the agent (one per sentence).
    pub closed_questions: Vec<Hit>,
    /// Customer turns that repeat an earlier complaint (one hit per turn).
    pub repeats: Vec<Hit>,
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
/// A customer complaint is compared with at most this many earlier statements (bounds the work on
/// very long transcripts; repeats that matter are recent).
const REPEAT_LOOKBACK: usize = 8;

/// A substantive customer turn, kept to find complaints repeating it.
struct Statement {
    turn: usize,
    /// Content keys: Hangul bigrams (Korean) or content words (English).
    keys: BTreeSet<String>,
}

/// Runs every detector over the turns.
pub(super) fn detect_signals(turns: &[Turn], language: Language) -> Findings {
    let lexicon = Lexicon::of(language);
    let agent_turns: Vec<usize> = indices_of(turns, Speaker::Agent);
    let mut findings = Findings::default();
    let mut alternative_turns: BTreeSet<usize> = BTreeSet::new();
    let mut topic_scores = vec![0u32; TOPICS.len()];
    let mut customer_seen = 0usize;
    let mut statements: Vec<Statement> = Vec::new();
    let mut agent_since_customer = false;

    let mut agent_rank = 0usize;
    for (index, turn) in turns.iter().enumerate() {
        let folded = Folded::new(&turn.text, language);
        let found = lexicon.find(&folded.text);
        let hit = |start: usize, end: usize| {
            let (start, end) = folded.original_range(&turn.text, start, end);
            Hit {
                turn: index,
                start,
                end,
            }
        };
        let found_hit = |f: &Found| hit(f.start, f.end);
        match turn.speaker {
            Speaker::Agent => {
                agent_since_customer = true;
                let rank = agent_rank;
                agent_rank += 1;
                let from_end = agent_turns.len().saturating_sub(rank + 1);
                let opening = rank < OPENING_TURNS;
                let ending = from_end < CLOSING_TURNS;
                let mut requests: Vec<Hit> = Vec::new();
                let mut cushions: Vec<Hit> = Vec::new();
                for f in &found {
                    let h = found_hit(f);
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
                let actions = find_actions(&folded.text, language);
                if !actions.is_empty() {
                    alternative_turns.insert(index);
                }
                findings
                    .solution
                    .extend(actions.into_iter().map(|(s, e)| hit(s, e)));
                if rank < INTRO_TURNS {
                    findings
                        .self_intro
                        .extend(find_intro(&turn.text, &folded, language).map(|(s, e)| hit(s, e)));
                }
                if ending && rank > 0 && language == Language::Ko {
                    // `상담원 김민지였습니다`: signing off with one's name.
                    findings.closing.extend(
                        find_role_name(&folded.text, language, KO_SIGN_OFF_COPULAS)
                            .map(|(s, e)| hit(s, e)),
                    );
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
                            .map(found_hit),
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
                    .extend(bare_requests(&turn.text, &requests, &cushions, language));
                for (start, end, open) in find_questions(&turn.text, language) {
                    let h = Hit {
                        turn: index,
                        start,
                        end,
                    };
                    if open {
                        findings.open_questions.push(h);
                    } else {
                        findings.closed_questions.push(h);
                    }
                }
            }
            Speaker::Customer => {
                let mut positive = 0u32;
                let mut negative = 0u32;
                let mut explicit_repeat: Option<Hit> = None;
                let mut first_negative: Option<Hit> = None;
                for f in &found {
                    match f.cue {
                        Cue::Escalation => findings.customer_escalation.push(found_hit(f)),
                        Cue::Repeat => {
                            explicit_repeat.get_or_insert(found_hit(f));
                        }
                        Cue::Positive | Cue::NegativeFeeling => {
                            let negated = is_negated(&folded.text, f.start, f.end, language);
                            if (f.cue == Cue::Positive) != negated {
                                positive += 1;
                            } else {
                                negative += 1;
                                let h = found_hit(f);
                                first_negative.get_or_insert(h);
                                findings.customer_negative.push(h);
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

                // A complaint repeated after the agent has spoken: said so explicitly
                // (`몇 번을 말해요`, `언제 오냐고요`), or a complaint with the same content as a
                // recent statement of the customer's (their request or an earlier complaint).
                let units = talk_units(&turn.text, language);
                let is_complaint = negative > 0 && units >= 4;
                let substantive = match language {
                    Language::Ko => units >= 8,
                    Language::En => units >= 4,
                };
                let keys = if is_complaint || substantive {
                    content_keys(&folded.text, language)
                } else {
                    BTreeSet::new()
                };
                let similar = agent_since_customer
                    && is_complaint
                    && statements
                        .iter()
                        .rev()
                        .take(REPEAT_LOOKBACK)
                        .any(|c| c.turn < index && is_same_complaint(&c.keys, &keys, language));
                if let Some(h) = explicit_repeat.or(first_negative.filter(|_| similar)) {
                    findings.repeats.push(h);
                }
                if !keys.is_empty() {
                    statements.push(Statement { turn: index, keys });
                }
                agent_since_customer = false;
            }
            Speaker::Unknown => {}
        }
    }

    findings.negative_unmitigated = findings
        .negative
        .iter()
        .copied()
        .filter(|h| {
            // The alternative must come with the refusal: in the same turn or the agent's very
            // next turn, before the customer has to push back.
            let continued = agent_turns.binary_search(&(h.turn + 1)).is_ok();
            let offered = alternative_turns.contains(&h.turn)
                || (continued && alternative_turns.contains(&(h.turn + 1)));
            !offered
        })
        .collect();
    findings.solution.sort();
    findings.solution.dedup();
    findings.closing.sort();
    findings.closing.dedup();
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
/// Copulas of an introduction (`김민지입니다`).
const KO_INTRO_COPULAS: &[&str] = &["입니다", "이에요", "예요", "이고요", "라고합니다"];
/// Copulas of a sign-off (`김민지였습니다`).
const KO_SIGN_OFF_COPULAS: &[&str] = &["였습니다", "이었습니다"];
const EN_INTROS: &[&str] = &[
    "my name is",
    "you're speaking with",
    "you are speaking with",
    "you're chatting with",
    "you are chatting with",
    "i'm your agent",
];

/// Finds a role word followed within eight characters by one of the copulas (`상담원 김민지입니다`,
/// `김민지 상담원입니다`), or an English introduction (`my name is`, `This is Sarah`). Returns the
/// folded byte range.
fn find_role_name(folded: &str, language: Language, copulas: &[&str]) -> Option<(usize, usize)> {
    match language {
        Language::Ko => KO_ROLES.iter().find_map(|role| {
            folded.match_indices(role).find_map(|(at, _)| {
                let after = at + role.len();
                let window_end = folded
                    .get(after..)?
                    .char_indices()
                    .nth(8)
                    .map_or(folded.len(), |(i, _)| after + i);
                let window = folded.get(after..window_end)?;
                copulas
                    .iter()
                    .find_map(|c| window.find(c).map(|i| (at, after + i + c.len())))
            })
        }),
        Language::En => EN_INTROS
            .iter()
            .find_map(|p| folded.find(p).map(|at| (at, at + p.len()))),
    }
}

/// `This is Sarah from support`: a capitalised name after "this is" (needs the original casing),
/// or the redacted name (`This is [NAME] from support`: redaction runs before analysis).
fn find_this_is_intro(text: &str, folded: &Folded) -> Option<(usize, usize)> {
    folded.text.match_indices("this is ").find_map(|(at, p)| {
        let (_, end) = folded.original_range(text, at, at + p.len());
        let next = text.get(end..)?.trim_start();
        let named = next.chars().next()?.is_uppercase() || next.starts_with("[NAME]");
        named.then_some((at, at + p.len()))
    })
}

/// Finds a self-introduction in an agent turn (folded byte range).
fn find_intro(text: &str, folded: &Folded, language: Language) -> Option<(usize, usize)> {
    find_role_name(&folded.text, language, KO_INTRO_COPULAS).or_else(|| match language {
        Language::En => find_this_is_intro(text, folded),
        Language::Ko => None,
    })
}

/// Korean action statements the lexicon cannot list exhaustively:
/// * benefactive actions, `-아/어 드리겠습니다/드렸습니다/드릴게요/드립니다` (`보내 드리겠습니다`,
///   `넣어 드렸습니다`, `바꿔 드릴게요`), except courtesy verbs (`감사드립니다`, `확인해 드리겠습니다`
///   is a confirmation) and apologies (`불편하게 해 드려 죄송합니다`);
/// * completed or scheduled processing, `<action noun>(이/가)? 되었습니다/됐습니다/됩니다…`
///   (`발송되었습니다`, `환불 처리가 됐어요`, `내일 출고됩니다`).
///
/// English actions are lexicon phrases plus `I've/we have <past participle>` statements.
/// Returns folded byte ranges.
fn find_actions(folded: &str, language: Language) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    match language {
        Language::Ko => {
            if let Some(re) = KO_BENEFACTIVE.as_ref() {
                for m in re.find_iter(folded) {
                    if is_benefactive_action(folded, m.start(), m.end()) {
                        out.push((m.start(), m.end()));
                    }
                }
            }
            if let Some(re) = KO_COMPLETION.as_ref() {
                out.extend(re.find_iter(folded).map(|m| (m.start(), m.end())));
            }
        }
        Language::En => {
            if let Some(re) = EN_DONE.as_ref() {
                for caps in re.captures_iter(folded) {
                    let (Some(all), Some(verb)) = (caps.get(0), caps.get(1)) else {
                        continue;
                    };
                    if !EN_NOT_ACTIONS.contains(&verb.as_str()) {
                        out.push((all.start(), all.end()));
                    }
                }
            }
        }
    }
    out
}

/// A syllable followed by a benefactive ending (folded text has no spaces).
static KO_BENEFACTIVE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new("[가-힣](?:드리겠|드렸|드릴게|드릴께|드립니다|드릴예정)").ok());
/// Action nouns followed by a completion or scheduling ending.
static KO_COMPLETION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        "(?:처리|발송|완료|접수|등록|취소|환불|변경|해지|적용|지급|입금|정지|발급|해결|반영|출고|교환|반품|수정|예약|신청|복구|해제|초기화|승인|회수|수거|전달|배송|적립|충전|개통|설치)(?:가|이|는|은|도)?(?:되었습니다|됐습니다|되었어요|됐어요|되었고|됐고|되었으며|되어있습니다|돼있습니다|되어있어요|돼있어요|되셨습니다|됩니다|될거예요|될겁니다|되실거예요|완료했습니다|해드렸습니다|했습니다|했어요|했고요|했어)",
    )
    .ok()
});
/// `I've sent`, `we have processed`, `I've just added` (folded, lower-case).
static EN_DONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:i|we)(?:'ve| have)(?: just| already| now| also)? ([a-z]+(?:ed)|sent|made|set up|put|given|taken|done|written|issued|arranged)\b").ok()
});
/// Past participles that report a look-up or a conversation rather than an action.
const EN_NOT_ACTIONS: &[&str] = &[
    "noticed",
    "checked",
    "looked",
    "tried",
    "asked",
    "talked",
    "wondered",
    "listed",
    "reviewed",
    "called",
    "received",
    "noted",
    "verified",
    "confirmed",
    "explained",
    "mentioned",
    "seemed",
    "needed",
    "wanted",
    "passed",
    "logged",
];

/// Verbs before a benefactive ending that are courtesy or look-ups, not actions.
const KO_NOT_ACTIONS: &[&str] = &[
    "감사",
    "사과",
    "인사",
    "축하",
    "확인해",
    "조회해",
    "기다려",
    "끼쳐",
    "말씀",
    "안부",
    "당부",
    "실망시켜",
    "걱정시켜",
    "부탁",
    "문의",
];
/// Words before a benefactive that make it part of an apology (`불편하게 해 드려`).
const KO_APOLOGY_CONTEXT: &[&str] = &["불편하게", "번거롭게", "기다리게", "헷갈리게", "혼란"];

/// Whether a benefactive ending at `start..end` reports an action (see [`find_actions`]).
fn is_benefactive_action(folded: &str, start: usize, end: usize) -> bool {
    let Some(verb_end) = folded
        .get(start..)
        .and_then(|s| s.chars().next())
        .map(|c| start + c.len_utf8())
    else {
        return false;
    };
    let Some(syllable) = folded.get(start..verb_end).and_then(|s| s.chars().next()) else {
        return false;
    };
    let head = folded.get(..verb_end).unwrap_or_default();
    let before: String = {
        let chars: Vec<char> = head.chars().rev().take(8).collect();
        chars.into_iter().rev().collect()
    };
    let after: String = folded
        .get(end..)
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect();
    is_connective_form(syllable)
        && !KO_NOT_ACTIONS.iter().any(|v| head.ends_with(v))
        && !KO_APOLOGY_CONTEXT.iter().any(|w| before.contains(w))
        && !after.contains("죄송")
}

/// Whether a syllable is a `-아/어` connective form (`해`, `봐`, `보내`, `넣어`, `바꿔`, `알려`, `돼`):
/// no final consonant and the vowel ㅏ, ㅐ, ㅓ, ㅕ, ㅘ, ㅙ or ㅝ.
fn is_connective_form(syllable: char) -> bool {
    let code = u32::from(syllable);
    if !(0xAC00..=0xD7A3).contains(&code) {
        return false;
    }
    let offset = code - 0xAC00;
    let vowel = (offset % (21 * 28)) / 28;
    let final_consonant = offset % 28;
    final_consonant == 0 && matches!(vowel, 0 | 1 | 4 | 6 | 9 | 10 | 14)
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

/// Sentences whose requests need no cushion: holds (`잠시만 기다려 주세요`) and invitations
/// (`언제든 연락 주세요`).
const KO_REQUESTS_WITHOUT_CUSHION: &[&str] = &[
    "기다려",
    "연락주",
    "문의주",
    "이용해주",
    "참고해주",
    "좋은하루",
    "들어가세요",
];
const EN_REQUESTS_WITHOUT_CUSHION: &[&str] = &["hold on", "bear with", "reach out", "let me know"];

/// Requests in sentences without a cushion word (one per sentence).
fn bare_requests(text: &str, requests: &[Hit], cushions: &[Hit], language: Language) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    for request in requests {
        let (s, e) = sentence_at(text, request.start);
        let cushioned = cushions.iter().any(|c| c.start >= s && c.end <= e);
        let already = out.iter().any(|h| h.start >= s && h.end <= e);
        let sentence = Folded::new(text.get(s..e).unwrap_or_default(), language).text;
        let exempt = match language {
            Language::Ko => KO_REQUESTS_WITHOUT_CUSHION,
            Language::En => EN_REQUESTS_WITHOUT_CUSHION,
        }
        .iter()
        .any(|p| sentence.contains(p));
        if !cushioned && !already && !exempt {
            out.push(*request);
        }
    }
    out
}

/// Korean question endings (of the last word, without a question mark).
const KO_QUESTION_ENDINGS: &[&str] = &[
    "까요",
    "나요",
    "습니까",
    "십니까",
    "입니까",
    "신가요",
    "는가요",
    "은가요",
    "인가요",
    "한가요",
    "던가요",
];
/// Korean question words that make a question open.
const KO_OPEN_WORDS: &[&str] = &[
    "어떤",
    "어떻게",
    "무엇",
    "뭐",
    "뭘",
    "뭔",
    "무슨",
    "왜",
    "언제",
    "어디",
    "얼마",
    "어느",
    "몇",
];
/// English words that open a question.
const EN_QUESTION_STARTS: &[&str] = &[
    "is", "are", "was", "were", "do", "does", "did", "can", "could", "would", "will", "may",
    "have", "has", "should", "shall", "what", "how", "why", "when", "where", "which", "who",
];
/// English question words that make a question open.
const EN_OPEN_STARTS: &[&str] = &["what", "how", "why", "when", "where", "which", "who"];
/// English phrases that invite an open answer.
const EN_OPEN_PHRASES: &[&str] = &[
    "tell me more",
    "tell me about",
    "describe",
    "walk me through",
    "explain",
];
/// Leading words skipped before an English question (`ok, may I…`, `so what…`).
const EN_LEADING: &[&str] = &[
    "ok", "okay", "so", "and", "sure", "thanks", "great", "alright", "right", "well", "also",
    "but", "now", "just", "oh",
];

/// The agent's questions in a text: (byte range of the sentence, whether it is open). A sentence
/// is a question when it ends with `?` or, in Korean, with an interrogative ending (`-까요`,
/// `-나요`, `-습니까`); it is open when it asks what, how, why… (`어떤`, `어떻게`, `무엇`).
fn find_questions(text: &str, language: Language) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    for (s, e) in sentences(text) {
        let Some(sentence) = text.get(s..e) else {
            continue;
        };
        let marked = sentence.trim_end().ends_with(['?', '？']);
        let classified = match language {
            Language::Ko => classify_korean_question(sentence, marked),
            Language::En => classify_english_question(sentence, marked),
        };
        if let Some(open) = classified {
            out.push((s, e, open));
        }
    }
    out
}

fn classify_korean_question(sentence: &str, marked: bool) -> Option<bool> {
    let last_word = sentence
        .split_whitespace()
        .rev()
        .map(|w| w.trim_matches(|c: char| !is_hangul(c)))
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    let ends_as_question = KO_QUESTION_ENDINGS.iter().any(|e| last_word.ends_with(e));
    if !marked && !ends_as_question {
        return None;
    }
    let folded: String = sentence.chars().filter(|c| !c.is_whitespace()).collect();
    let open = KO_OPEN_WORDS.iter().any(|w| {
        folded.match_indices(w).any(|(at, _)| {
            // `언제든`, `어디서든`, `뭐든`: "any", not a question word.
            let rest = folded.get(at + w.len()..).unwrap_or_default();
            !rest.starts_with('든') && !rest.starts_with("서든") && !rest.starts_with("지든")
        })
    });
    Some(open)
}

fn classify_english_question(sentence: &str, marked: bool) -> Option<bool> {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let first = words
        .iter()
        .copied()
        .find(|w| !EN_LEADING.contains(w))
        .unwrap_or_default();
    if !marked && !EN_QUESTION_STARTS.contains(&first) {
        return None;
    }
    if !marked
        && !matches!(
            first,
            "what" | "how" | "why" | "when" | "where" | "which" | "who"
        )
    {
        // `can you do that.` without a question mark is ambiguous; only clear questions count.
        let second = words
            .iter()
            .skip_while(|w| EN_LEADING.contains(w))
            .nth(1)
            .copied()
            .unwrap_or_default();
        if !matches!(
            second,
            "you" | "i" | "we" | "it" | "there" | "that" | "this"
        ) {
            return None;
        }
    }
    let open = EN_OPEN_STARTS.contains(&first) || EN_OPEN_PHRASES.iter().any(|p| lower.contains(p));
    Some(open)
}

/// Endings and fillers left out of Korean complaint content.
const KO_STOP_BIGRAMS: &[&str] = &[
    "니다", "습니", "세요", "어요", "아요", "해요", "에요", "예요", "네요", "는데", "해서", "어서",
    "아서", "거든", "그럼", "그래", "그런", "진짜", "정말", "너무", "아니", "지금", "제가", "저는",
    "이거", "그거", "고요", "라고", "다고", "했어", "있어", "없어", "니까", "그러",
];
/// English words left out of complaint content.
const EN_STOP_WORDS: &[&str] = &[
    "the", "and", "but", "for", "you", "your", "this", "that", "was", "were", "are", "have", "has",
    "had", "not", "with", "what", "why", "how", "when", "just", "still", "again", "told", "said",
    "all", "any", "can", "can't", "it's", "i'm", "i've", "don't", "didn't", "did", "does", "from",
    "they", "them", "there", "about", "been", "would", "could", "should", "will", "want", "need",
    "get", "got", "really", "very", "now", "my", "me", "our", "out", "yes", "no",
];

/// The content of a complaint: Hangul bigrams (Korean) or content words (English).
fn content_keys(folded: &str, language: Language) -> BTreeSet<String> {
    match language {
        Language::Ko => {
            let chars: Vec<char> = folded.chars().collect();
            chars
                .windows(2)
                .filter(|pair| pair.iter().all(|&c| is_hangul(c)))
                .map(|pair| pair.iter().collect::<String>())
                .filter(|bigram| !KO_STOP_BIGRAMS.contains(&bigram.as_str()))
                .collect()
        }
        Language::En => folded
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| w.chars().count() >= 3 && !EN_STOP_WORDS.contains(w))
            .map(str::to_owned)
            .collect(),
    }
}

/// Whether two complaints say the same thing: enough shared content relative to the shorter one.
fn is_same_complaint(a: &BTreeSet<String>, b: &BTreeSet<String>, language: Language) -> bool {
    let shared = a.intersection(b).count();
    let smaller = a.len().min(b.len());
    let (min_shared, min_share) = match language {
        Language::Ko => (4, 0.35),
        Language::En => (2, 0.4),
    };
    smaller > 0 && shared >= min_shared && shared as f64 / smaller as f64 >= min_share
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
    "안되",
    "안돼",
    "안됐",
    "아니",
];
const EN_NEGATORS: &[&str] = &[
    "not", "no", "never", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't",
    "can't", "won't", "hardly", "without", "nothing",
];

/// Whether a sentiment word is negated: Korean `안 좋`/`못 받` before or `-지 않`/`없`/`안 돼`
/// after; English `not`, `never`, `n't` in the three words before, within the same clause (so
/// `No, that's great` stays positive).
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
        Language::En => {
            let head = folded.get(..start).unwrap_or_default();
            let clause_start = head
                .rfind([',', '.', '!', '?', ';', ':'])
                .map_or(0, |i| i + 1);
            head.get(clause_start..)
                .unwrap_or_default()
                .split_whitespace()
                .rev()
                .take(3)
                .any(|w| {
                    EN_NEGATORS
                        .contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
                })
        }
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

    fn actions(text: &str, language: Language) -> Vec<String> {
        let folded = Folded::new(text, language);
        find_actions(&folded.text, language)
            .into_iter()
            .filter_map(|(s, e)| folded.text.get(s..e).map(str::to_owned))
            .collect()
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
        let intro = |text: &str, language: Language| {
            find_intro(text, &Folded::new(text, language), language)
        };
        for text in [
            "상담원 김민지입니다",
            "김민지 상담원입니다",
            "네 저는 박서준이에요",
        ] {
            assert!(intro(text, Language::Ko).is_some(), "{text}");
        }
        assert!(intro("This is Sarah from support", Language::En).is_some());
        // Redaction runs first: the placeholder stands where the name was.
        assert!(intro("This is [NAME] from support", Language::En).is_some());
        assert!(intro("상담원 [이름]입니다", Language::Ko).is_some());
        assert!(intro("this is not possible", Language::En).is_none());
    }

    #[test]
    fn korean_past_and_future_action_statements_are_solutions() {
        for text in [
            "어제 발송되었습니다.",
            "송장번호를 보내 드리겠습니다.",
            "3,000원 할인 쿠폰도 함께 넣어 드렸습니다.",
            "환불해 드리겠습니다.",
            "환불 처리가 됐어요.",
            "주소를 바꿔 드렸습니다.",
            "내일 오전 중으로 출고됩니다.",
            "새 카드로 재발급해 드릴게요.",
            "적립금을 지급해 드립니다.",
            "방금 카드 사용을 정지했습니다.",
        ] {
            assert!(!actions(text, Language::Ko).is_empty(), "{text}");
        }
    }

    #[test]
    fn courtesy_look_ups_refusals_and_apologies_are_not_actions() {
        for text in [
            "감사드립니다.",
            "확인해 드리겠습니다.",
            "잠시만 기다려 드릴게요.",
            "불편하게 해 드려 죄송합니다.",
            "심려를 끼쳐 드렸습니다.",
            "환불은 해 드릴 수 없습니다.",
            "발송이 안 됐습니다.",
            "처리가 되지 않았습니다.",
            "말씀드렸습니다.",
        ] {
            assert!(actions(text, Language::Ko).is_empty(), "{text}");
        }
    }

    #[test]
    fn english_done_statements_are_actions_but_look_ups_are_not() {
        assert!(!actions("I've credited your account.", Language::En).is_empty());
        assert!(!actions("we have just shipped a replacement", Language::En).is_empty());
        assert!(actions("I've checked your order.", Language::En).is_empty());
    }

    #[test]
    fn the_delivery_fixture_agent_turns_offer_solutions() {
        let findings = detect_signals(
            &[
                turn(Speaker::Customer, "운동화가 아직도 안 왔어요."),
                turn(
                    Speaker::Agent,
                    "확인해 보니 출고가 지연되어 어제 발송되었습니다. 내일 오후까지 도착 예정입니다.",
                ),
                turn(
                    Speaker::Agent,
                    "송장번호를 보내 드리겠습니다. 3,000원 할인 쿠폰도 함께 넣어 드렸습니다.",
                ),
            ],
            Language::Ko,
        );
        let turns: BTreeSet<usize> = findings.solution.iter().map(|h| h.turn).collect();
        assert_eq!(turns, BTreeSet::from([1, 2]));
        assert!(findings.next_steps.iter().any(|h| h.turn == 1));
    }

    #[test]
    fn questions_are_counted_as_open_or_closed() {
        let ko = find_questions(
            "무엇을 도와드릴까요? 주문번호 말씀해 주시겠어요? 어떤 점이 가장 불편하셨나요. 배송지는 서울이 맞으신가요. 언제든 연락 주세요.",
            Language::Ko,
        );
        let kinds: Vec<bool> = ko.iter().map(|q| q.2).collect();
        assert_eq!(kinds, [true, false, true, false], "{ko:?}");
        let en = find_questions(
            "ok, may I have your name please? What happened to the order? Is that correct? I will check.",
            Language::En,
        );
        let kinds: Vec<bool> = en.iter().map(|q| q.2).collect();
        assert_eq!(kinds, [false, true, false]);
    }

    #[test]
    fn a_complaint_repeated_after_the_agent_spoke_is_a_repeat() {
        let findings = detect_signals(
            &[
                turn(
                    Speaker::Customer,
                    "배송이 아직도 안 왔어요. 너무 답답하네요.",
                ),
                turn(Speaker::Agent, "네 확인해 보겠습니다."),
                turn(
                    Speaker::Customer,
                    "그러니까 배송이 아직 안 왔다고요. 답답해요.",
                ),
                turn(Speaker::Agent, "네."),
                turn(Speaker::Customer, "몇 번을 말해야 돼요?"),
                turn(Speaker::Agent, "죄송합니다."),
                turn(Speaker::Customer, "네 알겠습니다. 감사합니다."),
            ],
            Language::Ko,
        );
        let turns: Vec<usize> = findings.repeats.iter().map(|h| h.turn).collect();
        assert_eq!(turns, [2, 4]);
        let different = detect_signals(
            &[
                turn(Speaker::Customer, "운동화가 아직도 안 와서 너무 답답해요."),
                turn(Speaker::Agent, "확인해 보겠습니다."),
                turn(
                    Speaker::Customer,
                    "미리 연락을 주셨어야죠. 주말에 신으려고 산 건데 짜증나네요.",
                ),
            ],
            Language::Ko,
        );
        assert!(different.repeats.is_empty());
        let english = detect_signals(
            &[
                turn(
                    Speaker::Customer,
                    "I was charged twice for my subscription.",
                ),
                turn(Speaker::Agent, "Let me check."),
                turn(
                    Speaker::Customer,
                    "Why was I charged twice? This is a problem.",
                ),
            ],
            Language::En,
        );
        assert_eq!(english.repeats.len(), 1);
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
                turn(Speaker::Customer, "해결이 안 됐어요."),
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
        assert!(scores.get(2).is_some_and(|s| *s < 0.0), "{scores:?}");
        let english = detect_signals(
            &[
                turn(
                    Speaker::Customer,
                    "No problem, that's not bad at all. Thanks!",
                ),
                turn(Speaker::Customer, "No, that's great."),
                turn(Speaker::Customer, "It's not good."),
            ],
            Language::En,
        );
        let scores: Vec<f64> = english.customer_sentiment.iter().map(|(_, s)| *s).collect();
        assert!(scores.first().is_some_and(|s| *s > 0.3), "{scores:?}");
        assert!(scores.get(1).is_some_and(|s| *s > 0.3), "{scores:?}");
        assert!(scores.get(2).is_some_and(|s| *s < 0.0), "{scores:?}");
    }

    #[test]
    fn a_refusal_followed_by_an_alternative_is_mitigated() {
        let findings = detect_signals(
            &[
                turn(Speaker::Agent, "환불은 어렵습니다. 대신 교환은 가능합니다."),
                turn(Speaker::Agent, "그건 안 됩니다."),
                turn(Speaker::Customer, "네?"),
                turn(Speaker::Agent, "교환은 가능합니다."),
                turn(Speaker::Agent, "보상은 어렵습니다."),
                turn(Speaker::Agent, "대신 적립금을 드릴 수 있습니다."),
            ],
            Language::Ko,
        );
        assert_eq!(findings.negative.len(), 3);
        let unmitigated: Vec<usize> = findings
            .negative_unmitigated
            .iter()
            .map(|h| h.turn)
            .collect();
        assert_eq!(unmitigated, [1]);
    }

    #[test]
    fn imperative_requests_need_cushions_but_question_forms_holds_and_invitations_do_not() {
        let findings = detect_signals(
            &[
                turn(Speaker::Agent, "주문번호 불러 주세요."),
                turn(Speaker::Agent, "주문번호 말씀해 주시겠어요?"),
                turn(Speaker::Agent, "잠시만 기다려 주세요."),
                turn(Speaker::Agent, "번거로우시겠지만 사진을 보내 주세요."),
                turn(Speaker::Agent, "궁금하시면 언제든 연락 주세요."),
            ],
            Language::Ko,
        );
        let turns: Vec<usize> = findings.bare_requests.iter().map(|h| h.turn).collect();
        assert_eq!(turns, [0]);
    }

    #[test]
    fn signing_off_with_a_name_is_a_closing() {
        let findings = detect_signals(
            &[
                turn(Speaker::Agent, "안녕하세요."),
                turn(Speaker::Customer, "네."),
                turn(Speaker::Agent, "지금까지 상담원 김민지였습니다."),
            ],
            Language::Ko,
        );
        assert_eq!(findings.closing.len(), 1);
    }
}
