//! `/`: the upload form and the list of the user's consultations.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::inputs::Title;
use wasm_bindgen::JsCast;

use shared::consultation::{ConsultationStatus, FileType};
use shared::inputs::{DayBounds, SearchTerm};

use crate::api::consultations::{
    ConsultationSummary, ListFilter, ListPage, list_consultations, upload_consultation,
};
use crate::api::{Api, ApiError};
use crate::components::status_badge::StatusBadge;
use crate::format::{format_bytes, format_datetime};
use crate::i18n::{Texts, use_i18n};

/// Accepted file types (the server sniffs the content as well).
const ACCEPT: &str = ".txt,.srt,.vtt,.json,.csv,audio/*,video/*";
/// Rows fetched per page of the list.
const PAGE_SIZE: u32 = 20;
/// Pause in typing after which the search applies.
const SEARCH_PAUSE: Duration = Duration::from_millis(300);
/// The file types and statuses the filters offer.
const FILE_TYPES: [FileType; 3] = [FileType::Text, FileType::Audio, FileType::Video];
const STATUSES: [ConsultationStatus; 4] = [
    ConsultationStatus::Pending,
    ConsultationStatus::Processing,
    ConsultationStatus::Completed,
    ConsultationStatus::Failed,
];
/// How often the list refreshes while a consultation is still being processed.
const LIST_REFRESH: Duration = Duration::from_secs(5);

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let uploaded = RwSignal::new(0u32);
    view! {
        <div class="page home">
            <UploadForm on_uploaded=Callback::new(move |()| uploaded.update(|n| *n += 1)) />
            <ConsultationList uploaded />
        </div>
    }
}

/// Where one file of the upload queue stands.
#[derive(Debug, Clone, PartialEq)]
enum UploadState {
    /// Waiting for its turn.
    Waiting,
    /// Being sent: `None` before the first progress event, then 0-100.
    Sending(Option<u32>),
    /// Accepted as this consultation.
    Done(String),
    /// Refused, with the message to show.
    Failed(String),
}

impl UploadState {
    fn code(&self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Sending(_) => "sending",
            Self::Done(_) => "done",
            Self::Failed(_) => "failed",
        }
    }
}

/// A catalogue entry: the label of an option in the current language.
type Label = fn(Texts) -> &'static str;

/// The languages offered for recordings: ISO 639-1 code (empty: the server's default) and label.
const SPOKEN_LANGUAGES: [(&str, Label); 5] = [
    ("", Texts::spoken_default),
    ("ko", Texts::spoken_ko),
    ("en", Texts::spoken_en),
    ("ja", Texts::spoken_ja),
    ("zh", Texts::spoken_zh),
];

/// One file of the upload queue.
#[derive(Clone)]
struct QueuedFile {
    file: web_sys::File,
    state: RwSignal<UploadState>,
}

