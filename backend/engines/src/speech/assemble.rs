//! Transcribed segments → speaker turns, and the filter against Whisper's known failure modes.
//!
//! **Stereo calls**: each channel is transcribed on its own; its segments take the channel's role
//! (`speech.agent_channel`, default left = agent). No guessing.
//!
//! **Mono recordings** (the documented heuristic, marked `VOICE_HEURISTIC` on the transcript):
//! 1. a new utterance starts after a pause of at least 0.8 s, or after a segment ending in a
//!    question mark (a question is answered by the other person);
//! 2. utterances alternate between two speakers;
//! 3. the speaker whose words carry more counselor phrases (고객님, 도와드릴까요, 상담원,
//!    "how can I help", "thank you for calling" …) is the agent; on a tie, the first speaker
//!    (counselors open calls).
//!
//! **Filter** ([`clean`]): segments that are only punctuation or one of the phrases Whisper is
//! known to invent on silence or music (subtitle credits, "thanks for watching", "시청해 주셔서
//! 감사합니다" …), segments the engine itself rates as very likely not speech, a segment repeating
//! the previous one word for word, and phrases looping inside a segment.

use shared::transcript::{Speaker, Turn};

use super::Segment;
use super::settings::AgentChannel;

/// How speakers were told apart in a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerAssignment {
    /// Stereo: the agent on the given channel, the customer on the other.
    Channels(AgentChannel),
    /// Mono: the pause/question alternation with the counselor-phrase vote.
    Heuristic,
}

impl SpeakerAssignment {
    /// The value stored in `transcripts.speaker_mapping`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Channels(_) => "channels",
            Self::Heuristic => "voice_heuristic",
        }
    }
}

/// A pause after which a mono recording's next segment is taken as the other speaker.
const SPEAKER_CHANGE_PAUSE_MS: u64 = 800;
/// Segments of one speaker closer than this join one turn.
const JOIN_TURN_MS: u64 = 1_500;
/// Above this no-speech probability a segment is dropped.
const NO_SPEECH_DROP: f32 = 0.85;

/// Phrases Whisper produces on silence, music or noise (whole-segment matches, compared without
/// spaces and punctuation, lowercase).
const HALLUCINATIONS: &[&str] = &[
    "시청해주셔서감사합니다",
    "시청해주셔서고맙습니다",
    "구독과좋아요부탁드립니다",
    "구독과좋아요",
    "mbc뉴스이덕영입니다",
    "다음영상에서만나요",
    "thankyouforwatching",
    "thanksforwatching",
    "pleasesubscribe",
    "subtitlesbytheamaraorgcommunity",
    "subtitlesby",
    "transcribedby",
    "you",
];

/// Counselor phrases for the mono heuristic's vote (lowercase).
const AGENT_CUES: &[&str] = &[
    "고객님",
    "도와드릴",
    "상담원",
    "상담사",
    "확인해 드리",
    "확인해드리",
    "안내해 드리",
    "안내해드리",
    "감사합니다 고객",
    "how can i help",
    "how may i help",
    "thank you for calling",
    "my name is",
    "is there anything else",
];

