//! A generated corpus for the name and date-of-birth detectors: sentence templates × names built
//! from the surname list and given-name syllables (Korean) or first and family names (English) ×
//! date formats, all by fixed strides over the lists (no randomness), each with the exact
//! redaction expected. Recall is measured per kind; the ordinary sentences of
//! `data/test_ordinary.txt` must come out unchanged.
//!
//! `cargo nextest run -p coach-analyzer corpus --no-capture` prints the figures.

use shared::language::Language;
use shared::transcript::{Speaker, Turn};

use super::data::KO_SURNAMES;
use super::{redact_text, redact_turns};

/// One generated case: an optional agent question before it, the text and the expected text.
struct Case {
    question: Option<String>,
    text: String,
    expected: String,
}

fn entries(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// `items[i * stride + offset]`, wrapping (the lists are never empty).
fn pick<'a>(items: &[&'a str], i: usize, stride: usize, offset: usize) -> &'a str {
    items
        .get((i * stride + offset) % items.len().max(1))
        .copied()
        .unwrap_or_default()
}

fn has_final(word: &str) -> bool {
    word.chars()
        .next_back()
        .is_some_and(|c| (u32::from(c).saturating_sub(0xAC00)) % 28 != 0)
}

/// The text a turn becomes: after the question when there is one.
fn redact_case(case: &Case, language: Language) -> String {
    match case.question.as_deref() {
        None => redact_text(&case.text, language).0,
        Some(question) => {
            let turn = |speaker, text: &str| Turn {
                speaker,
                start_ms: None,
                end_ms: None,
                text: text.to_owned(),
            };
            let mut turns = vec![
                turn(Speaker::Agent, question),
                turn(Speaker::Customer, &case.text),
            ];
            redact_turns(&mut turns);
            turns.pop().map(|t| t.text).unwrap_or_default()
        }
    }
}

/// Korean names: a surname from the list and one or two given syllables (one name in six has a
/// single given syllable, one in nine a two-syllable surname).
fn korean_names(count: usize) -> Vec<(String, bool)> {
    let given = entries(include_str!("data/test_ko_given.txt"));
    let (doubles, singles): (Vec<&str>, Vec<&str>) =
        KO_SURNAMES.iter().partition(|s| s.chars().count() == 2);
    (0..count)
        .map(|i| {
            let surname = if i % 9 == 4 {
                pick(&doubles, i, 3, 0)
            } else {
                pick(&singles, i, 7, 0)
            };
            let first = pick(&given, i, 5, 1);
            let full = i % 6 != 3;
            let second = if full { pick(&given, i, 11, 3) } else { "" };
            (format!("{surname}{first}{second}"), full)
        })
        .collect()
}

const NAME_QUESTION: &str = "본인 확인을 위해 성함 말씀해 주시겠어요?";

