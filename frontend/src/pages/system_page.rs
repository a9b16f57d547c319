//! `/admin/system`: for administrators, which engines the server runs with (database, storage,
//! analyzer and its provider, speech-to-text, workers, PDF font; never a secret) and the database
//! backups, with a button to back up now.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::system::{Backup, SystemStatus, fetch_system, run_backup};
use crate::api::{Api, ApiError};
use crate::format::{format_bytes, format_datetime};
use crate::i18n::use_i18n;

/// The system page.
#[component]
pub fn SystemPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let status = RwSignal::new(None::<SystemStatus>);
    let backups = RwSignal::new(Vec::<Backup>::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            match fetch_system(api).await {
                Ok((s, b)) => {
                    status.try_set(Some(s));
                    backups.try_set(b);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    load();
    let back_up = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = run_backup(api).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(_) => load(),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <div class="page system" id="system-page">
            <div>
                <h1 class="page-title">{move || i18n.t().system_title()}</h1>
                <p class="muted">{move || i18n.t().system_intro()}</p>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{move || e.display(i18n.t())}</p> })}
            {move || status.get().map(|s| {
                let t = i18n.t();
                let analyzer = match (&s.model, &s.provider_host) {
                    (Some(model), Some(host)) => format!("{} · {model} · {host}", s.analyzer),
                    _ => t.system_local_analyzer().to_owned(),
                };
                let rows = [
                    ("status-version", t.system_version(), s.version.clone()),
                    ("status-database", t.system_database(), s.database.clone()),
                    ("status-storage", t.system_storage(), s.storage.clone()),
                    ("status-analyzer", t.system_analyzer(), analyzer),
                    ("status-key", t.system_key(), if s.analyzer == "local" { "—".to_owned() } else { t.yes_no(s.provider_key_configured).to_owned() }),
                    ("status-stt", t.system_stt(), if s.speech_to_text == "none" { t.system_stt_none().to_owned() } else { s.speech_to_text.clone() }),
                    ("status-workers", t.system_workers(), s.workers.to_string()),
                    ("status-pdf", t.system_pdf_font(), t.yes_no(s.pdf_font_available).to_owned()),
                ];
                view! {
                    <section class="card">
                        <h2 class="card-title">{move || i18n.t().system_engines()}</h2>
                        <dl class="status-list" id="system-status">
                            {rows.into_iter().map(|(id, label, value)| view! {
                                <div><dt>{label}</dt><dd id=id>{value}</dd></div>
                            }).collect_view()}
                        </dl>
                    </section>
                }
            })}
            <section class="card">
                <div class="card-head">
                    <h2 class="card-title">{move || i18n.t().system_backups()}</h2>
                    <button type="button" class="btn btn-primary btn-small" id="run-backup" disabled=move || busy.get() on:click=back_up>
                        {move || if busy.get() { i18n.t().system_backing_up() } else { i18n.t().system_back_up_now() }}
                    </button>
                </div>
                {move || {
                    let list = backups.get();
                    if list.is_empty() {
                        view! { <p class="muted" id="backups-empty">{move || i18n.t().system_no_backups()}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table class="table" id="backup-list">
                                    <thead>
                                        <tr>
                                            <th scope="col">{move || i18n.t().col_created()}</th>
                                            <th scope="col">{move || i18n.t().system_backup_file()}</th>
                                            <th scope="col" class="num">{move || i18n.t().col_size()}</th>
                                            <th scope="col">{move || i18n.t().col_status()}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|b| {
                                            let at = b.at.clone();
                                            let ok = b.ok;
                                            view! {
                                                <tr data-ok=ok.to_string()>
                                                    <td>{move || format_datetime(&at, i18n.lang())}</td>
                                                    <td class="mono">{b.file_name}</td>
                                                    <td class="num">{format_bytes(b.bytes)}</td>
                                                    <td>{match b.error {
                                                        Some(e) => view! { <span class="error">{e}</span> }.into_any(),
                                                        None => view! { <span class="badge badge-ok">{move || i18n.t().system_backup_ok()}</span> }.into_any(),
                                                    }}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }
                }}
            </section>
        </div>
    }
}
