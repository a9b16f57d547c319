//! `/dashboard` (managers and admins): every KPI of the sheet over a period, in the sheet's groups,
//! with how many targets are met, a date-range picker with presets and a team filter.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::kpi::{KpiGroup, KpiStatus};

use crate::api::admin::{Team, list_teams};
use crate::api::kpis::{KpiBoard, kpi_board};
use crate::api::{Api, ApiError};
use crate::components::kpi_card::{KpiCard, status_parts};
use crate::format::{DEFAULT_OFFSET_MINUTES, last_days, parse_day, today};
use crate::i18n::use_i18n;

/// The longest range the server accepts, in days after the first.
const MAX_SPAN_DAYS: i64 = 731;

/// The presets offered, in days.
const PRESETS: [i64; 3] = [7, 30, 90];

/// The preset shown first.
const DEFAULT_DAYS: i64 = 30;

/// The range of two `YYYY-MM-DD` inputs when it is one the server accepts.
fn valid_range(from: &str, to: &str) -> Option<(NaiveDate, NaiveDate)> {
    let from = parse_day(from)?;
    let to = parse_day(to)?;
    let span = (to - from).num_days();
    ((0..=MAX_SPAN_DAYS).contains(&span) && from.year() >= 1970).then_some((from, to))
}

/// The preset `from..=to` equals when it ends `today`.
fn preset_of(from: &str, to: &str, today: NaiveDate) -> Option<i64> {
    let (from, to) = valid_range(from, to)?;
    let span = (to - from).num_days() + 1;
    (to == today && PRESETS.contains(&span)).then_some(span)
}

