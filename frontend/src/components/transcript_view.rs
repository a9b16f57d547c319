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

/// Context of a page that may play the consultation's recording in `#recording`: while it holds
/// `true`, each turn's time seeks the player there.
#[derive(Debug, Clone, Copy)]
pub struct RecordingPlayer(pub Memo<bool>);

/// Plays the recording (`#recording`) from `ms`.
fn play_from(ms: u64) {
    use wasm_bindgen::JsCast;
    let Some(player) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("recording"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok())
    else {
        return;
    };
    #[allow(clippy::cast_precision_loss)]
    player.set_current_time(ms as f64 / 1000.0);
    // Autoplay rules may refuse; the position is set either way.
    let _ = player.play();
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
    let seekable = use_context::<RecordingPlayer>().is_some_and(|p| p.0.get_untracked());
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
                        {turn.start_ms.map(|ms| if seekable {
                            view! {
                                <button type="button" class="timestamp seek" title=move || i18n.t().seek_label()
                                    aria-label=move || format!("{} {}", i18n.t().seek_label(), format_clock(ms))
                                    on:click=move |_| play_from(ms)>
                                    "▶ " {format_clock(ms)}
                                </button>
                            }.into_any()
                        } else {
                            view! { <span class="timestamp">{format_clock(ms)}</span> }.into_any()
                        })}
                        <span class="turn-index">{format!("#{}", u64::from(index) + 1)}</span>
                    </div>
                    <p class="turn-text">{turn.text}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ol id="transcript" class="transcript">{items}</ol> }.into_any()
}
