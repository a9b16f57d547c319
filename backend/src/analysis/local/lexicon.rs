//! Curated Korean and English phrase lists, matched in one pass per turn (Aho-Corasick over folded
//! text). Korean phrases are matched without spaces (so `안 됩니다` = `안됩니다`) and as substrings
//! (Korean attaches endings); English phrases are matched on word boundaries.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::text::Folded;
use crate::analysis::language::Language;

/// What a phrase signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Cue {
    /// Opening greeting.
    Greeting,
    /// Thanks (an opening or closing courtesy depending on where it is).
    Thanks,
    /// Empathy.
    Empathy,
    /// Apology.
    Apology,
    /// Cushion words.
    Cushion,
    /// Confirmation / repeat-back.
    Confirmation,
    /// Solution or action.
    Solution,
    /// Next steps, timelines.
    NextSteps,
    /// Closing courtesy.
    Closing,
    /// Negative phrasing (refusals).
    Negative,
    /// An alternative offered after a refusal.
    Alternative,
    /// Blaming or dismissive phrases.
    Blame,
    /// Supervisor / complaint escalation.
    Escalation,
    /// A request made of the customer.
    Request,
    /// A positive sentiment word.
    Positive,
    /// A negative sentiment word.
    NegativeFeeling,
    /// A keyword of a customer topic (index into [`TOPICS`]).
    Topic(u8),
}

