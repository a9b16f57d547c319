//! The transcript: one item per turn (`li#turn-N`), evidence turns highlighted.

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::transcript::{Speaker, Turn};

use crate::format::format_clock;
use crate::i18n::use_i18n;

/// The CSS class of a speaker (`agent`, `customer`, `unknown`).
pub fn speaker_class(speaker: Speaker) -> &'static str {
    match speaker {
        Speaker::Agent => "agent",
        Speaker::Customer => "customer",
        Speaker::Unknown => "unknown",
    }
}

/// The transcript list (`ol#transcript`).
#[component]
pub fn TranscriptView(
    /// The turns, in order.
    turns: Vec<Turn>,
    /// Indices of turns quoted as evidence.
    #[prop(optional)]
    highlighted: BTreeSet<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    if turns.is_empty() {
        return view! { <p class="muted empty">{move || i18n.t().transcript_empty()}</p> }
            .into_any();
    }
    let items = turns
        .into_iter()
        .enumerate()
        .map(|(index, turn)| {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let speaker = turn.speaker;
            let evidence = highlighted.contains(&index);
            let class = format!(
                "turn {}{}",
                speaker_class(speaker),
                if evidence { " evidence" } else { "" }
            );
            view! {
                <li id=format!("turn-{index}") class=class>
                    <div class="turn-meta">
                        <span class="speaker">{move || i18n.t().speaker(speaker)}</span>
                        {turn.start_ms.map(|ms| view! { <span class="timestamp">{format_clock(ms)}</span> })}
                        <span class="turn-index">{format!("#{}", u64::from(index) + 1)}</span>
                    </div>
                    <p class="turn-text">{turn.text}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ol id="transcript" class="transcript">{items}</ol> }.into_any()
}
