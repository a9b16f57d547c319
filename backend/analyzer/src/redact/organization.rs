//! Company names where a call names its operator: the word before a centre word (`행복쇼핑
//! 고객센터`, `우리카드고객센터`, `KB 국민카드 고객센터`), and in English the capitalised words
//! after `calling`/`contacting`/`welcome to` (`Thank you for calling Acme Telecom`) or before a
//! team word after `this is`/`you've reached`/`from` or a greeting (`this is Acme support`, `Good
//! morning, Larkmere Hotels reservations`). Generic words
//! before a centre word (`저희`, `해당`, `카드사`) are not companies; a company mentioned anywhere
//! else is left alone, as no pattern tells it from an ordinary capitalised or Korean word.

use std::sync::LazyLock;

use regex::Regex;

use super::data::{EN_NOT_NAMES, EN_TEAMS, KO_CENTRES, KO_NOT_ORGANIZATIONS};
use super::{PiiKind, Span, compile, has_english_words, push_span};

/// An English cue; group 1 is one after which the company must be followed by a team word.
static EN_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:calling|contacting|welcome to|(this is|you've reached|you have reached|from|good morning|good afternoon|good evening|hello|hi))[,!]?\s+",
    )
});

/// Last syllables of a Korean word before a centre word that make it a particle phrase or a verb
/// form, not a name (`저희는 고객센터`, `전화하신 고객센터`, `연결된 고객센터`).
const NOT_NAME_ENDINGS: &[char] = &[
    '은', '는', '의', '에', '로', '도', '와', '과', '를', '을', '신', '된', '한', '던', '실', '할',
    '될', '운', '른', '간', '온', '본',
];

/// Finds company names and records them as spans.
pub(super) fn find_organizations(text: &str, spans: &mut Vec<Span>) {
    if text.contains("센터") || text.contains("상담실") {
        find_korean(text, spans);
    }
    if has_english_words(text) && text.bytes().any(|b| b.is_ascii_uppercase()) {
        find_english(text, spans);
    }
}

fn find_korean(text: &str, spans: &mut Vec<Span>) {
    for centre in KO_CENTRES {
        for (at, _) in text.match_indices(centre) {
            if let Some((start, end)) = company_before(text, at) {
                push_span(spans, start, end, PiiKind::Organization);
            }
        }
    }
}

/// The company word right before a centre word at `at` (glued or one space apart), widened over a
/// short Latin prefix (`KB 국민카드`).
fn company_before(text: &str, at: usize) -> Option<(usize, usize)> {
    let head = text.get(..at)?;
    let end = head.trim_end().len();
    let word_start = |end: usize| {
        head.get(..end).map_or(0, |h| {
            h.char_indices()
                .rev()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '&'))
                .map_or(0, |(i, c)| i + c.len_utf8())
        })
    };
    let start = word_start(end);
    let word = head.get(start..end)?;
    let chars = word.chars().count();
    if !(2..=12).contains(&chars)
        || !word.chars().any(char::is_alphabetic)
        || KO_NOT_ORGANIZATIONS.contains(&word)
        || word.ends_with(NOT_NAME_ENDINGS)
    {
        return None;
    }
    // `KB 국민카드`: a short upper-case Latin word before belongs to the name.
    let before = head.get(..start)?;
    let prefix_end = before.trim_end().len();
    let prefix_start = word_start(prefix_end);
    let prefix = before.get(prefix_start..prefix_end).unwrap_or_default();
    let latin = (2..=4).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && prefix_end < start;
    Some((if latin { prefix_start } else { start }, end))
}

fn find_english(text: &str, spans: &mut Vec<Span>) {
    let Some(re) = EN_CUE.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let Some(all) = caps.get(0) else { continue };
        let needs_team = caps.get(1).is_some();
        let start = all.end();
        let (end, next) = capitalised_words(text, start);
        if end == start {
            continue;
        }
        let team = next.is_some_and(|w| EN_TEAMS.contains(&w.to_ascii_lowercase().as_str()));
        let ends = text
            .get(end..)
            .and_then(|t| t.chars().next())
            .is_none_or(|c| matches!(c, ',' | '.' | '!' | '?'));
        if team || (!needs_team && ends) {
            push_span(spans, start, end, PiiKind::Organization);
        }
    }
}

/// Up to three capitalised words from `start` (the first not an ordinary word, team words left
/// out): their end, and the word after them.
fn capitalised_words(text: &str, start: usize) -> (usize, Option<&str>) {
    let rest = text.get(start..).unwrap_or_default();
    let mut end = start;
    let mut offset = 0usize;
    for (count, word) in rest.split(' ').enumerate() {
        let core = word.trim_end_matches([',', '.', '!', '?']);
        let lower = core.to_ascii_lowercase();
        let capitalised = core.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && core
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '&' | '\'' | '-'));
        let ordinary = EN_TEAMS.contains(&lower.as_str())
            || (count == 0 && EN_NOT_NAMES.contains(&lower.as_str()));
        if count >= 3 || !capitalised || ordinary {
            return (end, Some(core));
        }
        end = start + offset + core.len();
        if core.len() != word.len() {
            return (end, None);
        }
        offset += word.len() + 1;
    }
    (end, None)
}

#[cfg(test)]
mod tests {
    use super::super::span_texts;
    use super::*;

    fn companies(text: &str) -> Vec<String> {
        let mut spans = Vec::new();
        find_organizations(text, &mut spans);
        span_texts(text, &spans)
    }

    #[test]
    fn companies_before_a_centre_word_or_after_a_greeting_cue_are_found() {
        for (text, company) in [
            (
                "안녕하십니까, 행복쇼핑 고객센터 상담원 김민지입니다.",
                "행복쇼핑",
            ),
            ("감사합니다, 우리카드고객센터입니다", "우리카드"),
            ("KB 국민카드 고객센터입니다", "KB 국민카드"),
            (
                "Thank you for calling Acme Telecom, this is Sarah.",
                "Acme Telecom",
            ),
            ("Hi, this is Sarah from Acme support.", "Acme"),
            ("Welcome to Globex Bank!", "Globex Bank"),
            (
                "Good morning, Larkmere Hotels reservations, my name is Tom.",
                "Larkmere Hotels",
            ),
            ("안녕하세요, 별빛카드 분실신고센터 상담원입니다", "별빛카드"),
        ] {
            assert_eq!(companies(text), [company], "{text}");
        }
    }

    #[test]
    fn generic_centre_mentions_and_ordinary_greetings_are_not_companies() {
        for text in [
            "저희 고객센터로 연락 주세요",
            "카드사 고객센터에 문의해 보세요",
            "가까운 서비스센터 방문하시면 됩니다",
            "고객센터 운영 시간은 9시부터입니다",
            "저희는 고객센터에서",
            "전화하신 고객센터 번호가 맞아요",
            "해외 고객센터는 따로 있어요",
            "thank you for calling",
            "Thank you for calling Customer Service.",
            "this is Sarah",
            "Hello, Sarah speaking.",
            "I'm calling from Seoul about my order",
        ] {
            assert!(companies(text).is_empty(), "{text}: {:?}", companies(text));
        }
    }
}