type Table = &'static [(Cue, &'static [&'static str])];

const KO: Table = &[
    (
        Cue::Greeting,
        &[
            "안녕하십니까",
            "안녕하세요",
            "반갑습니다",
            "고객센터입니다",
            "전화 주셔서 감사",
            "연락 주셔서 감사",
            "문의 주셔서 감사",
            "전화 감사드립니다",
        ],
    ),
    (Cue::Thanks, &["감사합니다", "고맙습니다", "감사드립니다"]),
    (
        Cue::Empathy,
        &[
            "불편하셨겠",
            "속상하셨겠",
            "답답하셨겠",
            "당황하셨겠",
            "놀라셨겠",
            "걱정되셨겠",
            "걱정이 많으셨",
            "걱정 많으셨",
            "힘드셨겠",
            "많이 기다리셨",
            "기다리시느라",
            "번거로우셨겠",
            "불편을 겪으셨",
            "불편을 겪게",
            "이해합니다",
            "충분히 이해",
            "이해가 됩니다",
            "그러셨군요",
            "그러셨겠어요",
            "마음이 상하셨",
            "얼마나 불편",
            "얼마나 놀라",
            "저라도 화가",
            "화가 나셨겠",
            "기분 나쁘셨겠",
            "서운하셨겠",
            "난처하셨겠",
            "곤란하셨겠",
        ],
    ),
    (
        Cue::Apology,
        &[
            "죄송합니다",
            "죄송해요",
            "죄송하게",
            "죄송스럽",
            "불편을 드려",
            "심려를 끼쳐",
            "사과드립니다",
            "사과 드립니다",
        ],
    ),
    (
        Cue::Cushion,
        &[
            "죄송하지만",
            "죄송합니다만",
            "번거로우시겠지만",
            "번거로우시더라도",
            "괜찮으시다면",
            "괜찮으시면",
            "실례지만",
            "실례합니다만",
            "양해해 주시면",
            "양해 부탁",
            "불편하시겠지만",
            "바쁘시겠지만",
            "수고스러우시겠지만",
            "수고스럽겠지만",
            "가능하시다면",
            "혹시 괜찮으",
            "번거롭게 해 드려",
        ],
    ),
    (
        Cue::Confirmation,
        &[
            "맞으신가요",
            "맞으실까요",
            "맞으시죠",
            "맞으세요",
            "맞습니까",
            "맞으십니까",
            "확인해 드리겠습니다",
            "확인해 보겠습니다",
            "확인 도와드리겠습니다",
            "확인해 드릴게요",
            "확인해 볼게요",
            "말씀하신",
            "말씀해 주신",
            "다시 한번 확인",
            "다시 한 번 확인",
            "복창",
            "정리해 드리면",
            "정리하면",
            "요약하면",
            "말씀이시죠",
            "말씀이신가요",
            "말씀이시군요",
            "확인되었습니다",
            "확인됐습니다",
            "확인됩니다",
            "확인했습니다",
        ],
    ),
    (
        Cue::Solution,
        &[
            "처리해 드리겠습니다",
            "처리해 드렸습니다",
            "처리해 드릴게요",
            "처리되었습니다",
            "처리됐습니다",
            "처리 완료",
            "도와드리겠습니다",
            "도와드릴게요",
            "해 드리겠습니다",
            "해드리겠습니다",
            "해 드렸습니다",
            "해드렸습니다",
            "해 드릴게요",
            "해드릴게요",
            "방법은",
            "방법이 있습니다",
            "하시면 됩니다",
            "하시면 되세요",
            "하시면 돼요",
            "가능합니다",
            "가능하세요",
            "시면 됩니다",
            "시면 돼요",
            "시면 되세요",
            "시면 되십니다",
            "접수해 드렸",
            "접수되었습니다",
            "접수해 드리겠",
            "발송해 드리",
            "재발송",
            "재발급",
            "환불해 드리",
            "환불 처리",
            "교환해 드리",
            "교환 처리",
            "정지해 드렸",
            "정지 처리",
            "정지해 드리",
            "보상해 드리",
            "쿠폰을 발급",
            "쿠폰 발급",
            "조치해 드리",
            "진행해 드리겠",
            "진행해 드렸",
            "변경해 드렸",
            "변경해 드리겠",
            "취소해 드렸",
            "취소해 드리겠",
            "안내해 드리겠습니다",
        ],
    ),
    (
        Cue::NextSteps,
        &[
            "영업일",
            "이내에",
            "이내로",
            "내일까지",
            "오늘 중으로",
            "문자로 안내",
            "문자로 보내",
            "문자 발송",
            "문자를 보내",
            "카카오톡으로",
            "알림톡",
            "연락드리겠습니다",
            "연락 드리겠습니다",
            "연락드릴게요",
            "다시 연락",
            "결과를 안내",
            "도착 예정",
            "받아보실 수",
            "완료되면",
            "처리되면",
            "다음 단계",
            "추후",
            "순차적으로",
            "이메일로 보내",
            "메일로 보내",
        ],
    ),
    (
        Cue::Closing,
        &[
            "더 궁금하신",
            "더 필요하신",
            "다른 문의",
            "추가로 궁금",
            "추가 문의",
            "더 도와드릴",
            "좋은 하루",
            "행복한 하루",
            "즐거운 하루",
            "편안한 하루",
            "좋은 저녁",
            "편안한 저녁",
            "건강하세요",
            "상담원이었습니다",
            "이용해 주셔서 감사",
        ],
    ),
    (
        Cue::Negative,
        &[
            "안 됩니다",
            "안 돼요",
            "안 되세요",
            "안 되십니다",
            "불가능합니다",
            "불가능해요",
            "불가합니다",
            "불가해요",
            "어렵습니다",
            "어려워요",
            "어렵겠습니다",
            "규정상",
            "원칙상",
            "방법이 없",
            "할 수 없습니다",
            "할 수가 없",
            "해 드릴 수 없",
            "해드릴 수 없",
            "해 드릴 수가 없",
            "못 해 드",
            "못해 드",
            "못 합니다",
            "못해요",
            "저희 책임이 아니",
            "저희 소관이 아니",
            "모르겠습니다",
            "모르겠어요",
            "어쩔 수 없",
            "안 되는 거",
            "안되는 거",
        ],
    ),
    (
        Cue::Alternative,
        &[
            "대신",
            "다만",
            "대안",
            "다른 방법",
            "가능한 방법",
            "도와드릴 수 있는",
            "해 드릴 수 있는",
            "해드릴 수 있는",
            "하실 수 있",
            "방법은",
            "방법이 있",
            "가능합니다",
            "가능하세요",
        ],
    ),
    (
        Cue::Blame,
        &[
            "말씀드렸잖아요",
            "말씀드렸잖아",
            "말했잖아요",
            "말했잖아",
            "몇 번을 말씀",
            "몇 번 말씀드",
            "제가 몇 번",
            "고객님이 잘못",
            "고객님 잘못",
            "고객님 탓",
            "고객님 실수",
            "고객님이 확인을 안",
            "제대로 확인 안",
            "제대로 안 보",
            "확인을 안 하셨",
            "고객님 사정",
            "알아서 하세요",
            "알아서 하시",
            "저한테 그러셔도",
            "저한테 화내",
            "제 담당이 아니",
            "제 담당 아닙니다",
            "제 업무가 아니",
            "저는 모릅니다",
            "저는 몰라요",
            "그걸 왜 저한테",
            "다시 전화하세요",
            "읽어 보시면 나와",
            "규정이 그래요",
            "규정이 그렇",
            "됐고요",
            "됐구요",
            "빨리 말씀하세요",
            "끊겠습니다",
            "끊을게요",
            "그러니까요",
            "아까 말씀드린",
        ],
    ),
    (
        Cue::Escalation,
        &[
            "상급자",
            "책임자",
            "팀장",
            "윗사람",
            "관리자",
            "매니저 바꿔",
            "바꿔 주세요",
            "바꿔주세요",
            "바꿔 줘",
            "소비자원",
            "민원 넣",
            "민원을 넣",
            "민원 제기",
            "고소",
            "신고하",
            "본사에",
        ],
    ),
    (
        Cue::Request,
        &[
            "주시겠어요",
            "주시겠습니까",
            "주세요",
            "주실 수",
            "주시면",
            "부탁드립니다",
            "부탁드려요",
            "부탁합니다",
        ],
    ),
    (
        Cue::Positive,
        &[
            "감사",
            "고맙",
            "좋네요",
            "좋아요",
            "좋습니다",
            "좋겠",
            "다행",
            "만족",
            "친절",
            "해결됐",
            "해결되었",
            "해결이 됐",
            "도움이",
            "도움 됐",
            "수고하세요",
            "수고하셨",
            "빠르네",
            "괜찮아요",
            "괜찮습니다",
            "괜찮네요",
            "알겠습니다",
        ],
    ),
    (
        Cue::NegativeFeeling,
        &[
            "화가",
            "화나",
            "짜증",
            "답답",
            "불편",
            "실망",
            "어이없",
            "어이가 없",
            "황당",
            "최악",
            "불만",
            "너무하",
            "엉망",
            "속상",
            "억울",
            "걱정",
            "불안",
            "기가 막",
            "말이 안",
            "이해가 안",
            "이해 안",
            "지쳐",
            "힘들",
            "귀찮",
            "안 와",
            "안 왔",
            "안 오",
            "못 받",
            "아직도",
            "아직 안",
            "언제까지",
            "왜 이렇게",
            "몇 번",
            "도대체",
            "늦어",
            "늦었",
            "늦게",
            "지연",
            "고장",
            "파손",
            "깨져",
            "잘못 왔",
            "잘못 배송",
            "분실",
            "잃어버",
            "급해",
            "급한",
            "이중 결제",
            "두 번 결제",
            "번거롭",
            "번거로워",
            "불량",
            "안 나와",
            "안 나오",
            "좋지 않",
            "안 좋",
            "별로",
        ],
    ),
];

const EN: Table = &[
    (
        Cue::Greeting,
        &[
            "hello",
            "hi",
            "hey there",
            "good morning",
            "good afternoon",
            "good evening",
            "thank you for calling",
            "thanks for calling",
            "thank you for contacting",
            "thanks for contacting",
            "welcome to",
            "how can i help",
            "how may i help",
            "how can i assist",
            "how may i assist",
            "what can i do for you",
        ],
    ),
    (Cue::Thanks, &["thank you", "thanks", "thank u"]),
    (
        Cue::Empathy,
        &[
            "i understand",
            "i can understand",
            "i completely understand",
            "i totally understand",
            "i'm sorry to hear",
            "sorry to hear",
            "i am sorry to hear",
            "that must be",
            "i can imagine",
            "i know how frustrating",
            "that sounds frustrating",
            "how frustrating",
            "i hear you",
            "i see how",
            "that's frustrating",
            "that is frustrating",
            "i understand your frustration",
            "i'd feel the same",
            "i would feel the same",
        ],
    ),
    (
        Cue::Apology,
        &[
            "sorry",
            "apologize",
            "apologise",
            "apologies",
            "my apologies",
            "i apologize for",
        ],
    ),
    (
        Cue::Cushion,
        &[
            "if you don't mind",
            "would you mind",
            "if possible",
            "if it's okay",
            "if that's okay",
            "when you get a chance",
            "sorry to trouble you",
            "could you please",
            "would you please",
            "may i",
            "would it be possible",
            "could you",
            "would you",
            "would you mind",
        ],
    ),
    (
        Cue::Confirmation,
        &[
            "let me confirm",
            "to confirm",
            "just to confirm",
            "confirm that",
            "so you're saying",
            "so you are saying",
            "if i understand correctly",
            "if i understand you correctly",
            "let me make sure",
            "is that correct",
            "is that right",
            "can you confirm",
            "could you confirm",
            "let me check",
            "let me verify",
            "to clarify",
            "just to clarify",
            "let me look into",
            "let me pull up",
            "i see that",
        ],
    ),
    (
        Cue::Solution,
        &[
            "i'll",
            "i will",
            "you can",
            "we can",
            "i have processed",
            "i've processed",
            "i've issued",
            "i have issued",
            "i've gone ahead",
            "i went ahead",
            "i have gone ahead",
            "here's what",
            "the solution",
            "we'll send",
            "we will send",
            "i've updated",
            "i have updated",
            "i've sent",
            "i have sent",
            "i've refunded",
            "has been refunded",
            "is resolved",
            "is fixed",
            "i've escalated",
            "i have escalated",
            "i can escalate",
            "i've let my manager know",
            "i have let my manager know",
            "i've reset",
            "i have reset",
            "i've cancelled",
            "i have cancelled",
            "you're all set",
            "you are all set",
        ],
    ),
    (
        Cue::NextSteps,
        &[
            "business days",
            "within",
            "you will receive",
            "you'll receive",
            "you should receive",
            "next step",
            "next steps",
            "we will contact",
            "we'll contact",
            "will contact you",
            "follow up",
            "follow-up",
            "you can expect",
            "by tomorrow",
            "will arrive",
            "tracking number",
            "confirmation email",
            "email you",
            "call you back",
            "will give you a call",
            "will call you",
            "you'll get",
            "you will get",
            "in the next",
        ],
    ),
    (
        Cue::Closing,
        &[
            "anything else",
            "is there anything else",
            "have a great day",
            "have a nice day",
            "have a good day",
            "have a great night",
            "have a good night",
            "have a wonderful",
            "have a great weekend",
            "have a good one",
            "take care",
            "thanks for contacting",
            "thank you for contacting",
            "thank you for calling",
            "glad i could help",
            "happy to help",
        ],
    ),
    (
        Cue::Negative,
        &[
            "not possible",
            "impossible",
            "can't",
            "cannot",
            "can not",
            "unable to",
            "not able to",
            "not allowed",
            "against our policy",
            "our policy",
            "no way",
            "there's nothing",
            "nothing i can do",
            "i don't know",
            "we don't",
            "won't be able",
            "we do not",
            "i'm afraid not",
        ],
    ),
    (
        Cue::Alternative,
        &[
            "instead",
            "however",
            "what i can do",
            "alternatively",
            "i can offer",
            "another option",
            "the good news",
            "what we can do",
            "you can",
            "i can",
        ],
    ),
    (
        Cue::Blame,
        &[
            "calm down",
            "that's your problem",
            "not my problem",
            "i already told you",
            "as i said",
            "as i already said",
            "like i said",
            "you should have",
            "your fault",
            "you need to listen",
            "whatever",
            "not my job",
            "i don't care",
            "deal with it",
            "you didn't read",
            "read the policy",
            "i told you",
        ],
    ),
    (
        Cue::Escalation,
        &[
            "supervisor",
            "manager",
            "escalate",
            "speak to someone else",
            "someone in charge",
            "higher up",
            "file a complaint",
            "report you",
            "lawyer",
            "better business bureau",
        ],
    ),
    (
        Cue::Request,
        &[
            "can you",
            "i need your",
            "i'll need your",
            "give me",
            "send me",
            "tell me",
            "provide",
            "please provide",
            "please send",
            "please give",
            "please enter",
            "please share",
            "please confirm",
            "please tell",
        ],
    ),
    (
        Cue::Positive,
        &[
            "thank",
            "thanks",
            "great",
            "perfect",
            "appreciate",
            "awesome",
            "good",
            "helpful",
            "happy",
            "glad",
            "excellent",
            "wonderful",
            "resolved",
            "nice",
            "love",
            "amazing",
            "fantastic",
            "fine",
            "pleased",
        ],
    ),
    (
        Cue::NegativeFeeling,
        &[
            "angry",
            "upset",
            "frustrated",
            "frustrating",
            "annoyed",
            "annoying",
            "terrible",
            "awful",
            "horrible",
            "worst",
            "ridiculous",
            "unacceptable",
            "disappointed",
            "disappointing",
            "problem",
            "wrong",
            "late",
            "delayed",
            "broken",
            "damaged",
            "still waiting",
            "complaint",
            "bad",
            "hate",
            "useless",
            "lost",
            "stolen",
            "never arrived",
            "hasn't arrived",
            "worried",
            "confused",
            "charged twice",
            "overcharged",
            "issue",
            "unhappy",
        ],
    ),
];

/// A customer topic: code, Korean and English descriptions, keywords.
pub(super) struct Topic {
    /// Stable code.
    pub code: &'static str,
    /// Korean description used in summaries.
    pub ko: &'static str,
    /// English description used in summaries.
    pub en: &'static str,
    ko_words: &'static [&'static str],
    en_words: &'static [&'static str],
}

