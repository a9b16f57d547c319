//! `/consultations/:id`: live progress while the consultation is processed, then the report.
//!
//! The page fetches the consultation (with the events so far), subscribes to `analysisProgress`
//! after the last known `seq`, merges new events, and refetches the consultation when a terminal
//! stage arrives. When the live connection gives up it falls back to polling.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::consultation::{ConsultationStatus, FileType};
use shared::progress::Stage;

use crate::api::consultations::{Consultation, fetch_consultation};
use crate::api::progress::{Handlers, LinkState, ProgressEvent, ProgressSubscription};
use crate::api::{Api, ApiError};
use crate::components::report_view::ReportView;
use crate::components::stage_list::StageList;
use crate::components::status_badge::StatusBadge;
use crate::components::transcript_view::{RecordingPlayer, TranscriptView};
use crate::format::{format_bytes, format_datetime};
use crate::i18n::use_i18n;
use crate::pages::report_responses::ReportResponses;

/// Polling interval once the live connection has given up.
const POLL_INTERVAL: Duration = Duration::from_secs(3);

/// The route component: re-creates the detail view when the id changes.
#[component]
pub fn ConsultationPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || {
        let id = id.get();
        view! { <ConsultationDetail id /> }
    }
}

/// Inserts events keeping them sorted by `seq` without duplicates.
pub fn merge_events(events: &mut Vec<ProgressEvent>, new: impl IntoIterator<Item = ProgressEvent>) {
    for event in new {
        if let Err(position) = events.binary_search_by_key(&event.seq, |e| e.seq) {
            events.insert(position, event);
        }
    }
}

/// The status to show: the stored one once terminal, otherwise what the latest event says.
pub fn effective_status(
    stored: Option<ConsultationStatus>,
    latest_stage: Option<Stage>,
) -> Option<ConsultationStatus> {
    match (stored, latest_stage) {
        (Some(status), _) if status.is_terminal() => Some(status),
        (_, Some(Stage::Failed)) => Some(ConsultationStatus::Failed),
        (_, Some(Stage::Completed)) => Some(ConsultationStatus::Completed),
        (stored, Some(Stage::Queued)) => stored.or(Some(ConsultationStatus::Pending)),
        (_, Some(_)) => Some(ConsultationStatus::Processing),
        (stored, None) => stored,
    }
}

/// The page's signals; `Copy`, so callbacks, timers and async blocks can drive it.
#[derive(Clone, Copy)]
struct DetailState {
    api: Api,
    id: StoredValue<String>,
    consultation: RwSignal<Option<Consultation>>,
    events: RwSignal<Vec<ProgressEvent>>,
    load_error: RwSignal<Option<ApiError>>,
    link: RwSignal<Option<LinkState>>,
    polling: RwSignal<bool>,
    subscription: StoredValue<Option<ProgressSubscription>, LocalStorage>,
}

impl DetailState {
    fn is_gone(self) -> bool {
        self.consultation.is_disposed()
    }

    /// Whether the stored consultation (not just the events) has reached a terminal status.
    fn is_stored_terminal(self) -> bool {
        self.consultation
            .try_with_untracked(|c| c.as_ref().is_some_and(|c| c.status.is_terminal()))
            .unwrap_or(true)
    }

    /// Fetches the consultation; while it is not finished, then follows it live
    /// ([`Next::Follow`]) or polls it ([`Next::Poll`]).
    fn load(self, next: Next) {
        let id = self.id.get_value();
        spawn_local(async move {
            let result = fetch_consultation(self.api, &id).await;
            if self.is_gone() {
                return;
            }
            match result {
                Ok(consultation) => {
                    let terminal = consultation.status.is_terminal();
                    let events = consultation.events.clone();
                    self.events.update(|e| merge_events(e, events));
                    self.consultation.set(Some(consultation));
                    self.load_error.set(None);
                    if terminal {
                        self.polling.set(false);
                    } else {
                        match next {
                            Next::Follow => self.follow(),
                            Next::Poll => self.schedule_poll(),
                        }
                    }
                }
                Err(error) => {
                    let keep_polling = next == Next::Poll && !error.is_unauthenticated();
                    self.load_error.set(Some(error));
                    if keep_polling {
                        self.schedule_poll();
                    }
                }
            }
        });
    }