fn normalized(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Drops what Whisper invents and collapses its loops; see the module documentation.
pub fn clean(segments: Vec<Segment>) -> Vec<Segment> {
    let mut kept: Vec<Segment> = Vec::with_capacity(segments.len());
    for mut segment in segments {
        segment.text = collapse_loops(segment.text.trim());
        let key = normalized(&segment.text);
        if key.is_empty()
            || segment.no_speech > NO_SPEECH_DROP
            || HALLUCINATIONS.contains(&key.as_str())
            || kept
                .last()
                .is_some_and(|last| normalized(&last.text) == key)
        {
            continue;
        }
        kept.push(segment);
    }
    kept
}

/// A phrase of 1-8 words repeated back to back more than 3 times (1-word phrases: more than 5)
/// keeps one occurrence (two for single words, as in "네 네").
fn collapse_loops(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut n = 1;
    while n <= 8 {
        let (limit, keep) = if n == 1 { (5, 2) } else { (3, 1) };
        let mut i = 0;
        let mut changed = false;
        while i + n <= words.len() {
            let mut repeats = 1;
            while i + (repeats + 1) * n <= words.len()
                && words[i..i + n] == words[i + repeats * n..i + (repeats + 1) * n]
            {
                repeats += 1;
            }
            if repeats > limit {
                words.drain(i + keep * n..i + repeats * n);
                changed = true;
            }
            i += 1;
        }
        if !changed {
            n += 1;
        }
    }
    words.join(" ")
}

/// Turns of a stereo call: both channels' segments by start time, consecutive segments of one
/// speaker within 1.5 s joined.
pub fn stereo_turns(agent: &[Segment], customer: &[Segment]) -> Vec<Turn> {
    let mut tagged: Vec<(Speaker, &Segment)> = agent
        .iter()
        .map(|s| (Speaker::Agent, s))
        .chain(customer.iter().map(|s| (Speaker::Customer, s)))
        .collect();
    tagged.sort_by_key(|(_, s)| (s.start_ms, s.end_ms));
    join_turns(tagged)
}

/// Turns of a mono recording by the documented heuristic.
pub fn mono_turns(segments: &[Segment]) -> Vec<Turn> {
    let mut sides: Vec<bool> = Vec::with_capacity(segments.len());
    let mut side = false;
    for (i, segment) in segments.iter().enumerate() {
        if let Some(previous) = i.checked_sub(1).map(|p| &segments[p]) {
            let pause = segment.start_ms.saturating_sub(previous.end_ms);
            let asked = previous.text.trim_end().ends_with('?');
            if pause >= SPEAKER_CHANGE_PAUSE_MS || asked {
                side = !side;
            }
        }
        sides.push(side);
    }
    let cues = |want: bool| -> usize {
        segments
            .iter()
            .zip(&sides)
            .filter(|(_, s)| **s == want)
            .map(|(segment, _)| {
                let text = segment.text.to_lowercase();
                AGENT_CUES.iter().filter(|cue| text.contains(*cue)).count()
            })
            .sum()
    };
    let agent_side = cues(true) > cues(false);
    let tagged = segments
        .iter()
        .zip(&sides)
        .map(|(segment, side)| {
            let speaker = if *side == agent_side {
                Speaker::Agent
            } else {
                Speaker::Customer
            };
            (speaker, segment)
        })
        .collect();
    join_turns(tagged)
}

fn join_turns(tagged: Vec<(Speaker, &Segment)>) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for (speaker, segment) in tagged {
        match turns.last_mut() {
            Some(last)
                if last.speaker == speaker
                    && segment.start_ms <= last.end_ms.unwrap_or(0) + JOIN_TURN_MS =>
            {
                last.text.push(' ');
                last.text.push_str(&segment.text);
                last.end_ms = last.end_ms.max(Some(segment.end_ms));
            }
            _ => turns.push(Turn {
                speaker,
                start_ms: Some(segment.start_ms),
                end_ms: Some(segment.end_ms),
                text: segment.text.clone(),
            }),
        }
    }
    turns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(start_ms: u64, end_ms: u64, text: &str) -> Segment {
        Segment {
            start_ms,
            end_ms,
            text: text.to_owned(),
            no_speech: 0.0,
        }
    }

    #[test]
    fn the_filter_drops_invented_credits_repeats_and_non_speech() {
        let mut noise = seg(9_000, 10_000, "음악");
        noise.no_speech = 0.95;
        let cleaned = clean(vec![
            seg(0, 1_000, "안녕하세요, 고객님."),
            seg(1_000, 2_000, "안녕하세요, 고객님."),
            seg(2_000, 3_000, " ... "),
            seg(3_000, 4_000, "시청해 주셔서 감사합니다!"),
            seg(4_000, 5_000, "Thank you for watching."),
            seg(5_000, 6_000, "요금이 두 번 나갔어요."),
            noise,
        ]);
        let texts: Vec<&str> = cleaned.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["안녕하세요, 고객님.", "요금이 두 번 나갔어요."]);
    }

    #[test]
    fn repetition_loops_collapse_but_ordinary_repeats_stay() {
        assert_eq!(
            collapse_loops(
                "확인해 보겠습니다 확인해 보겠습니다 확인해 보겠습니다 확인해 보겠습니다 확인해 보겠습니다"
            ),
            "확인해 보겠습니다"
        );
        assert_eq!(collapse_loops("네 네 알겠습니다"), "네 네 알겠습니다");
        assert_eq!(
            collapse_loops("네 네 네 네 네 네 네 네 좋아요"),
            "네 네 좋아요"
        );
        assert_eq!(collapse_loops("a b a b a b"), "a b a b a b");
    }

    #[test]
    fn stereo_segments_take_their_channels_roles_in_time_order() {
        let agent = [
            seg(0, 2_000, "네, 상담원 김민지입니다."),
            seg(2_500, 3_000, "무엇을 도와드릴까요?"),
            seg(7_000, 8_000, "확인해 드리겠습니다."),
        ];
        let customer = [seg(3_500, 6_500, "요금이 두 번 나갔어요.")];
        let turns = stereo_turns(&agent, &customer);
        let got: Vec<(Speaker, &str, Option<u64>)> = turns
            .iter()
            .map(|t| (t.speaker, t.text.as_str(), t.start_ms))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Speaker::Agent,
                    "네, 상담원 김민지입니다. 무엇을 도와드릴까요?",
                    Some(0)
                ),
                (Speaker::Customer, "요금이 두 번 나갔어요.", Some(3_500)),
                (Speaker::Agent, "확인해 드리겠습니다.", Some(7_000)),
            ]
        );
    }

    #[test]
    fn the_mono_heuristic_alternates_at_pauses_and_questions_and_votes_the_agent() {
        let segments = [
            seg(0, 1_500, "여보세요, 요금 문의하려고요."),
            seg(2_500, 4_000, "네 고객님, 무엇을 도와드릴까요?"),
            seg(4_200, 6_000, "요금이 두 번 나갔어요."),
            seg(6_100, 7_000, "카드로요."),
            seg(8_000, 9_000, "확인해 드리겠습니다."),
        ];
        let turns = mono_turns(&segments);
        let speakers: Vec<Speaker> = turns.iter().map(|t| t.speaker).collect();
        // The customer opened this call; the counselor phrases still find the agent.
        assert_eq!(
            speakers,
            [
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent
            ]
        );
        assert_eq!(turns[2].text, "요금이 두 번 나갔어요. 카드로요.");
    }
}
