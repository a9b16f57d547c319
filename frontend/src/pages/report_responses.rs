//! The part of the consultation page below the report (`section#responses`), which owns its
//! requests: exports, share links, and — for the consultation's owner — acknowledging the report,
//! rating the analysis (1-5, comment, per item helpful or not) and disputing items. Others who may
//! read it (managers, admins) see the ratings and disputes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::inputs::{DisputeReason, FeedbackComment};

use crate::api::reviews::{
    DisputeStatus, ExportFormat, ItemHelpful, Responses, acknowledge_report, create_share_link,
    dispute_item, export_report, fetch_responses, rate_analysis, revoke_share_link,
};
use crate::api::{Api, ApiError};
use crate::browser::{copy_to_clipboard, origin, save_base64_file};
use crate::components::choice_fields::{CommentField, ScaleField};
use crate::format::format_datetime;
use crate::i18n::use_i18n;

/// Share-link lifetimes offered, in hours.
const SHARE_HOURS: [u32; 3] = [24, 168, 720];

/// The panel's signals; `Copy`, so handlers and async blocks can share them.
#[derive(Clone, Copy)]
struct Panel {
    api: Api,
    id: StoredValue<String>,
    responses: RwSignal<Option<Responses>>,
    error: RwSignal<Option<ApiError>>,
    notice: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

impl Panel {
    fn load(self) {
        let id = self.id.get_value();
        spawn_local(async move {
            let result = fetch_responses(self.api, &id).await;
            match result {
                Ok(responses) => {
                    self.responses.try_set(Some(responses));
                }
                Err(error) => {
                    self.error.try_set(Some(error));
                }
            }
        });
    }

