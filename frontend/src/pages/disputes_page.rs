//! `/disputes`: disputed improvement items. Managers and admins review their team's (accept: the
//! item was not deserved; keep: it stands), with a note for the counselor; counselors follow
//! their own.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::inputs::FeedbackComment;

use crate::api::auth::Role;
use crate::api::reviews::{DisputeStatus, ItemDispute, list_disputes, resolve_dispute};
use crate::api::{Api, ApiError};
use crate::components::choice_fields::CommentField;
use crate::format::format_datetime;
use crate::i18n::use_i18n;
use crate::state::use_auth;

/// The status filters, `None` meaning all.
const FILTERS: [Option<DisputeStatus>; 4] = [
    Some(DisputeStatus::Open),
    Some(DisputeStatus::Accepted),
    Some(DisputeStatus::Rejected),
    None,
];

#[derive(Clone, Copy)]
struct Inbox {
    api: Api,
    filter: RwSignal<Option<DisputeStatus>>,
    disputes: RwSignal<Option<Vec<ItemDispute>>>,
    error: RwSignal<Option<ApiError>>,
    /// Bumped on every load, so only the latest answer is shown.
    generation: StoredValue<u32>,
}

impl Inbox {
    fn load(self) {
        let generation = self.generation.get_value().wrapping_add(1);
        self.generation.set_value(generation);
        let filter = self.filter.get_untracked();
        self.disputes.set(None);
        self.error.set(None);
        spawn_local(async move {
            let result = list_disputes(self.api, filter).await;
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match result {
                Ok(list) => {
                    self.disputes.try_set(Some(list));
                }
                Err(e) => {
                    self.error.try_set(Some(e));
                }
            }
        });
    }
}

/// The disputes page.
#[component]
pub fn DisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let reviewer = Memo::new(move |_| auth.user().is_some_and(|u| u.role != Role::Counselor));
    let inbox = Inbox {
        api: Api::from_context(),
        filter: RwSignal::new(Some(DisputeStatus::Open)),
        disputes: RwSignal::new(None),
        error: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    inbox.load();

    view! {
        <div class="page disputes" id="disputes-page">
            <div>
                <h1 class="page-title">
                    {move || if reviewer.get() { i18n.t().disputes_title() } else { i18n.t().my_disputes_title() }}
                </h1>
                <p class="muted">{move || i18n.t().disputes_intro()}</p>
            </div>
            <div class="chip-row" role="group" aria-label=move || i18n.t().disputes_filter_aria()>
                {FILTERS.into_iter().map(|filter| {
                    let id = format!("disputes-{}", filter.map_or("all", |s| s.as_str()).to_lowercase());
                    view! {
                        <button
                            type="button"
                            id=id
                            class="chip"
                            aria-pressed=move || (inbox.filter.get() == filter).to_string()
                            on:click=move |_| {
                                inbox.filter.set(filter);
                                inbox.load();
                            }
                        >
                            {move || match filter {
                                Some(s) => i18n.t().dispute_status(s.as_str()),
                                None => i18n.t().disputes_all(),
                            }}
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || inbox.error.get().map(|e| view! {
                <p class="error" role="alert">{move || e.display(i18n.t())}</p>
            })}
            {move || match inbox.disputes.get() {
                None if inbox.error.with(Option::is_none) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                None => ().into_any(),
                Some(list) if list.is_empty() => view! {
                    <div class="card empty-state" id="disputes-empty">
                        <p class="muted">{move || i18n.t().disputes_none()}</p>
                    </div>
                }.into_any(),
                Some(list) => view! {
                    <ul class="dispute-list" id="dispute-list">
                        {list.into_iter().map(|d| view! { <DisputeCard inbox dispute=d reviewer /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn DisputeCard(inbox: Inbox, dispute: ItemDispute, reviewer: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(dispute.id.clone());
    let own = auth.user().is_some_and(|u| u.id == dispute.counselor_id);
    let decide = move |accept: bool| {
        error.set(None);
        let text = note.get_untracked();
        let parsed = match FeedbackComment::parse(Some(&text)) {
            Ok(parsed) => parsed,
            Err(e) => {
                error.set(Some(i18n.t_untracked().input_error(&e)));
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            let result =
                resolve_dispute(inbox.api, &id.get_value(), accept, parsed.as_deref()).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(_) => inbox.load(),
                Err(e) => error.set(Some(e.display(i18n.t_untracked()))),
            }
        });
    };
    let status = dispute.status;
    let created = dispute.created_at.clone();
    let open = status == DisputeStatus::Open;
    view! {
        <li class="card dispute-card" data-status=status.as_str() data-id=dispute.id.clone()>
            <div class="dispute-head">
                <span class=format!("badge dispute-{}", status.as_str().to_lowercase())>
                    {move || i18n.t().dispute_status(status.as_str())}
                </span>
                <A href=format!("/consultations/{}", dispute.consultation_id) attr:class="dispute-consultation">
                    {dispute.consultation_title.clone()}
                </A>
                <span class="muted small">{move || format_datetime(&created, i18n.lang())}</span>
            </div>
            <p class="dispute-item">
                <strong>{format!("{}. {}", dispute.position + 1, dispute.item_title)}</strong>
                " · "{dispute.counselor.clone()}
            </p>
            <blockquote class="dispute-reason">{dispute.reason.clone()}</blockquote>
            {dispute.resolution.clone().map(|text| view! {
                <p class="dispute-resolution">
                    <span class="muted small">{dispute.resolved_by.clone().unwrap_or_default()}": "</span>{text}
                </p>
            })}
            {(open && !own).then(|| view! {
                <Show when=move || reviewer.get()>
                    <div class="dispute-actions">
                        <CommentField
                            id=format!("dispute-note-{}", id.get_value())
                            class="dispute-note"
                            label=Signal::derive(move || i18n.t().dispute_note_label())
                            value=note
                            rows=2
                        />
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <div class="button-row">
                            <button type="button" class="btn btn-primary dispute-accept" disabled=move || busy.get() on:click=move |_| decide(true)>
                                {move || i18n.t().dispute_accept()}
                            </button>
                            <button type="button" class="btn btn-ghost dispute-reject" disabled=move || busy.get() on:click=move |_| decide(false)>
                                {move || i18n.t().dispute_reject()}
                            </button>
                        </div>
                    </div>
                </Show>
            })}
        </li>
    }
}
