//! `/login`: e-mail and password sign-in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::inputs::{Email, Password};

use crate::api::Api;
use crate::api::auth::login;
use crate::i18n::use_i18n;
use crate::state::use_auth;

/// The sign-in form; goes to `/` on success.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let api = Api::from_context();
    let navigate = use_navigate();

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let t = i18n.t_untracked();
        let parsed = Email::parse(&email.get_untracked()).and_then(|email| {
            Password::parse_existing(&password.get_untracked()).map(|password| (email, password))
        });
        let (email, password) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                error.set(Some(t.input_error(&e)));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = login(api, &email, &password).await;
            // The page may be gone (navigation) while the request ran.
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(payload) => {
                    auth.sign_in(payload);
                    navigate(
                        "/",
                        NavigateOptions {
                            replace: true,
                            ..NavigateOptions::default()
                        },
                    );
                }
                Err(e) => error.set(Some(e.display(i18n.t_untracked()))),
            }
        });
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
                    {move || error.get().map(|message| view! {
                        <p class="error" role="alert">{message}</p>
                    })}
                    <button id="login-submit" type="submit" class="btn btn-primary btn-block" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t().logging_in() } else { i18n.t().login_submit() }}
                    </button>
                </form>
            </div>
        </div>
    }
}
