//! Dates of birth. A date only counts in a birth context, since ordinary dates (deliveries,
//! orders, appointments) look the same:
//! * a cue within 30 characters before it (생년월일, 생일, 태어, 출생, 앞자리, date of birth, DOB,
//!   born, birthday), with no order or delivery word in between (`생년월일 확인했고 주문은
//!   2024-01-05`); or a cue right after it (`6월 9일 생일`, `June 9th, 1981 is my date of
//!   birth`). `생일`/`birthday` followed by an occasion (`생일 쿠폰`, `birthday gift`) is no cue;
//! * `생` glued to it: `81년생`, `천구백팔십일년 유월 구일생`;
//! * the previous turn asked for a date of birth ([`Asked::birth_date`]).
//!
//! Shapes: `1981-06-09`, `81.06.09`, `06/09/1981`, `810609`, `19810609`, `1981년 6월 9일`, in words
//! `팔십일년 유월 구일`, `천구백팔십일년 유월 구일`, read out as digits `팔일공육공구`, a birthday
//! without a year (`유월 구일`), a year of birth (`81년생`, `1981년에 태어났어요`, `born in 1981`),
//! and English `June 9th, 1981`, `9 June 1981`, `the 9th of June, 1981`, `June 1981`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::data::{BIRTH_CUES, BIRTH_RESETS, BIRTHDAY_OCCASIONS};
use super::spoken::spoken_digit;
use super::{Asked, PiiKind, Span, compile, is_birth_date, is_free, push_span};

/// Characters between a cue and a date after it.
const CUE_BEFORE_CHARS: usize = 30;
/// Characters between a date and a Korean / English cue after it.
const KO_CUE_AFTER_CHARS: usize = 4;
const EN_CUE_AFTER_CHARS: usize = 10;

static CUES: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(BIRTH_CUES.iter().chain(&["년생", "년도생", "일생"]))
        .ok()
});

/// Korean dates, numerals or words mixed: year, month and day (`생` glued allowed), a year with
/// `생`, a month and day, or a year alone (checked apart).
static KO_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let year = "(?:(?:19|20)?[0-9]{2}|(?:천구백|이천)(?:[이삼사오육칠팔구]?십)?[일이삼사오육칠팔구]?|[이삼사오육칠팔구]?십[일이삼사오육칠팔구]?|[공영일이삼사오육칠팔구]{2})\\s?년(?:도)?";
    let month = "(?:1[0-2]|0?[1-9]|십[일이]|[일이삼사오유육칠팔구시십])\\s?월";
    let day =
        "(?:3[01]|[12][0-9]|0?[1-9]|삼십일?|이?십[일이삼사오육칠팔구]?|[일이삼사오육칠팔구])\\s?일";
    compile(&format!(
        "(?:{year}\\s?)?{month}\\s?{day}(?:\\s?생)?|{year}\\s?생|{year}"
    ))
});
/// Numeric dates with separators, day-month or month-day first with a final year, or year first.
static NUMERIC_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?:3[01]|[12][0-9]|0?[1-9])\s?[-./]\s?(?:3[01]|[12][0-9]|0?[1-9])\s?[-./]\s?(?:19|20)?[0-9]{2}|(?:19|20)?[0-9]{2}\s?[-./]\s?(?:1[0-2]|0?[1-9])\s?[-./]\s?(?:3[01]|[12][0-9]|0?[1-9])",
    )
});
/// `810609`, `19810609`.
static COMPACT_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| compile(r"(?:19|20)?[0-9]{6}"));
/// `팔일공육공구`, `일구팔일공육공구`: six or eight digits read out.
static SPOKEN_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile("[공영빵일이삼사오육륙칠팔구]{6}(?:[공영빵일이삼사오육륙칠팔구]{2})?")
});
static EN_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let month = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
    let day = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?";
    let year = r"(?:19|20)[0-9]{2}";
    compile(&format!(
        r"(?i)(?-u:\b)(?:{month}\s+{day}(?:,?\s+{year})?|(?:the\s+)?{day}\s+(?:of\s+)?{month},?(?:\s+{year})?|{month},?\s+{year})(?-u:\b)"
    ))
});
/// `born in 1981`: the year (group 1).
static EN_BORN_YEAR: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?i)(?-u:\b)born\s+in\s+((?:19|20)[0-9]{2})(?-u:\b)"));