/// The files of a `FileList` (from the input or a drop).
fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
fn UploadForm(
    /// Called after every upload so the list shows it.
    on_uploaded: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let navigate = use_navigate();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let title = RwSignal::new(String::new());
    let spoken = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<web_sys::File>::new());
    let queue = RwSignal::new(Vec::<QueuedFile>::new());
    let busy = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let choose = move |files: Vec<web_sys::File>| {
        chosen.set(files);
        error.set(None);
    };
    let on_change = move |_| {
        choose(files_of(
            file_input.get_untracked().and_then(|input| input.files()),
        ));
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if !busy.get_untracked() {
            choose(files_of(ev.data_transfer().and_then(|d| d.files())));
        }
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let t = i18n.t_untracked();
        let files = chosen.get_untracked();
        if files.is_empty() {
            error.set(Some(t.file_required().to_owned()));
            return;
        }
        // A title names one consultation; several files keep their own names.
        let raw_title = title.get_untracked();
        let title = if raw_title.trim().is_empty() || files.len() > 1 {
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
        busy.set(true);
        let items: Vec<QueuedFile> = files
            .into_iter()
            .map(|file| QueuedFile {
                file,
                state: RwSignal::new(UploadState::Waiting),
            })
            .collect();
        queue.set(items.clone());
        let single = items.len() == 1;
        let language = Some(spoken.get_untracked()).filter(|l| !l.is_empty());
        let navigate = navigate.clone();
        spawn_local(async move {
            // One at a time: each file gets the whole connection, and the bars fill in order.
            for item in &items {
                let state = item.state;
                state.try_set(UploadState::Sending(None));
                let on_progress = move |sent: f64, total: f64| {
                    if total > 0.0 {
                        let percent = ((sent / total) * 100.0).clamp(0.0, 100.0) as u32;
                        state.try_set(UploadState::Sending(Some(percent)));
                    }
                };
                let result = upload_consultation(
                    api,
                    &item.file,
                    title.as_ref(),
                    language.as_deref(),
                    on_progress,
                )
                .await;
                if busy.is_disposed() {
                    return;
                }
                match result {
                    Ok(id) => {
                        if single {
                            busy.set(false);
                            navigate(&format!("/consultations/{id}"), NavigateOptions::default());
                            return;
                        }
                        state.set(UploadState::Done(id));
                        on_uploaded.run(());
                    }
                    Err(e) => state.set(UploadState::Failed(e.display(i18n.t_untracked()))),
                }
            }
            busy.set(false);
            chosen.set(Vec::new());
            if let Some(input) = file_input.get_untracked() {
                input.set_value("");
            }
        });
    };

    let several = move || chosen.with(|c| c.len() > 1);
    view! {
        <section class="card upload-card">
            <h1 class="card-title">{move || i18n.t().upload_title()}</h1>
            <p class="muted">{move || i18n.t().upload_hint()}</p>
            <form class="form upload-form" on:submit=on_submit>
                <div class="field">
                    <label for="file-input">{move || i18n.t().file_label()}</label>
                    <div
                        class="file-drop"
                        id="file-drop"
                        class:dragging=move || dragging.get()
                        on:dragover=on_dragover
                        on:dragleave=move |_| dragging.set(false)
                        on:drop=on_drop
                    >
                        <input
                            id="file-input"
                            name="file"
                            type="file"
                            multiple=true
                            accept=ACCEPT
                            node_ref=file_input
                            on:change=on_change
                        />
                        <span class="muted small">{move || i18n.t().drop_hint()}</span>
                        {move || {
                            let files = chosen.get();
                            (!files.is_empty()).then(|| view! {
                                <ul class="file-chosen" id="files-chosen">
                                    {files.into_iter().map(|f| view! {
                                        <li>{format!("{} · {}", f.name(), format_bytes(f.size().max(0.0) as u64))}</li>
                                    }).collect_view()}
                                </ul>
                            })
                        }}
                    </div>
                </div>
                <div class="field">
                    <label for="title-input">{move || i18n.t().title_label()}</label>
                    <input
                        id="title-input"
                        name="title"
                        type="text"
                        maxlength="200"
                        disabled=several
                        placeholder=move || if several() { i18n.t().title_several() } else { i18n.t().title_placeholder() }
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="spoken-language">{move || i18n.t().spoken_label()}</label>
                    <select
                        id="spoken-language"
                        name="language"
                        aria-describedby="spoken-language-hint"
                        on:change=move |ev| spoken.set(event_target_value(&ev))
                    >
                        {SPOKEN_LANGUAGES.into_iter().map(|(code, text)| view! {
                            <option value=code selected=move || spoken.get() == code>
                                {move || text(i18n.t())}
                            </option>
                        }).collect_view()}
                    </select>
                    <span class="muted small" id="spoken-language-hint">{move || i18n.t().spoken_hint()}</span>
                </div>
                {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
                <div class="form-actions">
                    <button id="upload-submit" type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t().uploading() } else { i18n.t().upload_submit() }}
                    </button>
                </div>
                {move || {
                    let items = queue.get();
                    (!items.is_empty()).then(|| view! {
                        <ul class="upload-queue" id="upload-queue" aria-live="polite">
                            {items.into_iter().map(|item| view! { <QueueRow item /> }).collect_view()}
                        </ul>
                    })
                }}
            </form>
        </section>
    }
}

