//! PII redaction, applied to turns before they are stored, analysed or sent to any LLM.
//!
//! Detected kinds (codes in [`PiiCount::kind`]): `email`, `rrn` (Korean resident registration
//! numbers, `######-#######`, also masked or, after the word 주민, unhyphenated), `account` (bank
//! account numbers after 계좌/은행/account …), `card` (13-19 digits, Luhn-valid), `phone` (Korean
//! mobile and landline numbers with or without `-`, `.`, spaces, `+82`; North-American numbers with
//! separators), numbers read out in Korean digits (`공일공 일이삼사 오육칠팔`, `공이에 삼사오에
//! 육칠팔구`, `영삼일 다시 …`, mixed with numerals; classified as phone, resident number, card or
//! account by their digits and context), `address` (Korean road-name and lot addresses with
//! their building number when an administrative unit, an address word or a unit detail confirms
//! them, `101동 1203호` unit numbers, and English street addresses with a street type), and:
//!
//! * `name` (`redact/names.rs`): people's names where the call states them: after 성함/이름 and role
//!   labels (`성함은 고태식이요`, `상담원 김민지입니다`, `저는 …입니다`), before honorifics and roles
//!   (`오태민 고객님`, `고태식님`, `김민지 씨`, `김민지 상담원입니다`, `고태식 명의로`), in sign-offs
//!   (`지금까지 김민지였습니다`), at the start of an answer to a name question (`고태식이요` after
//!   `성함이 어떻게 되세요?`); English after `my name is`, `this is`, `I'm`, `speaking with`,
//!   `Mr/Ms/Dr`, `thank you,`, in a closing (`Thanks for calling, Jordan.`) and in answers. A
//!   Korean name is a listed surname and one or two given syllables; ordinary words that start
//!   like a surname (`이번`, `정말`, `고객`) are listed apart and never taken.
//! * `birth_date` (`redact/birth.rs`): dates of birth in digits, Korean words (`팔십일년 유월 구일`),
//!   read-out digits, `81년생` and English (`June 9th, 1981`), only in a birth context: a cue
//!   nearby (생년월일, 생일, 태어, date of birth, DOB, born …), `생` glued to it, or the previous
//!   turn asking for it.
//! * `organization` (`redact/organization.rs`): the company that runs the call, where it is named before
//!   a centre word (`행복쇼핑 고객센터`) or in an English greeting (`Thank you for calling Acme
//!   Telecom`).
//!
//! Each turn is read with what the previous turn asked for (`Asked`: a bare `고태식이요` is a
//! name after `성함이 어떻게 되세요?`, `팔십일년 유월 구일이요` a date of birth after `생년월일 말씀해
//! 주세요`), and a name or company found anywhere is hidden wherever it recurs in the conversation
//! (`redact/known.rs`).
//!
//! Placeholders are typed and follow the conversation's language (decided once per conversation,
//! so one transcript never mixes schemes): Korean `[전화번호]`, `[이메일]`, `[주민등록번호]`,
//! `[카드번호]`, `[계좌번호]`, `[주소]`, `[이름]`, `[생년월일]`, `[회사]`; otherwise `[PHONE]`,
//! `[EMAIL]`, `[NATIONAL_ID]`, `[CARD]`, `[ACCOUNT]`, `[ADDRESS]`, `[NAME]`, `[DATE_OF_BIRTH]`,
//! `[COMPANY]`.
//!
//! Not redacted: prices (`15,000원`), dates outside a birth context (`2024-01-05`, `1월 5일
//! 도착`, `생일 쿠폰은 6월 9일까지`), times, codes glued to letters (`A-20240105-0012`), company
//! numbers (`1588-1234`), card-like or North-American-phone-like numbers right after
//! order/tracking words (주문, 송장, order, tracking …), Korean-phone-like numbers right after a
//! reference label (주문번호, 송장번호 …), place names without a building number (`강남구에 매장이
//! 있어요`), counts and durations after place-like words (`택배로 3개`, `역삼동 3분 거리`, `2호선 3번
//! 출구`), ordinary words made of digit syllables (`일일이`, `사이즈`), a surname alone (`김
//! 고객님`: it identifies no one, and `이 고객님` is an ordinary phrase), names in no stating
//! context (a name said only in passing, `고태식` alone without a question before it), lower-case
//! English names, and companies that a call never names before a centre word or in a greeting.

mod address;
mod birth;
#[cfg(test)]
mod corpus;
mod data;
mod known;
mod names;
mod organization;
mod spoken;

use std::sync::LazyLock;

use regex::Regex;
use shared::report::PiiCount;
use shared::transcript::{Speaker, Turn};

use super::language::detect_language;
use shared::language::Language;

/// A kind of personal information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    /// Bank account number.
    Account,
    /// Payment card number.
    Card,
    /// E-mail address.
    Email,
    /// Telephone number.
    Phone,
    /// Korean resident registration number (주민등록번호).
    Rrn,
    /// Street address (road or lot number, unit).
    Address,
    /// A person's name (customer or agent).
    Name,
    /// Date of birth (full, year of birth, or birthday).
    BirthDate,
    /// Company name (the centre's operator, `행복쇼핑 고객센터`).
    Organization,
}

