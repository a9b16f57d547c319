//! `/reports`: the weekly KPI reports (KPI sheet §8) for managers and admins: pick a week, read
//! it in the sheet's template, download it, or write last week's now.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::reports::{WeeklyReport, generate_weekly_report, list_weekly_reports};
use crate::api::{Api, ApiError};
use crate::browser::save_text_file;
use crate::format::format_datetime;
use crate::i18n::use_i18n;

/// The weekly reports page.
#[component]
pub fn WeeklyReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let reports = RwSignal::new(None::<Vec<WeeklyReport>>);
    let selected = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let load = move |select: Option<String>| {
        spawn_local(async move {
            match list_weekly_reports(api).await {
                Ok(list) => {
                    let first = list.first().map(|r| r.id.clone());
                    selected.try_set(select.or(first));
                    reports.try_set(Some(list));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    load(None);
    let generate = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = generate_weekly_report(api).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(report) => load(Some(report.id)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let current = move || {
        let id = selected.get()?;
        reports.with(|r| r.as_ref()?.iter().find(|r| r.id == id).cloned())
    };

    view! {
        <div class="page weekly-reports" id="weekly-reports-page">
            <div>
                <h1 class="page-title">{move || i18n.t().reports_title()}</h1>
                <p class="muted">{move || i18n.t().reports_intro()}</p>
            </div>
            <div class="card report-toolbar">
                <label class="field">
                    <span>{move || i18n.t().reports_week()}</span>
                    <select
                        id="report-week"
                        prop:value=move || selected.get().unwrap_or_default()
                        on:change=move |ev| selected.set(Some(event_target_value(&ev)))
                    >
                        {move || reports.get().unwrap_or_default().into_iter().map(|r| view! {
                            <option value=r.id.clone()>{format!("{} ~ {}", r.week_start, r.week_end)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <div class="button-row">
                    <button type="button" class="btn btn-primary" id="report-generate" disabled=move || busy.get() on:click=generate>
                        {move || i18n.t().reports_generate()}
                    </button>
                    <button
                        type="button"
                        class="btn btn-ghost"
                        id="report-download"
                        disabled=move || current().is_none()
                        on:click=move |_| {
                            if let Some(r) = current() {
                                save_text_file(&format!("weekly-kpi-report-{}.md", r.week_start), "text/markdown;charset=utf-8", &r.markdown);
                            }
                        }
                    >
                        {move || i18n.t().reports_download()}
                    </button>
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{move || e.display(i18n.t())}</p> })}
            {move || match (reports.get(), current()) {
                (None, _) if error.with(Option::is_none) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                (Some(list), _) if list.is_empty() => view! {
                    <div class="card empty-state" id="reports-empty"><p class="muted">{move || i18n.t().reports_none()}</p></div>
                }.into_any(),
                (_, Some(r)) => {
                    let generated = r.generated_at.clone();
                    let manual = r.trigger == "manual";
                    view! {
                        <article class="card weekly-report" id="weekly-report" data-week=r.week_start.clone()>
                            <p class="muted small">
                                {move || i18n.t().reports_generated(&format_datetime(&generated, i18n.lang()), manual)}
                            </p>
                            <pre class="report-text">{r.markdown}</pre>
                        </article>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
        </div>
    }
}
