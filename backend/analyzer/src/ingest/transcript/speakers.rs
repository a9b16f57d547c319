//! Speaker labels → [`Speaker`]: alias lists first, else the first-speaker heuristic.

use shared::transcript::{Speaker, Turn};

use super::RawTurn;

/// Labels that name the agent or the customer (matched case-insensitively, on the whole label or
/// its first word, ignoring trailing digits and a parenthesised note: `상담원2`, `고객(김**)`,
/// `Agent Smith`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerAliases {
    /// Labels of the counselor.
    pub agent: Vec<String>,
    /// Labels of the customer.
    pub customer: Vec<String>,
}

impl Default for SpeakerAliases {
    fn default() -> Self {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Self {
            agent: owned(&[
                "상담원",
                "상담사",
                "상담직원",
                "직원",
                "안내원",
                "customer service",
                "customer support",
                "customer care",
                "agent",
                "rep",
                "representative",
                "advisor",
                "adviser",
                "counselor",
                "counsellor",
                "operator",
                "csr",
                "support",
                "staff",
            ]),
            customer: owned(&[
                "고객",
                "고객님",
                "손님",
                "민원인",
                "문의자",
                "customer",
                "caller",
                "client",
                "user",
                "guest",
            ]),
        }
    }
}

/// What a label says about its speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelKind {
    /// An agent alias.
    Agent,
    /// A customer alias.
    Customer,
    /// Anything else: a person's name, `Speaker 1`, `A`.
    Name,
}

impl SpeakerAliases {
    /// Classifies a label.
    pub(super) fn classify(&self, label: &str) -> LabelKind {
        let lower = label.trim().to_lowercase();
        let without_note = match lower.find(['(', '[', '（']) {
            Some(at) => lower.get(..at).unwrap_or(&lower),
            None => &lower,
        };
        let core = without_note
            .trim_end_matches(|c: char| {
                c.is_ascii_digit() || c.is_whitespace() || c == '#' || c == '_' || c == '-'
            })
            .trim();
        let first_word = core.split_whitespace().next().unwrap_or(core);
        for candidate in [core, first_word] {
            if self.agent.iter().any(|a| a == candidate) {
                return LabelKind::Agent;
            }
            if self.customer.iter().any(|a| a == candidate) {
                return LabelKind::Customer;
            }
        }
        LabelKind::Name
    }
}

/// Phrases with which an agent typically opens; used to tell which named speaker is the agent.
const AGENT_OPENERS: &[&str] = &[
    "도와드릴",
    "고객센터",
    "상담원",
    "상담사",
    "전화 주셔서",
    "how can i help",
    "how may i help",
    "how can i assist",
    "thank you for calling",
    "thanks for calling",
    "thank you for contacting",
    "thanks for contacting",
];

/// Maps labels to speakers and drops empty turns. Returns the turns and the mapping used.
pub(super) fn resolve_speakers(
    raw: Vec<RawTurn>,
    aliases: &SpeakerAliases,
) -> (Vec<Turn>, &'static str) {
    let mut names: Vec<&str> = Vec::new();
    let (mut has_agent, mut has_customer, mut has_label) = (false, false, false);
    for turn in &raw {
        let Some(label) = turn.label.as_deref() else {
            continue;
        };
        has_label = true;
        match aliases.classify(label) {
            LabelKind::Agent => has_agent = true,
            LabelKind::Customer => has_customer = true,
            LabelKind::Name => {
                if !names.contains(&label) {
                    names.push(label);
                }
            }
        }
    }
    let (name_speakers, mapping): (Vec<Speaker>, &'static str) = if has_agent || has_customer {
        let first = match (has_agent, has_customer) {
            (true, false) => Speaker::Customer,
            (false, true) => Speaker::Agent,
            _ => Speaker::Unknown,
        };
        let speakers = (0..names.len())
            .map(|i| if i == 0 { first } else { Speaker::Unknown })
            .collect();
        (speakers, "labels")
    } else if has_label {
        let mut speakers: Vec<Speaker> = (0..names.len())
            .map(|i| match i {
                0 => Speaker::Agent,
                1 => Speaker::Customer,
                _ => Speaker::Unknown,
            })
            .collect();
        if let ([first, second, ..], [s0, s1, ..]) = (names.as_slice(), speakers.as_mut_slice())
            && !opens_like_agent(&raw, first)
            && opens_like_agent(&raw, second)
        {
            std::mem::swap(s0, s1);
        }
        (speakers, "first_speaker")
    } else {
        (Vec::new(), "none")
    };
    let speaker_of = |label: Option<&str>| -> Speaker {
        let Some(label) = label else {
            return Speaker::Unknown;
        };
        match aliases.classify(label) {
            LabelKind::Agent => Speaker::Agent,
            LabelKind::Customer => Speaker::Customer,
            LabelKind::Name => names
                .iter()
                .position(|n| *n == label)
                .and_then(|i| name_speakers.get(i).copied())
                .unwrap_or(Speaker::Unknown),
        }
    };
    let turns = raw
        .iter()
        .filter_map(|turn| {
            let text = turn.text.trim();
            (!text.is_empty()).then(|| Turn {
                speaker: speaker_of(turn.label.as_deref()),
                start_ms: turn.start_ms,
                end_ms: turn.end_ms,
                text: text.to_owned(),
            })
        })
        .collect();
    (turns, mapping)
}

/// Whether one of the speaker's first three turns sounds like an agent's opening.
fn opens_like_agent(raw: &[RawTurn], label: &str) -> bool {
    raw.iter()
        .filter(|t| t.label.as_deref() == Some(label))
        .take(3)
        .any(|t| {
            let lower = t.text.to_lowercase();
            AGENT_OPENERS.iter().any(|p| lower.contains(p))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_variants_are_recognised() {
        let aliases = SpeakerAliases::default();
        for agent in [
            "상담원",
            "상담원2",
            "상담사 김민지",
            "Agent",
            "AGENT 1",
            "Rep",
            "customer service",
            "직원(본점)",
        ] {
            assert_eq!(aliases.classify(agent), LabelKind::Agent, "{agent}");
        }
        for customer in [
            "고객",
            "고객님",
            "고객(김**)",
            "손님",
            "Caller",
            "customer",
            "Customer 2",
        ] {
            assert_eq!(
                aliases.classify(customer),
                LabelKind::Customer,
                "{customer}"
            );
        }
        for name in ["김민수", "John", "Speaker 1", "A", "화자1", "주문번호"] {
            assert_eq!(aliases.classify(name), LabelKind::Name, "{name}");
        }
    }
}
