//! `/`: the upload form and the list of the user's consultations.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::inputs::Title;
use wasm_bindgen::JsCast;

use crate::api::consultations::{ConsultationSummary, list_consultations, upload_consultation};
use crate::api::{Api, ApiError};
use crate::components::status_badge::StatusBadge;
use crate::format::{format_bytes, format_datetime};
use crate::i18n::use_i18n;

/// Accepted file types (the server sniffs the content as well).
const ACCEPT: &str = ".txt,.srt,.vtt,.json,.csv,audio/*,video/*";
/// Rows fetched per page of the list.
const PAGE_SIZE: u32 = 20;
/// How often the list refreshes while a consultation is still being processed.
const LIST_REFRESH: Duration = Duration::from_secs(5);

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <div class="page home">
            <UploadForm />
            <ConsultationList />
        </div>
    }
}

/// Upload progress: `None` before the first progress event, then 0-100.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Upload {
    Idle,
    Sending(Option<u32>),
}

#[component]
fn UploadForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let navigate = use_navigate();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let title = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<(String, u64)>);
    let upload = RwSignal::new(Upload::Idle);
    let error = RwSignal::new(None::<String>);

    let selected_file = move || {
        file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
    };
    let on_change = move |_| {
        chosen.set(selected_file().map(|f| (f.name(), f.size().max(0.0) as u64)));
        error.set(None);
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if matches!(upload.get_untracked(), Upload::Sending(_)) {
            return;
        }
        let t = i18n.t_untracked();
        let Some(file) = selected_file() else {
            error.set(Some(t.file_required().to_owned()));
            return;
        };
        let raw_title = title.get_untracked();
        let title = if raw_title.trim().is_empty() {
            None
        } else {
            match Title::parse(&raw_title) {
                Ok(title) => Some(title),
                Err(e) => {
                    error.set(Some(t.input_error(&e)));
                    return;
                }
            }
        };
        error.set(None);
        upload.set(Upload::Sending(None));
        let navigate = navigate.clone();
        spawn_local(async move {
            let on_progress = move |sent: f64, total: f64| {
                if total > 0.0 {
                    let percent = ((sent / total) * 100.0).clamp(0.0, 100.0) as u32;
                    upload.try_set(Upload::Sending(Some(percent)));
                }
            };
            let result = upload_consultation(api, &file, title.as_ref(), on_progress).await;
            if upload.is_disposed() {
                return;
            }
            upload.set(Upload::Idle);
            match result {
                Ok(id) => navigate(&format!("/consultations/{id}"), NavigateOptions::default()),
                Err(e) => error.set(Some(e.display(i18n.t_untracked()))),
            }
        });
    };

    let sending = move || matches!(upload.get(), Upload::Sending(_));
    view! {
        <section class="card upload-card">
            <h1 class="card-title">{move || i18n.t().upload_title()}</h1>
            <p class="muted">{move || i18n.t().upload_hint()}</p>
            <form class="form upload-form" on:submit=on_submit>
                <div class="field">
                    <label for="file-input">{move || i18n.t().file_label()}</label>
                    <div class="file-drop">
                        <input
                            id="file-input"
                            name="file"
                            type="file"
                            accept=ACCEPT
                            node_ref=file_input
                            on:change=on_change
                        />
                        {move || chosen.get().map(|(name, size)| view! {
                            <span class="file-chosen">{format!("{name} · {}", format_bytes(size))}</span>
                        })}
                    </div>
                </div>
                <div class="field">
                    <label for="title-input">{move || i18n.t().title_label()}</label>
                    <input
                        id="title-input"
                        name="title"
                        type="text"
                        maxlength="200"
                        placeholder=move || i18n.t().title_placeholder()
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                    />
                </div>
                {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
                <div class="form-actions">
                    <button id="upload-submit" type="submit" class="btn btn-primary" disabled=sending>
                        {move || match upload.get() {
                            Upload::Idle => i18n.t().upload_submit().to_owned(),
                            Upload::Sending(Some(p)) => i18n.t().uploading_percent(p),
                            Upload::Sending(None) => i18n.t().uploading().to_owned(),
                        }}
                    </button>
                    {move || match upload.get() {
                        Upload::Sending(Some(p)) => view! {
                            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p>
                                <span style=format!("width: {p}%")></span>
                            </div>
                        }.into_any(),
                        Upload::Sending(None) => view! { <span class="spinner" aria-hidden="true"></span> }.into_any(),
                        Upload::Idle => ().into_any(),
                    }}
                </div>
            </form>
        </section>
    }
}

