//! Language detection from the share of Hangul among letters: `ko` or `en`.

use shared::language::Language;
use shared::transcript::Turn;

/// Share of Hangul among letters from which a text counts as Korean (Korean transcripts mix in
/// Latin product names, e-mail addresses and English words).
const HANGUL_SHARE_FOR_KOREAN: f64 = 0.3;

/// Whether a character is a Hangul syllable or jamo.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Detects the language of a conversation from all its turns. Text without letters counts as Korean,
/// the product's first language.
pub fn detect_language(turns: &[Turn]) -> Language {
    let (mut hangul, mut letters) = (0usize, 0usize);
    for c in turns.iter().flat_map(|t| t.text.chars()) {
        if is_hangul(c) {
            hangul += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    if letters == 0 || hangul as f64 >= letters as f64 * HANGUL_SHARE_FOR_KOREAN {
        Language::Ko
    } else {
        Language::En
    }
}

#[cfg(test)]
mod tests {
    use shared::transcript::Speaker;

    use super::*;

    fn turn(text: &str) -> Turn {
        Turn {
            speaker: Speaker::Agent,
            start_ms: None,
            end_ms: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn hangul_share_decides_between_korean_and_english() {
        assert_eq!(
            detect_language(&[turn("안녕하세요, Galaxy S24 주문 건 문의드립니다.")]),
            Language::Ko
        );
        assert_eq!(
            detect_language(&[turn("Hello, I need help with my order.")]),
            Language::En
        );
        assert_eq!(detect_language(&[turn("12345 !!!")]), Language::Ko);
        assert_eq!(Language::En.code(), "en");
    }
}
