//! Names and companies found anywhere in a conversation, replaced wherever they recur: `오태민
//! 고객님` in one turn hides `오태민 맞아요` in the next, and the company of the greeting
//! (`가온모바일 고객센터`) hides the one of the sign-off (`가온모바일 김민지였습니다`), where no
//! cue of its own would give it away.

use super::data::EN_NOT_NAMES;
use super::names::{family_name_after, is_syllable};
use super::{PiiKind, Span, push_span};

/// The names and companies found in a conversation.
#[derive(Debug, Default)]
pub(super) struct Known(Vec<(String, PiiKind)>);

impl Known {
    /// The names and companies among the found spans of each text: Korean ones of two syllables or
    /// more, English ones that are not also ordinary words (`May`, `Will`: not looked for again).
    pub(super) fn collect<'a>(found: impl Iterator<Item = (&'a str, &'a Vec<Span>)>) -> Self {
        let mut known: Vec<(String, PiiKind)> = found
            .flat_map(|(text, spans)| {
                spans
                    .iter()
                    .filter(|s| matches!(s.kind, PiiKind::Name | PiiKind::Organization))
                    .filter_map(|s| Some((text.get(s.start..s.end)?, s.kind)))
            })
            .filter(|(item, _)| {
                if item.chars().all(is_syllable) {
                    item.chars().count() >= 2
                } else {
                    item.len() >= 3 && !EN_NOT_NAMES.contains(&item.to_lowercase().as_str())
                }
            })
            .map(|(item, kind)| (item.to_owned(), kind))
            .collect();
        // Longest first, so `김민지` is replaced before `김민` could take its start.
        known.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        known.dedup();
        Self(known)
    }

    /// Records the mentions of the known items in `text` that start a word. An English one must
    /// end a word too, and a name takes a capitalised family name after it along (`Laura
    /// Jenkins`); a Korean one carries its particles (`고태식이요`, `별빛카드에서`).
    pub(super) fn find(&self, text: &str, spans: &mut Vec<Span>) {
        for (item, kind) in &self.0 {
            let korean = item.chars().all(is_syllable);
            for (at, _) in text.match_indices(item.as_str()) {
                let end = at + item.len();
                let starts_word = !text
                    .get(..at)
                    .and_then(|h| h.chars().next_back())
                    .is_some_and(char::is_alphanumeric);
                let ends_word = korean
                    || !text
                        .get(end..)
                        .and_then(|t| t.chars().next())
                        .is_some_and(char::is_alphanumeric);
                if starts_word && ends_word {
                    let end = if korean || *kind != PiiKind::Name {
                        end
                    } else {
                        family_name_after(text, end)
                    };
                    // A longer known name wins over a shorter reading of the same words
                    // (`윤미라고요` read as `윤미` + `라고요`, while `윤미라 고객님` says more).
                    spans.retain(|s| !(s.kind == *kind && at <= s.start && s.end < end));
                    push_span(spans, at, end, *kind);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::names::find_names;
    use super::super::organization::find_organizations;
    use super::super::{Asked, find_spans, span_texts};
    use super::*;

    #[test]
    fn a_known_name_is_found_wherever_it_recurs() {
        let text = "오태민 고객님 맞으세요? 네 오태민이요";
        let mut spans = Vec::new();
        find_names(text, Asked::default(), &mut spans);
        let known = Known::collect(std::iter::once((text, &spans)));
        known.find(text, &mut spans);
        assert_eq!(spans.len(), 2);
        let mut other = Vec::new();
        known.find("오태민 맞아요, 오태민이요", &mut other);
        assert_eq!(other.len(), 2);

        let text = "Thanks, Laura. Account 7-7-3, Laura Jenkins.";
        let mut spans = Vec::new();
        find_names(text, Asked::default(), &mut spans);
        Known::collect(std::iter::once((text, &spans))).find(text, &mut spans);
        assert_eq!(span_texts(text, &spans), ["Laura", "Laura Jenkins"]);

        let known = Known(vec![("윤미라".to_owned(), PiiKind::Name)]);
        let text = "윤미라고요";
        let mut spans = find_spans(
            text,
            Asked {
                name: true,
                birth_date: false,
            },
        );
        known.find(text, &mut spans);
        assert_eq!(span_texts(text, &spans), ["윤미라"]);
    }

    #[test]
    fn a_known_company_is_found_in_the_sign_off() {
        let greeting = "안녕하세요, 가온모바일 고객센터 상담원 김민지입니다.";
        let mut spans = Vec::new();
        find_organizations(greeting, &mut spans);
        let known = Known::collect(std::iter::once((greeting, &spans)));
        let sign_off = "가온모바일 김민지였습니다. 좋은 하루 되세요.";
        let mut spans = find_spans(sign_off, Asked::default());
        known.find(sign_off, &mut spans);
        assert_eq!(span_texts(sign_off, &spans), ["가온모바일"]);
    }
}