    /// Subscribes to live progress after the last event already shown.
    fn follow(self) {
        let after = self
            .events
            .with_untracked(|e| e.last().map_or(0, |e| e.seq));
        let handlers = Handlers {
            on_event: Box::new(move |event: ProgressEvent| {
                if self.is_gone() {
                    return;
                }
                let terminal = event.stage.is_terminal();
                self.events.update(|e| merge_events(e, [event]));
                if terminal {
                    // The report, transcript and failure details come with the consultation;
                    // poll in case the terminal status is not stored yet.
                    self.load(Next::Poll);
                }
            }),
            on_state: Box::new(move |state| {
                if self.is_gone() {
                    return;
                }
                self.link.set(Some(state));
                if state == LinkState::GaveUp && !self.is_stored_terminal() {
                    self.polling.set(true);
                    self.schedule_poll();
                }
            }),
            on_error: Box::new(move |_error| {
                // Shown through the link state; the polling fallback keeps the page current.
            }),
        };
        let id = self.id.get_value();
        let subscription = ProgressSubscription::start(self.api, &id, after, handlers);
        // If the page is already gone the value comes back and is dropped, closing the socket.
        let _ = self.subscription.try_set_value(Some(subscription));
    }

    fn schedule_poll(self) {
        set_timeout(
            move || {
                if !self.is_gone() && !self.is_stored_terminal() {
                    self.load(Next::Poll);
                }
            },
            POLL_INTERVAL,
        );
    }
}

/// What to do after a fetch when the consultation is still being processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Subscribe to live progress.
    Follow,
    /// Fetch again after [`POLL_INTERVAL`].
    Poll,
}

