//! Person names, where a conversation states them.
//!
//! Korean names are a surname from the list in `data/ko_surnames.txt` (one syllable, or two:
//! 남궁, 황보 …) and one or two given syllables, glued to whatever ending follows. A word only
//! counts in a context that states a name:
//! * after a label: `성함은 고태식이요`, `제 이름은 고태식입니다`, `상담원 김민지입니다`,
//!   `상담사 김민지가`, `담당자 김민지입니다`, `저는 고태식입니다` (a copula or particle, or the
//!   word standing alone, or `맞아요` after it);
//! * before an honorific: `오태민 고객님`, `오태민고객님`, `고태식 손님`, `고태식님`, `고태식 씨`
//!   (`님` and `씨` want a full three-syllable name: `사장님`, `기사님`, `형님` are titles);
//! * before a role: `김민지 상담원입니다`; before `명의`/`이름으로`: `고태식 명의로`;
//! * in a sign-off: `지금까지 김민지였습니다`, `감사합니다, 고태식이었습니다`;
//! * at the start of an answer to a name question (`성함이 어떻게 되세요?` → `네, 고태식이에요`,
//!   `고태식 맞아요`).
//!
//! A surname with no given name (`김 고객님`) is left: it does not identify anyone, and `이 고객님`,
//! `한 고객님` are ordinary words. Words that start with a surname syllable but are not names
//! (`이번`, `정말`, `고객`, `신청`, `부산`) are listed in `data/ko_not_names.txt`, and given names
//! never hold the syllables of `data/ko_not_given.txt` or a ㅆ/double final consonant (`했`, `없`).
//!
//! English names are in [`english`]. A name found in one place is replaced wherever it recurs
//! ([`super::known`]).

mod english;

pub(super) use english::family_name_after;

use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::data::{
    KO_AFTER_BARE_NAME, KO_HONORIFICS, KO_INTERJECTIONS, KO_NAME_ENDINGS, KO_NAME_LABELS,
    KO_NAME_MENTIONS, KO_NAME_OF, KO_NOT_GIVEN, KO_NOT_NAMES, KO_ROLES_AFTER, KO_SIGN_OFF_CUES,
    KO_SIGN_OFF_ENDINGS, KO_SURNAMES,
};
use super::{Asked, PiiKind, Span, has_english_words, push_span};

/// Finds stated names (Korean and English) and records them as spans.
pub(super) fn find_names(text: &str, asked: Asked, spans: &mut Vec<Span>) {
    // Every Korean context has a cue word in the turn, unless the previous turn asked.
    let cued = || CUES.as_ref().is_some_and(|cues| cues.is_match(text));
    if text.chars().any(is_syllable) && (asked.name || cued()) {
        find_korean(text, asked, spans);
    }
    if has_english_words(text) && text.bytes().any(|b| b.is_ascii_uppercase()) {
        english::find_english(text, asked, spans);
    }
}

/// Whether a character is a precomposed Hangul syllable.
pub(super) fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The final consonant index of a syllable (0: none).
fn final_consonant(c: char) -> u32 {
    (u32::from(c).saturating_sub(0xAC00)) % 28
}

/// Final consonants given names do not end a syllable with: ㄲ, ㅆ and the double ones.
const NOT_GIVEN_FINALS: &[u32] = &[2, 3, 5, 6, 9, 10, 11, 12, 13, 14, 15, 18, 20];

/// The words of a turn that every Korean name context needs (a label, an honorific, a role,
/// `명의`, a sign-off ending, a mention of a name); a turn without any is not scanned.
static CUES: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    let cues = KO_NAME_LABELS
        .iter()
        .filter(|l| l.chars().count() >= 2)
        .chain(KO_HONORIFICS)
        .chain(KO_ROLES_AFTER)
        .chain(KO_NAME_OF)
        .chain(KO_NAME_MENTIONS)
        .chain(&["였", "었", "전 ", "전,"]);
    AhoCorasick::new(cues).ok()
});

/// The one-syllable surnames as a table over the Hangul syllables, and the two-syllable ones
/// (`남궁`, `황보` …): every name context needs a word that starts with one, so other words are
/// skipped at the cost of an index (redaction runs on every turn).
static SURNAMES: LazyLock<(Vec<bool>, Vec<&'static str>)> = LazyLock::new(|| {
    let mut singles = vec![false; SYLLABLES];
    let mut doubles = Vec::new();
    for surname in KO_SURNAMES.iter() {
        let mut chars = surname.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if let Some(slot) = singles.get_mut(syllable_index(c)) {
                    *slot = true;
                }
            }
            (Some(_), Some(_)) => doubles.push(*surname),
            _ => {}
        }
    }
    (singles, doubles)
});

/// Number of precomposed Hangul syllables.
const SYLLABLES: usize = 11_172;

