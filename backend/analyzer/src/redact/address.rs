//! Street addresses, where patterns allow.
//!
//! Korean: a road name with its building number (`테헤란로 123`, `동백중앙로191번길 25`), a lot
//! (`역삼동 123-45`, `종로3가 12-3`, `신림리 45번지`) or an apartment unit (`래미안 101동 1203호`).
//! A road or lot only counts when something confirms it is an address: an administrative unit right
//! before it (`서울특별시 강남구`, `성남시 분당구`), an address word nearby (주소, 배송지, 거주 …), a
//! unit detail after it (`101동 1203호`, `3층`), `번길`/`번지`, or a hyphenated lot number; and the
//! number must not be a count (`택배로 3개`, `역삼동 3분`, `강남대로 3번 출구`). The span grows left
//! over the administrative units and right over unit details, so the whole address is replaced.
//!
//! English: a house number, one to three name words and a street type (`221B Baker Street`,
//! `42 Oak Ave, Apt 5`, `9 Elm Way, Springfield, IL 62704`); street types that are also ordinary
//! words (way, place, court, drive …) need a capitalised name.

use std::sync::LazyLock;

use regex::Regex;

use super::{PiiKind, Span, compile, push_span, window_before};

static KO_ROAD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"[가-힣A-Za-z0-9·]{1,15}(?:대로|로|길)\s?[0-9]{1,4}(?:-[0-9]{1,4})?(?:\s?번길\s?[0-9]{1,4}(?:-[0-9]{1,4})?)?",
    )
});
static KO_LOT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"[가-힣]{1,8}(?:(?:동|리)(?:[0-9]{1,2}가)?|[0-9]{1,2}가)\s?[0-9]{1,5}(?:-[0-9]{1,5})?(?:\s?번지)?",
    )
});
static KO_UNIT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?:[가-힣A-Za-z0-9]{0,12}(?:아파트|빌라|맨션|오피스텔|타워|빌딩|하이츠|타운|래미안|자이|푸르지오|아이파크|힐스테이트|캐슬|더샵|e편한세상|위브|주공|뷰)\s?)?[0-9]{1,4}\s?동\s?[0-9]{1,5}\s?호",
    )
});
/// Unit details that may follow a road or lot, anchored at its end.
static KO_DETAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"^(?:[\s,]*(?:[가-힣A-Za-z0-9]{0,12}(?:아파트|빌라|맨션|오피스텔|타워|빌딩|하이츠|타운|래미안|자이|푸르지오|아이파크|힐스테이트|캐슬|더샵|e편한세상|위브|주공|뷰)[\s,]*)?[0-9]{1,4}\s?동\s?[0-9]{1,5}\s?호|[\s,]*[0-9]{1,3}\s?층|[\s,]*[0-9]{1,5}\s?호|\s?\([가-힣0-9,\s]{1,20}\))+",
    )
});
/// Administrative units (and the spaces after them) right before a road or lot, anchored at its
/// start.
static KO_ADMIN_TAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?:[가-힣]{1,10}[\s,]+)*[가-힣]{1,10}[\s,]*$"));
static EN_STREET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)\b[0-9]{1,6}[a-z]?\s+((?:[a-z0-9.'-]+\s+){1,3})(street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|parkway|pkwy|circle|cir|highway|hwy)\b\.?(?:,?\s*(?:apt|apartment|suite|ste|unit|#)\.?\s*[a-z0-9-]+)?(?:,\s*[a-z][a-z .]{1,30},\s*[a-z]{2}(?:\s+[0-9]{5}(?:-[0-9]{4})?)?)?",
    )
});