#[component]
fn ConsultationDetail(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = DetailState {
        api: Api::from_context(),
        id: StoredValue::new(id),
        consultation: RwSignal::new(None),
        events: RwSignal::new(Vec::new()),
        load_error: RwSignal::new(None),
        link: RwSignal::new(None),
        polling: RwSignal::new(false),
        subscription: StoredValue::new_local(None),
    };
    state.load(Next::Follow);

    let DetailState {
        consultation,
        events,
        load_error,
        link,
        polling,
        ..
    } = state;

    let status = Memo::new(move |_| {
        effective_status(
            consultation.with(|c| c.as_ref().map(|c| c.status)),
            events.with(|e| e.last().map(|e| e.stage)),
        )
    });
    let failure_message = Memo::new(move |_| {
        if status.get() != Some(ConsultationStatus::Failed) {
            return None;
        }
        let stored = consultation.with(|c| c.as_ref().and_then(|c| c.failure_message.clone()));
        let from_event = events.with(|e| {
            e.iter()
                .rev()
                .find(|e| e.stage == Stage::Failed)
                .map(|e| e.message.clone())
        });
        Some(stored.or(from_event).unwrap_or_default())
    });
    let live_label = move || {
        let t = i18n.t();
        if polling.get() {
            return Some(("polling", t.live_polling().to_owned()));
        }
        if status.get().is_some_and(ConsultationStatus::is_terminal) {
            return None;
        }
        match link.get() {
            Some(LinkState::Live) => Some(("live", t.live_on().to_owned())),
            Some(LinkState::Connecting) => Some(("connecting", t.live_connecting().to_owned())),
            Some(LinkState::Reconnecting(n)) => Some(("reconnecting", t.live_reconnecting(n))),
            Some(LinkState::GaveUp) => Some(("polling", t.live_polling().to_owned())),
            Some(LinkState::Closed) | None => None,
        }
    };

    let header = move || {
        consultation.get().map(|c| {
            let created = c.created_at.clone();
            let completed = c.completed_at.clone();
            let file_type = c.file_type;
            view! {
                <div class="detail-head">
                    <div class="detail-title">
                        <h1 class="page-title">{c.title}</h1>
                        <dl class="meta">
                            <div><dt>{move || i18n.t().meta_type()}</dt><dd>{move || i18n.t().file_type(file_type)}</dd></div>
                            <div><dt>{move || i18n.t().meta_size()}</dt><dd>{format_bytes(c.byte_size)}</dd></div>
                            <div><dt>{move || i18n.t().meta_created()}</dt><dd>{move || format_datetime(&created, i18n.lang())}</dd></div>
                            {completed.map(|at| view! {
                                <div><dt>{move || i18n.t().meta_completed()}</dt><dd>{move || format_datetime(&at, i18n.lang())}</dd></div>
                            })}
                        </dl>
                    </div>
                </div>
            }
        })
    };

    // The recording's player; its presence makes transcript times seek it. The first address is
    // kept: refetches bring fresh tokens, and a new `src` would restart playback.
    let recording = Memo::new(move |previous: Option<&Option<(String, FileType)>>| {
        if let Some(Some(kept)) = previous {
            return Some(kept.clone());
        }
        consultation.with(|c| {
            c.as_ref()
                .and_then(|c| c.recording_url.clone().map(|url| (url, c.file_type)))
        })
    });
    provide_context(RecordingPlayer(Memo::new(move |_| {
        recording.with(Option::is_some)
    })));
    let player = move || {
        recording.get().map(|(url, file_type)| {
            let player = if file_type == FileType::Video {
                view! { <video id="recording" class="recording" controls preload="metadata" src=url></video> }.into_any()
            } else {
                view! { <audio id="recording" class="recording" controls preload="metadata" src=url></audio> }.into_any()
            };
            view! {
                <div class="card recording-card">
                    <h3 class="card-title">{move || i18n.t().recording_title()}</h3>
                    {player}
                    <p class="muted hint">{move || i18n.t().recording_hint()}</p>
                </div>
            }
        })
    };

    let body = move || {
        let report =
            consultation.with(|c| c.as_ref().map(|c| (c.report.clone(), c.transcript.clone())));
        match report {
            None => ().into_any(),
            Some((Some(report), transcript)) => {
                let items = report
                    .improvements
                    .iter()
                    .zip(0u32..)
                    .map(|(item, position)| (position, item.title.clone()))
                    .collect();
                let id = state.id.get_value();
                view! {
                    <ReportView report transcript />
                    <ReportResponses id items />
                }
                .into_any()
            }
            Some((None, transcript)) => {
                let waiting = !status.get().is_some_and(ConsultationStatus::is_terminal);
                view! {
                    {waiting.then(|| view! {
                        <div class="card placeholder">
                            <span class="spinner" aria-hidden="true"></span>
                            <p class="muted">{move || i18n.t().report_pending()}</p>
                        </div>
                    })}
                    {(!transcript.is_empty()).then(|| view! {
                        <div class="card transcript-card">
                            <h3 class="card-title">{move || i18n.t().transcript_title()}</h3>
                            <TranscriptView turns=transcript />
                        </div>
                    })}
                }
                .into_any()
            }
        }
    };

    view! {
        <div class="page detail">
            <A href="/" attr:class="back-link">{move || i18n.t().back_to_list()}</A>
            {move || {
                let error = load_error.get();
                let loaded = consultation.with(Option::is_some);
                match (loaded, error) {
                    (false, Some(error)) => view! {
                        <div class="card">
                            <p class="error" role="alert">{move || error.display(i18n.t())}</p>
                            <button type="button" class="btn btn-ghost" on:click=move |_| state.load(Next::Follow)>
                                {move || i18n.t().retry()}
                            </button>
                        </div>
                    }.into_any(),
                    (false, None) => view! {
                        <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                    }.into_any(),
                    (true, Some(error)) => view! {
                        <p class="error" role="alert">{move || error.display(i18n.t())}</p>
                    }.into_any(),
                    (true, None) => ().into_any(),
                }
            }}
            <Show when=move || consultation.with(Option::is_some)>
                <div class="card progress-card">
                    {header}
                    <div class="progress-head">
                        <h2 class="card-title">{move || i18n.t().progress_title()}</h2>
                        <span class="status-line">
                            <span class="visually-hidden">{move || i18n.t().status_label()}</span>
                            {move || status.get().map(|s| view! { <StatusBadge status=s id="status" /> })}
                        </span>
                        {move || live_label().map(|(kind, text)| view! {
                            <span class=format!("live-indicator {kind}")>
                                <span class="live-dot" aria-hidden="true"></span>
                                {text}
                            </span>
                        })}
                    </div>
                    <StageList events=events />
                    {move || failure_message.get().map(|message| view! {
                        <div class="error failure" role="alert">
                            <strong>{move || i18n.t().failure_title()}</strong>
                            <p>{message}</p>
                        </div>
                    })}
                </div>
                {player}
                {body}
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, stage: Stage) -> ProgressEvent {
        ProgressEvent {
            seq,
            stage,
            percent: None,
            message: String::new(),
            at: String::new(),
        }
    }

    #[test]
    fn events_merge_in_seq_order_without_duplicates() {
        let mut events = vec![event(1, Stage::Queued), event(3, Stage::Transcribing)];
        merge_events(
            &mut events,
            [
                event(2, Stage::Decoding),
                event(3, Stage::Transcribing),
                event(4, Stage::Redacting),
            ],
        );
        let seqs: Vec<_> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4]);
    }

    #[test]
    fn the_shown_status_follows_events_until_the_stored_status_is_terminal() {
        use ConsultationStatus::{Completed, Failed, Pending, Processing};
        assert_eq!(
            effective_status(Some(Pending), Some(Stage::Queued)),
            Some(Pending)
        );
        assert_eq!(
            effective_status(Some(Pending), Some(Stage::Analyzing)),
            Some(Processing)
        );
        assert_eq!(
            effective_status(Some(Processing), Some(Stage::Failed)),
            Some(Failed)
        );
        assert_eq!(
            effective_status(Some(Processing), Some(Stage::Completed)),
            Some(Completed)
        );
        assert_eq!(effective_status(Some(Completed), None), Some(Completed));
    }
}
