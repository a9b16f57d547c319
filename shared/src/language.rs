//! The languages the product speaks: its pages, messages and reports are written in Korean (first)
//! or English, whatever language a recording was spoken in.

use serde::{Deserialize, Serialize};

/// A language of the product's pages, messages and reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// 한국어, the product's first language.
    #[default]
    Ko,
    /// English.
    En,
}

impl Language {
    /// Every language, Korean first.
    pub const ALL: [Self; 2] = [Self::Ko, Self::En];

    /// The BCP-47 code (`ko`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Ko => "ko",
            Self::En => "en",
        }
    }

    /// The language of a code (`ko`, `en`, case-insensitive, region ignored: `en-US`).
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next().unwrap_or("").trim();
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The first supported language of an `Accept-Language` header value (Korean when none is).
    pub fn from_accept_language(header: Option<&str>) -> Self {
        header
            .into_iter()
            .flat_map(|h| h.split(','))
            .find_map(|part| Self::from_code(part.split(';').next().unwrap_or("")))
            .unwrap_or_default()
    }

    /// Chooses between a Korean and an English text.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Ko => ko,
            Self::En => en,
        }
    }
}

/// Whether `code` is a two-letter lowercase ISO 639-1 code (`ko`, `en`, `ja` …): the languages a
/// recording may be spoken in, which are more than the product's own.
pub fn is_language_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_language_and_defaults_to_korean() {
        assert_eq!(Language::from_accept_language(None), Language::Ko);
        assert_eq!(
            Language::from_accept_language(Some("fr-FR,en-US;q=0.8,ko;q=0.5")),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language(Some("ko-KR,en;q=0.9")),
            Language::Ko
        );
        assert_eq!(Language::from_accept_language(Some("de, fr")), Language::Ko);
    }

    #[test]
    fn language_codes_are_two_lowercase_letters() {
        assert!(is_language_code("ko") && is_language_code("ja"));
        assert!(!is_language_code("KO") && !is_language_code("kor") && !is_language_code(""));
        assert_eq!(Language::from_code("EN"), Some(Language::En));
        assert_eq!(Language::from_code("xx"), None);
    }
}