/// The index of a syllable among the Hangul syllables (out of range for anything else).
fn syllable_index(c: char) -> usize {
    (u32::from(c).wrapping_sub(0xAC00)) as usize
}

fn is_single_surname(c: char) -> bool {
    SURNAMES.0.get(syllable_index(c)).copied().unwrap_or(false)
}

/// Whether a word starts with a surname.
fn starts_with_surname(word: &str) -> bool {
    word.chars().next().is_some_and(is_single_surname)
        || SURNAMES.1.iter().any(|s| word.starts_with(*s))
}

/// The ordinary words of `data/ko_not_names.txt`: those that stop any name they start, and those
/// that only stop a name equal to them.
static NOT_NAMES: LazyLock<(HashSet<&'static str>, HashSet<&'static str>)> = LazyLock::new(|| {
    let (exact, prefixes): (Vec<&str>, Vec<&str>) =
        KO_NOT_NAMES.iter().partition(|w| w.ends_with('$'));
    (
        prefixes.into_iter().collect(),
        exact.iter().map(|w| w.trim_end_matches('$')).collect(),
    )
});
/// A word of Hangul syllables and its byte offset.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    start: usize,
    text: &'a str,
}

impl Word<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// The runs of Hangul syllables of `text`; a run that opens with a label of two syllables or more
/// is split after it (`상담원김민지입니다` → `상담원`, `김민지입니다`).
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_syllable(c) {
            run.get_or_insert(at);
            continue;
        }
        let Some(start) = run.take() else { continue };
        let Some(word) = text.get(start..at) else {
            continue;
        };
        let label = KO_NAME_LABELS
            .iter()
            .find(|l| l.chars().count() >= 2 && word.len() > l.len() && word.starts_with(**l))
            .filter(|_| !KO_NAME_LABELS.contains(&word));
        match label.and_then(|l| word.get(l.len()..).map(|rest| (l, rest))) {
            Some((label, rest)) => {
                out.push(Word { start, text: label });
                out.push(Word {
                    start: start + label.len(),
                    text: rest,
                });
            }
            None => out.push(Word { start, text: word }),
        }
    }
    out
}

/// Whether only spaces (and, when `loose`, a comma or colon) separate two words.
fn adjacent(text: &str, first: &Word<'_>, second: &Word<'_>, loose: bool) -> bool {
    text.get(first.end()..second.start).is_some_and(|gap| {
        gap.chars()
            .all(|c| c.is_whitespace() || (loose && matches!(c, ',' | ':')))
    })
}

/// Whether a word ends its clause: punctuation or the end of the text follows (after spaces).
fn ends_clause(text: &str, end: usize) -> bool {
    text.get(end..)
        .and_then(|t| t.trim_start().chars().next())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// How many syllables a name with this surname may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    /// Surname and one or two given syllables (`김솔`, `고태식`).
    Any,
    /// Surname and two given syllables (`고태식`, `남궁민수`): what `님`/`씨` need.
    Full,
}

/// The byte length of a name at the front of `word` whose rest is accepted, preferring the usual
/// three syllables (four with a two-syllable surname), unless its last syllable and the rest make
/// an accepted ending on their own: `고주요` is `고주` + `요`, `김희라고` is `김희` + `라고`,
/// `김솔이에요` is `김솔` + `이에요` (a copula `이` only after a final consonant: `김하이에요` is
/// `김하이` + `에요`).
fn split_name(word: &str, length: Length, accept: impl Fn(&str) -> bool) -> Option<usize> {
    // The byte offsets of the first five syllables (a name has at most four), then the end.
    let mut bounds = [word.len(); 6];
    for (slot, (i, _)) in bounds.iter_mut().zip(word.char_indices()) {
        *slot = i;
    }
    let syllables = word.chars().count();
    let double = SURNAMES.1.iter().any(|s| word.starts_with(*s));
    let single = word.chars().next().is_some_and(is_single_surname);
    let (surname, lengths): (usize, &[usize]) = match (double, single, length) {
        (true, _, Length::Any) => (2, &[4, 3]),
        (true, _, Length::Full) => (2, &[4]),
        (false, true, Length::Any) => (1, &[3, 2]),
        (false, true, Length::Full) => (1, &[3]),
        (false, false, _) => return None,
    };
    for &len in lengths.iter().filter(|&&len| len <= syllables) {
        let (Some(&cut), Some(&before_last)) = (bounds.get(len), bounds.get(len - 1)) else {
            continue;
        };
        let (Some(name), Some(rest)) = (word.get(..cut), word.get(cut..)) else {
            continue;
        };
        if !accept(rest) || !is_plausible(name, surname) {
            continue;
        }
        let last = name.get(before_last..).unwrap_or_default();
        let before = name.chars().nth(len - 2);
        let shorter = len > surname + 1
            && (last != "이" || before.is_some_and(|c| final_consonant(c) != 0))
            && accept(&format!("{last}{rest}"));
        if !shorter {
            return Some(cut);
        }
    }
    None
}

