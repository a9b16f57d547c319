//! `/login`: e-mail and password sign-in.
//!
//! On success the user's saved language is applied and the guard ([`crate::app::GuestOnly`])
//! goes to `?next=` (the page the user was on when the session ended) or `/`. Too many attempts
//! show the server's wait as a countdown and keep the button disabled until it ends.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::inputs::{Email, Password};

use crate::api::auth::login;
use crate::api::{Api, ApiError, codes};
use crate::i18n::{Lang, use_i18n};
use crate::state::{now_ms, use_auth};

/// The sign-in form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let api = Api::from_context();

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<LoginError>);
    // When sign-in may be tried again after `TOO_MANY_ATTEMPTS` (ms since the epoch).
    let locked_until = RwSignal::new(None::<f64>);
    let now = RwSignal::new(now_ms());
    let ticker = set_interval_with_handle(
        move || {
            now.try_set(now_ms());
        },
        Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(ticker) = ticker {
            ticker.clear();
        }
    });
    let wait_seconds = move || {
        locked_until
            .get()
            .map(|until| ((until - now.get()) / 1000.0).ceil())
            .filter(|secs| *secs > 0.0)
            // The cast is exact: the value is a small positive whole number.
            .map(|secs| secs as u64)
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if locked_until
            .get_untracked()
            .is_some_and(|until| until > now_ms())
        {
            return;
        }
        let parsed = Email::parse(&email.get_untracked()).and_then(|email| {
            Password::parse_existing(&password.get_untracked()).map(|password| (email, password))
        });
        let (email, password) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                error.set(Some(LoginError::Input(e)));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = login(api, &email, &password).await;
            // The page may be gone (navigation) while the request ran.
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(payload) => {
                    // The user's saved language wins over this browser's last choice.
                    if let Some(lang) = Lang::from_code(&payload.user.locale) {
                        i18n.set_lang(lang);
                    }
                    // The guard around this page then goes to `?next=` or `/`.
                    auth.sign_in(&payload);
                }
                Err(e) => {
                    if e.code == codes::TOO_MANY_ATTEMPTS {
                        let secs = e.retry_after_seconds.unwrap_or(60);
                        now.set(now_ms());
                        // Whole seconds to at most a day: exact in f64.
                        locked_until.set(Some(now_ms() + secs.min(86_400) as f64 * 1000.0));
                    }
                    error.set(Some(LoginError::Api(e)));
                }
            }
        });
    };
    let error_view = move || {
        error.get().map(|e| {
            let code = match &e {
                LoginError::Api(e) => e.code.clone(),
                LoginError::Input(_) => codes::BAD_USER_INPUT.to_owned(),
            };
            let text = move || match &e {
                LoginError::Input(input) => i18n.t().input_error(input),
                LoginError::Api(e) if e.code == codes::TOO_MANY_ATTEMPTS => i18n
                    .t()
                    .err_too_many_attempts(Some(wait_seconds().unwrap_or(0))),
                LoginError::Api(e) => e.display(i18n.t()),
            };
            view! { <p id="login-error" class="error" role="alert" data-code=code>{text}</p> }
        })
    };

    view! {
        <div class="page auth-page">
            <div class="card auth-card">
                <div class="auth-brand">
                    <span class="brand-mark large" aria-hidden="true">"CC"</span>
                    <h1 class="page-title">{move || i18n.t().login_title()}</h1>
                    <p class="muted">{move || i18n.t().login_subtitle()}</p>
                </div>
                <Show when=move || auth.was_expired() && error.get().is_none()>
                    <p class="notice" role="status">{move || i18n.t().err_session_expired()}</p>
                </Show>
                <form class="form" on:submit=on_submit novalidate=true>
                    <div class="field">
                        <label for="email">{move || i18n.t().email_label()}</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            required=true
                            placeholder=move || i18n.t().email_placeholder()
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label for="password">{move || i18n.t().password_label()}</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required=true
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                    {error_view}
                    <button
                        id="login-submit"
                        type="submit"
                        class="btn btn-primary btn-block"
                        disabled=move || busy.get() || wait_seconds().is_some()
                    >
                        {move || if busy.get() { i18n.t().logging_in() } else { i18n.t().login_submit() }}
                    </button>
                </form>
            </div>
        </div>
    }
}

/// Why the last sign-in failed.
#[derive(Debug, Clone, PartialEq)]
enum LoginError {
    /// The form's input was rejected before sending.
    Input(shared::inputs::InputError),
    /// The server refused.
    Api(ApiError),
}
