//! English names: one to three capitalised words (a middle initial allowed) after a cue that
//! states a name.
//!
//! * Always a name: `my name is X`, `name's X`, `speaking with X`, `speak to X`, `talking to X`,
//!   `call me X`, `ask for X`, and a title `Mr/Mrs/Ms/Miss/Dr/Mister/Prof X` (the title stays).
//! * A name when it ends the clause or a connecting word follows (`from`, `with`, `speaking`,
//!   `here`, `and`, `calling`, `signing` …): `this is X`, `I'm X`, `I am X`, `thank you, X`,
//!   `thanks, X`, `regards, X`. So `this is Sarah from billing` has a name, `this is Acme
//!   support` and `this is Premium plan` do not.
//! * At the end of a closing sentence: `Thanks for contacting Acme Support, Jordan.`, `Have a
//!   great day, Jordan!`.
//! * At the start of an answer to a name question (`May I have your name?` → `Sure, it's John
//!   Smith.`), after `yes`, `sure`, `it's`, `this is` and the like.
//!
//! Lower-case words are never names, and a capitalised word from `data/en_not_names.txt` (`Sorry`,
//! `Support`, `Monday`, `Customer`) ends the name or, first, rules it out.

use std::sync::LazyLock;

use regex::Regex;

use super::super::data::EN_NOT_NAMES;
use super::super::{Asked, PiiKind, Span, compile, push_span};

/// A cue; group 1 is a cue after which anything may follow the name, group 2 one after which the
/// name must end its clause or be followed by a connecting word.
static CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:(my name is|my name's|name is|name's|speaking with|speak with|speak to|talking to|talking with|talk to|call me|ask for|(?-i:Mr|Mrs|Ms|Miss|Dr|Mister|Prof)\.?)|(this is|i'm|i am|im|thank you|thanks|regards|sincerely))[,:]?\s+",
    )
});
/// A closing sentence that ends by addressing someone: `Thanks for contacting Acme Support,
/// Jordan.`, `Have a great day, Jordan!` (the name must end the sentence).
static VOCATIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:thank you|thanks|goodbye|bye|have a (?:great|good|nice|wonderful) [a-z]+)(?-u:\b)[^.!?]{0,80}?,\s+",
    )
});
/// The opening of an answer before the name: `Sure, it's`, `Yes, this is`, `Hi, my name is`.
static ANSWER_OPENING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)^\s*(?:(?:yes|yeah|yep|sure|ok|okay|hi|hello|of course|um|uh)(?-u:\b)[,.!]?\s*)*(?:(?:it's|it is|this is|my name is|my name's|name's|i'm|i am)(?-u:\b)[,:]?\s*)?",
    )
});

/// Words that may follow a name stated after a weak cue.
const CONNECTORS: &[&str] = &[
    "from", "with", "at", "here", "speaking", "calling", "and", "on", "for", "signing", "again",
];

/// Finds English names and records them as spans.
pub(super) fn find_english(text: &str, asked: Asked, spans: &mut Vec<Span>) {
    if let Some(re) = CUE.as_ref() {
        for caps in re.captures_iter(text) {
            let (Some(all), strong) = (caps.get(0), caps.get(1).is_some()) else {
                continue;
            };
            if let Some(end) = name_at(text, all.end())
                && (strong || ends_or_connects(text, end))
            {
                push_span(spans, all.end(), end, PiiKind::Name);
            }
        }
    }
    if let Some(re) = VOCATIVE.as_ref() {
        for m in re.find_iter(text) {
            if let Some(end) = name_at(text, m.end())
                && text
                    .get(end..)
                    .and_then(|t| t.chars().next())
                    .is_none_or(|c| matches!(c, '.' | '!' | '?'))
            {
                push_span(spans, m.end(), end, PiiKind::Name);
            }
        }
    }
    if asked.name
        && let Some(opening) = ANSWER_OPENING.as_ref().and_then(|re| re.find(text))
        && let Some(end) = name_at(text, opening.end())
        && ends_or_connects(text, end)
    {
        push_span(spans, opening.end(), end, PiiKind::Name);
    }
}