/// Whether `name` (its first `surname` syllables the surname) can be a name: Hangul only, given
/// syllables that names use (not ending in the polite `요`), and not an ordinary word.
fn is_plausible(name: &str, surname: usize) -> bool {
    let given_ok = name.chars().skip(surname).all(|c| {
        is_syllable(c)
            && !KO_NOT_GIVEN.contains(&c)
            && !NOT_GIVEN_FINALS.contains(&final_consonant(c))
    });
    // `이요`, `김밥요`: a final `요` is the polite ending (`요한` keeps its `요` first).
    let (prefixes, exact) = &*NOT_NAMES;
    given_ok
        && !name.ends_with('요')
        && !exact.contains(name)
        && !name
            .char_indices()
            .skip(2)
            .map(|(i, _)| i)
            .chain(std::iter::once(name.len()))
            .any(|end| name.get(..end).is_some_and(|p| prefixes.contains(p)))
}

/// The Korean contexts, in order; each returns the name's byte length at the front of the word.
fn find_korean(text: &str, asked: Asked, spans: &mut Vec<Span>) {
    let words = words(text);
    let mut sentence_start = true;
    // Asked by the previous turn, or by an earlier sentence of this one.
    let mut named = asked.name;
    for (i, word) in words.iter().enumerate() {
        // `7이요`, `A동`: a word glued to a number or a code never starts a name.
        if text
            .get(..word.start)
            .and_then(|h| h.chars().next_back())
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            sentence_start = false;
            continue;
        }
        let previous = i
            .checked_sub(1)
            .and_then(|p| words.get(p))
            .filter(|p| adjacent(text, p, word, true));
        let next = words
            .get(i + 1)
            .filter(|n| adjacent(text, word, n, false))
            .map(|n| n.text);
        let found = if starts_with_surname(word.text) {
            previous
                .is_some_and(|p| KO_NAME_LABELS.contains(&p.text))
                .then(|| stated(text, word, next))
                .flatten()
                .or_else(|| honoured(word, next))
                .or_else(|| before_role(word, next))
                .or_else(|| signed_off(text, word))
                .or_else(|| (named && sentence_start).then(|| stated(text, word, next))?)
        } else {
            None
        };
        if let Some(len) = found {
            push_span(spans, word.start, word.start + len, PiiKind::Name);
        }
        let gap_after = words
            .get(i + 1)
            .and_then(|n| text.get(word.end()..n.start))
            .unwrap_or_default();
        sentence_start = (sentence_start && KO_INTERJECTIONS.contains(&word.text))
            || gap_after.contains(['.', '?', '!']);
        named = named || KO_NAME_MENTIONS.iter().any(|m| word.text.contains(m));
    }
}

/// A name stated with an ending (`고태식이요`), or alone before punctuation or `맞아요`.
fn stated(text: &str, word: &Word<'_>, next: Option<&str>) -> Option<usize> {
    let bare_ok =
        ends_clause(text, word.end()) || next.is_some_and(|n| KO_AFTER_BARE_NAME.contains(&n));
    split_name(word.text, Length::Any, |rest| {
        KO_NAME_ENDINGS.contains(&rest) && (!rest.is_empty() || bare_ok)
    })
}

/// A name before an honorific, glued or not: `오태민 고객님`, `고태식님`, `김민지 씨`.
fn honoured(word: &Word<'_>, next: Option<&str>) -> Option<usize> {
    let honorific = |rest: &str| KO_HONORIFICS.iter().find(|h| rest.starts_with(**h));
    let length = |h: &str| {
        if h.chars().count() >= 2 {
            Length::Any
        } else {
            Length::Full
        }
    };
    for h in KO_HONORIFICS.iter().filter(|h| word.text.contains(**h)) {
        if let Some(len) = split_name(word.text, length(h), |rest| {
            rest.starts_with(h) && honorific(rest) == Some(h)
        }) {
            return Some(len);
        }
    }
    let h = next.and_then(honorific)?;
    split_name(word.text, length(h), str::is_empty)
}

/// A name before a role word or `명의`: `김민지 상담원입니다`, `고태식 명의로`.
fn before_role(word: &Word<'_>, next: Option<&str>) -> Option<usize> {
    let next = next?;
    let role = KO_ROLES_AFTER
        .iter()
        .chain(KO_NAME_OF)
        .any(|r| next.starts_with(r));
    role.then(|| split_name(word.text, Length::Any, str::is_empty))?
}

