//! Word lists of the name, birth-date and organisation detectors, kept apart from their code: the
//! long lists are text files beside this module (`data/*.txt`, one entry a line, `#` comments),
//! the short cue lists are constants here. Everything is compared as written (Korean) or
//! lower-cased (English).

use std::sync::LazyLock;

/// The entries of a list file: trimmed lines, without blanks and comments.
fn entries(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Korean surnames, two-syllable ones (`남궁`, `황보` …) included.
pub(super) static KO_SURNAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/ko_surnames.txt")));

/// Ordinary words that start with a surname syllable (`고객`, `이번`, `신청`); a trailing `$` marks
/// an entry that only stops a candidate equal to it.
pub(super) static KO_NOT_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/ko_not_names.txt")));

/// Syllables that do not occur in Korean given names (`는`, `님`, `려` …).
pub(super) static KO_NOT_GIVEN: LazyLock<Vec<char>> = LazyLock::new(|| {
    entries(include_str!("data/ko_not_given.txt"))
        .iter()
        .filter_map(|e| e.chars().next())
        .collect()
});

/// Capitalised English words that are not names (`Support`, `Sorry`, `Monday`), lower-case.
pub(super) static EN_NOT_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/en_not_names.txt")));

/// Words in an agent's question that ask for the other speaker's name.
pub(super) const NAME_QUESTIONS: &[&str] = &[
    "성함",
    "이름",
    "누구",
    "어느 분",
    "어느분",
    "your name",
    "who am i speaking",
    "who i'm speaking",
    "who i am speaking",
    "who's calling",
    "who is calling",
    "name on the account",
    "full name",
];

/// Words that ask for, announce or label a date of birth (in a question, or in the same turn as
/// the date). `년생` is matched by the date patterns themselves.
pub(super) const BIRTH_CUES: &[&str] = &[
    "생년월일",
    "생년",
    "생일",
    "태어",
    "출생",
    "앞자리",
    "date of birth",
    "birth date",
    "birthdate",
    "dob",
    "d.o.b",
    "born",
    "birthday",
];

/// What follows `생일`/`birthday` when the birthday is an occasion, not a date of birth
/// (`생일 쿠폰`, `birthday gift`).
pub(super) const BIRTHDAY_OCCASIONS: &[&str] = &[
    "선물",
    "쿠폰",
    "축하",
    "케이크",
    "케익",
    "이벤트",
    "파티",
    "혜택",
    "할인",
    "기념",
    "카드",
    "gift",
    "present",
    "coupon",
    "party",
    "sale",
    "discount",
    "card",
    "cake",
    "special",
    "promotion",
    "offer",
];

/// Words between a birth cue and a date that make the date something else (`생년월일 확인됐고요,
/// 주문은 2024-01-05에`): orders, deliveries, payments, appointments. English ones lower-case.
pub(super) const BIRTH_RESETS: &[&str] = &[
    "주문",
    "배송",
    "결제",
    "구매",
    "접수",
    "가입",
    "예약",
    "도착",
    "발송",
    "출고",
    "환불",
    "방문",
    "order",
    "deliver",
    "ship",
    "purchase",
    "refund",
    "appointment",
    "arrive",
];

/// Endings glued to a stated Korean name: copulas, quotations, sign-off forms and a few particles
/// (`고태식이요`, `김민지입니다`, `고태식이라고`, `김민지였습니다`).
pub(super) const KO_NAME_ENDINGS: &[&str] = &[
    "",
    "이요",
    "요",
    "입니다",
    "이에요",
    "예요",
    "에요",
    "이고요",
    "고요",
    "이구요",
    "구요",
    "이고",
    "고",
    "인데요",
    "이라고",
    "라고",
    "이라고요",
    "라고요",
    "이라고합니다",
    "라고합니다",
    "이라고해요",
    "라고해요",
    "이야",
    "야",
    "였습니다",
    "이었습니다",
    "였어요",
    "이었어요",
    "였고요",
    "이었고요",
    "가",
    "입니다만",
    "인데",
    "이거든요",
    "거든요",
];

/// Endings of a sign-off (`김민지였습니다`).
pub(super) const KO_SIGN_OFF_ENDINGS: &[&str] = &["였습니다", "이었습니다", "였어요", "이었어요"];

/// Words earlier in a turn that make `…였습니다` a sign-off.
pub(super) const KO_SIGN_OFF_CUES: &[&str] = &["지금까지", "감사합니다", "감사드립니다"];

/// Words right before a Korean name that state it (`성함은 고태식이요`, `상담원 김민지입니다`,
/// `저는 고태식입니다`). Also split off the front of a word (`상담원김민지입니다`).
pub(super) const KO_NAME_LABELS: &[&str] = &[
    "제이름은",
    "성함은요",
    "이름은요",
    "성함은",
    "성함이",
    "성함요",
    "성함",
    "이름은",
    "이름이",
    "이름요",
    "이름",
    "상담원",
    "상담사",
    "담당자",
    "매니저",
    "저는",
    "전",
    "나는",
];

/// Honorifics after a name (`오태민 고객님`, `고태식님`, `김민지 씨`).
pub(super) const KO_HONORIFICS: &[&str] = &["고객님", "손님", "회원님", "님", "씨"];

/// Role words after a name (`김민지 상담원입니다`).
pub(super) const KO_ROLES_AFTER: &[&str] = &["상담원", "상담사", "매니저", "담당자"];

/// Words after a name that hold something in that name (`고태식 명의로`). Not `앞으로`, which is
/// also a place (`현관 앞으로`).
pub(super) const KO_NAME_OF: &[&str] = &["명의", "이름으로"];

/// Words in a turn after which a name standing at the start of a sentence answers them
/// (`명의는 어머니 이름으로 돼 있어요. 최순자요.`).
pub(super) const KO_NAME_MENTIONS: &[&str] = &["이름", "성함", "명의"];

/// Words that may follow a bare stated name (`고태식 맞아요`, `김민지 입니다`).
pub(super) const KO_AFTER_BARE_NAME: &[&str] = &[
    "맞아요",
    "맞습니다",
    "맞고요",
    "맞구요",
    "맞는데요",
    "맞죠",
    "맞아",
    "입니다",
    "이에요",
    "예요",
    "이고요",
    "이요",
    "였습니다",
    "이었습니다",
    "라고",
    "이라고",
    "인데요",
];

/// Words that open an answer before the name (`네, 고태식이요`).
pub(super) const KO_INTERJECTIONS: &[&str] = &[
    "네", "예", "아", "음", "어", "저", "제", "그", "저기", "아네", "네네", "예예",
];

/// Centre words after a company name (`행복쇼핑 고객센터`).
pub(super) const KO_CENTRES: &[&str] = &[
    "고객센터",
    "고객지원센터",
    "고객상담센터",
    "고객만족센터",
    "콜센터",
    "상담센터",
    "서비스센터",
    "고객상담실",
    "분실신고센터",
    "신고센터",
    "고객행복센터",
    "고객감동센터",
];

/// Words before a centre word that are not a company (`저희 고객센터`, `카드사 고객센터`).
pub(super) const KO_NOT_ORGANIZATIONS: &[&str] = &[
    "저희",
    "우리",
    "해당",
    "본사",
    "대표",
    "전국",
    "공식",
    "지역",
    "인근",
    "근처",
    "가까운",
    "다른",
    "타사",
    "통합",
    "전용",
    "무료",
    "고객",
    "카드사",
    "은행",
    "통신사",
    "보험사",
    "택배사",
    "제조사",
    "판매자",
    "판매처",
    "쇼핑몰",
    "본점",
    "지점",
    "매장",
    "온라인",
    "전화",
    "상담",
    "민원",
    "대출",
    "보험",
    "카드",
    "분실",
    "신고",
    "해지",
    "예약",
    "수리",
    "가입",
    "개통",
    "요금",
    "배송",
    "주문",
    "환불",
    "교환",
    "반품",
    "그",
    "이",
    "저",
    "각",
    "해외",
    "국내",
    "중앙",
    "별도",
    "담당",
    "전문",
    "인터넷",
    "모바일",
    "영업",
    "기술",
    "외부",
    "내부",
    "현지",
    "직영",
    "지정",
    "협력",
    "공인",
    "정식",
];

/// English team words after a company name (`this is Acme support`).
pub(super) const EN_TEAMS: &[&str] = &[
    "support",
    "customer",
    "help",
    "helpdesk",
    "service",
    "billing",
    "tech",
    "technical",
    "team",
    "care",
    "sales",
    "reservations",
    "bookings",
    "helpline",
    "hotline",
    "desk",
    "claims",
    "enquiries",
    "inquiries",
];