fn korean_name_case(i: usize, name: &str, full: bool) -> Case {
    let (i_yo, i_eyo, i_eot, i_rago) = if has_final(name) {
        ("이요", "이에요", "이었습니다", "이라고")
    } else {
        ("요", "예요", "였습니다", "라고")
    };
    let templates: [(Option<&'static str>, String); 16] = [
        (None, format!("성함은 {name}{i_yo}")),
        (None, format!("제 이름은 {name}입니다")),
        (Some(NAME_QUESTION), format!("네, {name}{i_eyo}.")),
        (Some(NAME_QUESTION), format!("{name}{i_yo}")),
        (Some(NAME_QUESTION), format!("{name} 맞아요")),
        (None, format!("{name} 고객님 맞으신가요?")),
        (None, format!("{name}고객님, 잠시만 기다려 주세요")),
        (
            None,
            format!("안녕하십니까, 상담원 {name}입니다. 무엇을 도와드릴까요?"),
        ),
        (None, format!("네, 담당자 {name}입니다")),
        (None, format!("저는 {name}{i_rago} 합니다")),
        (None, format!("지금까지 상담원 {name}{i_eot}.")),
        (None, format!("{name} 상담원입니다, 도와드리겠습니다")),
        if full {
            (None, format!("{name} 님 계신가요?"))
        } else {
            (None, format!("{name} 손님, 주문하신 상품 나왔습니다"))
        },
        (None, format!("{name} 명의로 가입되어 있어요")),
        if full {
            (None, format!("{name}씨 되시죠?"))
        } else {
            (None, format!("성함이 {name}{i_eyo}"))
        },
        (None, format!("감사합니다. {name}{i_eot}")),
    ];
    let (question, text) = templates
        .get(i % templates.len())
        .cloned()
        .unwrap_or_default();
    Case {
        question: question.map(str::to_owned),
        expected: text.replace(name, "[이름]"),
        text,
    }
}

fn english_name_case(i: usize, first: &str, last: &str) -> Case {
    let templates: [(Option<&'static str>, String, String); 12] = [
        (None, format!("My name is {first} {last}."), String::new()),
        (
            None,
            format!("Hi, this is {first} from billing, how can I help?"),
            first.to_owned(),
        ),
        (
            None,
            format!("I'm {first}, and I'll be helping you today."),
            first.to_owned(),
        ),
        (
            None,
            format!("Am I speaking with {first} {last}?"),
            String::new(),
        ),
        (None, format!("Thank you, {first}."), first.to_owned()),
        (
            None,
            format!(
                "{} {last}, your refund has been processed.",
                ["Mr.", "Ms.", "Dr.", "Mrs"][i % 4]
            ),
            last.to_owned(),
        ),
        (
            Some("May I have your full name, please?"),
            format!("Sure, it's {first} {last}."),
            String::new(),
        ),
        (
            Some("Who am I speaking with today?"),
            format!("{first} {last}."),
            String::new(),
        ),
        (
            None,
            format!("You're speaking with {first}."),
            first.to_owned(),
        ),
        (
            None,
            format!("Thanks for contacting us, {first}. Have a great day!"),
            first.to_owned(),
        ),
        (
            None,
            format!("Could I speak to {first} {last}, please?"),
            String::new(),
        ),
        (
            None,
            format!("This is {first} {last} signing off."),
            String::new(),
        ),
    ];
    let (question, text, secret) = templates
        .get(i % templates.len())
        .cloned()
        .unwrap_or_default();
    let secret = if secret.is_empty() {
        format!("{first} {last}")
    } else {
        secret
    };
    Case {
        question: question.map(str::to_owned),
        expected: text.replacen(&secret, "[NAME]", 1),
        text,
    }
}

fn name_cases() -> (Vec<Case>, Vec<Case>) {
    let korean = korean_names(192)
        .iter()
        .enumerate()
        .map(|(i, (name, full))| korean_name_case(i, name, *full))
        .collect();
    let firsts = entries(include_str!("data/test_en_first.txt"));
    let lasts = entries(include_str!("data/test_en_last.txt"));
    let english = (0..108)
        .map(|i| english_name_case(i, pick(&firsts, i, 7, 0), pick(&lasts, i, 5, 2)))
        .collect();
    (korean, english)
}

/// Sino-Korean reading of 0-99 as a year or count (`팔십일`); below ten read digit by digit
/// (`공오`).
fn sino(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or_default();
    match (n / 10, n % 10) {
        (0, 0) => "공공".to_owned(),
        (0, u) => format!("공{}", digit(u)),
        (1, u) => format!("십{}", digit(u)),
        (t, u) => format!("{}십{}", digit(t), digit(u)),
    }
}

fn year_words(year: u32, full: bool) -> String {
    match (full, year) {
        (true, 2000) => "이천".to_owned(),
        (true, y) if y > 2000 => format!("이천{}", sino(y - 2000).trim_start_matches('공')),
        (true, y) => format!("천구백{}", sino(y - 1900)),
        (false, y) => sino(y % 100),
    }
}

fn month_words(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "일월",
        "이월",
        "삼월",
        "사월",
        "오월",
        "유월",
        "칠월",
        "팔월",
        "구월",
        "시월",
        "십일월",
        "십이월",
    ];
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or_default()
}

fn day_words(day: u32) -> String {
    let spoken = sino(day);
    format!("{}일", spoken.trim_start_matches('공'))
}

/// Reads digits out one by one (`810609` → `팔일공육공구`).
fn spell(digits: &str) -> String {
    digits
        .chars()
        .map(|c| match c {
            '0' => "공",
            '1' => "일",
            '2' => "이",
            '3' => "삼",
            '4' => "사",
            '5' => "오",
            '6' => "육",
            '7' => "칠",
            '8' => "팔",
            _ => "구",
        })
        .collect()
}

const BIRTH_QUESTION: &str = "본인 확인을 위해 생년월일 말씀해 주시겠어요?";
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn korean_birth_case(i: usize, (y, m, d): (u32, u32, u32)) -> Case {
    let yy = y % 100;
    let compact = format!("{yy:02}{m:02}{d:02}");
    let formats: [String; 10] = [
        format!("{y}-{m:02}-{d:02}"),
        format!("{yy:02}.{m:02}.{d:02}"),
        compact.clone(),
        format!("{y}{m:02}{d:02}"),
        format!("{y}년 {m}월 {d}일"),
        format!("{yy:02}년 {m}월 {d}일"),
        format!(
            "{}년 {} {}",
            year_words(y, false),
            month_words(m),
            day_words(d)
        ),
        format!(
            "{}년 {} {}",
            year_words(y, true),
            month_words(m),
            day_words(d)
        ),
        format!("{y}/{m:02}/{d:02}"),
        spell(&compact),
    ];
    let date = formats.get(i % formats.len()).cloned().unwrap_or_default();
    let (question, text, secret) = match (i / formats.len()) % 8 {
        0 => (None, format!("생년월일은 {date}입니다"), date),
        1 => (None, format!("제 생일은 {date}이에요"), date),
        2 => (Some(BIRTH_QUESTION), format!("{date}이요"), date),
        3 => (Some(BIRTH_QUESTION), format!("네, {date}입니다"), date),
        4 => (None, format!("주민번호 앞자리는 {compact}요"), compact),
        5 => {
            let born = format!(
                "{}년 {} {}생",
                year_words(y, i.is_multiple_of(2)),
                month_words(m),
                day_words(d)
            );
            (None, format!("{born}입니다"), born)
        }
        6 => {
            let born = if i.is_multiple_of(2) {
                format!("{yy:02}년생")
            } else {
                format!("{}년생", year_words(y, false))
            };
            (None, format!("저 {born}이에요"), born)
        }
        _ => (None, format!("{y}년에 태어났어요"), format!("{y}년")),
    };
    Case {
        question: question.map(str::to_owned),
        expected: text.replacen(&secret, "[생년월일]", 1),
        text,
    }
}

fn english_birth_case(i: usize, (y, m, d): (u32, u32, u32)) -> Case {
    let month = EN_MONTHS
        .get(m.saturating_sub(1) as usize)
        .copied()
        .unwrap_or_default();
    let suffix = match d {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    let formats: [String; 7] = [
        format!("{month} {d}{suffix}, {y}"),
        format!("{month} {d}, {y}"),
        format!("{d} {month} {y}"),
        format!("{m:02}/{d:02}/{y}"),
        format!("{y}-{m:02}-{d:02}"),
        format!("the {d}{suffix} of {month}, {y}"),
        format!("{}. {d}, {y}", month.get(..3).unwrap_or(month)),
    ];
    let date = formats.get(i % formats.len()).cloned().unwrap_or_default();
    let question = "Can you confirm your date of birth, please?";
    let (question, text) = match (i / formats.len()) % 6 {
        0 => (None, format!("My date of birth is {date}.")),
        1 => (None, format!("DOB: {date}")),
        2 => (None, format!("I was born on {date}.")),
        3 => (Some(question), format!("Sure, it's {date}.")),
        4 => (None, format!("{date} is my date of birth.")),
        _ => (None, format!("My birthday is {date}, if that helps.")),
    };
    Case {
        question: question.map(str::to_owned),
        expected: text.replacen(&date, "[DATE_OF_BIRTH]", 1),
        text,
    }
}

/// A date for case `i`: years 1950-2004, every month, days 1-28.
fn date(i: usize) -> (u32, u32, u32) {
    let i = u32::try_from(i).unwrap_or_default();
    (1950 + (i * 7) % 55, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
}

fn birth_cases() -> (Vec<Case>, Vec<Case>) {
    let korean = (0..160).map(|i| korean_birth_case(i, date(i))).collect();
    let english = (0..84)
        .map(|i| english_birth_case(i, date(i + 3)))
        .collect();
    (korean, english)
}

/// The share of cases redacted exactly as expected, and the misses.
fn recall(cases: &[Case], language: Language) -> (f64, Vec<String>) {
    let misses: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let got = redact_case(case, language);
            (got != case.expected).then(|| format!("{} → {got}", case.text))
        })
        .collect();
    let share = 1.0 - misses.len() as f64 / cases.len().max(1) as f64;
    (share, misses)
}

fn assert_recall(kind: &str, korean: &[Case], english: &[Case]) {
    let (ko, ko_misses) = recall(korean, Language::Ko);
    let (en, en_misses) = recall(english, Language::En);
    let total = korean.len() + english.len();
    let all = 1.0 - (ko_misses.len() + en_misses.len()) as f64 / total as f64;
    eprintln!(
        "{kind}: recall {:.1} % of {total} ({:.1} % of {} Korean, {:.1} % of {} English)",
        all * 100.0,
        ko * 100.0,
        korean.len(),
        en * 100.0,
        english.len()
    );
    assert!(total >= 200, "{kind}: only {total} cases");
    assert!(
        all >= 0.95 && ko >= 0.95 && en >= 0.95,
        "{kind}: missed {ko_misses:#?} {en_misses:#?}"
    );
}

#[test]
fn generated_names_are_redacted_with_at_least_95_percent_recall() {
    let (korean, english) = name_cases();
    assert_recall("name", &korean, &english);
}

#[test]
fn generated_dates_of_birth_are_redacted_with_at_least_95_percent_recall() {
    let (korean, english) = birth_cases();
    assert_recall("birth_date", &korean, &english);
}

#[test]
fn ordinary_sentences_with_products_prices_and_dates_come_out_unchanged() {
    let lines = entries(include_str!("data/test_ordinary.txt"));
    assert!(lines.len() >= 100, "{}", lines.len());
    let changed: Vec<String> = lines
        .iter()
        .filter_map(|line| {
            let (question, text) = match line.split_once(" || ") {
                Some((q, a)) => (Some(q), a),
                None => (None, *line),
            };
            let language = if text.is_ascii() {
                Language::En
            } else {
                Language::Ko
            };
            let case = Case {
                question: question.map(str::to_owned),
                text: text.to_owned(),
                expected: String::new(),
            };
            let got = redact_case(&case, language);
            (got != text).then(|| format!("{text} → {got}"))
        })
        .collect();
    eprintln!(
        "ordinary sentences: {} of {} changed",
        changed.len(),
        lines.len()
    );
    assert!(changed.is_empty(), "false positives: {changed:#?}");
}