/// The wire name of a group (`UPLOAD_ACTIVITY` …), used for anchors and test hooks.
fn group_code(group: KpiGroup) -> String {
    serde_json::to_value(group)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The page's data; `Copy`, so handlers and async blocks can share it.
#[derive(Clone, Copy)]
struct DashboardState {
    api: Api,
    from: RwSignal<String>,
    to: RwSignal<String>,
    /// The time zone of the server's KPI days, minutes east of UTC.
    offset: RwSignal<i32>,
    /// The team id, empty for the whole organisation.
    team: RwSignal<String>,
    teams: RwSignal<Vec<Team>>,
    board: RwSignal<Option<KpiBoard>>,
    error: RwSignal<Option<ApiError>>,
    range_invalid: RwSignal<bool>,
    loading: RwSignal<bool>,
    /// Counts requests, so that only the latest answer is shown.
    generation: StoredValue<u64>,
}

impl DashboardState {
    fn load(self) {
        let (from, to) = (self.from.get_untracked(), self.to.get_untracked());
        if valid_range(&from, &to).is_none() {
            self.range_invalid.set(true);
            return;
        }
        self.range_invalid.set(false);
        self.error.set(None);
        self.loading.set(true);
        self.generation.update_value(|g| *g += 1);
        let planned = self.generation.get_value();
        let team = Some(self.team.get_untracked()).filter(|t| !t.is_empty());
        spawn_local(async move {
            let answer = kpi_board(self.api, &from, &to, team.as_deref()).await;
            if self.generation.try_get_value() != Some(planned) {
                return;
            }
            self.loading.set(false);
            match answer {
                Ok(board) => {
                    // The server counts days elsewhere: a preset must end on *its* today.
                    let offset = board.utc_offset_minutes;
                    if offset != self.offset.get_untracked() {
                        let preset = self.active_preset_untracked();
                        self.offset.set(offset);
                        if let Some(days) = preset
                            && last_days(today(offset), days).1.to_string()
                                != self.to.get_untracked()
                        {
                            self.set_preset(days);
                            return;
                        }
                    }
                    self.board.set(Some(board));
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    fn set_preset(self, days: i64) {
        let (from, to) = last_days(today(self.offset.get_untracked()), days);
        self.from.set(from.to_string());
        self.to.set(to.to_string());
        self.load();
    }

    /// The preset the current range equals, if any (tracked).
    fn active_preset(self) -> Option<i64> {
        preset_of(&self.from.get(), &self.to.get(), today(self.offset.get()))
    }

    /// The preset the current range equals, if any, without subscribing.
    fn active_preset_untracked(self) -> Option<i64> {
        preset_of(
            &self.from.get_untracked(),
            &self.to.get_untracked(),
            today(self.offset.get_untracked()),
        )
    }
}

/// The KPI dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let (from, to) = last_days(today(DEFAULT_OFFSET_MINUTES), DEFAULT_DAYS);
    let state = DashboardState {
        api: Api::from_context(),
        from: RwSignal::new(from.to_string()),
        to: RwSignal::new(to.to_string()),
        offset: RwSignal::new(DEFAULT_OFFSET_MINUTES),
        team: RwSignal::new(String::new()),
        teams: RwSignal::new(Vec::new()),
        board: RwSignal::new(None),
        error: RwSignal::new(None),
        range_invalid: RwSignal::new(false),
        loading: RwSignal::new(false),
        generation: StoredValue::new(0),
    };
    state.load();
    // The team filter's choices; without them only the whole organisation is offered.
    spawn_local(async move {
        if let Ok(teams) = list_teams(state.api).await {
            state.teams.try_set(teams);
        }
    });

    view! {
        <div class="page dashboard">
            <div>
                <h1 class="page-title">{move || i18n.t().dashboard_title()}</h1>
                <p class="muted">{move || i18n.t().dashboard_intro()}</p>
            </div>
            <Controls state />
            <div aria-live="polite">
                <Show when=move || state.range_invalid.get()>
                    <p id="range-error" class="error" role="alert">{move || i18n.t().range_invalid()}</p>
                </Show>
                {move || state.error.get().map(|e| view! {
                    <p id="kpi-error" class="error" role="alert">{move || e.display(i18n.t())}</p>
                })}
            </div>
            {move || match state.board.get() {
                None if state.error.with(Option::is_none) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                None => ().into_any(),
                Some(board) => view! { <Board board loading=state.loading /> }.into_any(),
            }}
        </div>
    }
}

/// The range presets, date inputs and team filter.
#[component]
fn Controls(state: DashboardState) -> impl IntoView {
    let i18n = use_i18n();
    let on_date = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_value(&ev));
            state.load();
        }
    };
    view! {
        <section class="card kpi-controls" aria-label=move || i18n.t().dashboard_title()>
            <div class="preset-group" role="group">
                {PRESETS.into_iter().map(|days| {
                    let label = move || match days {
                        7 => i18n.t().range_last_7(),
                        30 => i18n.t().range_last_30(),
                        _ => i18n.t().range_last_90(),
                    };
                    view! {
                        <button
                            type="button"
                            id=format!("range-{days}")
                            class="btn btn-ghost btn-small"
                            class:active=move || state.active_preset() == Some(days)
                            aria-pressed=move || (state.active_preset() == Some(days)).to_string()
                            on:click=move |_| state.set_preset(days)
                        >
                            {label}
                        </button>
                    }
                }).collect_view()}
            </div>
            <div class="field">
                <label for="kpi-from">{move || i18n.t().range_from()}</label>
                <input
                    id="kpi-from"
                    type="date"
                    prop:value=move || state.from.get()
                    max=move || state.to.get()
                    on:change=on_date(state.from)
                />
            </div>
            <div class="field">
                <label for="kpi-to">{move || i18n.t().range_to()}</label>
                <input
                    id="kpi-to"
                    type="date"
                    prop:value=move || state.to.get()
                    min=move || state.from.get()
                    on:change=on_date(state.to)
                />
            </div>
            <div class="field">
                <label for="kpi-team">{move || i18n.t().team_filter()}</label>
                <select
                    id="kpi-team"
                    prop:value=move || state.team.get()
                    on:change=move |ev| {
                        state.team.set(event_target_value(&ev));
                        state.load();
                    }
                >
                    <option value="">{move || i18n.t().all_teams()}</option>
                    <For each=move || state.teams.get() key=|team| team.id.clone() let:team>
                        <option value=team.id.clone()>{team.name.clone()}</option>
                    </For>
                </select>
            </div>
        </section>
    }
}

/// The summary, the group index and every group's cards.
#[component]
fn Board(board: KpiBoard, loading: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = board.summary;
    let offset = board.utc_offset_minutes;
    let counts = [
        (KpiStatus::Met, summary.met),
        (KpiStatus::NotMet, summary.not_met),
        (KpiStatus::NoData, summary.no_data),
    ];
    let groups: Vec<_> = KpiGroup::ALL
        .into_iter()
        .map(|group| {
            let kpis: Vec<_> = board
                .kpis
                .iter()
                .filter(|k| k.group == group)
                .cloned()
                .collect();
            (group, kpis)
        })
        .filter(|(_, kpis)| !kpis.is_empty())
        .collect();
    let index: Vec<_> = groups.iter().map(|(group, _)| *group).collect();

    view! {
        <div id="kpi-board" class="kpi-board" class:is-loading=move || loading.get() aria-busy=move || loading.get().to_string()>
            <div id="kpi-summary" class="kpi-summary" role="group" aria-label=move || i18n.t().kpi_summary_aria()>
                {counts.into_iter().map(|(status, count)| {
                    let (class, code) = status_parts(status);
                    view! {
                        <span class=format!("kpi-pill kpi-pill-{class}") data-status=code data-count=count.to_string()>
                            <span class="badge-dot" aria-hidden="true"></span>
                            {move || i18n.t().kpi_status(status)}
                            <strong>{count}</strong>
                        </span>
                    }
                }).collect_view()}
                <span class="muted kpi-range">
                    {format!("{} ~ {}", board.from, board.to)}
                    " · "
                    {move || i18n.t().kpi_days_in_tz()}
                    {format!(" UTC{:+}:{:02}", offset / 60, (offset % 60).abs())}
                </span>
            </div>
            <nav class="kpi-group-nav" aria-label=move || i18n.t().kpi_groups_aria()>
                {index.into_iter().map(|group| {
                    let anchor = format!("group-{}", group_code(group));
                    let target = anchor.clone();
                    view! {
                        <a
                            href=format!("#{anchor}")
                            class="chip"
                            on:click=move |ev| {
                                ev.prevent_default();
                                if let Some(el) = web_sys::window()
                                    .and_then(|w| w.document())
                                    .and_then(|d| d.get_element_by_id(&target))
                                {
                                    el.scroll_into_view();
                                }
                            }
                        >
                            {group.section()} " " {move || i18n.t().kpi_group(group)}
                        </a>
                    }
                }).collect_view()}
            </nav>
            {groups.into_iter().map(|(group, kpis)| {
                let code = group_code(group);
                let title_id = format!("group-{code}-title");
                let labelled_by = title_id.clone();
                view! {
                    <section id=format!("group-{code}") class="kpi-group" data-group=code aria-labelledby=labelled_by>
                        <h2 class="kpi-group-title" id=title_id>
                            <span class="kpi-section">{group.section()}</span>
                            " "
                            {move || i18n.t().kpi_group(group)}
                        </h2>
                        <div class="kpi-grid">
                            {kpis.into_iter().map(|kpi| view! { <KpiCard kpi /> }).collect_view()}
                        </div>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_end_today_and_ranges_are_checked_like_the_server() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        let (from, to) = last_days(day, 30);
        assert_eq!(from.to_string(), "2026-10-31");
        assert_eq!(to, day);
        assert!(valid_range("2026-10-31", "2026-11-29").is_some());
        assert!(valid_range("2026-11-29", "2026-11-29").is_some());
        assert!(valid_range("2026-11-30", "2026-11-29").is_none());
        assert!(valid_range("2024-01-01", "2026-11-29").is_none());
        assert!(valid_range("", "2026-11-29").is_none());
        assert_eq!(group_code(KpiGroup::AiApiEfficiency), "AI_API_EFFICIENCY");
        assert_eq!(preset_of("2026-10-31", "2026-11-29", day), Some(30));
        assert_eq!(preset_of("2026-11-01", "2026-11-29", day), None);
        assert_eq!(preset_of("2026-10-30", "2026-11-28", day), None);
    }
}