impl PiiKind {
    /// All kinds, in code order.
    pub const ALL: [Self; KINDS] = [
        Self::Account,
        Self::Address,
        Self::BirthDate,
        Self::Card,
        Self::Email,
        Self::Name,
        Self::Organization,
        Self::Phone,
        Self::Rrn,
    ];

    /// The stable code used in reports.
    pub fn code(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
            Self::BirthDate => "birth_date",
            Self::Card => "card",
            Self::Email => "email",
            Self::Name => "name",
            Self::Organization => "organization",
            Self::Phone => "phone",
            Self::Rrn => "rrn",
        }
    }

    /// The placeholder that replaces an item in a conversation of the given language.
    pub fn placeholder(self, language: Language) -> &'static str {
        match (language, self) {
            (Language::Ko, Self::Account) => "[계좌번호]",
            (Language::Ko, Self::Address) => "[주소]",
            (Language::Ko, Self::BirthDate) => "[생년월일]",
            (Language::Ko, Self::Card) => "[카드번호]",
            (Language::Ko, Self::Email) => "[이메일]",
            (Language::Ko, Self::Name) => "[이름]",
            (Language::Ko, Self::Organization) => "[회사]",
            (Language::Ko, Self::Phone) => "[전화번호]",
            (Language::Ko, Self::Rrn) => "[주민등록번호]",
            (Language::En, Self::Account) => "[ACCOUNT]",
            (Language::En, Self::Address) => "[ADDRESS]",
            (Language::En, Self::BirthDate) => "[DATE_OF_BIRTH]",
            (Language::En, Self::Card) => "[CARD]",
            (Language::En, Self::Email) => "[EMAIL]",
            (Language::En, Self::Name) => "[NAME]",
            (Language::En, Self::Organization) => "[COMPANY]",
            (Language::En, Self::Phone) => "[PHONE]",
            (Language::En, Self::Rrn) => "[NATIONAL_ID]",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Account => 0,
            Self::Address => 1,
            Self::BirthDate => 2,
            Self::Card => 3,
            Self::Email => 4,
            Self::Name => 5,
            Self::Organization => 6,
            Self::Phone => 7,
            Self::Rrn => 8,
        }
    }
}

/// Number of PII kinds.
const KINDS: usize = 9;

/// What the previous turn asked the speaker of a turn for. An answer then counts as a name or a
/// date of birth without a cue of its own (`성함이 어떻게 되세요?` → `고태식이요`,
/// `생년월일 말씀해 주세요` → `팔십일년 유월 구일이요`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Asked {
    /// The question asked for a name (성함, 이름, 누구, your name …).
    name: bool,
    /// The question asked for a date of birth (생년월일, 생일, date of birth …).
    birth_date: bool,
}

impl Asked {
    /// What `previous` asked for, when `turn` answers it: the question comes from the agent (or an
    /// unattributed speaker) and the answer from someone else than the agent.
    fn between(previous: &Turn, turn: &Turn) -> Self {
        if previous.speaker == Speaker::Customer || turn.speaker == Speaker::Agent {
            return Self::default();
        }
        let mut asked = Self::default();
        if let Some(questions) = QUESTIONS.as_ref() {
            for m in questions.find_overlapping_iter(&previous.text) {
                if m.pattern().as_usize() < data::NAME_QUESTIONS.len() {
                    asked.name = true;
                } else {
                    asked.birth_date = true;
                }
            }
        }
        asked
    }
}

/// The name questions, then the birth cues, matched case-insensitively in one pass.
static QUESTIONS: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(data::NAME_QUESTIONS.iter().chain(data::BIRTH_CUES))
        .ok()
});

/// Whether a text has an English word (two lower-case ASCII letters in a row): the English name
/// and company cues all do, so Korean turns with a code (`A-20240105-0012`) skip them.
fn has_english_words(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w.iter().all(u8::is_ascii_lowercase))
}

/// Redacts every turn in place (placeholders in the conversation's language) and returns the
/// non-zero counts per kind, sorted by kind code.
///
/// A turn is read with what the previous turn asked for (a bare `고태식이요` after `성함이
/// 어떻게 되세요?` is a name), and a name or company found anywhere hides its other mentions in
/// every turn (`오태민 고객님` in one turn, `오태민 맞아요` in the next).
pub fn redact_turns(turns: &mut [Turn]) -> Vec<PiiCount> {
    let language = detect_language(turns);
    let mut found: Vec<Vec<Span>> = Vec::with_capacity(turns.len());
    for (i, turn) in turns.iter().enumerate() {
        let asked = i
            .checked_sub(1)
            .and_then(|p| turns.get(p))
            .map_or_else(Asked::default, |previous| Asked::between(previous, turn));
        found.push(find_spans(&turn.text, asked));
    }
    let known = known::Known::collect(turns.iter().map(|t| t.text.as_str()).zip(&found));
    let mut totals = [0u32; KINDS];
    for (turn, mut spans) in turns.iter_mut().zip(found) {
        known.find(&turn.text, &mut spans);
        let (text, counts) = apply(&turn.text, spans, language);
        if let Some(text) = text {
            turn.text = text;
        }
        for (total, count) in totals.iter_mut().zip(counts) {
            *total = total.saturating_add(count);
        }
    }
    to_pii_counts(totals)
}