/// The topics a customer may call about, in tie-break order.
pub(super) const TOPICS: &[Topic] = &[
    Topic {
        code: "card_loss",
        ko: "카드 분실·정지",
        en: "a lost or stolen card",
        ko_words: &["분실", "잃어버", "도난", "카드 정지", "정지해"],
        en_words: &[
            "lost card",
            "stolen",
            "lost my card",
            "freeze my card",
            "block my card",
        ],
    },
    Topic {
        code: "refund",
        ko: "환불·반품",
        en: "a refund or return",
        ko_words: &["환불", "반품", "돈 돌려", "결제 취소"],
        en_words: &["refund", "return", "money back"],
    },
    Topic {
        code: "delivery",
        ko: "배송 지연·배송 조회",
        en: "a delivery",
        ko_words: &[
            "배송",
            "택배",
            "배달",
            "도착",
            "송장",
            "출고",
            "안 와",
            "안 왔",
            "언제 와",
            "언제 오",
            "오는 거",
        ],
        en_words: &[
            "delivery",
            "shipping",
            "shipment",
            "package",
            "arrive",
            "arrived",
            "tracking",
            "order status",
        ],
    },
    Topic {
        code: "exchange",
        ko: "교환",
        en: "an exchange",
        ko_words: &["교환", "사이즈"],
        en_words: &["exchange", "wrong size", "replace", "replacement"],
    },
    Topic {
        code: "billing",
        ko: "결제·요금",
        en: "billing",
        ko_words: &["결제", "청구", "요금", "이중", "할부", "출금"],
        en_words: &[
            "charge",
            "charged",
            "bill",
            "billing",
            "payment",
            "invoice",
            "subscription",
        ],
    },
    Topic {
        code: "cancellation",
        ko: "해지·취소",
        en: "a cancellation",
        ko_words: &["해지", "탈퇴", "취소"],
        en_words: &["cancel", "cancellation", "unsubscribe", "close my account"],
    },
    Topic {
        code: "account_access",
        ko: "로그인·계정",
        en: "account access",
        ko_words: &["비밀번호", "로그인", "아이디", "인증", "계정"],
        en_words: &[
            "password",
            "log in",
            "login",
            "sign in",
            "account locked",
            "username",
        ],
    },
    Topic {
        code: "repair",
        ko: "고장·수리",
        en: "a repair",
        ko_words: &["고장", "수리", "작동", "불량", "안 켜", "a/s"],
        en_words: &[
            "broken",
            "repair",
            "not working",
            "defect",
            "defective",
            "stopped working",
        ],
    },
    Topic {
        code: "address_change",
        ko: "주소 변경",
        en: "an address change",
        ko_words: &["주소 변경", "주소를 바꾸", "배송지"],
        en_words: &["change my address", "new address", "address change"],
    },
    Topic {
        code: "booking",
        ko: "예약",
        en: "a booking",
        ko_words: &["예약", "일정 변경"],
        en_words: &["booking", "reservation", "appointment", "reschedule"],
    },
    Topic {
        code: "promotion",
        ko: "쿠폰·할인·포인트",
        en: "a promotion",
        ko_words: &["쿠폰", "할인", "포인트", "적립", "이벤트"],
        en_words: &["coupon", "promo", "discount", "points", "promotion"],
    },
];