/// Administrative unit suffixes that confirm an address on their own.
const STRONG_ADMIN_SUFFIXES: &[&str] = &[
    "특별시",
    "광역시",
    "특별자치시",
    "특별자치도",
    "구",
    "군",
    "시",
    "도",
    "읍",
    "면",
];
/// Words ending like an administrative unit that are not one.
const NOT_ADMIN: &[&str] = &[
    "다시",
    "혹시",
    "역시",
    "당시",
    "즉시",
    "동시",
    "잠시",
    "정도",
    "그래도",
    "아무도",
    "포도",
    "속도",
    "제도",
    "용도",
    "한도",
    "온도",
    "태도",
    "또는",
    "혹은",
    "제가",
    "요구",
    "연구",
    "친구",
    "가구",
    "도구",
    "입구",
    "출구",
    "창구",
    "부근",
    "방면",
    "측면",
    "전면",
    "이면",
    "표면",
    "장면",
    "평면",
];
/// Province and metropolitan city names used without a suffix (`서울 강남구`).
const REGIONS: &[&str] = &[
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남",
    "전북", "전남", "경북", "경남", "제주",
];
/// Words near a road or lot that make it an address.
const ADDRESS_WORDS: &[&str] = &[
    "주소",
    "배송지",
    "사는곳",
    "사는 곳",
    "거주",
    "자택",
    "집은",
    "댁",
    "수령지",
    "도로명",
    "지번",
    "우편",
    "보내 주실 곳",
    "address",
];
/// What follows a number that makes it a count or duration, not a building number.
const UNITS: &[&str] = &[
    "개",
    "일",
    "시",
    "분",
    "초",
    "원",
    "번",
    "명",
    "회",
    "년",
    "월",
    "주",
    "차",
    "만",
    "천",
    "억",
    "박",
    "세",
    "살",
    "장",
    "권",
    "병",
    "잔",
    "대",
    "곳",
    "가지",
    "배",
    "등",
    "위",
    "점",
    "인",
    "건",
    "통",
    "줄",
    "칸",
    "편",
    "%",
    "퍼센트",
    "프로",
    "km",
    "kg",
];
/// English words that cannot be part of a street name.
const EN_NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "on",
    "in",
    "at",
    "to",
    "of",
    "and",
    "or",
    "for",
    "my",
    "your",
    "our",
    "their",
    "his",
    "her",
    "its",
    "is",
    "are",
    "was",
    "were",
    "be",
    "it",
    "this",
    "that",
    "items",
    "days",
    "weeks",
    "hours",
    "minutes",
    "times",
    "more",
    "other",
    "different",
];
/// English street types that are also ordinary words.
const EN_AMBIGUOUS_TYPES: &[&str] = &[
    "way", "place", "pl", "court", "ct", "drive", "dr", "circle", "cir", "terrace", "lane", "ln",
];

/// Finds street addresses and records them as spans.
pub(super) fn find_addresses(text: &str, spans: &mut Vec<Span>) {
    for re in [KO_ROAD.as_ref(), KO_LOT.as_ref()].into_iter().flatten() {
        for m in re.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if is_count(text, end) || !is_free_start(text, start) {
                continue;
            }
            let detail_end = extend_right(text, end);
            let admin_start = extend_left(text, start);
            let matched = m.as_str();
            let confirmed = admin_start.is_some()
                || detail_end > end
                || matched.contains("번길")
                || matched.contains("번지")
                || has_lot_hyphen(matched)
                || near_address_word(text, start, end);
            if confirmed {
                push_span(
                    spans,
                    admin_start.unwrap_or(start),
                    detail_end,
                    PiiKind::Address,
                );
            }
        }
    }
    // After roads and lots, which take their unit details along.
    if let Some(re) = KO_UNIT.as_ref() {
        for m in re.find_iter(text) {
            let after = text.get(m.end()..).unwrap_or_default();
            // `3동 5호선`, `2동 3호기`: a line or a machine, not a flat.
            if !after.starts_with(['선', '기', '차']) {
                let start = extend_left(text, m.start()).unwrap_or(m.start());
                push_span(spans, start, m.end(), PiiKind::Address);
            }
        }
    }
    if let Some(re) = EN_STREET.as_ref() {
        for caps in re.captures_iter(text) {
            let (Some(all), Some(name), Some(kind)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            let words: Vec<&str> = name.as_str().split_whitespace().collect();
            let plain = words
                .iter()
                .all(|w| !EN_NOT_NAMES.contains(&w.to_lowercase().as_str()));
            let capitalised = words
                .first()
                .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
            let ambiguous = EN_AMBIGUOUS_TYPES.contains(&kind.as_str().to_lowercase().as_str());
            let before = text.get(..all.start()).and_then(|h| h.chars().next_back());
            let free = !before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '$' | '#'));
            if plain && free && (capitalised || !ambiguous) {
                push_span(spans, all.start(), all.end(), PiiKind::Address);
            }
        }
    }
}

