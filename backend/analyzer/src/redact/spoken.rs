//! Numbers read out in Korean digit syllables, as speech-to-text writes them: `공일공 일이삼사
//! 오육칠팔`, `공이에 삼사오에 육칠팔구`, `영삼일 다시 일이삼 다시 사오육칠`, `010 일이삼사 오육칠팔`.
//!
//! A run is a sequence of digits (`공/영/빵 일 이 삼 사 오 육/륙 칠 팔 구` or numerals) joined by
//! spaces, `-`, `.`, `,` or the spoken separators `에`, `의` and `다시`. Digit syllables are also
//! ordinary syllables (`이에요`, `사이즈`, `일일이`), so a run only counts when its digits form a
//! Korean phone number (mobile `01X`, Seoul `02`, area `0XX`, `070`, `050X`), a resident registration
//! number (13 digits with a valid birth date, after 주민 or read as 6 + 7), a Luhn-valid card number,
//! or an account number after a bank word; and it must contain at least one spoken digit (numeral-only
//! numbers are the other detectors' job). A copula or particle glued to the ends (`…오육칠팔이에요`,
//! `이 공일공…`) is tried both as a digit and as a word.

use super::{PiiKind, Span, is_birth_date, passes_luhn, push_span, window_before};

/// The value of a digit character, numeral or spoken syllable.
pub(super) fn spoken_digit(c: char) -> Option<u32> {
    Some(match c {
        '공' | '영' | '빵' => 0,
        '일' => 1,
        '이' => 2,
        '삼' => 3,
        '사' => 4,
        '오' => 5,
        '육' | '륙' => 6,
        '칠' => 7,
        '팔' => 8,
        '구' => 9,
        _ => return None,
    })
}

fn digit_value(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| spoken_digit(c))
}

/// Spoken separators between digit groups.
const SPOKEN_SEPARATORS: &[&str] = &["다시", "에", "의"];

/// One digit of a run: its byte range, value and whether it was spoken.
#[derive(Debug, Clone, Copy)]
struct Digit {
    start: usize,
    end: usize,
    value: u32,
    spoken: bool,
    /// Whether a separator precedes this digit (group boundary).
    after_separator: bool,
}

/// Finds numbers read out in digit syllables and records them as spans of their kind.
pub(super) fn find_spoken_numbers(text: &str, spans: &mut Vec<Span>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0usize;
    while i < chars.len() {
        let Some(&(_, c)) = chars.get(i) else { break };
        if digit_value(c).is_none() {
            i += 1;
            continue;
        }
        let (digits, next) = read_run(text, &chars, i);
        if digits.iter().any(|d| d.spoken) && digits.len() >= 9 {
            classify_run(text, &digits, spans);
        }
        i = next.max(i + 1);
    }
}

/// Reads a run starting at char index `i`: its digits and the char index after it.
fn read_run(text: &str, chars: &[(usize, char)], mut i: usize) -> (Vec<Digit>, usize) {
    let mut digits: Vec<Digit> = Vec::new();
    let mut after_separator = false;
    loop {
        if let Some(&(at, c)) = chars.get(i)
            && let Some(value) = digit_value(c)
        {
            digits.push(Digit {
                start: at,
                end: at + c.len_utf8(),
                value,
                spoken: !c.is_ascii_digit(),
                after_separator,
            });
            after_separator = false;
            i += 1;
            continue;
        }
        let after = skip_separator(text, chars, i);
        let continues = after > i
            && chars
                .get(after)
                .is_some_and(|&(_, c)| digit_value(c).is_some());
        if !continues {
            return (digits, i);
        }
        after_separator = true;
        i = after;
    }
}

/// The char index after a separator starting at `i` (or `i` when there is none).
fn skip_separator(text: &str, chars: &[(usize, char)], mut i: usize) -> usize {
    let skip_punctuation = |i: &mut usize| {
        while chars
            .get(*i)
            .is_some_and(|&(_, c)| c.is_whitespace() || matches!(c, '-' | '.' | ',' | '–'))
        {
            *i += 1;
        }
    };
    skip_punctuation(&mut i);
    if let Some(&(at, _)) = chars.get(i) {
        let rest = text.get(at..).unwrap_or_default();
        if let Some(word) = SPOKEN_SEPARATORS.iter().find(|w| rest.starts_with(**w)) {
            i += word.chars().count();
            skip_punctuation(&mut i);
        }
    }
    i
}

/// Tries the run as it is, then without a glued word at either end, and records the most
/// plausible reading that is a known kind: one whose spoken groups have at most four digits
/// (`공일공 삼공칠 일칠칠칠이에요` is 010-307-1777 followed by `이에요`, not 010-307-17772).
fn classify_run(text: &str, digits: &[Digit], spans: &mut Vec<Span>) {
    let n = digits.len();
    let mut fallback: Option<(usize, usize, PiiKind)> = None;
    for (skip_start, skip_end) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let Some(part) = digits.get(skip_start..n.saturating_sub(skip_end)) else {
            continue;
        };
        if skip_end == 1 && !is_glued_word(text, digits, n - 1) {
            continue;
        }
        if skip_start == 1 && digits.get(1).is_some_and(|d| !d.after_separator) {
            continue;
        }
        let (Some(first), Some(last)) = (part.first(), part.last()) else {
            continue;
        };
        if !part.iter().any(|d| d.spoken) {
            continue;
        }
        if let Some(kind) = kind_of(text, part, first.start) {
            if has_plausible_groups(part) {
                push_span(spans, first.start, last.end, kind);
                return;
            }
            fallback.get_or_insert((first.start, last.end, kind));
        }
    }
    if let Some((start, end, kind)) = fallback {
        push_span(spans, start, end, kind);
    }
}

