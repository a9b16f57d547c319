//! `/survey`: the managers' periodic survey (satisfaction, would-recommend, time saved, perceived
//! consultation quality, comment), and the reminder shown on every page while it is due.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::inputs::FeedbackComment;

use crate::api::auth::Role;
use crate::api::surveys::{Survey, submit_survey, survey_status};
use crate::api::{Api, ApiError};
use crate::components::choice_fields::{CommentField, ScaleField};
use crate::i18n::use_i18n;
use crate::state::use_auth;

/// Whether the signed-in manager's survey is due (`None`: unknown or not a manager).
#[derive(Clone, Copy)]
pub struct SurveyDue(pub RwSignal<Option<bool>>);

/// Provides [`SurveyDue`] and keeps it current for managers.
pub fn provide_survey_due() -> SurveyDue {
    let due = SurveyDue(RwSignal::new(None));
    provide_context(due);
    let auth = use_auth();
    let api = Api::from_context();
    Effect::new(move |_| {
        let manager = auth.user().is_some_and(|u| u.role == Role::Manager);
        if !manager {
            due.0.set(None);
            return;
        }
        spawn_local(async move {
            if let Ok(status) = survey_status(api).await {
                due.0.try_set(Some(status.due));
            }
        });
    });
    due
}

/// A banner linking to the survey while it is due (not on the survey page itself).
#[component]
pub fn SurveyReminder() -> impl IntoView {
    let i18n = use_i18n();
    let due = expect_context::<SurveyDue>();
    let location = use_location();
    let shown = move || due.0.get() == Some(true) && location.pathname.get() != "/survey";
    view! {
        <Show when=shown>
            <div class="notice survey-reminder" id="survey-reminder" role="status">
                <span>{move || i18n.t().survey_reminder()}</span>
                <A href="/survey" attr:class="btn btn-primary btn-small">{move || i18n.t().survey_open()}</A>
            </div>
        </Show>
    }
}

/// The survey page.
#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let due = use_context::<SurveyDue>();
    let period = RwSignal::new(None::<String>);
    let answered = RwSignal::new(false);
    let satisfaction = RwSignal::new(None::<u8>);
    let nps = RwSignal::new(None::<u8>);
    let quality = RwSignal::new(None::<u8>);
    let time_saved = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let load_error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let fill = move |survey: &Survey| {
        satisfaction.set(Some(survey.satisfaction));
        nps.set(Some(survey.nps));
        quality.set(Some(survey.quality_score));
        time_saved.set(survey.time_saved_pct.to_string());
        comment.set(survey.comment.clone().unwrap_or_default());
    };
    spawn_local(async move {
        match survey_status(api).await {
            Ok(status) => {
                if period.is_disposed() {
                    return;
                }
                period.set(Some(status.period));
                answered.set(!status.due);
                if let Some(current) = &status.current {
                    fill(current);
                }
            }
            Err(e) => {
                load_error.try_set(Some(e));
            }
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        saved.set(false);
        let t = i18n.t_untracked();
        let (Some(s), Some(n), Some(q)) = (
            satisfaction.get_untracked(),
            nps.get_untracked(),
            quality.get_untracked(),
        ) else {
            error.set(Some(t.survey_incomplete().to_owned()));
            return;
        };
        let Some(pct) = time_saved
            .get_untracked()
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| *p <= 100)
        else {
            error.set(Some(t.survey_time_saved_invalid().to_owned()));
            return;
        };
        let text = comment.get_untracked();
        let parsed = match FeedbackComment::parse(Some(&text)) {
            Ok(parsed) => parsed,
            Err(e) => {
                error.set(Some(t.input_error(&e)));
                return;
            }
        };
        let answers = Survey {
            period: String::new(),
            satisfaction: s,
            nps: n,
            time_saved_pct: pct,
            quality_score: q,
            comment: parsed.as_deref().map(str::to_owned),
        };
        busy.set(true);
        spawn_local(async move {
            let result = submit_survey(api, &answers).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(stored) => {
                    fill(&stored);
                    answered.set(true);
                    saved.set(true);
                    if let Some(due) = due {
                        due.0.set(Some(false));
                    }
                }
                Err(e) => error.set(Some(e.display(i18n.t_untracked()))),
            }
        });
    };

    view! {
        <div class="page survey" id="survey-page">
            <div>
                <h1 class="page-title">{move || i18n.t().survey_title()}</h1>
                <p class="muted">{move || i18n.t().survey_intro()}</p>
                {move || period.get().map(|p| view! {
                    <p class="muted small" id="survey-period">
                        {move || i18n.t().survey_period(&p)}
                        {move || answered.get().then(|| i18n.t().survey_answered())}
                    </p>
                })}
            </div>
            {move || load_error.get().map(|e| view! { <p class="error" role="alert">{move || e.display(i18n.t())}</p> })}
            <form class="card form" id="survey-form" on:submit=submit novalidate=true>
                <ScaleField
                    name="satisfaction"
                    legend=Signal::derive(move || i18n.t().survey_satisfaction())
                    hint=Signal::derive(move || i18n.t().survey_scale_5())
                    min=1 max=5 value=satisfaction
                />
                <ScaleField
                    name="nps"
                    legend=Signal::derive(move || i18n.t().survey_nps())
                    hint=Signal::derive(move || i18n.t().survey_scale_10())
                    min=0 max=10 value=nps
                />
                <label class="field">
                    <span>{move || i18n.t().survey_time_saved()}</span>
                    <input
                        id="survey-time-saved"
                        class="input input-narrow"
                        type="number"
                        min="0"
                        max="100"
                        inputmode="numeric"
                        prop:value=move || time_saved.get()
                        on:input=move |ev| time_saved.set(event_target_value(&ev))
                    />
                </label>
                <ScaleField
                    name="quality"
                    legend=Signal::derive(move || i18n.t().survey_quality())
                    hint=Signal::derive(move || i18n.t().survey_scale_5())
                    min=1 max=5 value=quality
                />
                <CommentField id="survey-comment" label=Signal::derive(move || i18n.t().rating_comment_label()) value=comment />
                {move || error.get().map(|e| view! { <p class="error" role="alert" id="survey-error">{e}</p> })}
                {move || saved.get().then(|| view! { <p class="notice" role="status" id="survey-saved">{move || i18n.t().survey_saved()}</p> })}
                <button type="submit" class="btn btn-primary" id="survey-submit" disabled=move || busy.get()>
                    {move || if answered.get() { i18n.t().survey_update() } else { i18n.t().survey_submit() }}
                </button>
            </form>
        </div>
    }
}