/// A phrase found in a folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    /// What it signals.
    pub cue: Cue,
    /// Folded byte range.
    pub start: usize,
    /// Folded byte range end.
    pub end: usize,
}

/// A compiled phrase list for one language.
pub(super) struct Lexicon {
    language: Language,
    /// Unique folded phrases.
    phrases: Vec<String>,
    /// The cues of each phrase.
    cues: Vec<Vec<Cue>>,
    /// The automaton; `None` only if building it failed, in which case matching falls back to
    /// a plain substring search (same results, slower).
    matcher: Option<AhoCorasick>,
}

impl Lexicon {
    fn build(language: Language) -> Self {
        let table = match language {
            Language::Ko => KO,
            Language::En => EN,
        };
        let mut phrases: Vec<String> = Vec::new();
        let mut cues: Vec<Vec<Cue>> = Vec::new();
        let mut add = |phrase: &str, cue: Cue| {
            let folded = Folded::fold_phrase(phrase, language);
            if folded.is_empty() {
                return;
            }
            match phrases.iter().position(|p| *p == folded) {
                Some(i) => {
                    if let Some(list) = cues.get_mut(i)
                        && !list.contains(&cue)
                    {
                        list.push(cue);
                    }
                }
                None => {
                    phrases.push(folded);
                    cues.push(vec![cue]);
                }
            }
        };
        for (cue, list) in table {
            for phrase in *list {
                add(phrase, *cue);
            }
        }
        for (index, topic) in TOPICS.iter().enumerate() {
            let words = match language {
                Language::Ko => topic.ko_words,
                Language::En => topic.en_words,
            };
            let id = u8::try_from(index).unwrap_or(u8::MAX);
            for word in words {
                add(word, Cue::Topic(id));
            }
        }
        let matcher = AhoCorasick::new(&phrases).ok();
        Self {
            language,
            phrases,
            cues,
            matcher,
        }
    }

