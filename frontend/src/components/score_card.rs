//! A card for one category score: the number, a band, a bar, the rationale, strengths and weaknesses.

use leptos::prelude::*;
use shared::report::{Category, CategoryScore};

use crate::i18n::{Texts, use_i18n};

/// Which of the four scores a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreKind {
    /// One coaching category.
    Category(Category),
    /// The weighted overall score.
    Overall,
}

impl ScoreKind {
    /// The `data-category` value (`attitude`, `problem_solving`, `communication`, `overall`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Category(category) => category.as_str(),
            Self::Overall => "overall",
        }
    }

    fn label(self, t: Texts) -> &'static str {
        match self {
            Self::Category(category) => t.category(category),
            Self::Overall => t.overall(),
        }
    }
}

/// The CSS band of a score (`excellent` ≥ 85, `good` ≥ 70, `fair` ≥ 50, else `poor`).
pub fn score_band_class(score: u8) -> &'static str {
    match score {
        85.. => "excellent",
        70..=84 => "good",
        50..=69 => "fair",
        _ => "poor",
    }
}

/// One score card (`div.score-card[data-category]`, the number in `.score`).
#[component]
pub fn ScoreCard(
    /// Which score this is.
    kind: ScoreKind,
    /// The score and its explanation.
    score: CategoryScore,
) -> impl IntoView {
    let i18n = use_i18n();
    let CategoryScore {
        score: value,
        rationale,
        strengths,
        weaknesses,
    } = score;
    let value = value.min(100);
    let band = score_band_class(value);
    let list = move |items: Vec<String>, class: &'static str| {
        (!items.is_empty()).then(|| {
            view! {
                <ul class=class>
                    {items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
                </ul>
            }
        })
    };
    let has_strengths = !strengths.is_empty();
    let has_weaknesses = !weaknesses.is_empty();
    view! {
        <div
            class=format!("score-card band-{band}{}", if kind == ScoreKind::Overall { " overall" } else { "" })
            data-category=kind.code()
        >
            <div class="score-head">
                <span class="score-label">{move || kind.label(i18n.t())}</span>
                <span class="score-band">{move || i18n.t().score_band(value)}</span>
            </div>
            <div class="score-value">
                <span class="score">{value}</span>
                <span class="score-max">{move || i18n.t().score_out_of()}</span>
            </div>
            <div class="score-bar" role="presentation">
                <span style:width=format!("{value}%")></span>
            </div>
            <p class="rationale">{rationale}</p>
            {has_strengths.then(|| view! {
                <h4 class="list-title strengths-title">{move || i18n.t().strengths()}</h4>
            })}
            {list(strengths, "strengths")}
            {has_weaknesses.then(|| view! {
                <h4 class="list-title weaknesses-title">{move || i18n.t().weaknesses()}</h4>
            })}
            {list(weaknesses, "weaknesses")}
        </div>
    }
}