/// Redacts one text; returns the redacted text and the non-zero counts per kind. The text is read
/// on its own (no question before it), and a name or company found in it hides its other
/// mentions.
pub fn redact_text(text: &str, language: Language) -> (String, Vec<PiiCount>) {
    let mut spans = find_spans(text, Asked::default());
    known::Known::collect(std::iter::once((text, &spans))).find(text, &mut spans);
    let (redacted, counts) = apply(text, spans, language);
    (
        redacted.unwrap_or_else(|| text.to_owned()),
        to_pii_counts(counts),
    )
}

fn to_pii_counts(counts: [u32; KINDS]) -> Vec<PiiCount> {
    PiiKind::ALL
        .iter()
        .filter_map(|kind| {
            let count = counts.get(kind.index()).copied().unwrap_or(0);
            (count > 0).then(|| PiiCount {
                kind: kind.code().to_owned(),
                count,
            })
        })
        .collect()
}

/// The texts of spans in order of position (for tests).
#[cfg(test)]
fn span_texts(text: &str, spans: &[Span]) -> Vec<String> {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| s.start);
    spans
        .iter()
        .filter_map(|s| text.get(s.start..s.end).map(str::to_owned))
        .collect()
}

/// A detected item: byte range and kind.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: PiiKind,
}

/// Finds every item of one text. Number-shaped kinds come first, so a name or date detector never
/// takes a span a more specific one found.
fn find_spans(text: &str, asked: Asked) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    if text.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        find_emails(text, &mut spans);
        find_rrns(text, &mut spans);
        find_accounts(text, &mut spans);
        find_cards(text, &mut spans);
        find_phones(text, &mut spans);
    }
    if text.chars().any(|c| spoken::spoken_digit(c).is_some()) {
        spoken::find_spoken_numbers(text, &mut spans);
    }
    if text.bytes().any(|b| b.is_ascii_digit()) {
        address::find_addresses(text, &mut spans);
    }
    birth::find_birth_dates(text, asked, &mut spans);
    organization::find_organizations(text, &mut spans);
    names::find_names(text, asked, &mut spans);
    spans
}

/// Replaces the spans with their placeholders; `None` for the text when there are none.
fn apply(text: &str, mut spans: Vec<Span>, language: Language) -> (Option<String>, [u32; KINDS]) {
    let mut counts = [0u32; KINDS];
    if spans.is_empty() {
        return (None, counts);
    }
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0usize;
    for span in &spans {
        out.push_str(text.get(cursor..span.start).unwrap_or_default());
        out.push_str(span.kind.placeholder(language));
        cursor = span.end;
        if let Some(count) = counts.get_mut(span.kind.index()) {
            *count += 1;
        }
    }
    out.push_str(text.get(cursor..).unwrap_or_default());
    (Some(out), counts)
}

/// Compiles a pattern once. The patterns are constants checked by a unit test, so `None` (which
/// would skip that detector) cannot happen in a tested build.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"));
static RRN: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"[0-9]{6}\s?[-–]\s?[1-8](?:[0-9]{6}|\*{6})|[0-9]{13}"));
static ACCOUNT_KEYWORD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)계좌|은행|뱅크|농협|우체국|새마을금고|신협|account(?:\s+number|\s+no\.?|\s*#)?|acct",
    )
});
static NUMBER_RUN: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"[0-9]+(?:[- ][0-9]+){0,5}"));
static CARD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"3[47][0-9]{2}[- ]?[0-9]{6}[- ]?[0-9]{5}|[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{1,7}",
    )
});
static KOREAN_PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?:\+82[-. ]?(?:\(0\)[-. ]?)?|\(?0)(?:1[016789]|2|[3-6][1-5]|70|50[0-9])\)?[-. ]?[0-9]{3,4}[-. ]?[0-9]{4}",
    )
});
static NANP_PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"(?:\+?1[-. ]?)?(?:\([2-9][0-9]{2}\)\s?|[2-9][0-9]{2}[-. ])[2-9][0-9]{2}[-. ][0-9]{4}")
});
/// Words after which a long number is an order, tracking or reference number, not PII.
const REFERENCE_WORDS: &[&str] = &[
    "주문",
    "송장",
    "운송장",
    "접수번호",
    "예약번호",
    "회원번호",
    "조회번호",
    "사업자",
    "order",
    "tracking",
    "invoice",
    "reference",
    "ref",
    "confirmation",
    "ticket",
    "case",
];

fn overlaps(spans: &[Span], start: usize, end: usize) -> bool {
    spans.iter().any(|s| start < s.end && s.start < end)
}

fn push_span(spans: &mut Vec<Span>, start: usize, end: usize, kind: PiiKind) {
    if !overlaps(spans, start, end) {
        spans.push(Span { start, end, kind });
    }
}