/// Finds dates of birth and records them as spans.
pub(super) fn find_birth_dates(text: &str, asked: Asked, spans: &mut Vec<Span>) {
    let cues = cues(text);
    if cues.is_empty() && !asked.birth_date {
        return;
    }
    let context = Context {
        text,
        cues: &cues,
        asked: asked.birth_date,
    };
    if let Some(re) = EN_BORN_YEAR.as_ref() {
        for m in re.captures_iter(text).filter_map(|c| c.get(1)) {
            push_span(spans, m.start(), m.end(), PiiKind::BirthDate);
        }
    }
    if let Some(re) = KO_DATE.as_ref() {
        for m in re.find_iter(text) {
            let start = m.start();
            let free = !text
                .get(..start)
                .and_then(|h| h.chars().next_back())
                .is_some_and(|c| c.is_ascii_digit() || spoken_digit(c).is_some());
            // `81년생`, `구일생` are births; `이십년 생활` is a date before another word.
            let born = m.as_str().ends_with('생') && ends_birth_word(text, m.end());
            let date = match m.as_str().strip_suffix('생') {
                Some(date) if !born => date.trim_end(),
                _ => m.as_str(),
            };
            let end = start + date.len();
            let ok = born
                || if date.ends_with('년') || date.ends_with("년도") {
                    context.asked || context.born_after(end)
                } else {
                    context.holds(start, end)
                };
            if free && ok {
                push_span(spans, start, end, PiiKind::BirthDate);
            }
        }
    }
    for re in [NUMERIC_DATE.as_ref(), EN_DATE.as_ref()]
        .into_iter()
        .flatten()
    {
        for m in re.find_iter(text) {
            if is_free(text, m.start(), m.end()) && context.holds(m.start(), m.end()) {
                push_span(spans, m.start(), m.end(), PiiKind::BirthDate);
            }
        }
    }
    if let Some(re) = COMPACT_DATE.as_ref() {
        for m in re.find_iter(text) {
            let digits: Vec<u32> = m.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
            if is_free(text, m.start(), m.end())
                && is_date_digits(&digits)
                && context.holds(m.start(), m.end())
            {
                push_span(spans, m.start(), m.end(), PiiKind::BirthDate);
            }
        }
    }
    if let Some(re) = SPOKEN_DATE.as_ref() {
        for m in re.find_iter(text) {
            let digits: Vec<u32> = m.as_str().chars().filter_map(spoken_digit).collect();
            if spoken_bounds(text, m.start(), m.end())
                && is_date_digits(&digits)
                && context.holds(m.start(), m.end())
            {
                push_span(spans, m.start(), m.end(), PiiKind::BirthDate);
            }
        }
    }
}

/// Whether the `생` ending at `end` closes a birth word: nothing Korean follows, or a copula,
/// particle or `님`/`분` (`81년생이에요`, `81년생분`), not another syllable (`생활`, `생산`).
fn ends_birth_word(text: &str, end: usize) -> bool {
    text.get(end..)
        .and_then(|t| t.chars().next())
        .is_none_or(|c| {
            !('\u{AC00}'..='\u{D7A3}').contains(&c)
                || matches!(
                    c,
                    '이' | '입'
                        | '인'
                        | '으'
                        | '은'
                        | '요'
                        | '님'
                        | '분'
                        | '들'
                        | '도'
                        | '부'
                        | '세'
                        | '임'
                )
        })
}

/// `YYMMDD` or `19/20YYMMDD` with a valid month and day.
fn is_date_digits(digits: &[u32]) -> bool {
    match digits {
        [_, _, _, _, _, _] => is_birth_date(digits),
        [1, 9, rest @ ..] | [2, 0, rest @ ..] if rest.len() == 6 => is_birth_date(rest),
        _ => false,
    }
}

/// Whether a run of digit syllables stands apart: no digit syllable before it, and after it none
/// or only a copula (`팔일공육공구이에요`).
fn spoken_bounds(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|h| h.chars().next_back());
    let after = text.get(end..).unwrap_or_default();
    let copula = ["이에요", "이요", "입니다", "이고", "이었", "이라"]
        .iter()
        .any(|c| after.starts_with(c));
    before.is_none_or(|c| spoken_digit(c).is_none())
        && (copula
            || after
                .chars()
                .next()
                .is_none_or(|c| spoken_digit(c).is_none()))
}

/// The birth cues of a text (byte ranges), without occasions (`생일 쿠폰`) and English cues inside
/// longer words (`newborn`, `dobby`).
fn cues(text: &str) -> Vec<(usize, usize)> {
    let Some(ac) = CUES.as_ref() else {
        return Vec::new();
    };
    ac.find_iter(text)
        .map(|m| (m.start(), m.end()))
        .filter(|&(start, end)| {
            let cue = text.get(start..end).unwrap_or_default();
            let after = text.get(end..).unwrap_or_default().trim_start();
            let particle_dropped = after
                .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '이' | '은' | '의'));
            let occasion = [after, particle_dropped].iter().any(|next| {
                let next = next
                    .get(..next.len().min(12))
                    .unwrap_or(next)
                    .to_ascii_lowercase();
                BIRTHDAY_OCCASIONS.iter().any(|o| next.starts_with(o))
            });
            let english = cue.is_ascii();
            let bounded = !english
                || (!text
                    .get(..start)
                    .and_then(|h| h.chars().next_back())
                    .is_some_and(char::is_alphabetic)
                    && !text
                        .get(end..)
                        .and_then(|t| t.chars().next())
                        .is_some_and(char::is_alphabetic));
            bounded && !(occasion && (cue.contains('생') || cue.eq_ignore_ascii_case("birthday")))
        })
        .collect()
}

