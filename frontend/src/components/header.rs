//! The top bar: brand, navigation (by role), the signed-in user (a link to the profile), language
//! toggle and sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::Api;
use crate::api::auth::{Role, logout, set_locale};
use crate::i18n::use_i18n;

/// The application header shown on every page.
#[component]
pub fn AppHeader() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let auth = api.auth();
    let navigate = use_navigate();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    let role = Memo::new(move |_| auth.user().map(|u| u.role));
    let user_name = move || match auth.user() {
        Some(user) if !user.display_name.is_empty() => user.display_name,
        Some(user) => user.email,
        None => i18n.t().nav_profile_aria().to_owned(),
    };

    let sign_out = move |_| {
        auth.sign_out();
        navigate(
            "/login",
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        );
        spawn_local(async move {
            // The local session is gone either way; a failure only leaves the server-side
            // session (and its cookie) to expire by itself.
            let _ = logout(api, None).await;
        });
    };
    let toggle_lang = move |_| {
        let lang = i18n.toggle();
        if auth.is_signed_in_untracked() {
            spawn_local(async move {
                if let Ok(user) = set_locale(api, lang.code()).await {
                    auth.set_user(user);
                }
            });
        }
    };

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"CC"</span>
                    <span class="brand-name">{move || i18n.t().app_name()}</span>
                </A>
                <span class="tagline">{move || i18n.t().tagline()}</span>
                <Show when=move || signed_in.get()>
                    <nav class="main-nav" aria-label=move || i18n.t().nav_main_aria()>
                        <A href="/" exact=true attr:id="nav-home">{move || i18n.t().nav_consultations()}</A>
                        <A href="/progress" attr:id="nav-progress">{move || i18n.t().nav_progress()}</A>
                        <Show when=move || role.get().is_some_and(Role::reads_kpis)>
                            <A href="/team" attr:id="nav-team">{move || i18n.t().nav_team()}</A>
                            <A href="/dashboard" attr:id="nav-dashboard">{move || i18n.t().nav_dashboard()}</A>
                            <A href="/reports" attr:id="nav-reports">{move || i18n.t().nav_reports()}</A>
                        </Show>
                        <A href="/disputes" attr:id="nav-disputes">{move || i18n.t().nav_disputes()}</A>
                        <Show when=move || role.get() == Some(Role::Manager)>
                            <A href="/survey" attr:id="nav-survey">{move || i18n.t().nav_survey()}</A>
                        </Show>
                        <Show when=move || role.get() == Some(Role::Admin)>
                            <A href="/admin/users" attr:id="nav-users">{move || i18n.t().nav_users()}</A>
                            <A href="/admin/system" attr:id="nav-system">{move || i18n.t().nav_system()}</A>
                        </Show>
                        <Show when=move || role.get().is_some_and(Role::manages_api_keys)>
                            <A href="/admin/api-keys" attr:id="nav-api-keys">{move || i18n.t().nav_api_keys()}</A>
                        </Show>
                    </nav>
                </Show>
                <span class="spacer"></span>
                <Show when=move || signed_in.get()>
                    <A href="/profile" attr:id="nav-profile" attr:class="user-name" attr:title=move || i18n.t().nav_profile_aria()>
                        {user_name}
                    </A>
                </Show>
                <button
                    id="lang-toggle"
                    type="button"
                    class="btn btn-ghost btn-small"
                    aria-label=move || i18n.t().lang_toggle_aria()
                    on:click=toggle_lang
                >
                    {move || i18n.t().lang_toggle()}
                </button>
                <Show when=move || signed_in.get()>
                    <button id="logout" type="button" class="btn btn-ghost btn-small" on:click=sign_out.clone()>
                        {move || i18n.t().logout()}
                    </button>
                </Show>
            </div>
        </header>
    }
}
