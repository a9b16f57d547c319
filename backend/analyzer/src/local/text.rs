//! Text helpers: folding for spacing-insensitive matching (with a map back to the original bytes),
//! sentences, tokens, exact quotes and length units.

use crate::language::is_hangul;
use shared::language::Language;

/// Longest quote, in characters.
const MAX_QUOTE_CHARS: usize = 120;

/// A turn's text folded for matching: lower-case, curly quotes straightened; Korean without any
/// whitespace (spacing in Korean transcripts is inconsistent), English with single spaces.
#[derive(Debug, Clone)]
pub(super) struct Folded {
    /// The folded text.
    pub text: String,
    /// For every folded byte, the byte offset of the original character it came from.
    origin: Vec<usize>,
}

impl Folded {
    /// Folds a text for the given language.
    pub fn new(original: &str, language: Language) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut pending_space: Option<usize> = None;
        for (at, c) in original.char_indices() {
            if c.is_whitespace() {
                if language == Language::En && !text.is_empty() && pending_space.is_none() {
                    pending_space = Some(at);
                }
                continue;
            }
            if let Some(space_at) = pending_space.take() {
                text.push(' ');
                origin.push(space_at);
            }
            let c = match c {
                '\u{2018}' | '\u{2019}' | '`' => '\'',
                '\u{201C}' | '\u{201D}' => '"',
                other => other,
            };
            for lower in c.to_lowercase() {
                let before = text.len();
                text.push(lower);
                origin.extend(std::iter::repeat_n(at, text.len() - before));
            }
        }
        Self { text, origin }
    }

    /// Folds a lexicon phrase the same way.
    pub fn fold_phrase(phrase: &str, language: Language) -> String {
        Self::new(phrase, language).text
    }

    /// Maps a folded byte range back to the original text's byte range.
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let from = self.origin.get(start).copied().unwrap_or(original.len());
        let last = end
            .checked_sub(1)
            .and_then(|i| self.origin.get(i))
            .copied()
            .unwrap_or(from);
        let to = last
            + original
                .get(last..)
                .and_then(|s| s.chars().next())
                .map_or(0, char::len_utf8);
        (
            from.min(original.len()),
            to.clamp(from.min(original.len()), original.len()),
        )
    }
}

/// Whether a character ends a sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | '\n' | '…' | '。' | '？' | '！' | '~')
}

/// Byte ranges of the sentences of a text, trimmed, non-empty.
pub(super) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if is_sentence_end(c) {
            let mut end = at + c.len_utf8();
            while let Some(&(next_at, next)) = chars.peek() {
                if is_sentence_end(next) {
                    end = next_at + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            push_trimmed(text, start, end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let trimmed_start = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    let is_only_punctuation = trimmed
        .chars()
        .all(|c| is_sentence_end(c) || c.is_ascii_punctuation());
    if !trimmed.is_empty() && !is_only_punctuation {
        out.push((start + trimmed_start, start + trimmed_start + trimmed.len()));
    }
}

/// The sentence of `text` that contains byte `at` (or the whole trimmed text).
pub(super) fn sentence_at(text: &str, at: usize) -> (usize, usize) {
    sentences(text)
        .into_iter()
        .find(|&(s, e)| s <= at && at < e)
        .unwrap_or_else(|| {
            let start = text.len() - text.trim_start().len();
            (start, start + text.trim().len())
        })
}

/// An exact quote from `text` around the byte range `[start, end)`: its sentence, shortened to at
/// most 120 characters around the match. Always a substring of `text`.
pub(super) fn quote_around(text: &str, start: usize, end: usize) -> String {
    let (s, e) = sentence_at(text, start);
    let sentence = text.get(s..e).unwrap_or_default();
    if sentence.chars().count() <= MAX_QUOTE_CHARS {
        return sentence.to_owned();
    }
    // Start at a word boundary up to 30 characters before the match, end 120 characters later.
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let match_char = chars.iter().position(|&(i, _)| s + i >= start).unwrap_or(0);
    let match_len = text.get(start..end).map_or(0, |m| m.chars().count());
    let mut first = match_char
        .saturating_sub(30)
        .min(chars.len().saturating_sub(MAX_QUOTE_CHARS))
        .min(match_char);
    while first > 0
        && first < match_char
        && !chars.get(first - 1).is_some_and(|(_, c)| c.is_whitespace())
    {
        first += 1;
    }
    let last = (first + MAX_QUOTE_CHARS.max(match_len)).min(chars.len());
    let from = chars.get(first).map_or(0, |&(i, _)| i);
    let to = chars.get(last).map_or(sentence.len(), |&(i, _)| i);
    sentence.get(from..to).unwrap_or(sentence).trim().to_owned()
}

/// Whether a sentence says something (not just `음…` or `네.`): at least four letters or digits.
fn is_substantive(text: &str, (s, e): (usize, usize)) -> bool {
    text.get(s..e)
        .is_some_and(|t| t.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
}

/// An exact quote of the first substantive sentence of a text (or its first sentence).
pub(super) fn quote_first_sentence(text: &str) -> String {
    let all = sentences(text);
    let chosen = all
        .iter()
        .copied()
        .find(|&r| is_substantive(text, r))
        .or_else(|| all.first().copied());
    let (s, e) = chosen.unwrap_or((0, text.len()));
    quote_around(text, s, e)
}

/// An exact quote of the last substantive sentence of a text (or its last sentence).
pub(super) fn quote_last_sentence(text: &str) -> String {
    let all = sentences(text);
    let chosen = all
        .iter()
        .rev()
        .copied()
        .find(|&r| is_substantive(text, r))
        .or_else(|| all.last().copied());
    let (s, e) = chosen.unwrap_or((0, text.len()));
    quote_around(text, s, e)
}

/// Whitespace-separated tokens with their byte offsets.
pub(super) fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, text.get(s..at).unwrap_or_default()));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.get(s..).unwrap_or_default()));
    }
    out
}