    /// The lexicon of a language (built once).
    pub fn of(language: Language) -> &'static Self {
        static KO_LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::build(Language::Ko));
        static EN_LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::build(Language::En));
        match language {
            Language::Ko => &KO_LEXICON,
            Language::En => &EN_LEXICON,
        }
    }

    /// Every phrase occurrence in a folded text; a match lying inside a longer match is dropped
    /// (`불가능합니다` is a refusal, not `가능합니다`), English matches must sit on word boundaries.
    pub fn find(&self, folded: &str) -> Vec<Found> {
        let mut raw: Vec<(usize, usize, usize)> = Vec::new();
        match &self.matcher {
            Some(matcher) => {
                for m in matcher.find_overlapping_iter(folded) {
                    raw.push((m.pattern().as_usize(), m.start(), m.end()));
                }
            }
            None => {
                for (id, phrase) in self.phrases.iter().enumerate() {
                    for (at, _) in folded.match_indices(phrase.as_str()) {
                        raw.push((id, at, at + phrase.len()));
                    }
                }
            }
        }
        if self.language == Language::En {
            raw.retain(|&(_, s, e)| is_word_boundary(folded, s, e));
        }
        let kept = self.drop_contained(raw);
        let mut found: Vec<Found> = kept
            .into_iter()
            .flat_map(|(id, start, end)| {
                self.cues
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(move |&cue| Found { cue, start, end })
            })
            .collect();
        found.sort_by_key(|f| (f.start, f.end, f.cue));
        found
    }

    /// Drops phrase matches lying strictly inside a longer phrase match (sweep over matches sorted by
    /// start, longest first). Sentiment and topic words are independent and never dropped.
    fn drop_contained(&self, mut raw: Vec<(usize, usize, usize)>) -> Vec<(usize, usize, usize)> {
        let independent = |id: usize| {
            self.cues.get(id).is_some_and(|cues| {
                cues.iter()
                    .all(|c| matches!(c, Cue::Positive | Cue::NegativeFeeling | Cue::Topic(_)))
            })
        };
        raw.sort_by_key(|&(id, s, e)| (s, std::cmp::Reverse(e), id));
        let mut kept = Vec::with_capacity(raw.len());
        let mut widest: Option<(usize, usize)> = None;
        for (id, s, e) in raw {
            if independent(id) {
                kept.push((id, s, e));
                continue;
            }
            let inside = widest.is_some_and(|(ws, we)| we > e || (we == e && ws < s));
            if !inside {
                kept.push((id, s, e));
            }
            if widest.is_none_or(|(_, we)| e > we) {
                widest = Some((s, e));
            }
        }
        kept
    }

    /// Whether the automaton was built (it always is for the built-in lists).
    #[cfg(test)]
    pub fn is_compiled(&self) -> bool {
        self.matcher.is_some()
    }
}

fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(text: &str, language: Language) -> Vec<Cue> {
        let folded = Folded::new(text, language);
        Lexicon::of(language)
            .find(&folded.text)
            .into_iter()
            .map(|f| f.cue)
            .collect()
    }

    #[test]
    fn both_lexicons_compile() {
        assert!(Lexicon::of(Language::Ko).is_compiled());
        assert!(Lexicon::of(Language::En).is_compiled());
    }

    #[test]
    fn korean_phrases_match_regardless_of_spacing() {
        assert!(cues("그건 안됩니다", Language::Ko).contains(&Cue::Negative));
        assert!(cues("그건 안 됩니다", Language::Ko).contains(&Cue::Negative));
        assert!(cues("많이 불편 하셨겠어요", Language::Ko).contains(&Cue::Empathy));
    }

    #[test]
    fn a_refusal_is_not_read_as_the_possibility_it_contains() {
        let found = cues("환불은 불가능합니다", Language::Ko);
        assert!(found.contains(&Cue::Negative));
        assert!(!found.contains(&Cue::Alternative) && !found.contains(&Cue::Solution));
    }

    #[test]
    fn english_phrases_need_word_boundaries() {
        assert!(!cues("this is the thing", Language::En).contains(&Cue::Greeting));
        assert!(cues("Hi! How can I help?", Language::En).contains(&Cue::Greeting));
    }
}
