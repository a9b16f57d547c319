//! `/share/:token`: a report someone shared, for readers without an account: the report and the
//! redacted transcript, how long the link works, and downloads. Expired and revoked links say so.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::reviews::{ExportFormat, SharedReport, export_shared_report, fetch_shared_report};
use crate::api::{Api, ApiError};
use crate::browser::save_base64_file;
use crate::components::report_view::ReportView;
use crate::format::format_datetime;
use crate::i18n::use_i18n;

/// The shared report page.
#[component]
pub fn SharedReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let params = use_params_map();
    let token = StoredValue::new(params.with_untracked(|p| p.get("token").unwrap_or_default()));
    let shared = RwSignal::new(None::<SharedReport>);
    let error = RwSignal::new(None::<ApiError>);
    let download_error = RwSignal::new(None::<ApiError>);
    spawn_local(async move {
        let result = fetch_shared_report(api, &token.get_value()).await;
        match result {
            Ok(report) => {
                shared.try_set(Some(report));
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
    let download = move |format: ExportFormat| {
        download_error.set(None);
        spawn_local(async move {
            match export_shared_report(api, &token.get_value(), format).await {
                Ok(file) => {
                    save_base64_file(&file.file_name, &file.media_type, &file.content_base64);
                }
                Err(e) => {
                    download_error.try_set(Some(e));
                }
            }
        });
    };

    view! {
        <div class="page shared-report" id="shared-report">
            {move || match (shared.get(), error.get()) {
                (_, Some(e)) => view! {
                    <div class="card empty-state" id="shared-error">
                        <h1 class="page-title">{move || i18n.t().shared_unavailable()}</h1>
                        <p class="error" role="alert">{move || e.display(i18n.t())}</p>
                    </div>
                }.into_any(),
                (None, None) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                (Some(r), None) => {
                    let SharedReport { uploaded_at, expires_at, report, transcript } = r;
                    view! {
                        <div class="card shared-banner" role="note">
                            <h1 class="page-title">{move || i18n.t().shared_title()}</h1>
                            <p class="muted">
                                {move || i18n.t().shared_intro(
                                    &format_datetime(&uploaded_at, i18n.lang()),
                                    &format_datetime(&expires_at, i18n.lang()),
                                )}
                            </p>
                            <div class="button-row">
                                {ExportFormat::ALL.into_iter().map(|format| view! {
                                    <button
                                        type="button"
                                        class="btn btn-ghost"
                                        id=format!("shared-export-{}", format.as_str().to_lowercase())
                                        on:click=move |_| download(format)
                                    >
                                        {move || i18n.t().export_format(format.as_str())}
                                    </button>
                                }).collect_view()}
                            </div>
                            {move || download_error.get().map(|e| view! {
                                <p class="error" role="alert">{move || e.display(i18n.t())}</p>
                            })}
                        </div>
                        <ReportView report transcript />
                    }.into_any()
                }
            }}
        </div>
    }
}