/// Whether a number starting at `start` is not glued to a preceding code (`A-2024…`, `x2024`).
fn is_free_before(text: &str, start: usize) -> bool {
    let mut before = text.get(..start).unwrap_or_default().chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() => false,
        Some('-' | '_' | '.' | '/' | '#') => {
            !before.next().is_some_and(|c| c.is_ascii_alphanumeric())
        }
        Some(_) => true,
    }
}

/// Whether a number ending at `end` is not continued by more digits or code characters.
fn is_free_after(text: &str, end: usize) -> bool {
    let mut after = text.get(end..).unwrap_or_default().chars();
    match after.next() {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() => false,
        Some('-' | '_' | '.' | '/' | ',') => {
            !after.next().is_some_and(|c| c.is_ascii_alphanumeric())
        }
        Some(_) => true,
    }
}

fn is_free(text: &str, start: usize, end: usize) -> bool {
    is_free_before(text, start) && is_free_after(text, end)
}

/// The (lower-cased) text within `chars` characters before `start`.
fn window_before(text: &str, start: usize, chars: usize) -> String {
    let head = text.get(..start).unwrap_or_default();
    let from = head
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    head.get(from..).unwrap_or_default().to_lowercase()
}

/// Labels of numbered references; a number right after one is not a phone number even when it looks
/// like one (`주문번호 0312345678`).
const REFERENCE_LABELS: &[&str] = &[
    "주문번호",
    "송장번호",
    "운송장",
    "접수번호",
    "예약번호",
    "회원번호",
    "조회번호",
    "사업자",
    "order",
    "tracking",
    "invoice",
];

fn follows_reference_word(text: &str, start: usize) -> bool {
    let window = window_before(text, start, 15);
    REFERENCE_WORDS.iter().any(|w| window.contains(w))
}

fn follows_reference_label(text: &str, start: usize) -> bool {
    let window = window_before(text, start, 10);
    REFERENCE_LABELS.iter().any(|w| window.contains(w))
}

