//! Honorific consistency (존댓말) in Korean agent turns: a sentence whose final word ends in a
//! plain (반말) ending — `-해`, `-야`, `-거든`, `-잖아`, `-지?`, `몰라`, `그래`, `-했어`, `-한다` —
//! instead of `-요`/`-니다`/`-니까`/`-죠` is a slip. Trailing vocatives (`고객님`) and interjections
//! (`네`) are skipped; noun-final fragments (`배송 조회.`) are neutral.

use super::text::sentences;

/// Endings that make a sentence polite.
const POLITE_ENDINGS: &[&str] = &["요", "니다", "니까", "시오", "죠", "소서"];
/// Whole words that are plain speech.
const SLIP_WORDS: &[&str] = &[
    "응",
    "어어",
    "몰라",
    "그래",
    "아니",
    "뭐",
    "왜",
    "됐어",
    "싫어",
    "맞아",
    "알았어",
    "알겠어",
    "아냐",
    "됐다",
    "그치",
    "당연하지",
];
/// Plain endings (word suffixes).
const SLIP_SUFFIXES: &[&str] = &[
    "거든",
    "잖아",
    "했어",
    "됐어",
    "없어",
    "있어",
    "었어",
    "았어",
    "겠어",
    "했지",
    "거야",
    "이야",
    "해줘",
    "해봐",
    "하냐",
    "했냐",
    "라니까",
    "다니까",
    "해라",
    "하자",
    "몰라",
    "그래",
    "아니야",
    "않아",
    "싫어",
    "맞아",
    "알아",
    "좋아",
    "같아",
    "많아",
    "괜찮아",
    "할래",
    "볼래",
    "줄래",
    "갈래",
    "해",
    "돼",
    "줘",
    "봐",
    "냐",
    "야",
    "려",
    "와",
    "져",
    "쳐",
    "켜",
    "워",
];
/// Nouns that end like plain verbs.
const NOUN_EXCEPTIONS: &[&str] = &[
    "이해",
    "피해",
    "손해",
    "올해",
    "오해",
    "방해",
    "분야",
    "시야",
    "영어",
    "단어",
    "언어",
    "국어",
    "한국어",
    "외국어",
    "상어",
    "연어",
    "고등어",
    "오징어",
    "바다",
    "보다",
    "마다",
    "네네",
    "예네",
    "동네",
    "고려",
    "배려",
    "우려",
    "염려",
    "샤워",
    "파워",
    "타워",
    "와",
];
/// Plain question endings (with a question mark).
const QUESTION_ENDINGS: &[&str] = &["지", "니", "데", "나", "까", "냐", "래", "게", "고"];
/// Plain `-지` words without a question mark.
const PLAIN_JI: &[&str] = &[
    "그렇지",
    "맞지",
    "알지",
    "하지",
    "되지",
    "했지",
    "있지",
    "없지",
    "거지",
];
/// Words skipped at the end of a sentence (interjections).
const INTERJECTIONS: &[&str] = &["네", "예", "네네", "아", "어", "음", "그", "저기"];

/// How a sentence ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Polite,
    Plain,
    Neutral,
}

/// Byte ranges of the sentences of an agent turn that end in plain speech.
pub(super) fn find_slips(text: &str) -> Vec<(usize, usize)> {
    sentences(text)
        .into_iter()
        .filter(|&(s, e)| {
            text.get(s..e)
                .is_some_and(|sentence| classify_sentence(sentence) == Ending::Plain)
        })
        .collect()
}

fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

fn classify_sentence(sentence: &str) -> Ending {
    let question = sentence.trim_end().ends_with(['?', '？']);
    for word in sentence.split_whitespace().rev() {
        let core = word
            .trim_end_matches(|c: char| !is_syllable(c))
            .trim_start_matches(|c: char| !is_syllable(c));
        if core.is_empty() || core.ends_with('님') || INTERJECTIONS.contains(&core) {
            continue;
        }
        return classify_word(core, question);
    }
    Ending::Neutral
}

fn classify_word(word: &str, question: bool) -> Ending {
    if POLITE_ENDINGS.iter().any(|e| word.ends_with(e)) {
        return Ending::Polite;
    }
    if NOUN_EXCEPTIONS.contains(&word) {
        return Ending::Neutral;
    }
    let syllables = word.chars().count();
    let plain = SLIP_WORDS.contains(&word)
        || SLIP_SUFFIXES.iter().any(|e| word.ends_with(e))
        || (question && QUESTION_ENDINGS.iter().any(|e| word.ends_with(e)))
        || PLAIN_JI.iter().any(|e| word.ends_with(e))
        || (syllables >= 2 && word.ends_with('어'))
        || (syllables >= 2 && word.ends_with('다'))
        || (syllables >= 2 && word.ends_with('네'))
        || ends_with_rieul_ge(word);
    if plain {
        Ending::Plain
    } else {
        Ending::Neutral
    }
}

/// `할게`, `드릴게`, `볼게`: `-ㄹ게` without `요`.
fn ends_with_rieul_ge(word: &str) -> bool {
    let mut chars = word.chars().rev();
    let (Some('게'), Some(previous)) = (chars.next(), chars.next()) else {
        return false;
    };
    // Final consonant ㄹ has index 8 in the Unicode Hangul syllable composition.
    is_syllable(previous) && (u32::from(previous) - 0xAC00) % 28 == 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slips(text: &str) -> Vec<&str> {
        find_slips(text)
            .into_iter()
            .filter_map(|(s, e)| text.get(s..e))
            .collect()
    }

    #[test]
    fn plain_endings_in_agent_sentences_are_slips() {
        for sentence in [
            "그건 안 돼.",
            "확인해 볼게",
            "주문번호 불러 줘",
            "아까 말했잖아",
            "그건 저도 몰라",
            "원래 그래",
            "배송은 내일 도착한다.",
            "규정이 그렇거든.",
            "알지?",
            "기다려 봐",
            "그게 다야",
            "잠깐만 기다려 고객님",
            "환불은 안 되는데 어떡할래?",
            "처리했어",
        ] {
            assert_eq!(slips(sentence), [sentence], "{sentence}");
        }
    }

    #[test]
    fn polite_and_neutral_sentences_are_not_slips() {
        for sentence in [
            "확인해 드리겠습니다.",
            "불편을 드려 죄송합니다 고객님.",
            "주문번호 말씀해 주시겠어요?",
            "그렇죠?",
            "네, 고객님.",
            "네네",
            "배송 조회.",
            "감사합니다!",
            "혹시 영어",
            "음…",
            "내일 도착할 예정이에요 ^^",
            "충분히 이해가 됩니다ㅎㅎ",
            "오해",
            "Galaxy S24",
        ] {
            assert!(slips(sentence).is_empty(), "{sentence}");
        }
    }
}