/// Whether every group of a grouped reading has at most four digits (an ungrouped run is fine).
fn has_plausible_groups(part: &[Digit]) -> bool {
    let mut groups: Vec<usize> = Vec::new();
    for (i, digit) in part.iter().enumerate() {
        match groups.last_mut() {
            Some(size) if i == 0 || !digit.after_separator => *size += 1,
            _ => groups.push(1),
        }
    }
    groups.len() <= 1 || groups.iter().all(|&size| size <= 4)
}

/// Whether the run's digit at `index` is the start of a word glued to what follows
/// (`이에요`, `이요`, `이고`): a spoken digit directly followed by a non-digit Hangul syllable or by
/// `에` that does not lead to more digits.
fn is_glued_word(text: &str, digits: &[Digit], index: usize) -> bool {
    let Some(digit) = digits.get(index) else {
        return false;
    };
    digit.spoken
        && text
            .get(digit.end..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c) && digit_value(c).is_none())
}

/// Words near a number that make it an account number.
const ACCOUNT_WORDS: &[&str] = &["계좌", "은행", "뱅크", "농협", "우체국", "신협", "새마을"];

/// The kind of a digit sequence, if it is one.
fn kind_of(text: &str, part: &[Digit], start: usize) -> Option<PiiKind> {
    let values: Vec<u32> = part.iter().map(|d| d.value).collect();
    if is_korean_phone(&values) {
        return Some(PiiKind::Phone);
    }
    let context = window_before(text, start, 20);
    let grouped_6_7 = part.get(6).is_some_and(|d| d.after_separator);
    if values.len() == 13
        && is_birth_date(&values)
        && values.get(6).is_some_and(|d| (1..=8).contains(d))
        && (context.contains("주민") || grouped_6_7)
    {
        return Some(PiiKind::Rrn);
    }
    if (15..=16).contains(&values.len()) && passes_luhn(&values) {
        return Some(PiiKind::Card);
    }
    if (10..=14).contains(&values.len()) && ACCOUNT_WORDS.iter().any(|w| context.contains(w)) {
        return Some(PiiKind::Account);
    }
    None
}

/// Korean phone numbers by prefix and length: `01X` + 7-8, `02` + 7-8, `0[3-6][1-5]` + 7-8,
/// `070` + 8, `050X` + 7-8.
fn is_korean_phone(d: &[u32]) -> bool {
    let n = d.len();
    match d {
        [0, 1, 0 | 1 | 6 | 7 | 8 | 9, ..] => (10..=11).contains(&n),
        [0, 2, ..] => (9..=10).contains(&n),
        [0, 7, 0, ..] => n == 11,
        [0, 5, 0, _, ..] => (11..=12).contains(&n),
        [0, a, b, ..] if (3..=6).contains(a) && (1..=5).contains(b) => (10..=11).contains(&n),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, PiiKind)> {
        let mut spans = Vec::new();
        find_spoken_numbers(text, &mut spans);
        spans
            .iter()
            .filter_map(|s| Some((text.get(s.start..s.end)?.to_owned(), s.kind)))
            .collect()
    }

    #[test]
    fn spoken_phone_numbers_beyond_010_are_found() {
        for (text, number) in [
            (
                "번호는 공일공 일이삼사 오육칠팔이에요",
                "공일공 일이삼사 오육칠팔",
            ),
            (
                "공일일에 삼사오에 육칠팔구로 주세요",
                "공일일에 삼사오에 육칠팔구",
            ),
            ("집 전화는 공이 삼사오 육칠팔구예요", "공이 삼사오 육칠팔구"),
            (
                "영삼일 다시 칠팔구 다시 일이삼사요",
                "영삼일 다시 칠팔구 다시 일이삼사",
            ),
            ("공칠공 일이삼사 오륙칠팔", "공칠공 일이삼사 오륙칠팔"),
            (
                "010 일이삼사 오육칠팔로 연락 주세요",
                "010 일이삼사 오육칠팔",
            ),
            (
                "네 공일공의 구팔칠육의 오사삼이",
                "공일공의 구팔칠육의 오사삼이",
            ),
            (
                "제 번호가 이 공일공 일일일일 이이이이이에요",
                "공일공 일일일일 이이이이",
            ),
        ] {
            assert_eq!(kinds(text), [(number.to_owned(), PiiKind::Phone)], "{text}");
        }
    }

    #[test]
    fn spoken_resident_card_and_account_numbers_are_found_by_digits_and_context() {
        assert_eq!(
            kinds("주민번호는 구공공일공일 일이삼사오육칠입니다")
                .first()
                .map(|k| k.1),
            Some(PiiKind::Rrn)
        );
        assert_eq!(
            kinds("카드 사일일일 일일일일 일일일일 일일일일이요")
                .first()
                .map(|k| k.1),
            Some(PiiKind::Card)
        );
        assert_eq!(
            kinds("국민은행 계좌 일일공 일이삼 사오육칠팔구요")
                .first()
                .map(|k| k.1),
            Some(PiiKind::Account)
        );
    }

    #[test]
    fn ordinary_words_made_of_digit_syllables_are_left_alone() {
        for text in [
            "일이 많아서 일일이 확인했어요",
            "사이즈가 이상해서 이사 오기 전에 구입했어요",
            "오늘 오후 삼사일 이내 도착 예정입니다",
            "이 일은 이번 주 안에 처리해 드리겠습니다",
            "2024년 5월 3일 이후에 구매하셨나요",
            "일일 이용권 삼만 원입니다",
            "대표번호 일오팔팔 일이삼사로 연락 주세요",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }
}
