//! `/team` (managers and admins): every counselor of the manager's team (an admin picks a team or
//! sees everyone) over the last 30, 90 or 365 days: analysed consultations, mean score and its
//! change, latest activity and recurring items; each name opens the counselor's trend.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::admin::{Team, list_teams};
use crate::api::auth::Role;
use crate::api::coaching::{CounselorOverview, team_overview};
use crate::api::{Api, Latest};
use crate::format::{format_datetime, format_number};
use crate::i18n::use_i18n;
use crate::pages::progress_page::{DEFAULT_PERIOD, PeriodButtons, format_change, period};

/// The team overview page.
#[component]
pub fn TeamPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let auth = api.auth();
    let is_admin = Memo::new(move |_| auth.user().is_some_and(|u| u.role == Role::Admin));
    let days = RwSignal::new(DEFAULT_PERIOD);
    let team = RwSignal::new(String::new());
    let teams = RwSignal::new(Vec::<Team>::new());
    let loaded = Latest::<Vec<CounselorOverview>>::new();
    let (rows, error) = (loaded.value, loaded.error);
    Effect::new(move |_| {
        let (from, to) = period(days.get());
        let chosen = Some(team.get()).filter(|t| !t.is_empty());
        loaded.load(async move { team_overview(api, &from, &to, chosen.as_deref()).await });
    });
    Effect::new(move |_| {
        if is_admin.get() {
            spawn_local(async move {
                if let Ok(list) = list_teams(api).await {
                    teams.try_set(list);
                }
            });
        }
    });

    view! {
        <div class="page team-page" id="team-page">
            <div>
                <h1 class="page-title">{move || i18n.t().team_title()}</h1>
                <p class="muted">{move || i18n.t().team_intro()}</p>
            </div>
            <section class="card kpi-controls">
                <PeriodButtons days />
                <Show when=move || is_admin.get()>
                    <div class="field">
                        <label for="team-pick">{move || i18n.t().team_filter()}</label>
                        <select id="team-pick" prop:value=move || team.get() on:change=move |ev| team.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t().all_teams()}</option>
                            <For each=move || teams.get() key=|t| t.id.clone() let:t>
                                <option value=t.id.clone()>{t.name.clone()}</option>
                            </For>
                        </select>
                    </div>
                </Show>
            </section>
            {move || error.get().map(|e| view! { <p class="error" id="team-error" role="alert">{move || e.display(i18n.t())}</p> })}
            {move || match rows.get() {
                None if error.with(Option::is_none) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                None => ().into_any(),
                Some(list) if list.is_empty() => view! {
                    <div class="card empty-state" id="team-empty"><p class="muted">{move || i18n.t().team_none()}</p></div>
                }.into_any(),
                Some(list) => view! { <TeamTable rows=list /> }.into_any(),
            }}
        </div>
    }
}

/// One row per counselor.
#[component]
fn TeamTable(rows: Vec<CounselorOverview>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <div class="table-wrap">
                <table class="table" id="team-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t().team_col_counselor()}</th>
                            <th scope="col">{move || i18n.t().progress_consultations()}</th>
                            <th scope="col">{move || i18n.t().score_overall()}</th>
                            <th scope="col">{move || i18n.t().progress_change()}</th>
                            <th scope="col">{move || i18n.t().team_col_last()}</th>
                            <th scope="col">{move || i18n.t().progress_recurring()}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| {
                            let last = row.last_at.clone();
                            let items = row.recurring.iter().map(|item| {
                                let title = if item.title.is_empty() { item.code.clone() } else { item.title.clone() };
                                let times = item.times;
                                view! { <li>{title}" "<span class="muted small">{move || i18n.t().progress_times(times)}</span></li> }
                            }).collect_view();
                            let change = row.change;
                            let name = row.counselor.shown();
                            let id = row.counselor.id;
                            view! {
                                <tr data-counselor=id.clone()>
                                    <td>
                                        <A href=format!("/progress?counselor={id}")>{name}</A>
                                        {row.team_name.map(|name| view! { <div class="muted small">{name}</div> })}
                                    </td>
                                    <td>{row.consultations}</td>
                                    <td>{row.average.map_or("—".to_owned(), |a| format_number(a.overall))}</td>
                                    <td class:up=change.is_some_and(|c| c > 0.0) class:down=change.is_some_and(|c| c < 0.0)>{format_change(change)}</td>
                                    <td>{move || last.as_deref().map_or("—".to_owned(), |at| format_datetime(at, i18n.lang()))}</td>
                                    <td><ul class="plain-list compact">{items}</ul></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