fn digits_of(candidate: &str) -> Vec<u32> {
    candidate.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The Luhn checksum used by payment cards.
fn passes_luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether six digits are a plausible YYMMDD birth date.
fn is_birth_date(digits: &[u32]) -> bool {
    match digits {
        [_, _, m1, m2, d1, d2, ..] => {
            let month = m1 * 10 + m2;
            let day = d1 * 10 + d2;
            (1..=12).contains(&month) && (1..=31).contains(&day)
        }
        _ => false,
    }
}

fn find_emails(text: &str, spans: &mut Vec<Span>) {
    let Some(re) = EMAIL.as_ref() else { return };
    for m in re.find_iter(text) {
        push_span(spans, m.start(), m.end(), PiiKind::Email);
    }
}

fn find_rrns(text: &str, spans: &mut Vec<Span>) {
    let Some(re) = RRN.as_ref() else { return };
    for m in re.find_iter(text) {
        if !is_free(text, m.start(), m.end()) {
            continue;
        }
        let digits = digits_of(m.as_str());
        let hyphenated = !m.as_str().bytes().all(|b| b.is_ascii_digit());
        let gender_ok = digits.get(6).is_some_and(|d| (1..=8).contains(d));
        let in_context = hyphenated || window_before(text, m.start(), 15).contains("주민");
        if is_birth_date(&digits) && gender_ok && in_context {
            push_span(spans, m.start(), m.end(), PiiKind::Rrn);
        }
    }
}

fn find_accounts(text: &str, spans: &mut Vec<Span>) {
    let (Some(keyword), Some(number)) = (ACCOUNT_KEYWORD.as_ref(), NUMBER_RUN.as_ref()) else {
        return;
    };
    for k in keyword.find_iter(text) {
        // Look a little way ahead of the keyword: `계좌번호는 110-123-456789입니다`.
        let tail = text.get(k.end()..).unwrap_or_default();
        let window_end = tail.char_indices().nth(30).map_or(tail.len(), |(i, _)| i);
        let window = tail.get(..window_end).unwrap_or_default();
        let Some(m) = number.find(window) else {
            continue;
        };
        let between = window.get(..m.start()).unwrap_or_default().to_lowercase();
        if between.contains("카드") || between.contains("card") {
            continue;
        }
        let (start, end) = (k.end() + m.start(), k.end() + m.end());
        let digit_count = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        if (10..=16).contains(&digit_count) && is_free(text, start, end) {
            push_span(spans, start, end, PiiKind::Account);
        }
    }
}

fn find_cards(text: &str, spans: &mut Vec<Span>) {
    let Some(re) = CARD.as_ref() else { return };
    for m in re.find_iter(text) {
        let digits = digits_of(m.as_str());
        if (13..=19).contains(&digits.len())
            && passes_luhn(&digits)
            && is_free(text, m.start(), m.end())
            && !follows_reference_word(text, m.start())
        {
            push_span(spans, m.start(), m.end(), PiiKind::Card);
        }
    }
}

fn find_phones(text: &str, spans: &mut Vec<Span>) {
    if let Some(re) = KOREAN_PHONE.as_ref() {
        for m in re.find_iter(text) {
            let digits = digits_of(m.as_str()).len();
            if (9..=13).contains(&digits)
                && is_free(text, m.start(), m.end())
                && !follows_reference_label(text, m.start())
            {
                push_span(spans, m.start(), m.end(), PiiKind::Phone);
            }
        }
    }
    if let Some(re) = NANP_PHONE.as_ref() {
        for m in re.find_iter(text) {
            if is_free(text, m.start(), m.end()) && !follows_reference_word(text, m.start()) {
                push_span(spans, m.start(), m.end(), PiiKind::Phone);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::transcript::Speaker;

    use super::*;

    fn redact_ko(text: &str) -> String {
        redact_text(text, Language::Ko).0
    }

    #[test]
    fn every_pattern_compiles() {
        for pattern in [
            &EMAIL,
            &RRN,
            &ACCOUNT_KEYWORD,
            &NUMBER_RUN,
            &CARD,
            &KOREAN_PHONE,
            &NANP_PHONE,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn korean_phone_numbers_in_every_common_shape_are_redacted() {
        for phone in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "010.1234.5678",
            "011-123-4567",
            "02-123-4567",
            "02-1234-5678",
            "(02) 123-4567",
            "031-123-4567",
            "070-1234-5678",
            "+82 10-1234-5678",
            "+82-10-1234-5678",
            "+821012345678",
            "+82 (0)10 1234 5678",
            "+82 2-123-4567",
        ] {
            let text = format!("제 번호는 {phone}이에요.");
            assert_eq!(redact_ko(&text), "제 번호는 [전화번호]이에요.", "{phone}");
        }
    }

    #[test]
    fn spoken_korean_digits_are_redacted_as_phones() {
        assert_eq!(
            redact_ko("번호는 공일공 일이삼사 오육칠팔이에요"),
            "번호는 [전화번호]이에요"
        );
        assert_eq!(
            redact_ko("집 전화는 공이에 삼사오에 육칠팔구예요"),
            "집 전화는 [전화번호]예요"
        );
        assert_eq!(
            redact_ko("일이 많아서 일일이 확인했어요"),
            "일이 많아서 일일이 확인했어요"
        );
    }

    #[test]
    fn emails_rrns_cards_and_accounts_are_redacted_with_typed_placeholders() {
        assert_eq!(
            redact_ko("메일은 kim.minsu+cs@example.co.kr로 주세요"),
            "메일은 [이메일]로 주세요"
        );
        assert_eq!(
            redact_ko("주민번호 900101-1234567 맞으세요?"),
            "주민번호 [주민등록번호] 맞으세요?"
        );
        assert_eq!(
            redact_ko("주민등록번호는 9001012234567입니다"),
            "주민등록번호는 [주민등록번호]입니다"
        );
        assert_eq!(
            redact_ko("앞자리 900101-1****** 입니다"),
            "앞자리 [주민등록번호] 입니다"
        );
        assert_eq!(
            redact_ko("카드번호 4111-1111-1111-1111 입니다"),
            "카드번호 [카드번호] 입니다"
        );
        assert_eq!(redact_ko("카드 4111 1111 1111 1111요"), "카드 [카드번호]요");
        assert_eq!(redact_ko("5500000000000004로 결제"), "[카드번호]로 결제");
        assert_eq!(redact_ko("아멕스 3782-822463-10005"), "아멕스 [카드번호]");
        assert_eq!(
            redact_ko("환불 계좌는 국민은행 123-45-678901입니다"),
            "환불 계좌는 국민은행 [계좌번호]입니다"
        );
        assert_eq!(
            redact_ko("신한 계좌번호 110-123-456789로 보내 주세요"),
            "신한 계좌번호 [계좌번호]로 보내 주세요"
        );
        assert_eq!(
            redact_ko("카카오뱅크 3333-01-1234567이요"),
            "카카오뱅크 [계좌번호]이요"
        );
    }

    #[test]
    fn addresses_are_redacted_with_a_typed_placeholder() {
        let (text, counts) = redact_text(
            "배송지는 서울특별시 강남구 테헤란로 123, 101동 1203호입니다",
            Language::Ko,
        );
        assert_eq!(text, "배송지는 [주소]입니다");
        assert_eq!(
            counts,
            [PiiCount {
                kind: "address".into(),
                count: 1
            }]
        );
        assert_eq!(
            redact_text("Ship it to 42 Oak Ave, Apt 5 please", Language::En).0,
            "Ship it to [ADDRESS] please"
        );
    }

    #[test]
    fn english_conversations_get_english_placeholders() {
        let (text, counts) = redact_text(
            "Call me at (977) 625-2661 or mail cminh730@email.com",
            Language::En,
        );
        assert_eq!(text, "Call me at [PHONE] or mail [EMAIL]");
        assert_eq!(
            counts,
            [
                PiiCount {
                    kind: "email".into(),
                    count: 1
                },
                PiiCount {
                    kind: "phone".into(),
                    count: 1
                }
            ]
        );
        assert_eq!(
            redact_text("my number is 977-625-2661.", Language::En).0,
            "my number is [PHONE]."
        );
    }

    #[test]
    fn prices_dates_times_and_order_numbers_are_left_alone() {
        for text in [
            "배송비 포함 15,000원입니다",
            "총 1,250,000원 결제되셨어요",
            "2024-01-05에 주문하셨네요",
            "2024.01.05 오후 2시 30분",
            "14:30에 다시 연락드릴게요",
            "주문번호 A-20240105-0012 확인했습니다",
            "주문번호 20240105-0012 맞으세요?",
            "주문번호는 2024010512345678입니다",
            "주문번호 0312345678 맞으세요?",
            "송장번호 01012345678 조회해 주세요",
            "운송장 번호 6012-3456-7890 입니다",
            "대표번호 1588-1234로 연락 주세요",
            "모델명 SM-G991N 제품이에요",
            "Order ID: 3348917502",
            "order 4111111111111111 shipped",
            "3개월 할부로 30만원씩",
            "영업일 기준 3~5일 소요됩니다",
            "은행 영업일 기준 2일 이내 입금됩니다",
            "계좌로 15,000원 입금해 드렸습니다",
            "쿠폰 코드 ABCD-1234-5678-9012",
            "202401-1234567 은 접수번호 형식이에요",
            "버전 10.2.3 업데이트 후에",
        ] {
            assert_eq!(redact_ko(text), text, "{text}");
        }
    }

    /// A tiny deterministic generator for the corpus test.
    struct Digits(u64);

    impl Digits {
        fn next(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % below
        }

        fn digits(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| char::from(b'0' + self.next(10) as u8))
                .collect()
        }

        fn luhn_card(&mut self) -> String {
            let body: Vec<u32> = std::iter::once(4)
                .chain((0..14).map(|_| self.next(10) as u32))
                .collect();
            let check = (0..10)
                .find(|c| passes_luhn(&[body.as_slice(), &[*c]].concat()))
                .unwrap_or(0);
            body.iter()
                .chain(std::iter::once(&check))
                .map(|d| char::from(b'0' + *d as u8))
                .collect()
        }
    }

    /// Spells digits the way speech-to-text writes them (공/영 for 0, 육/륙 for 6).
    fn spell(g: &mut Digits, digits: &str) -> String {
        digits
            .chars()
            .map(|c| match c {
                '0' => ["공", "공", "영"][g.next(3) as usize],
                '1' => "일",
                '2' => "이",
                '3' => "삼",
                '4' => "사",
                '5' => "오",
                '6' => ["육", "육", "륙"][g.next(3) as usize],
                '7' => "칠",
                '8' => "팔",
                _ => "구",
            })
            .collect()
    }

    /// A generated PII item in a sentence, with the exact redaction expected.
    struct Positive {
        text: String,
        expected: String,
        placeholder: &'static str,
        spoken: bool,
    }

    fn generate_positives(g: &mut Digits) -> Vec<Positive> {
        const TEMPLATES: &[(&str, &str)] = &[
            ("네 고객님, ", " 맞으신가요?"),
            ("제 거는 ", "이에요."),
            ("", "로 보내 주세요"),
            ("확인해 보니 ", " 으로 등록되어 있습니다."),
        ];
        const ROADS: &[&str] = &[
            "테헤란로",
            "세종대로",
            "판교역로",
            "중앙로",
            "월드컵북로",
            "동백중앙로191번길",
            "해운대로",
            "올림픽로",
        ];
        const ADMINS: &[&str] = &[
            "서울특별시 강남구",
            "경기도 성남시 분당구",
            "부산광역시 해운대구",
            "서울 마포구",
            "인천광역시 연수구",
            "대전 유성구",
        ];
        const LOTS: &[&str] = &["역삼동", "성수동2가", "신림동", "오창읍 각리", "중동"];
        const STREETS: &[&str] = &[
            "Baker Street",
            "Oak Ave",
            "Elm Way",
            "Main St",
            "Maple Road",
        ];
        let mut out: Vec<Positive> = Vec::new();
        // `kept` stays (a keyword before the number), `secret` becomes the placeholder.
        let mut push = |kept: &str, secret: String, placeholder: &'static str, i: usize| {
            let (before, after) = TEMPLATES[i % TEMPLATES.len()];
            out.push(Positive {
                text: format!("{before}{kept}{secret}{after}"),
                expected: format!("{before}{kept}{placeholder}{after}"),
                placeholder,
                spoken: !secret.is_ascii() && !placeholder.contains('주'),
            });
        };
        for i in 0..36 {
            let (a, b) = (g.digits(4), g.digits(4));
            let prefix = ["010", "011", "016", "019"][i % 4];
            let phone = match i % 5 {
                0 => format!("{prefix}-{a}-{b}"),
                1 => format!("{prefix}{a}{b}"),
                2 => format!("{prefix} {a} {b}"),
                3 => format!("{prefix}.{a}.{b}"),
                _ => format!("+82 {}-{a}-{b}", prefix.trim_start_matches('0')),
            };
            push("", phone, "[전화번호]", i);
            let area = ["02", "031", "051", "062", "070"][i % 5];
            let middle = if area == "070" { 4 } else { 3 + i % 2 };
            push(
                "",
                format!("{area}-{}-{}", g.digits(middle), g.digits(4)),
                "[전화번호]",
                i,
            );
            // Spoken digits: mobile and landline prefixes, several separators, mixed numerals.
            let spoken_prefix = ["010", "011", "017", "02", "031", "053", "070", "064"][i % 8];
            let rest_len = match spoken_prefix {
                "070" => 8,
                "02" => 7 + i % 2,
                _ => 7 + (i / 8) % 2,
            };
            let rest = g.digits(rest_len);
            let (r1, r2) = rest.split_at(rest_len - 4);
            let separator = [" ", "에 ", " 다시 ", "-", "의 ", ""][i % 6];
            let first = if i % 7 == 3 {
                spoken_prefix.to_owned()
            } else {
                spell(g, spoken_prefix)
            };
            let spoken = format!(
                "{first}{separator}{}{separator}{}",
                spell(g, r1),
                spell(g, r2)
            );
            push("", spoken, "[전화번호]", i + 1);
            let card = g.luhn_card();
            let formatted = match i % 3 {
                0 => card.clone(),
                1 => card
                    .as_bytes()
                    .chunks(4)
                    .filter_map(|c| std::str::from_utf8(c).ok())
                    .collect::<Vec<_>>()
                    .join("-"),
                _ => card
                    .as_bytes()
                    .chunks(4)
                    .filter_map(|c| std::str::from_utf8(c).ok())
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            push("", formatted, "[카드번호]", i);
            let birth = format!(
                "{:02}{:02}{:02}",
                g.next(100),
                1 + g.next(12),
                1 + g.next(28)
            );
            let (kept, rrn) = match i % 3 {
                0 => ("", format!("{birth}-{}{}", 1 + g.next(4), g.digits(6))),
                1 => ("", format!("{birth}-{}******", 1 + g.next(4))),
                _ => (
                    "주민번호 ",
                    format!("{birth}{}{}", 1 + g.next(4), g.digits(6)),
                ),
            };
            push(kept, rrn, "[주민등록번호]", i);
            push(
                "",
                format!("user{}.{}@mail{}.co.kr", g.digits(3), g.digits(2), i),
                "[이메일]",
                i,
            );
            let bank = [
                "계좌번호 ",
                "국민은행 ",
                "신한은행 계좌 ",
                "카카오뱅크 ",
                "농협 ",
            ][i % 5];
            push(
                bank,
                format!("{}-{}-{}", g.digits(3), g.digits(2), g.digits(6)),
                "[계좌번호]",
                i,
            );
            let road = ROADS[i % ROADS.len()];
            let admin = ADMINS[i % ADMINS.len()];
            let number = 1 + g.next(400);
            let address = match i % 4 {
                0 => format!("{admin} {road} {number}"),
                1 => format!(
                    "{admin} {road} {number}, {}동 {}호",
                    101 + g.next(20),
                    101 + g.next(1500)
                ),
                2 => format!(
                    "{admin} {} {}-{}",
                    LOTS[i % LOTS.len()],
                    1 + g.next(900),
                    1 + g.next(90)
                ),
                _ => format!("{road} {number} {}층", 1 + g.next(20)),
            };
            push("", address, "[주소]", i);
        }
        for i in 0..15 {
            let street = STREETS[i % STREETS.len()];
            out.push(Positive {
                text: format!("My address is {} {street}, thanks.", 1 + g.next(9000)),
                expected: "My address is [주소], thanks.".to_owned(),
                placeholder: "[주소]",
                spoken: false,
            });
            let unit = format!("{}동 {}호", 101 + g.next(20), 101 + g.next(1500));
            out.push(Positive {
                text: format!("래미안 {unit}로 배송해 주세요"),
                expected: "[주소]로 배송해 주세요".to_owned(),
                placeholder: "[주소]",
                spoken: false,
            });
        }
        out
    }

    fn generate_negatives(g: &mut Digits) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in 0..30 {
            out.push(format!(
                "결제 금액은 {},{}원입니다",
                1 + g.next(99),
                g.digits(3)
            ));
            out.push(format!(
                "2024-{:02}-{:02}에 주문하셨어요",
                1 + g.next(12),
                1 + g.next(28)
            ));
            out.push(format!(
                "{:02}:{:02}에 다시 연락드릴게요",
                g.next(24),
                g.next(60)
            ));
            out.push(format!(
                "주문번호 A-2024{:02}{:02}-{} 확인했습니다",
                1 + g.next(12),
                1 + g.next(28),
                g.digits(4)
            ));
            out.push(format!("주문번호 {} 맞으세요?", g.digits(10 + i % 7)));
            out.push(format!(
                "송장번호 {}-{}-{} 입니다",
                g.digits(4),
                g.digits(4),
                g.digits(4)
            ));
            out.push(format!(
                "{}개월 무이자 할부로 {}만 원씩 나가요",
                2 + g.next(10),
                1 + g.next(50)
            ));
            out.push(format!("대표번호 1588-{}로 연락 주세요", g.digits(4)));
            out.push(format!(
                "택배로 {}개 보내 드렸고 {}일 안에 도착합니다",
                1 + g.next(9),
                1 + g.next(5)
            ));
            out.push(format!(
                "역삼동 {}분 거리 매장에서 {}시까지 수령 가능합니다",
                1 + g.next(30),
                1 + g.next(12)
            ));
            out.push(format!(
                "{}호선 강남역 {}번 출구로 나오시면 됩니다",
                1 + g.next(9),
                1 + g.next(12)
            ));
            out.push(format!(
                "적립금 {},000원과 쿠폰 {}장이 지급되었습니다",
                1 + g.next(9),
                1 + g.next(5)
            ));
            out.push(format!(
                "영업일 기준 {}~{}일 소요되고 {}번째 주문이시네요",
                1 + g.next(3),
                4 + g.next(3),
                2 + g.next(5)
            ));
            out.push(format!(
                "일이 많아서 일일이 확인하느라 {}분 정도 걸렸어요",
                2 + g.next(9)
            ));
            out.push(format!(
                "사이즈 {}로 교환해 드리고 이삼일 안에 보내 드릴게요",
                220 + 5 * g.next(16)
            ));
            out.push(format!(
                "Your refund of ${}.{:02} arrives in {} business days",
                1 + g.next(300),
                g.next(100),
                2 + g.next(5)
            ));
            out.push(format!(
                "Order ID: {} shipped with {} items on the way",
                g.digits(10),
                1 + g.next(5)
            ));
            out.push(format!(
                "모델명 SM-G{}N 제품이고 버전은 {}.{}.{}입니다",
                g.digits(3),
                1 + g.next(20),
                g.next(10),
                g.next(10)
            ));
        }
        out
    }

    #[test]
    fn a_generated_corpus_is_redacted_with_high_recall_and_no_false_positives() {
        let mut g = Digits(0x9E37_79B9_7F4A_7C15);
        let positives = generate_positives(&mut g);
        assert!(positives.len() >= 300, "{}", positives.len());
        let spoken = positives.iter().filter(|p| p.spoken).count();
        let addresses = positives
            .iter()
            .filter(|p| p.placeholder == "[주소]")
            .count();
        assert!(
            spoken >= 30 && addresses >= 60,
            "{spoken} spoken, {addresses} addresses"
        );
        // A hit is the exact expected sentence: the whole item replaced, nothing else touched.
        let misses: Vec<String> = positives
            .iter()
            .filter(|p| redact_ko(&p.text) != p.expected)
            .map(|p| format!("{} → {}", p.text, redact_ko(&p.text)))
            .collect();
        let recall = 1.0 - misses.len() as f64 / positives.len() as f64;
        assert!(recall >= 0.99, "recall {recall:.3}; missed: {misses:#?}");

        let negatives = generate_negatives(&mut g);
        assert!(negatives.len() >= 300, "{}", negatives.len());
        let false_positives: Vec<String> = negatives
            .iter()
            .filter(|text| redact_ko(text) != **text)
            .map(|text| format!("{text} → {}", redact_ko(text)))
            .collect();
        assert!(false_positives.is_empty(), "{false_positives:#?}");
    }

    #[test]
    fn random_mixtures_of_digits_separators_and_address_words_never_panic() {
        const PIECES: &[&str] = &[
            "공", "영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구", "에", "의", "다시",
            " ", "-", ".", ",", "0", "1", "7", "123", "-45", "동", "호", "층", "로", "길", "번길",
            "구 ", "시 ", "주소", "주민", "카드", "계좌", "(", ")", "…", "😀", "A", "St",
            " Street",
        ];
        let mut g = Digits(0x0123_4567_89AB_CDEF);
        for _ in 0..3000 {
            let text: String = (0..1 + g.next(40))
                .map(|_| PIECES[g.next(PIECES.len() as u64) as usize])
                .collect();
            for language in [Language::Ko, Language::En] {
                let (redacted, counts) = redact_text(&text, language);
                assert!(counts.iter().all(|c| c.count > 0));
                if counts.is_empty() {
                    assert_eq!(redacted, text);
                }
            }
        }
    }

    #[test]
    fn turn_counts_are_summed_and_sorted_by_kind() {
        let mut turns = vec![
            Turn {
                speaker: Speaker::Customer,
                start_ms: None,
                end_ms: None,
                text: "연락처는 010-1234-5678, 메일은 a@b.com이에요".into(),
            },
            Turn {
                speaker: Speaker::Agent,
                start_ms: None,
                end_ms: None,
                text: "010-9876-5432 말씀이신가요? 카드는 4111111111111111 맞으시죠?".into(),
            },
        ];
        let counts = redact_turns(&mut turns);
        assert_eq!(
            counts,
            [
                PiiCount {
                    kind: "card".into(),
                    count: 1
                },
                PiiCount {
                    kind: "email".into(),
                    count: 1
                },
                PiiCount {
                    kind: "phone".into(),
                    count: 2
                }
            ]
        );
        assert_eq!(
            turns.first().map(|t| t.text.as_str()),
            Some("연락처는 [전화번호], 메일은 [이메일]이에요")
        );
        assert!(turns.iter().all(|t| !t.text.contains("4111")));
    }
}
