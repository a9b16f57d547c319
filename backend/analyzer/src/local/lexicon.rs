//! Curated Korean and English phrase lists, matched in one pass per turn (Aho-Corasick over folded
//! text). Korean phrases are matched without spaces (so `안 됩니다` = `안됩니다`) and as substrings
//! (Korean attaches endings); English phrases are matched on word boundaries. A phrase written with
//! a leading `^` only counts at the start of a sentence or clause (`됐고요` is curt on its own but
//! ordinary in `접수됐고요`).
//!
//! The lists were reviewed against everyday Korean contact-centre speech: the standard opening
//! (`사랑합니다 고객님`, `무엇을 도와드릴까요`), cushion words taught in CS training (`번거로우시겠지만`,
//! `안타깝게도`, `혹시`), request forms (imperative `~해 주세요` is a bare request, the question form
//! `~해 주시겠어요?` is already softened), refusals and their positive rewrites, and phrases that look
//! alike once spaces are removed (`사이즈 바꿔 주세요` is an exchange, not a request for a supervisor;
//! `분실 신고하시면` is card-loss routine, not a threat).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::text::Folded;
use shared::language::Language;

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
    /// The customer saying they are repeating themselves.
    Repeat,
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
            "사랑합니다",
            "고객센터입니다",
            "전화 주셔서 감사",
            "연락 주셔서 감사",
            "문의 주셔서 감사",
            "전화 감사드립니다",
            "무엇을 도와드릴까요",
            "뭘 도와드릴까요",
            "무엇을 도와 드릴까요",
            "어떤 문의",
            "어떤 업무",
            "어떤 일로 전화",
        ],
    ),
    (
        Cue::Thanks,
        &["감사합니다", "고맙습니다", "감사드립니다", "감사해요"],
    ),
    (
        Cue::Empathy,
        &[
            "불편하셨",
            "속상하셨",
            "답답하셨",
            "당황하셨",
            "당황스러우셨",
            "놀라셨",
            "걱정되셨",
            "걱정하셨",
            "걱정이 많으셨",
            "걱정 많으셨",
            "염려되셨",
            "불안하셨",
            "힘드셨",
            "어려우셨",
            "많이 기다리셨",
            "오래 기다리셨",
            "기다리시느라",
            "기다리게 해 드려",
            "번거로우셨",
            "불편을 겪으셨",
            "불편을 겪게",
            "불쾌하셨",
            "실망하셨",
            "실망스러우셨",
            "황당하셨",
            "급하셨",
            "신경 쓰이셨",
            "신경이 쓰이셨",
            "신경 많이 쓰이셨",
            "이해합니다",
            "이해해요",
            "충분히 이해",
            "이해가 됩니다",
            "이해가 가요",
            "이해가 갑니다",
            "공감합니다",
            "그러셨군요",
            "그러셨겠어요",
            "그러셨어요",
            "그러실 수 있",
            "무슨 말씀인지 알",
            "마음이 상하셨",
            "기분이 상하셨",
            "마음 상하셨",
            "얼마나 불편",
            "얼마나 놀라",
            "얼마나 답답",
            "저라도 화가",
            "저라도 속상",
            "화가 나셨",
            "기분 나쁘셨",
            "서운하셨",
            "난처하셨",
            "곤란하셨",
        ],
    ),
    (
        Cue::Apology,
        &[
            "죄송합니다",
            "죄송해요",
            "죄송하게",
            "죄송스럽",
            "죄송한 마음",
            "불편을 드려",
            "불편 드려",
            "불편을 끼쳐",
            "심려를 끼쳐",
            "사과드립니다",
            "사과 드립니다",
            "사과의 말씀",
            "미안합니다",
            "송구합니다",
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
            "양해해 주시",
            "불편하시겠지만",
            "불편하시더라도",
            "바쁘시겠지만",
            "수고스러우시겠지만",
            "수고스럽겠지만",
            "가능하시다면",
            "혹시",
            "번거롭게 해 드려",
            "안타깝게도",
            "아쉽게도",
            "공교롭게도",
            "유감스럽게도",
            "말씀 중에 죄송",
            "편하실 때",
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
            "맞나요",
            "맞으신지",
            "확인해 드리겠습니다",
            "확인해 보겠습니다",
            "확인 도와드리겠습니다",
            "확인해 드릴게요",
            "확인해 볼게요",
            "확인해 보니",
            "확인 결과",
            "확인차",
            "조회해 보겠",
            "조회해 드리겠",
            "조회해 드릴게",
            "조회해 볼게",
            "조회해 보니",
            "살펴보겠",
            "살펴봐 드리",
            "알아보겠습니다",
            "알아봐 드리",
            "말씀하신",
            "말씀해 주신",
            "다시 한번 확인",
            "다시 한 번 확인",
            "다시 말씀드리면",
            "복창",
            "정리해 드리면",
            "정리하면",
            "요약하면",
            "말씀이시죠",
            "말씀이신가요",
            "말씀이시군요",
            "라는 말씀",
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
            "처리 완료",
            "도와드리겠습니다",
            "도와드릴게요",
            "해 드릴 수 있습니다",
            "해 드릴 수 있어요",
            "방법은",
            "방법이 있습니다",
            "하시면 됩니다",
            "하시면 되세요",
            "하시면 돼요",
            "가능합니다",
            "가능하세요",
            "가능하십니다",
            "시면 됩니다",
            "시면 돼요",
            "시면 되세요",
            "시면 되십니다",
            "재발송",
            "재배송",
            "재발급",
            "환불 처리",
            "교환 처리",
            "반품 접수",
            "정지 처리",
            "해지 처리",
            "취소 처리",
            "쿠폰을 발급",
            "쿠폰 발급",
            "안내해 드리겠습니다",
            "예정입니다",
            "예정이에요",
            "예정이고",
            "예정이며",
            "될 예정",
            "방문 예약",
        ],
    ),
    (
        Cue::NextSteps,
        &[
            "영업일",
            "일 이내",
            "시간 이내",
            "주 이내",
            "이내에",
            "이내로",
            "내일까지",
            "오늘 중",
            "내일 중",
            "익일",
            "당일",
            "오전 중",
            "오후 중",
            "전까지",
            "시 이전",
            "일 안에",
            "시간 안에",
            "소요",
            "걸립니다",
            "걸릴 예정",
            "문자로",
            "문자 발송",
            "문자를 보내",
            "카카오톡으로",
            "알림톡",
            "이메일로",
            "메일로",
            "연락드리겠",
            "연락 드리겠",
            "연락드릴게",
            "연락드릴 예정",
            "다시 연락",
            "회신",
            "결과를 안내",
            "도착 예정",
            "예정입니다",
            "예정이에요",
            "예정이고",
            "예정이며",
            "될 예정",
            "받아보실 수",
            "받아 보실",
            "확인하실 수 있",
            "마이페이지에서",
            "완료되면",
            "처리되면",
            "발송되면",
            "출고되면",
            "다음 단계",
            "추후",
            "순차적으로",
            "진행 상황",
        ],
    ),
    (
        Cue::Closing,
        &[
            "더 궁금하신",
            "더 필요하신",
            "다른 문의",
            "또 다른 문의",
            "다른 궁금",
            "추가로 궁금",
            "추가 문의",
            "궁금하신 점 있으시면",
            "궁금한 점 있으시면",
            "필요하신 사항",
            "도움이 필요하시면",
            "언제든지 연락",
            "언제든 연락",
            "언제든지 문의",
            "언제든 문의",
            "더 도와드릴",
            "좋은 하루",
            "행복한 하루",
            "즐거운 하루",
            "편안한 하루",
            "좋은 주말",
            "즐거운 주말",
            "좋은 저녁",
            "편안한 저녁",
            "편안한 밤",
            "건강하세요",
            "안녕히 계세요",
            "안녕히 계십시오",
            "상담원이었습니다",
            "이용해 주셔서 감사",
            "이용해 주셔서 고맙",
        ],
    ),
    (
        Cue::Negative,
        &[
            "안 됩니다",
            "안 돼요",
            "안 돼",
            "안 되세요",
            "안 되십니다",
            "안 되고요",
            "안 되는데",
            "불가능합니다",
            "불가능해요",
            "불가능하세요",
            "불가능하고",
            "불가합니다",
            "불가해요",
            "불가하세요",
            "불가하고",
            "어렵습니다",
            "어려워요",
            "어렵겠습니다",
            "어려울 것 같",
            "곤란합니다",
            "곤란해요",
            "해당이 안",
            "해당 안 되",
            "해당되지 않",
            "방법이 없",
            "방법은 없",
            "할 수 없습니다",
            "할 수 없어요",
            "할 수가 없",
            "해 드릴 수 없",
            "해드릴 수 없",
            "해 드릴 수가 없",
            "못 해 드",
            "못 드립니다",
            "못 드려요",
            "못 합니다",
            "못해요",
            "저희 책임이 아니",
            "저희 소관이 아니",
            "모르겠습니다",
            "모르겠어요",
            "저도 모르",
            "어쩔 수 없",
            "안 되는 거",
            "보상은 없",
            "보상이 안",
            "그런 건 없",
            "할 수 있는 게 아니",
            "할 수 있는 게 없",
            "해 드릴 게 없",
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
            "가능한 것은",
            "도와드릴 수 있",
            "해 드릴 수 있",
            "하실 수 있",
            "방법은",
            "방법이 있",
            "방법으로",
            "가능합니다",
            "가능하세요",
            "가능하십니다",
            "가능해요",
            "이렇게 하시면",
            "권해 드",
            "추천해 드",
            "어떠세요",
            "어떠실까요",
            "어떠신가요",
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
            "여러 번 말씀드렸",
            "고객님이 잘못",
            "고객님 잘못",
            "고객님 탓",
            "고객님 실수",
            "고객님 때문",
            "고객님이 확인을 안",
            "제대로 확인 안",
            "제대로 안 보",
            "확인을 안 하셨",
            "안 읽어 보셨",
            "안 읽으셨",
            "잘못 입력하셨",
            "잘못 누르셨",
            "알아서 하세요",
            "맘대로 하세요",
            "마음대로 하세요",
            "셨어야죠",
            "셨어야지",
            "셨어야 했",
            "저한테 그러셔도",
            "저한테 화내",
            "저한테 그러지",
            "제 담당이 아니",
            "제 담당 아닙니다",
            "제 업무가 아니",
            "저는 모릅니다",
            "저는 몰라요",
            "제가 어떻게 알",
            "그걸 왜 저한테",
            "다시 전화하세요",
            "읽어 보시면 나와",
            "규정이 그래요",
            "규정이 그렇",
            "원래 그래요",
            "원래 그렇",
            "원래 그런 거",
            "원래 오래 걸",
            "담당이 아니라서",
            "제 소관이 아니",
            "^됐고요",
            "^됐구요",
            "^됐고",
            "빨리 말씀하세요",
            "할 말 없으면",
            "끊을게요",
            "끊을게",
            "제 말 좀 들어",
            "제 말을 안 들",
            "진작 말씀하시지",
            "왜 이제 말씀",
            "그러게 왜",
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
            "매니저 연결",
            "다른 분 바꿔",
            "다른 사람 바꿔",
            "다른 상담원",
            "담당자 바꿔",
            "소비자원",
            "소비자보호원",
            "민원 넣",
            "민원을 넣",
            "민원 제기",
            "민원 접수할",
            "금감원",
            "금융감독원",
            "국민신문고",
            "공정위",
            "언론에",
            "제보할",
            "고소할",
            "고소하겠",
            "소송",
            "변호사",
            "신고할 거",
            "신고하겠",
            "신고할게",
            "본사에 연락",
            "본사에 항의",
            "본사에 전화",
            "본사에 민원",
            "가만 안 있",
            "이관",
            "담당 부서로 연결",
            "담당 부서에 전달",
            "전문 부서",
        ],
    ),
    (
        Cue::Request,
        &[
            "주세요",
            "주십시오",
            "하셔야 합니다",
            "하셔야 돼요",
            "하셔야 됩니다",
        ],
    ),
    (
        Cue::Repeat,
        &[
            "몇 번을 말",
            "몇 번 말",
            "몇 번째",
            "아까 말했",
            "아까 말씀드렸",
            "아까도 말",
            "다시 말하지만",
            "다시 말씀드리지만",
            "계속 말씀드리",
            "계속 말하",
            "여러 번 말",
            "두 번째 전화",
            "세 번째 전화",
            "또 전화",
            "벌써 몇 번",
            "냐고요",
            "냐니까요",
            "다니까요",
            "라니까요",
            "다고요.",
            "라고요.",
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
            "해결",
            "도움이",
            "도움 됐",
            "수고하세요",
            "수고하셨",
            "수고 많으셨",
            "고생하셨",
            "빠르네",
            "편하네",
            "잘됐",
            "잘 됐",
            "덕분에",
            "괜찮아요",
            "괜찮습니다",
            "괜찮네요",
            "알겠습니다",
            "그렇게 해 주세요",
            "최고",
            "감동",
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
            "어처구니",
            "황당",
            "최악",
            "불만",
            "너무하",
            "엉망",
            "속상",
            "억울",
            "걱정",
            "불안",
            "불쾌",
            "기가 막",
            "말이 안",
            "말도 안",
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
            "언제까지 기다",
            "왜 이렇게",
            "왜 안",
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
            "장난하",
            "사기",
            "열받",
            "열 받",
            "미치겠",
            "죽겠",
            "기분 나쁘",
            "불친절",
            "무책임",
            "성의 없",
            "성의가 없",
            "못 믿",
            "믿을 수가 없",
            "다시는 안",
            "오래 걸",
            "너무 오래",
            "셔야죠",
            "셨어야죠",
            "셔야지",
            "말이 돼요?",
            "말이 됩니까?",
            "많이 나왔",
            "많이 나와",
            "더 나왔",
        ],
    ),
];