/// Where a date is read: the text, its cues and whether the previous turn asked for it.
struct Context<'a> {
    text: &'a str,
    cues: &'a [(usize, usize)],
    asked: bool,
}

impl Context<'_> {
    /// Whether a date at `start..end` is a date of birth.
    fn holds(&self, start: usize, end: usize) -> bool {
        self.asked
            || self.cues.iter().any(|&(cue_start, cue_end)| {
                let english = self
                    .text
                    .get(cue_start..cue_end)
                    .is_some_and(|c| c.is_ascii());
                let after_limit = if english {
                    EN_CUE_AFTER_CHARS
                } else {
                    KO_CUE_AFTER_CHARS
                };
                (cue_end <= start && self.near(cue_end, start, CUE_BEFORE_CHARS, true))
                    || (cue_start >= end && self.near(end, cue_start, after_limit, false))
            })
    }

    /// Whether `from..to` is at most `chars` characters, with (when `reset` is checked) no order
    /// or delivery word in it.
    fn near(&self, from: usize, to: usize, chars: usize, check_reset: bool) -> bool {
        self.text.get(from..to).is_some_and(|between| {
            let lower = between.to_ascii_lowercase();
            between.chars().count() <= chars
                && !(check_reset && BIRTH_RESETS.iter().any(|w| lower.contains(w)))
        })
    }

    /// Whether `태어`/`출생` follows a year ending at `end` (`1981년에 태어났어요`), or a cue comes
    /// right before it (`생년은 81년`).
    fn born_after(&self, end: usize) -> bool {
        let after = self
            .text
            .get(end..)
            .unwrap_or_default()
            .trim_start_matches(|c: char| c.is_whitespace() || c == '에');
        after.starts_with("태어")
            || after.starts_with("출생")
            || self
                .cues
                .iter()
                .any(|&(_, cue_end)| cue_end <= end && self.near(cue_end, end, 12, true))
    }
}

#[cfg(test)]
mod tests {
    use super::super::span_texts;
    use super::*;

    fn dates(text: &str, asked: bool) -> Vec<String> {
        let mut spans = Vec::new();
        let asked = Asked {
            name: false,
            birth_date: asked,
        };
        find_birth_dates(text, asked, &mut spans);
        span_texts(text, &spans)
    }

    #[test]
    fn dates_of_birth_after_a_cue_are_found_in_every_shape() {
        for (text, date) in [
            ("생년월일은 1981-06-09입니다", "1981-06-09"),
            ("생년월일 81.06.09요", "81.06.09"),
            ("생년월일이 810609이에요", "810609"),
            ("주민번호 앞자리는 810609요", "810609"),
            ("생일은 1981년 6월 9일이에요", "1981년 6월 9일"),
            ("생년월일은 팔십일년 유월 구일이요", "팔십일년 유월 구일"),
            (
                "천구백팔십일년 유월 구일생입니다",
                "천구백팔십일년 유월 구일생",
            ),
            ("저 81년생이에요", "81년생"),
            ("1981년에 태어났어요", "1981년"),
            ("생년월일 팔일공육공구이에요", "팔일공육공구"),
            ("My date of birth is June 9th, 1981.", "June 9th, 1981"),
            ("DOB 06/09/1981", "06/09/1981"),
            ("I was born on 9 June 1981", "9 June 1981"),
            ("I was born in 1981", "1981"),
            ("my birthday is the 9th of June", "the 9th of June"),
            ("June 9th, 1981 is my date of birth", "June 9th, 1981"),
        ] {
            assert_eq!(dates(text, false), [date], "{text}");
        }
    }

    #[test]
    fn an_answer_to_a_birth_date_question_needs_no_cue() {
        assert_eq!(
            dates("팔십일년 유월 구일이요", true),
            ["팔십일년 유월 구일"]
        );
        assert_eq!(dates("81년이요", true), ["81년"]);
        assert_eq!(dates("June 9, 1981", true), ["June 9, 1981"]);
        assert!(dates("팔십일년 유월 구일이요", false).is_empty());
    }

    #[test]
    fn ordinary_dates_and_birthday_occasions_are_left_alone() {
        for text in [
            "2024-01-05에 주문하셨어요",
            "1월 5일에 도착 예정입니다",
            "내일 3시에 연락드릴게요",
            "생일 쿠폰은 6월 9일까지 쓰실 수 있어요",
            "생년월일 확인됐고요, 주문은 2024-01-05에 하셨네요",
            "The order from June 9, 2024 shipped",
            "a birthday gift ordered on June 9",
            "이십년 동안 썼어요",
            "newborn size, delivered March 3",
            "생일이벤트로 1월 5일에 받았어요",
            "생일 축하해요, 이십년 생활 끝에",
        ] {
            assert!(
                dates(text, false).is_empty(),
                "{text}: {:?}",
                dates(text, false)
            );
        }
    }
}