/// Length in talk units: characters without whitespace for Korean, words for English.
pub(super) fn talk_units(text: &str, language: Language) -> usize {
    match language {
        Language::Ko => text.chars().filter(|c| !c.is_whitespace()).count(),
        Language::En => text.split_whitespace().count(),
    }
}

/// Length in speech units: Hangul syllables (plus Latin words) for Korean, words for English.
pub(super) fn speech_units(text: &str, language: Language) -> usize {
    match language {
        Language::Ko => {
            let syllables = text.chars().filter(|&c| is_hangul(c)).count();
            let latin_words = text
                .split_whitespace()
                .filter(|w| w.chars().any(|c| c.is_ascii_alphanumeric()))
                .count();
            syllables + latin_words
        }
        Language::En => text.split_whitespace().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_folding_ignores_spacing_and_maps_back_to_the_original() {
        let original = "네, 그건 안 됩니다. 죄송합니다";
        let folded = Folded::new(original, Language::Ko);
        assert_eq!(folded.text, "네,그건안됩니다.죄송합니다");
        let at = folded.text.find("안됩니다").unwrap_or_default();
        let (s, e) = folded.original_range(original, at, at + "안됩니다".len());
        assert_eq!(original.get(s..e), Some("안 됩니다"));
    }

    #[test]
    fn english_folding_lowercases_and_collapses_spaces() {
        let folded = Folded::new("I  CAN\u{2019}T   do that", Language::En);
        assert_eq!(folded.text, "i can't do that");
    }

    #[test]
    fn quotes_are_sentences_and_always_substrings() {
        let text = "안녕하세요. 배송이 늦어져서 정말 죄송합니다! 확인해 드릴게요";
        let at = text.find("늦어").unwrap_or_default();
        assert_eq!(
            quote_around(text, at, at + 6),
            "배송이 늦어져서 정말 죄송합니다!"
        );
        assert_eq!(quote_first_sentence(text), "안녕하세요.");
        assert_eq!(quote_last_sentence(text), "확인해 드릴게요");
        let long = "가".repeat(300);
        let q = quote_around(&long, 450, 453);
        assert!(long.contains(&q) && q.chars().count() <= 120 && !q.is_empty());
        let words = "word ".repeat(60);
        let q = quote_around(&words, 200, 204);
        assert!(q.starts_with("word") && words.contains(&q), "{q}");
    }

    #[test]
    fn sentences_skip_punctuation_only_pieces() {
        let text = "네... 음… 그렇죠?! ";
        let pieces: Vec<&str> = sentences(text)
            .into_iter()
            .filter_map(|(s, e)| text.get(s..e))
            .collect();
        assert_eq!(pieces, ["네...", "음…", "그렇죠?!"]);
    }
}