/// `지금까지 김민지였습니다`: a name in a sign-off after a closing cue in the same turn. A name
/// ending in `하` is not taken (`송금하였습니다`).
fn signed_off(text: &str, word: &Word<'_>) -> Option<usize> {
    if !KO_SIGN_OFF_ENDINGS.iter().any(|e| word.text.ends_with(e)) {
        return None;
    }
    let before = text.get(..word.start)?;
    if !KO_SIGN_OFF_CUES.iter().any(|c| before.contains(c)) {
        return None;
    }
    let len = split_name(word.text, Length::Any, |rest| {
        KO_SIGN_OFF_ENDINGS.contains(&rest)
    })?;
    let last = word.text.get(..len)?.chars().next_back()?;
    (last != '하').then_some(len)
}

#[cfg(test)]
mod tests {
    use super::super::span_texts;
    use super::*;

    fn names(text: &str, asked: Asked) -> Vec<String> {
        let mut spans = Vec::new();
        find_names(text, asked, &mut spans);
        span_texts(text, &spans)
    }

    fn found(text: &str) -> Vec<String> {
        names(text, Asked::default())
    }

    const ASKED: Asked = Asked {
        name: true,
        birth_date: false,
    };

    #[test]
    fn names_after_a_label_are_found_without_their_ending() {
        for (text, name) in [
            ("성함은 고태식이요", "고태식"),
            ("제 이름은 고태식입니다", "고태식"),
            ("제이름은 고태식이에요", "고태식"),
            ("안녕하세요, 상담원 김민지입니다.", "김민지"),
            ("상담원김민지입니다", "김민지"),
            ("상담사 김민지가 도와드리겠습니다", "김민지"),
            ("담당자 박서준입니다", "박서준"),
            ("저는 이민호라고 합니다", "이민호"),
            ("성함은 김솔이에요", "김솔"),
            ("성함: 남궁민수, 생년월일은 몰라요", "남궁민수"),
            ("이름이 김민이요", "김민"),
        ] {
            assert_eq!(found(text), [name], "{text}");
        }
    }

    #[test]
    fn names_before_an_honorific_or_a_role_are_found() {
        for (text, name) in [
            ("오태민 고객님 맞으신가요?", "오태민"),
            ("오태민고객님, 잠시만요", "오태민"),
            ("고태식님 본인 맞으세요?", "고태식"),
            ("김민지 씨 계신가요", "김민지"),
            ("황보영 고객님이세요?", "황보영"),
            ("김민지 상담원입니다", "김민지"),
            ("고태식 명의로 되어 있어요", "고태식"),
            ("지금까지 상담원 김민지였습니다", "김민지"),
            ("감사합니다. 고태식이었습니다", "고태식"),
            ("감사합니다. 간경이었습니다", "간경"),
            ("저는 김희라고 합니다", "김희"),
        ] {
            assert_eq!(found(text), [name], "{text}");
        }
    }

    #[test]
    fn a_bare_answer_to_a_name_question_is_a_name_but_not_without_the_question() {
        for (text, name) in [
            ("고태식이요", "고태식"),
            ("네, 고태식이에요.", "고태식"),
            ("고태식 맞아요", "고태식"),
            ("고주요", "고주"),
            ("네 맞아요. 김솔이요", "김솔"),
        ] {
            assert_eq!(names(text, ASKED), [name], "{text}");
            assert!(found(text).is_empty(), "{text}");
        }
        assert_eq!(
            found("명의는 어머니 이름으로 돼 있어요. 최순자요."),
            ["최순자"]
        );
    }

    #[test]
    fn ordinary_words_that_start_with_a_surname_syllable_are_not_names() {
        for text in [
            "이번에 주문한 김치 박스가 안 왔어요",
            "정말 죄송합니다 고객님",
            "조회해 보니 신청이 최대 한번 가능합니다",
            "유심 문의는 강남 지점 전화로 안내해 드릴게요",
            "우리 고객님, 신규 고객님, 장기 고객님 모두 해당됩니다",
            "김 고객님 맞으시죠?",
            "이 고객님은 사장님이세요",
            "저는 고객인데요",
            "저는 부산이에요",
            "상담원 연결이요",
            "상담원 연결해 주세요",
            "이름 변경하려고요",
            "성함이 어떻게 되세요?",
            "선생님, 기사님, 형님, 지점장님, 부사장님",
            "감사합니다. 송금하였습니다",
            "마음씨가 고우시네요",
            "날씨가 좋네요",
            "210동 현관 앞으로 도착합니다",
            "음료 추가요",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
        for text in [
            "정말요?",
            "잠시만요",
            "제가요?",
            "이거요",
            "성함이요?",
            "아니요 없어요",
            "S, 2, 4, 0, 9, 1, 7이요.",
            "여보세요?",
            "기가 인터넷이요",
        ] {
            assert!(
                names(text, ASKED).is_empty(),
                "{text}: {:?}",
                names(text, ASKED)
            );
        }
    }
}