const EN: Table = &[
    (
        Cue::Greeting,
        &[
            "hello",
            "hi",
            "hey",
            "hey there",
            "good morning",
            "good afternoon",
            "good evening",
            "thank you for calling",
            "thanks for calling",
            "thank you for contacting",
            "thanks for contacting",
            "thank you for reaching out",
            "thanks for reaching out",
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
            "i totally get",
            "i'm sorry to hear",
            "sorry to hear",
            "i am sorry to hear",
            "that must be",
            "must be frustrating",
            "must have been",
            "i can imagine",
            "i know how frustrating",
            "that sounds frustrating",
            "that sounds stressful",
            "that sounds difficult",
            "that sounds annoying",
            "how frustrating",
            "i hear you",
            "i see how",
            "that's frustrating",
            "that is frustrating",
            "that's understandable",
            "understandably",
            "i understand your frustration",
            "i'd feel the same",
            "i would feel the same",
            "i'd be upset too",
            "no wonder",
            "i appreciate your patience",
            "thanks for your patience",
            "thank you for your patience",
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
            "please",
            "kindly",
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
            "so what you're saying",
            "if i understand correctly",
            "if i understand you correctly",
            "did i get that right",
            "let me make sure",
            "is that correct",
            "is that right",
            "am i right",
            "can you confirm",
            "could you confirm",
            "let me check",
            "let me verify",
            "just to verify",
            "to verify",
            "to clarify",
            "just to clarify",
            "let me look into",
            "let me pull up",
            "let me take a look",
            "let me see",
            "i'll check",
            "i checked",
            "i've checked",
            "i see that",
            "i can see",
            "you mentioned",
        ],
    ),
    (
        Cue::Solution,
        &[
            "i'll",
            "i will",
            "you can",
            "we can",
            "i can offer",
            "i can send",
            "i can refund",
            "i can process",
            "i can issue",
            "i can escalate",
            "i can transfer",
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
            "we'll refund",
            "we will refund",
            "i've updated",
            "i have updated",
            "i've sent",
            "i have sent",
            "we've sent",
            "we have sent",
            "i've refunded",
            "i have refunded",
            "we've refunded",
            "we have refunded",
            "i've applied",
            "i have applied",
            "i've added",
            "i have added",
            "i've credited",
            "i have credited",
            "i've waived",
            "i've scheduled",
            "i have scheduled",
            "i've booked",
            "i've replaced",
            "i've arranged",
            "i've ordered",
            "i've placed",
            "i've submitted",
            "i have submitted",
            "i've changed",
            "i have changed",
            "i've fixed",
            "i've unlocked",
            "i've removed",
            "has been refunded",
            "has been shipped",
            "has been sent",
            "has been processed",
            "has been issued",
            "has been cancelled",
            "has been canceled",
            "has been updated",
            "has been reset",
            "has been credited",
            "has been applied",
            "has been approved",
            "has been resolved",
            "was shipped",
            "was sent",
            "was processed",
            "is on its way",
            "will arrive",
            "will be delivered",
            "will be refunded",
            "will be credited",
            "will be processed",
            "will be shipped",
            "is resolved",
            "is fixed",
            "i've escalated",
            "i have escalated",
            "i've let my manager know",
            "i have let my manager know",
            "i've reset",
            "i have reset",
            "i've cancelled",
            "i have cancelled",
            "i've canceled",
            "you're all set",
            "you are all set",
        ],
    ),
    (
        Cue::NextSteps,
        &[
            "business days",
            "business day",
            "within",
            "you will receive",
            "you'll receive",
            "you should receive",
            "you will see",
            "you'll see",
            "should arrive",
            "will arrive",
            "next step",
            "next steps",
            "we will contact",
            "we'll contact",
            "will contact you",
            "will notify",
            "we'll notify",
            "will be in touch",
            "get back to you",
            "follow up",
            "follow-up",
            "you can expect",
            "by tomorrow",
            "by the end of",
            "tracking number",
            "reference number",
            "case number",
            "ticket number",
            "confirmation email",
            "email you",
            "call you back",
            "will give you a call",
            "will call you",
            "you'll get",
            "you will get",
            "in the next",
            "less than a week",
            "within a week",
            "in a few days",
            "24 hours",
            "48 hours",
        ],
    ),
    (
        Cue::Closing,
        &[
            "anything else",
            "anything else i can help",
            "anything else i can do",
            "anything else i can assist",
            "is there anything else",
            "have a great day",
            "have a nice day",
            "have a good day",
            "have a great night",
            "have a nice night",
            "have a good night",
            "have a wonderful",
            "have a lovely",
            "have a great weekend",
            "have a good weekend",
            "have a good one",
            "enjoy your",
            "take care",
            "thanks for contacting",
            "thank you for contacting",
            "thank you for calling",
            "thanks for reaching out",
            "thank you for reaching out",
            "glad i could help",
            "happy to help",
            "a pleasure to help",
            "my pleasure",
            "you're welcome",
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
            "not eligible",
            "isn't eligible",
            "doesn't qualify",
            "not something we",
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
            "one option",
            "the good news",
            "what we can do",
            "how about",
            "would you like me to",
            "i'd be happy to",
            "you could",
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
            "not our problem",
            "not our fault",
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
            "that's on you",
            "you were supposed to",
            "what do you want",
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
            "legal action",
            "better business bureau",
            "chargeback",
            "dispute the charge",
        ],
    ),
    (
        Cue::Request,
        &[
            "i need your",
            "i'll need your",
            "give me",
            "send me",
            "tell me",
            "provide",
            "you need to",
            "you have to",
            "you must",
        ],
    ),
    (
        Cue::Repeat,
        &[
            "i already told you",
            "i already said",
            "as i said",
            "like i said",
            "i told you",
            "how many times",
            "for the third time",
            "for the second time",
            "third time",
            "second time",
            "again and again",
            "i keep telling",
            "i keep saying",
            "i've called",
            "called three times",
            "called twice",
        ],
    ),
    (
        Cue::Positive,
        &[
            "thank",
            "thanks",
            "thx",
            "great",
            "perfect",
            "appreciate",
            "appreciated",
            "awesome",
            "good",
            "sounds good",
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
            "cool",
            "brilliant",
            "lifesaver",
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
            "still haven't",
            "haven't received",
            "never received",
            "not received",
            "missing",
            "complaint",
            "bad",
            "hate",
            "useless",
            "lost",
            "stolen",
            "never arrived",
            "hasn't arrived",
            "didn't arrive",
            "worried",
            "confused",
            "charged twice",
            "double charged",
            "overcharged",
            "issue",
            "unhappy",
            "fed up",
            "sick of",
            "scam",
            "rude",
            "furious",
            "waste",
            "not working",
            "stopped working",
            "doesn't work",
            "locked out",
            "can't log in",
            "declined",
        ],
    ),
];