/// The end of the name starting at `start`: up to three capitalised words or initials separated by
/// single spaces, cut before the first word that is not a name. `None` when there is none.
fn name_at(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    let mut end: Option<usize> = None;
    let mut offset = 0usize;
    for (count, word) in rest.split(' ').enumerate() {
        let core = word.trim_end_matches([',', '.', '!', '?', ';', ':']);
        let initial = core.len() == 1 && word.len() == 2 && word.ends_with('.');
        let capitalised = core.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && core
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, '\'' | '-'))
            && (core.len() >= 2 || initial);
        let ordinary = !initial && EN_NOT_NAMES.contains(&core.to_ascii_lowercase().as_str());
        if count >= 3 || !capitalised || ordinary {
            break;
        }
        if !initial {
            end = Some(start + offset + core.len());
        }
        if core.len() != word.len() && !initial {
            break;
        }
        offset += word.len() + 1;
    }
    end
}

/// The end of a capitalised family name right after a known first name ending at `end`
/// (`Laura` → `Laura Jenkins`), or `end`.
pub(in super::super) fn family_name_after(text: &str, end: usize) -> usize {
    match text.get(end..) {
        Some(rest) if rest.starts_with(' ') => name_at(text, end + 1)
            .filter(|&e| text.get(end + 1..e).is_some_and(|w| !w.contains(' ')))
            .unwrap_or(end),
        _ => end,
    }
}

/// Whether a name ending at `end` ends its clause or is followed by a connecting word.
fn ends_or_connects(text: &str, end: usize) -> bool {
    let after = text.get(end..).unwrap_or_default();
    let Some(first) = after.chars().next() else {
        return true;
    };
    if first != ' ' {
        return !first.is_alphanumeric();
    }
    let next: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    CONNECTORS.contains(&next.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::super::span_texts;
    use super::*;

    fn names(text: &str, asked: Asked) -> Vec<String> {
        let mut spans = Vec::new();
        find_english(text, asked, &mut spans);
        span_texts(text, &spans)
    }

    fn found(text: &str) -> Vec<String> {
        names(text, Asked::default())
    }

    #[test]
    fn cued_english_names_are_found() {
        for (text, name) in [
            ("My name is John Smith.", "John Smith"),
            ("Hi, this is Sarah from billing.", "Sarah"),
            ("I'm Sarah, how can I help?", "Sarah"),
            ("Am I speaking with Maria Lopez?", "Maria Lopez"),
            ("Thank you, David.", "David"),
            ("Thanks Emily", "Emily"),
            ("Mr. Patel, your order shipped", "Patel"),
            ("Is this Mrs Johnson?", "Johnson"),
            ("my name is John A. Smith and I", "John A. Smith"),
            ("This is Kevin signing off.", "Kevin"),
            ("Thanks for contacting Acme Support, Jordan.", "Jordan"),
            ("Have a great day, Jordan!", "Jordan"),
        ] {
            assert_eq!(found(text), [name], "{text}");
        }
    }

    #[test]
    fn an_answer_to_a_name_question_is_a_name() {
        let asked = Asked {
            name: true,
            birth_date: false,
        };
        for (text, name) in [
            ("Sure, it's John Smith.", "John Smith"),
            ("Laura Chen", "Laura Chen"),
            ("Yes, Laura Chen and my DOB is", "Laura Chen"),
        ] {
            assert_eq!(names(text, asked), [name], "{text}");
        }
        assert!(names("It's under my husband's name", asked).is_empty());
        assert!(found("Laura Chen").is_empty());
    }

    #[test]
    fn teams_products_and_ordinary_capitalised_words_are_not_names() {
        for text in [
            "this is Acme support",
            "This is Acme Support, how can I help?",
            "this is Premium plan",
            "I'm Sorry about that",
            "I'm calling about my order",
            "Thank you, Goodbye",
            "thank you for calling",
            "This is the billing team",
            "speaking with Customer Service",
            "I'm Korean too",
            "thanks, I",
            "Thank you, Perfect.",
            "Thanks for waiting, I checked it.",
            "Thank you for calling, Acme Support here",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