/// One file of the upload queue: its name, a progress bar, and where it ended up.
#[component]
fn QueueRow(item: QueuedFile) -> impl IntoView {
    let i18n = use_i18n();
    let name = item.file.name();
    let state = item.state;
    view! {
        <li class="upload-item" data-state=move || state.with(UploadState::code)>
            <span class="upload-name">{name}</span>
            {move || match state.get() {
                UploadState::Waiting => view! { <span class="muted small">{move || i18n.t().upload_waiting()}</span> }.into_any(),
                UploadState::Sending(percent) => {
                    let p = percent.unwrap_or(0);
                    view! {
                        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p>
                            <span style:width=format!("{p}%")></span>
                        </div>
                        <span class="muted small">{move || i18n.t().uploading_percent(p)}</span>
                    }.into_any()
                }
                UploadState::Done(id) => view! {
                    <A href=format!("/consultations/{id}") attr:class="upload-done">{move || i18n.t().upload_done()}</A>
                }.into_any(),
                UploadState::Failed(message) => view! { <span class="error" role="alert">{message}</span> }.into_any(),
            }}
        </li>
    }
}

/// The list's signals; `Copy`, so timers and async blocks can reload it.
#[derive(Clone, Copy)]
struct ListState {
    api: Api,
    filter: RwSignal<ListFilter>,
    rows: RwSignal<Option<Vec<ConsultationSummary>>>,
    total: RwSignal<Option<u64>>,
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
            let filter = self.filter.get_untracked();
            let result = list_consultations(self.api, &filter, count, 0).await;
            if self.rows.is_disposed() || self.generation.try_get_value() != Some(generation) {
                return;
            }
            self.loading.set(false);
            match result {
                Ok(ListPage { rows: list, total }) => {
                    let pending = list.iter().any(|c| !c.status.is_terminal());
                    self.has_more
                        .set(u64::try_from(list.len()).unwrap_or(u64::MAX) < total);
                    self.total.set(Some(total));
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
fn ConsultationList(
    /// Bumped by the upload form after each upload.
    uploaded: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let list = ListState {
        api: Api::from_context(),
        filter: RwSignal::new(ListFilter::default()),
        rows: RwSignal::new(None),
        total: RwSignal::new(None),
        has_more: RwSignal::new(false),
        loading: RwSignal::new(false),
        error: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    let ListState {
        rows,
        filter: list_filter,
        has_more,
        loading,
        error,
        ..
    } = list;
    list.load(PAGE_SIZE);
    Effect::new(move |previous: Option<u32>| {
        let now = uploaded.get();
        if previous.is_some_and(|p| p != now) {
            list.load(list.shown().saturating_add(1));
        }
        now
    });
    let load_more = move |_| list.load(list.shown().saturating_add(PAGE_SIZE));
    let refresh = move |_| list.load(list.shown());
    let filter_error = RwSignal::new(None::<String>);
    // Filters apply as they change; the search after a short pause in typing.
    let apply = move || {
        filter_error.set(None);
        let f = list.filter.get_untracked();
        let checks = SearchTerm::parse(Some(&f.search))
            .and_then(|_| DayBounds::parse(Some(&f.from), Some(&f.to)));
        match checks {
            Ok(_) => list.load(PAGE_SIZE),
            Err(e) => filter_error.set(Some(i18n.t_untracked().input_error(&e))),
        }
    };
    let search_timer = StoredValue::new(0u32);
    let on_search = move |ev: leptos::ev::Event| {
        list.filter.update(|f| f.search = event_target_value(&ev));
        let ticket = search_timer.get_value().wrapping_add(1);
        search_timer.set_value(ticket);
        set_timeout(
            move || {
                if search_timer.try_get_value() == Some(ticket) {
                    apply();
                }
            },
            SEARCH_PAUSE,
        );
    };

    view! {
        <section class="card list-card">
            <div class="card-head">
                <h2 class="card-title">{move || i18n.t().list_title()}</h2>
                <button type="button" class="btn btn-ghost btn-small" on:click=refresh disabled=move || loading.get()>
                    {move || i18n.t().refresh()}
                </button>
            </div>
            <div class="list-filters" id="list-filters" role="search">
                <label class="field grow">
                    <span>{move || i18n.t().filter_search()}</span>
                    <input
                        id="filter-search"
                        type="search"
                        maxlength="100"
                        placeholder=move || i18n.t().filter_search_placeholder()
                        prop:value=move || list.filter.with(|f| f.search.clone())
                        on:input=on_search
                    />
                </label>
                <ChoiceFilter
                    id="filter-type"
                    label=Signal::derive(move || i18n.t().col_type())
                    options=FILE_TYPES.into_iter().map(|t| (t.as_str(), Signal::derive(move || i18n.t().file_type(t)))).collect()
                    on_pick=Callback::new(move |value: String| {
                        list.filter.update(|f| f.file_type = FILE_TYPES.into_iter().find(|t| t.as_str() == value));
                        apply();
                    })
                />
                <ChoiceFilter
                    id="filter-status"
                    label=Signal::derive(move || i18n.t().col_status())
                    options=STATUSES.into_iter().map(|s| (s.as_str(), Signal::derive(move || i18n.t().status(s)))).collect()
                    on_pick=Callback::new(move |value: String| {
                        list.filter.update(|f| f.status = STATUSES.into_iter().find(|s| s.as_str() == value));
                        apply();
                    })
                />
                <label class="field">
                    <span>{move || i18n.t().filter_from()}</span>
                    <input
                        id="filter-from"
                        type="date"
                        prop:value=move || list.filter.with(|f| f.from.clone())
                        on:change=move |ev| {
                            list.filter.update(|f| f.from = event_target_value(&ev));
                            apply();
                        }
                    />
                </label>
                <label class="field">
                    <span>{move || i18n.t().filter_to()}</span>
                    <input
                        id="filter-to"
                        type="date"
                        prop:value=move || list.filter.with(|f| f.to.clone())
                        on:change=move |ev| {
                            list.filter.update(|f| f.to = event_target_value(&ev));
                            apply();
                        }
                    />
                </label>
            </div>
            {move || filter_error.get().map(|e| view! { <p class="error" role="alert" id="filter-error">{e}</p> })}
            {move || list.total.get().map(|total| {
                let shown = rows.with(|r| r.as_ref().map_or(0, Vec::len));
                view! { <p class="muted small" id="list-count">{move || i18n.t().list_count(shown, total)}</p> }
            })}
            {move || error.get().map(|e| view! {
                <p class="error" role="alert">{move || e.display(i18n.t())}</p>
            })}
            {move || match rows.get() {
                None => view! { <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    let filtered = list_filter.with_untracked(|f| *f != ListFilter::default());
                    view! {
                        <div class="empty-state" id="list-empty">
                            <p class="muted">{move || if filtered { i18n.t().list_no_match() } else { i18n.t().list_empty() }}</p>
                        </div>
                    }.into_any()
                }
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

/// A `<select>` of the list's filters: "all" first, then the options (value, label).
#[component]
fn ChoiceFilter(
    /// The select's id.
    id: &'static str,
    /// Its label.
    label: Signal<&'static str>,
    /// `(value, label)` of each option.
    options: Vec<(&'static str, Signal<&'static str>)>,
    /// Called with the chosen value (empty: all).
    on_pick: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || label.get()}</span>
            <select id=id on:change=move |ev| on_pick.run(event_target_value(&ev))>
                <option value="">{move || i18n.t().filter_all()}</option>
                {options.into_iter().map(|(value, text)| view! {
                    <option value=value>{move || text.get()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// Whether a click landed on (or inside) a link.
fn target_is_link(ev: &leptos::ev::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a").ok().flatten())
        .is_some()
}
