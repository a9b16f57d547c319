//! One improvement item: priority, category, what happened, what to do, a phrase to try and the
//! evidence quotes linking to transcript turns.

use leptos::prelude::*;
use shared::report::{Improvement, Priority};

use crate::i18n::use_i18n;

/// The wire name of a priority (`HIGH`, `MEDIUM`, `LOW`), used as `data-priority`.
pub fn priority_code(priority: Priority) -> &'static str {
    match priority {
        Priority::High => "HIGH",
        Priority::Medium => "MEDIUM",
        Priority::Low => "LOW",
    }
}

/// An improvement item (`li.improvement[data-priority]`).
#[component]
pub fn ImprovementItem(
    /// The item.
    item: Improvement,
    /// Its one-based position in the list.
    position: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let Improvement {
        code,
        category,
        title,
        issue,
        recommendation,
        example_phrase,
        priority,
        evidence,
    } = item;
    let has_evidence = !evidence.is_empty();
    view! {
        <li
            class=format!("improvement priority-{}", priority.as_str())
            data-priority=priority_code(priority)
            data-code=code
        >
            <div class="improvement-head">
                <span class="improvement-number">{position}</span>
                <h4 class="improvement-title">{title}</h4>
                <span class=format!("priority-badge priority-{}", priority.as_str())>
                    {move || i18n.t().priority(priority)}
                </span>
                <span class="category-chip">{move || i18n.t().category(category)}</span>
            </div>
            <dl class="improvement-body">
                <dt>{move || i18n.t().issue_label()}</dt>
                <dd class="issue">{issue}</dd>
                <dt>{move || i18n.t().recommendation_label()}</dt>
                <dd class="recommendation">{recommendation}</dd>
            </dl>
            {example_phrase.map(|phrase| view! {
                <figure class="example-phrase">
                    <figcaption>{move || i18n.t().example_phrase_label()}</figcaption>
                    <blockquote>{phrase}</blockquote>
                </figure>
            })}
            {has_evidence.then(|| view! {
                <div class="evidence-list">
                    <span class="evidence-label">{move || i18n.t().evidence_label()}</span>
                    <ul>
                        {evidence.into_iter().map(|e| {
                            let turn = e.turn;
                            view! {
                                <li>
                                    <a class="evidence-link" href=format!("#turn-{turn}") data-turn=turn>
                                        <span class="turn-ref">{move || i18n.t().turn_number(turn)}</span>
                                        <q class="quote">{e.quote}</q>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </li>
    }
}