/// Positive rewrites of refusals: (a phrase of the refusal or its sentence, the alternative).
/// The first entry whose phrase occurs in the refusal's sentence wins, so specific entries come
/// first and the last entry of each language is the general fallback.
const KO_REWRITES: &[(&str, &str)] = &[
    ("모르", "정확히 확인해서 바로 안내해 드리겠습니다."),
    (
        "책임이 아니",
        "제가 담당 부서에 바로 확인해서 결과를 알려 드리겠습니다.",
    ),
    (
        "소관이 아니",
        "담당 부서에 바로 전달해서 처리 결과를 안내해 드리겠습니다.",
    ),
    (
        "규정",
        "규정상 그 부분은 어렵지만, 대신 가능한 방법으로 바로 도와드리겠습니다.",
    ),
    (
        "정책",
        "정책상 그 부분은 어렵지만, 대신 가능한 방법으로 바로 도와드리겠습니다.",
    ),
    (
        "방법",
        "지금 가능한 방법을 찾아서 바로 안내해 드리겠습니다.",
    ),
    (
        "어쩔 수 없",
        "지금 할 수 있는 조치부터 바로 진행해 드리겠습니다.",
    ),
    (
        "보상",
        "보상은 어렵지만, 대신 지금 해 드릴 수 있는 조치를 바로 안내해 드리겠습니다.",
    ),
    (
        "환불",
        "바로 환불은 어렵지만, 확인 절차가 끝나는 즉시 환불되도록 접수해 드리겠습니다.",
    ),
    (
        "어렵",
        "지금 바로는 어렵지만, 대신 이렇게 도와드릴 수 있습니다.",
    ),
    ("", "그 부분은 어렵지만, 대신 이렇게 도와드릴 수 있습니다."),
];

