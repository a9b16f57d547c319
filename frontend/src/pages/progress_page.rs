//! `/progress`: a counselor's scores over time and the improvement items that keep coming back
//! (their own, or with `?counselor=<id>` a team member's for managers and admins), over the last
//! 30, 90 or 365 days.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::coaching::{CoachingTrend, RecurringItem, coaching_trend};
use crate::api::{Api, Latest};
use crate::components::score_trend::ScoreTrend;
use crate::format::{DEFAULT_OFFSET_MINUTES, format_datetime, format_number, last_days, today};
use crate::i18n::use_i18n;

/// The periods offered, in days.
pub const PERIODS: [i64; 3] = [30, 90, 365];
/// The period shown first.
pub const DEFAULT_PERIOD: i64 = 90;

/// `from`, `to` (`YYYY-MM-DD`) of the last `days` days in the server's time zone.
pub fn period(days: i64) -> (String, String) {
    let (from, to) = last_days(today(DEFAULT_OFFSET_MINUTES), days);
    (from.to_string(), to.to_string())
}

/// The period buttons of the coaching pages.
#[component]
pub fn PeriodButtons(
    /// The chosen period, in days.
    days: RwSignal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="preset-group" role="group" aria-label=move || i18n.t().period_label()>
            {PERIODS.into_iter().map(|n| view! {
                <button
                    type="button"
                    id=format!("period-{n}")
                    class="btn btn-ghost btn-small"
                    class:active=move || days.get() == n
                    aria-pressed=move || (days.get() == n).to_string()
                    on:click=move |_| days.set(n)
                >
                    {move || i18n.t().period_days(n)}
                </button>
            }).collect_view()}
        </div>
    }
}

/// A signed score change, `+3.5` / `−2`, or `—`.
pub fn format_change(change: Option<f64>) -> String {
    match change {
        Some(c) if c > 0.0 => format!("+{}", format_number(c)),
        Some(c) if c < 0.0 => format!("−{}", format_number(-c)),
        Some(_) => "0".to_owned(),
        None => "—".to_owned(),
    }
}

/// The personal trend page.
#[component]
pub fn ProgressPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let query = use_query_map();
    let days = RwSignal::new(DEFAULT_PERIOD);
    let loaded = Latest::<CoachingTrend>::new();
    let (trend, error) = (loaded.value, loaded.error);
    Effect::new(move |_| {
        let counselor = query.with(|q| q.get("counselor"));
        let (from, to) = period(days.get());
        loaded.load(async move { coaching_trend(api, &from, &to, counselor.as_deref()).await });
    });
    let own = move || query.with(|q| q.get("counselor").is_none());

    view! {
        <div class="page progress-page" id="progress-page">
            <div>
                <h1 class="page-title">
                    {move || match (own(), trend.get()) {
                        (false, Some(t)) => i18n.t().growth_title_of(&t.counselor.shown()),
                        _ => i18n.t().growth_title().to_owned(),
                    }}
                </h1>
                <p class="muted">{move || i18n.t().progress_intro()}</p>
            </div>
            <section class="card kpi-controls"><PeriodButtons days /></section>
            {move || error.get().map(|e| view! { <p class="error" id="progress-error" role="alert">{move || e.display(i18n.t())}</p> })}
            {move || match trend.get() {
                None if error.with(Option::is_none) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                None => ().into_any(),
                Some(t) if t.points.is_empty() => view! {
                    <div class="card empty-state" id="progress-empty"><p class="muted">{move || i18n.t().progress_none()}</p></div>
                }.into_any(),
                Some(t) => view! { <TrendView trend=t /> }.into_any(),
            }}
        </div>
    }
}

/// The summary, the chart, the recurring items and the consultations of a trend.
#[component]
fn TrendView(trend: CoachingTrend) -> impl IntoView {
    let i18n = use_i18n();
    let count = trend.points.len();
    let average = trend.average;
    let change = trend.change;
    let recurring = trend.recurring.clone();
    let mut recent = trend.points.clone();
    recent.reverse();
    recent.truncate(10);
    view! {
        <section class="card progress-summary" id="progress-summary">
            <dl class="status-list">
                <div><dt>{move || i18n.t().progress_consultations()}</dt><dd id="progress-count">{count}</dd></div>
                <div><dt>{move || i18n.t().score_overall()}</dt><dd id="progress-average">{average.map_or("—".to_owned(), |a| format_number(a.overall))}</dd></div>
                <div>
                    <dt>{move || i18n.t().progress_change()}</dt>
                    <dd id="progress-change" class:up=change.is_some_and(|c| c > 0.0) class:down=change.is_some_and(|c| c < 0.0)>
                        {format_change(change)}
                    </dd>
                </div>
                {average.map(|a| view! {
                    <div><dt>{move || i18n.t().category(shared::report::Category::Attitude)}</dt><dd>{format_number(a.attitude)}</dd></div>
                    <div><dt>{move || i18n.t().category(shared::report::Category::ProblemSolving)}</dt><dd>{format_number(a.problem_solving)}</dd></div>
                    <div><dt>{move || i18n.t().category(shared::report::Category::Communication)}</dt><dd>{format_number(a.communication)}</dd></div>
                })}
            </dl>
            <p class="muted small">{move || i18n.t().progress_change_hint()}</p>
        </section>
        <section class="card">
            <h2 class="card-title">{move || i18n.t().progress_chart()}</h2>
            <ScoreTrend points=trend.points />
        </section>
        <section class="card" id="recurring-items">
            <h2 class="card-title">{move || i18n.t().progress_recurring()}</h2>
            {if recurring.is_empty() {
                view! { <p class="muted">{move || i18n.t().progress_recurring_none()}</p> }.into_any()
            } else {
                view! {
                    <ol class="recurring-list">
                        {recurring.into_iter().map(|item| view! { <RecurringRow item /> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2 class="card-title">{move || i18n.t().progress_recent()}</h2>
            <ul class="plain-list" id="progress-recent">
                {recent.into_iter().map(|p| {
                    let at = p.at.clone();
                    view! {
                        <li>
                            <A href=format!("/consultations/{}", p.consultation_id)>{p.title}</A>
                            <span class="muted small">{move || format_datetime(&at, i18n.lang())}</span>
                            <span class="score-pill">{format_number(p.scores.overall)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// One recurring item: its title, category, how often, and whether coaching helped.
#[component]
pub fn RecurringRow(item: RecurringItem) -> impl IntoView {
    let i18n = use_i18n();
    let category = item.category;
    let (times, improved, settled) = (item.times, item.improved, item.settled);
    let title = if item.title.is_empty() {
        item.code.clone()
    } else {
        item.title.clone()
    };
    view! {
        <li class="recurring-item" data-code=item.code.clone()>
            <span class="recurring-title">{title}</span>
            <span class="badge">{move || i18n.t().category(category)}</span>
            <span class="recurring-times">{move || i18n.t().progress_times(times)}</span>
            {(settled > 0).then(|| view! {
                <span class="muted small">{move || i18n.t().progress_improved(improved, settled)}</span>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed_and_missing_ones_are_a_dash() {
        assert_eq!(format_change(Some(3.5)), "+3.5");
        assert_eq!(format_change(Some(-2.0)), "−2");
        assert_eq!(format_change(Some(0.0)), "0");
        assert_eq!(format_change(None), "—");
    }
}