    /// Runs an action, shows its error or notice, and reloads the responses after success.
    fn act<F, T>(self, action: F, done: impl FnOnce(T) -> Option<String> + 'static)
    where
        F: std::future::Future<Output = Result<T, ApiError>> + 'static,
        T: 'static,
    {
        self.busy.set(true);
        self.error.set(None);
        self.notice.set(None);
        spawn_local(async move {
            let result = action.await;
            if self.busy.is_disposed() {
                return;
            }
            self.busy.set(false);
            match result {
                Ok(value) => {
                    self.notice.set(done(value));
                    self.load();
                }
                Err(error) => self.error.set(Some(error)),
            }
        });
    }
}

/// The responses panel of a finished consultation.
#[component]
pub fn ReportResponses(
    /// Consultation id.
    id: String,
    /// `(0-based position, title)` of each improvement item.
    items: Vec<(u32, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let panel = Panel {
        api: Api::from_context(),
        id: StoredValue::new(id),
        responses: RwSignal::new(None),
        error: RwSignal::new(None),
        notice: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    panel.load();
    let items = StoredValue::new(items);
    let mine = move || panel.responses.with(|r| r.as_ref().is_some_and(|r| r.mine));

    view! {
        <section id="responses" class="card responses" aria-labelledby="responses-title">
            <h2 class="card-title" id="responses-title">{move || i18n.t().responses_title()}</h2>
            {move || panel.error.get().map(|e| view! {
                <p class="error" role="alert" id="responses-error">{move || e.display(i18n.t())}</p>
            })}
            {move || panel.notice.get().map(|text| view! {
                <p class="notice" role="status" id="responses-notice">{text}</p>
            })}
            <ExportButtons panel />
            <SharePanel panel />
            <Show
                when=mine
                fallback=move || view! { <ReadOnlyResponses panel /> }
            >
                <OwnerResponses panel items=items.get_value() />
            </Show>
        </section>
    }
}

#[component]
fn ExportButtons(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let export = move |format: ExportFormat| {
        let id = panel.id.get_value();
        panel.act(
            async move { export_report(panel.api, &id, format).await },
            move |file| {
                let saved =
                    save_base64_file(&file.file_name, &file.media_type, &file.content_base64);
                saved.then(|| i18n.t_untracked().export_saved(&file.file_name))
            },
        );
    };
    view! {
        <div class="response-block" id="exports">
            <h3 class="section-label">{move || i18n.t().export_title()}</h3>
            <div class="button-row">
                {ExportFormat::ALL.into_iter().map(|format| {
                    let id = format!("export-{}", format.as_str().to_lowercase());
                    view! {
                        <button
                            type="button"
                            class="btn btn-ghost"
                            id=id
                            disabled=move || panel.busy.get()
                            on:click=move |_| export(format)
                        >
                            {move || i18n.t().export_format(format.as_str())}
                        </button>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}

#[component]
fn SharePanel(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let hours = RwSignal::new(SHARE_HOURS[1]);
    let url = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let create = move |_| {
        let id = panel.id.get_value();
        copied.set(false);
        let hours = hours.get_untracked();
        panel.act(
            async move { create_share_link(panel.api, &id, hours).await },
            move |created| {
                url.set(Some(format!("{}{}", origin(), created.path)));
                None
            },
        );
    };
    let copy = move |_| {
        if let Some(text) = url.get_untracked() {
            spawn_local(async move {
                let ok = copy_to_clipboard(&text).await;
                copied.try_set(ok);
            });
        }
    };
    let revoke = move |link_id: String| {
        panel.act(
            async move { revoke_share_link(panel.api, &link_id).await },
            move |_| Some(i18n.t_untracked().share_revoked().to_owned()),
        );
    };
    view! {
        <div class="response-block" id="sharing">
            <h3 class="section-label">{move || i18n.t().share_title()}</h3>
            <p class="muted small">{move || i18n.t().share_intro()}</p>
            <div class="button-row">
                <label class="inline-field">
                    <span>{move || i18n.t().share_expiry_label()}</span>
                    <select
                        id="share-expiry"
                        prop:value=move || hours.get().to_string()
                        on:change=move |ev| {
                            if let Ok(h) = event_target_value(&ev).parse() {
                                hours.set(h);
                            }
                        }
                    >
                        {SHARE_HOURS.into_iter().map(|h| view! {
                            <option value=h.to_string()>{move || i18n.t().share_hours(h)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="btn btn-primary" id="share-create" disabled=move || panel.busy.get() on:click=create>
                    {move || i18n.t().share_create()}
                </button>
            </div>
            {move || url.get().map(|value| view! {
                <div class="share-url-row" role="status">
                    <label class="visually-hidden" for="share-url">{move || i18n.t().share_url_label()}</label>
                    <input id="share-url" class="input" readonly=true prop:value=value />
                    <button type="button" class="btn btn-ghost" id="share-copy" on:click=copy>
                        {move || if copied.get() { i18n.t().copied() } else { i18n.t().copy() }}
                    </button>
                    <p class="muted small">{move || i18n.t().share_once()}</p>
                </div>
            })}
            {move || {
                let links = panel.responses.with(|r| r.as_ref().map(|r| r.share_links.clone())).unwrap_or_default();
                (!links.is_empty()).then(|| view! {
                    <ul class="share-links" id="share-links">
                        {links.into_iter().map(|link| {
                            let expires = link.expires_at.clone();
                            let link_id = link.id.clone();
                            let active = link.active;
                            view! {
                                <li class="share-link" data-active=active.to_string()>
                                    <span class=if active { "badge badge-ok" } else { "badge badge-muted" }>
                                        {move || if active { i18n.t().share_active() } else { i18n.t().share_inactive() }}
                                    </span>
                                    <span class="muted small">
                                        {move || i18n.t().share_expires(&format_datetime(&expires, i18n.lang()))}
                                        " · "
                                        {move || i18n.t().share_views(link.view_count)}
                                    </span>
                                    {active.then(|| view! {
                                        <button
                                            type="button"
                                            class="btn btn-ghost btn-small share-revoke"
                                            disabled=move || panel.busy.get()
                                            on:click=move |_| revoke(link_id.clone())
                                        >
                                            {move || i18n.t().share_revoke()}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}

/// Per item: helpful (`Some(true)`), not helpful (`Some(false)`) or not judged.
type Judgements = Vec<(u32, Option<bool>)>;

#[component]
fn OwnerResponses(panel: Panel, items: Vec<(u32, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let rating = RwSignal::new(None::<u8>);
    let comment = RwSignal::new(String::new());
    let judgements: RwSignal<Judgements> =
        RwSignal::new(items.iter().map(|(p, _)| (*p, None)).collect());
    let form_error = RwSignal::new(None::<String>);
    // Fill the form from the stored rating once it arrives.
    Effect::new(move |filled: Option<bool>| {
        if filled == Some(true) {
            return true;
        }
        let mine = panel.responses.with(|r| {
            r.as_ref()
                .and_then(|r| r.feedback.iter().find(|f| f.mine).cloned())
        });
        let Some(mine) = mine else {
            return panel.responses.with(Option::is_some);
        };
        rating.set(Some(mine.rating));
        comment.set(mine.comment.unwrap_or_default());
        judgements.update(|j| {
            for (position, helpful) in j.iter_mut() {
                *helpful = mine
                    .items
                    .iter()
                    .find(|i| i.position == *position)
                    .map(|i| i.helpful);
            }
        });
        true
    });

    let acknowledged = move || {
        panel
            .responses
            .with(|r| r.as_ref().and_then(|r| r.acknowledged_at.clone()))
    };
    let acknowledge = move |_| {
        let id = panel.id.get_value();
        panel.act(
            async move { acknowledge_report(panel.api, &id).await },
            |_| None,
        );
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let Some(value) = rating.get_untracked() else {
            form_error.set(Some(i18n.t_untracked().rating_required().to_owned()));
            return;
        };
        let text = comment.get_untracked();
        let parsed = match FeedbackComment::parse(Some(&text)) {
            Ok(parsed) => parsed,
            Err(e) => {
                form_error.set(Some(i18n.t_untracked().input_error(&e)));
                return;
            }
        };
        let items: Vec<ItemHelpful> = judgements
            .get_untracked()
            .into_iter()
            .filter_map(|(position, helpful)| {
                helpful.map(|helpful| ItemHelpful { position, helpful })
            })
            .collect();
        let id = panel.id.get_value();
        panel.act(
            async move { rate_analysis(panel.api, &id, value, parsed.as_deref(), &items).await },
            move |_| Some(i18n.t_untracked().rating_saved().to_owned()),
        );
    };

    let item_rows = items
        .into_iter()
        .map(|(position, title)| view! { <ItemResponse panel position title judgements /> })
        .collect_view();

    view! {
        <div class="response-block" id="acknowledgement">
            <h3 class="section-label">{move || i18n.t().ack_title()}</h3>
            {move || match acknowledged() {
                Some(at) => view! {
                    <p class="notice" id="acknowledged">{move || i18n.t().ack_done(&format_datetime(&at, i18n.lang()))}</p>
                }.into_any(),
                None => view! {
                    <p class="muted small">{move || i18n.t().ack_intro()}</p>
                    <button type="button" class="btn btn-primary" id="acknowledge" disabled=move || panel.busy.get() on:click=acknowledge>
                        {move || i18n.t().ack_button()}
                    </button>
                }.into_any(),
            }}
        </div>
        <form class="response-block form" id="feedback-form" on:submit=submit novalidate=true>
            <h3 class="section-label">{move || i18n.t().rating_title()}</h3>
            <ScaleField
                name="rating"
                legend=Signal::derive(move || i18n.t().rating_question())
                hint=Signal::derive(move || i18n.t().rating_scale_hint())
                min=1 max=5 value=rating
            />
            <ul class="item-responses">{item_rows}</ul>
            <CommentField id="feedback-comment" label=Signal::derive(move || i18n.t().rating_comment_label()) value=comment />
            {move || form_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" class="btn btn-primary" id="feedback-submit" disabled=move || panel.busy.get()>
                {move || i18n.t().rating_submit()}
            </button>
        </form>
    }
}

/// One improvement item in the owner's panel: helpful or not, and a dispute.
#[component]
fn ItemResponse(
    panel: Panel,
    position: u32,
    title: String,
    judgements: RwSignal<Judgements>,
) -> impl IntoView {
    let i18n = use_i18n();
    let helpful =
        move || judgements.with(|j| j.iter().find(|(p, _)| *p == position).and_then(|(_, h)| *h));
    let set_helpful = move |value: bool| {
        judgements.update(|j| {
            if let Some(entry) = j.iter_mut().find(|(p, _)| *p == position) {
                entry.1 = Some(value);
            }
        });
    };
    let dispute = move || {
        panel.responses.with(|r| {
            r.as_ref()
                .and_then(|r| r.disputes.iter().find(|d| d.position == position).cloned())
        })
    };
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let send = move |_| {
        reason_error.set(None);
        let text = reason.get_untracked();
        match DisputeReason::parse(&text) {
            Ok(parsed) => {
                let id = panel.id.get_value();
                open.set(false);
                panel.act(
                    async move { dispute_item(panel.api, &id, position, parsed.as_str()).await },
                    move |_| Some(i18n.t_untracked().dispute_sent().to_owned()),
                );
            }
            Err(e) => reason_error.set(Some(i18n.t_untracked().input_error(&e))),
        }
    };
    let n = position + 1;
    view! {
        <li class="item-response" data-position=position>
            <span class="item-response-title">{format!("{n}. {title}")}</span>
            <span class="helpful-choice" role="group" aria-label=move || i18n.t().helpful_question()>
                <label>
                    <input
                        type="radio"
                        name=format!("helpful-{position}")
                        id=format!("helpful-{position}-yes")
                        prop:checked=move || helpful() == Some(true)
                        on:change=move |_| set_helpful(true)
                    />
                    {move || i18n.t().helpful_yes()}
                </label>
                <label>
                    <input
                        type="radio"
                        name=format!("helpful-{position}")
                        id=format!("helpful-{position}-no")
                        prop:checked=move || helpful() == Some(false)
                        on:change=move |_| set_helpful(false)
                    />
                    {move || i18n.t().helpful_no()}
                </label>
            </span>
            {move || match dispute() {
                Some(d) => {
                    let status = d.status;
                    view! {
                        <div class="dispute" data-status=status.as_str()>
                            <span class=format!("badge dispute-{}", status.as_str().to_lowercase())>
                                {move || i18n.t().dispute_status(status.as_str())}
                            </span>
                            <span class="muted small">{d.reason.clone()}</span>
                            {d.resolution.clone().map(|note| view! { <p class="small">{note}</p> })}
                            {(status == DisputeStatus::Open).then(|| view! {
                                <button type="button" class="btn btn-ghost btn-small dispute-toggle" on:click=move |_| open.update(|o| *o = !*o)>
                                    {move || i18n.t().dispute_edit()}
                                </button>
                            })}
                        </div>
                    }.into_any()
                }
                None => view! {
                    <button
                        type="button"
                        class="btn btn-ghost btn-small dispute-toggle"
                        id=format!("dispute-toggle-{position}")
                        aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {move || i18n.t().dispute_button()}
                    </button>
                }.into_any(),
            }}
            <Show when=move || open.get()>
                <div class="dispute-form">
                    <CommentField
                        id=format!("dispute-reason-{position}")
                        label=Signal::derive(move || i18n.t().dispute_reason_label())
                        value=reason
                        rows=2
                        max_len=1000
                    />
                    {move || reason_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <button type="button" class="btn btn-primary btn-small" id=format!("dispute-submit-{position}") on:click=send>
                        {move || i18n.t().dispute_submit()}
                    </button>
                </div>
            </Show>
        </li>
    }
}

/// What a manager or admin sees: ratings, acknowledgement and disputes, read-only.
#[component]
fn ReadOnlyResponses(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || panel.responses.get().map(|r| {
            let ack = r.acknowledged_at.clone();
            let has_disputes = !r.disputes.is_empty();
            view! {
                <div class="response-block" id="ratings">
                    <h3 class="section-label">{move || i18n.t().ratings_title()}</h3>
                    <p class="muted small" id="ack-state">
                        {move || match &ack {
                            Some(at) => i18n.t().ack_done(&format_datetime(at, i18n.lang())),
                            None => i18n.t().ack_missing().to_owned(),
                        }}
                    </p>
                    {if r.feedback.is_empty() {
                        view! { <p class="muted">{move || i18n.t().ratings_none()}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="ratings">
                                {r.feedback.into_iter().map(|f| view! {
                                    <li class="rating" data-rating=f.rating>
                                        <strong>{format!("{} / 5", f.rating)}</strong>
                                        " · "{f.author}
                                        {f.comment.map(|c| view! { <p>{c}</p> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {has_disputes.then(|| view! {
                        <p>
                            <A href="/disputes" attr:id="to-disputes">{move || i18n.t().disputes_link()}</A>
                        </p>
                    })}
                </div>
            }
        })}
    }
}