/// The list's signals; `Copy`, so timers and async blocks can reload it.
#[derive(Clone, Copy)]
struct ListState {
    api: Api,
    rows: RwSignal<Option<Vec<ConsultationSummary>>>,
    has_more: RwSignal<bool>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    /// Bumped on every load so that a stale refresh timer does nothing.
    generation: StoredValue<u64>,
}

impl ListState {
    fn shown(self) -> u32 {
        let shown = self.rows.with_untracked(|r| r.as_ref().map_or(0, Vec::len));
        u32::try_from(shown).unwrap_or(u32::MAX)
    }

    /// Loads the newest `count` rows (at least a page) and, while any of them is still being
    /// processed, refreshes them every few seconds.
    fn load(self, count: u32) {
        let count = count.max(PAGE_SIZE);
        self.generation.update_value(|g| *g += 1);
        let generation = self.generation.get_value();
        self.loading.set(true);
        spawn_local(async move {
            let result = list_consultations(self.api, count, 0).await;
            if self.rows.is_disposed() {
                return;
            }
            self.loading.set(false);
            match result {
                Ok(list) => {
                    let pending = list.iter().any(|c| !c.status.is_terminal());
                    self.has_more
                        .set(u32::try_from(list.len()).unwrap_or(u32::MAX) >= count);
                    self.rows.set(Some(list));
                    self.error.set(None);
                    if pending {
                        set_timeout(
                            move || {
                                if self.generation.try_get_value() == Some(generation) {
                                    self.load(self.shown());
                                }
                            },
                            LIST_REFRESH,
                        );
                    }
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }
}

#[component]
fn ConsultationList() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let list = ListState {
        api: Api::from_context(),
        rows: RwSignal::new(None),
        has_more: RwSignal::new(false),
        loading: RwSignal::new(false),
        error: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    let ListState {
        rows,
        has_more,
        loading,
        error,
        ..
    } = list;
    list.load(PAGE_SIZE);
    let load_more = move |_| list.load(list.shown().saturating_add(PAGE_SIZE));
    let refresh = move |_| list.load(list.shown());

    view! {
        <section class="card list-card">
            <div class="card-head">
                <h2 class="card-title">{move || i18n.t().list_title()}</h2>
                <button type="button" class="btn btn-ghost btn-small" on:click=refresh disabled=move || loading.get()>
                    {move || i18n.t().refresh()}
                </button>
            </div>
            {move || error.get().map(|e| view! {
                <p class="error" role="alert">{move || e.display(i18n.t())}</p>
            })}
            {move || match rows.get() {
                None => view! { <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <div class="empty-state"><p class="muted">{move || i18n.t().list_empty()}</p></div>
                }.into_any(),
                Some(list) => {
                    let navigate = navigate.clone();
                    view! {
                        <div class="table-wrap">
                            <table id="consultation-list" class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t().col_title()}</th>
                                        <th scope="col">{move || i18n.t().col_type()}</th>
                                        <th scope="col">{move || i18n.t().col_status()}</th>
                                        <th scope="col" class="num">{move || i18n.t().col_size()}</th>
                                        <th scope="col">{move || i18n.t().col_created()}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let href = format!("/consultations/{}", c.id);
                                        let go = {
                                            let navigate = navigate.clone();
                                            let href = href.clone();
                                            move |ev: leptos::ev::MouseEvent| {
                                                // Clicks on the title link are handled by the router.
                                                if !target_is_link(&ev) {
                                                    navigate(&href, NavigateOptions::default());
                                                }
                                            }
                                        };
                                        let file_type = c.file_type;
                                        let status = c.status;
                                        let created = c.created_at.clone();
                                        view! {
                                            <tr class="row-link" data-id=c.id.clone() on:click=go>
                                                <td class="title-cell"><A href=href>{c.title}</A></td>
                                                <td>{move || i18n.t().file_type(file_type)}</td>
                                                <td><StatusBadge status=status /></td>
                                                <td class="num">{format_bytes(c.byte_size)}</td>
                                                <td>
                                                    <time datetime=c.created_at>{move || format_datetime(&created, i18n.lang())}</time>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }}
            <Show when=move || has_more.get()>
                <div class="list-more">
                    <button type="button" class="btn btn-ghost" on:click=load_more disabled=move || loading.get()>
                        {move || i18n.t().load_more()}
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// Whether a click landed on (or inside) a link.
fn target_is_link(ev: &leptos::ev::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a").ok().flatten())
        .is_some()
}