const EN_REWRITES: &[(&str, &str)] = &[
    ("don't know", "Let me find that out for you right now."),
    (
        "policy",
        "Our policy doesn't cover that, but here's what I can do for you instead.",
    ),
    (
        "eligible",
        "This one doesn't qualify, but here's the option that does work for you.",
    ),
    ("nothing", "Here's what I can do for you right now."),
    (
        "refund",
        "I can't refund it directly, but I can escalate it so it gets reviewed today.",
    ),
    (
        "return",
        "I can't accept the return, but I can escalate it to my manager for you.",
    ),
    (
        "",
        "I can't do that, but here's what I can do for you instead.",
    ),
];

/// A positive alternative to a refusal, chosen from the sentence it occurs in.
pub(super) fn positive_alternative(sentence: &str, language: Language) -> &'static str {
    let (table, fallback) = match language {
        Language::Ko => (
            KO_REWRITES,
            "그 부분은 어렵지만, 대신 이렇게 도와드릴 수 있습니다.",
        ),
        Language::En => (
            EN_REWRITES,
            "I can't do that, but here's what I can do for you instead.",
        ),
    };
    let folded = Folded::new(sentence, language).text;
    table
        .iter()
        .find(|(phrase, _)| folded.contains(&Folded::fold_phrase(phrase, language)))
        .map_or(fallback, |(_, rewrite)| rewrite)
}

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
        code: "insurance_claim",
        ko: "보험금 청구",
        en: "an insurance claim",
        ko_words: &["보험금", "보험 청구", "보상 청구", "심사"],
        en_words: &["insurance claim", "claim status", "my claim"],
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
    /// The cues of each phrase, each with whether it only counts at a sentence or clause start.
    cues: Vec<Vec<(Cue, bool)>>,
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
        let mut cues: Vec<Vec<(Cue, bool)>> = Vec::new();
        let mut add = |phrase: &str, cue: Cue| {
            let (phrase, anchored) = match phrase.strip_prefix('^') {
                Some(rest) => (rest, true),
                None => (phrase, false),
            };
            let folded = Folded::fold_phrase(phrase, language);
            if folded.is_empty() {
                return;
            }
            match phrases.iter().position(|p| *p == folded) {
                Some(i) => {
                    if let Some(list) = cues.get_mut(i)
                        && !list.contains(&(cue, anchored))
                    {
                        list.push((cue, anchored));
                    }
                }
                None => {
                    phrases.push(folded);
                    cues.push(vec![(cue, anchored)]);
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
    /// (`불가능합니다` is a refusal, not `가능합니다`), English matches must sit on word boundaries
    /// and anchored phrases at the start of a sentence or clause.
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
                    .filter(move |(_, anchored)| !anchored || starts_clause(folded, start))
                    .map(move |&(cue, _)| Found { cue, start, end })
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
                    .all(|(c, _)| matches!(c, Cue::Positive | Cue::NegativeFeeling | Cue::Topic(_)))
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

/// Interjections that may precede a clause-initial phrase (`네, 됐고요`, `아 됐고요`).
const LEADING_INTERJECTIONS: &[char] = &['네', '예', '아', '어', '음', '자'];

/// Whether `at` starts a sentence or clause of a folded text: the text start, after punctuation, or
/// after a lone interjection that does.
fn starts_clause(folded: &str, at: usize) -> bool {
    let head = folded.get(..at).unwrap_or_default().trim_end();
    let mut before = head.chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_ascii_punctuation() || matches!(c, '…' | '·' | '、') => true,
        Some(c) if LEADING_INTERJECTIONS.contains(&c) => {
            starts_clause(folded, head.len() - c.len_utf8())
        }
        Some(_) => false,
    }
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
        let found = cues("다른 방법은 없습니다", Language::Ko);
        assert!(found.contains(&Cue::Negative) && !found.contains(&Cue::Solution));
    }

    #[test]
    fn english_phrases_need_word_boundaries() {
        assert!(!cues("this is the thing", Language::En).contains(&Cue::Greeting));
        assert!(cues("Hi! How can I help?", Language::En).contains(&Cue::Greeting));
    }

    #[test]
    fn anchored_phrases_count_only_at_the_start_of_a_clause() {
        assert!(cues("됐고요, 주문번호나 불러 주세요", Language::Ko).contains(&Cue::Blame));
        assert!(cues("네, 됐고요. 다음", Language::Ko).contains(&Cue::Blame));
        assert!(!cues("접수 됐고요, 내일 연락드립니다", Language::Ko).contains(&Cue::Blame));
    }

    #[test]
    fn look_alike_phrases_of_ordinary_calls_are_not_escalations_or_blame() {
        for text in [
            "사이즈 바꿔 주세요",
            "분실 신고하시면 바로 정지됩니다",
            "본사에서 직접 발송됩니다",
            "그러니까 요금이 두 번 나갔다는 거죠?",
        ] {
            let found = cues(text, Language::Ko);
            assert!(
                !found.contains(&Cue::Escalation) && !found.contains(&Cue::Blame),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn refusals_get_a_positive_rewrite_that_fits_the_sentence() {
        assert_eq!(
            positive_alternative("그건 저도 모르겠습니다.", Language::Ko),
            "정확히 확인해서 바로 안내해 드리겠습니다."
        );
        assert!(positive_alternative("규정상 불가능합니다.", Language::Ko).starts_with("규정상"));
        assert!(positive_alternative("그건 안 됩니다.", Language::Ko).contains("대신"));
        assert!(
            positive_alternative("we cannot accept the return", Language::En).contains("escalate")
        );
        assert!(positive_alternative("That's not possible.", Language::En).contains("instead"));
    }
}