/// Whether the road or lot match starts a word (not `…3로`, the tail of a code).
fn is_free_start(text: &str, start: usize) -> bool {
    !text
        .get(..start)
        .and_then(|h| h.chars().next_back())
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Whether the number ending at `end` is followed by a unit (a count or duration).
fn is_count(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or_default().trim_start();
    if rest.starts_with("번길") || rest.starts_with("번지") {
        return false;
    }
    UNITS.iter().any(|u| rest.starts_with(u))
}

/// `123-45`: a lot number with a sub-number.
fn has_lot_hyphen(matched: &str) -> bool {
    matched
        .split_whitespace()
        .last()
        .is_some_and(|w| w.contains('-') && w.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

fn near_address_word(text: &str, start: usize, end: usize) -> bool {
    let before = window_before(text, start, 20);
    let after: String = text
        .get(end..)
        .unwrap_or_default()
        .chars()
        .take(8)
        .collect();
    ADDRESS_WORDS.iter().any(|w| before.contains(w))
        || ["살아", "살고", "거주"].iter().any(|w| after.contains(w))
}

/// The start of the administrative units right before `start`, when there is at least one.
fn extend_left(text: &str, start: usize) -> Option<usize> {
    // Administrative units fit in the 40 characters before the road.
    let from = text
        .get(..start)?
        .char_indices()
        .rev()
        .nth(39)
        .map_or(0, |(i, _)| i);
    let head = text.get(from..start)?;
    let re = KO_ADMIN_TAIL.as_ref()?;
    let m = re.find(head)?;
    // Keep the longest run of trailing words that are all administrative units.
    let mut first: Option<usize> = None;
    let mut offset = from + m.start();
    for word in m.as_str().split_inclusive([' ', ',']) {
        let core = word.trim_end_matches([' ', ',']);
        if is_admin_unit(core) {
            first.get_or_insert(offset);
        } else if !core.is_empty() {
            first = None;
        }
        offset += word.len();
    }
    first
}

fn is_admin_unit(word: &str) -> bool {
    let syllables = word.chars().count();
    !word.is_empty()
        && !NOT_ADMIN.contains(&word)
        && (REGIONS.contains(&word)
            || (syllables >= 2 && STRONG_ADMIN_SUFFIXES.iter().any(|s| word.ends_with(s))))
}

/// The end of the unit details right after `end` (or `end`).
fn extend_right(text: &str, end: usize) -> usize {
    let Some(re) = KO_DETAIL.as_ref() else {
        return end;
    };
    let tail = text.get(end..).unwrap_or_default();
    match re.find(tail) {
        Some(m)
            if !tail
                .get(m.end()..)
                .unwrap_or_default()
                .starts_with(['선', '기']) =>
        {
            end + m.end()
        }
        _ => end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses(text: &str) -> Vec<String> {
        let mut spans = Vec::new();
        find_addresses(text, &mut spans);
        spans
            .iter()
            .filter_map(|s| text.get(s.start..s.end).map(str::to_owned))
            .collect()
    }

    #[test]
    fn korean_addresses_are_found_whole() {
        for (text, address) in [
            (
                "주소는 서울특별시 강남구 테헤란로 123이에요",
                "서울특별시 강남구 테헤란로 123",
            ),
            (
                "경기도 성남시 분당구 판교역로 235, 101동 1203호로 보내 주세요",
                "경기도 성남시 분당구 판교역로 235, 101동 1203호",
            ),
            (
                "용인시 기흥구 동백중앙로191번길 25 3층입니다",
                "용인시 기흥구 동백중앙로191번길 25 3층",
            ),
            ("배송지는 역삼동 123-45예요", "역삼동 123-45"),
            ("서울 성동구 성수동2가 300-1", "서울 성동구 성수동2가 300-1"),
            ("래미안 101동 1203호에 살아요", "래미안 101동 1203호"),
            ("세종대로 110에 살아요", "세종대로 110"),
        ] {
            assert_eq!(addresses(text), [address], "{text}");
        }
    }

    #[test]
    fn english_street_addresses_are_found() {
        for (text, address) in [
            ("Send it to 221B Baker Street please", "221B Baker Street"),
            ("my address is 42 oak ave, apt 5", "42 oak ave, apt 5"),
            (
                "It's 9 Elm Way, Springfield, IL 62704.",
                "9 Elm Way, Springfield, IL 62704",
            ),
        ] {
            assert_eq!(addresses(text), [address], "{text}");
        }
    }

    #[test]
    fn places_counts_and_lines_are_not_addresses() {
        for text in [
            "강남구에 매장이 두 곳 있어요",
            "택배로 3개 보냈어요",
            "역삼동 3분 거리예요",
            "2호선 강남역 3번 출구로 나오세요",
            "3동 5호선 타시면 됩니다",
            "서울로 3시에 출발합니다",
            "주소로 2개 보내 드릴게요",
            "강남대로 3번 출구 앞이에요",
            "I have 2 dogs way too many",
            "2 items on the road",
            "in 3 business days",
            "It costs $12 Main course",
        ] {
            assert!(addresses(text).is_empty(), "{text}: {:?}", addresses(text));
        }
    }
}
