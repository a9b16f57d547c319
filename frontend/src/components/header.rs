//! The top bar: brand, signed-in user, language toggle and sign-out.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::i18n::use_i18n;
use crate::state::use_auth;

/// The application header shown on every page.
#[component]
pub fn AppHeader() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    let user_name = move || auth.user().map(|u| u.display_name).unwrap_or_default();
    let sign_out = move |_| {
        auth.sign_out();
        navigate(
            "/login",
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        );
    };

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"CC"</span>
                    <span class="brand-name">{move || i18n.t().app_name()}</span>
                </A>
                <span class="tagline">{move || i18n.t().tagline()}</span>
                <span class="spacer"></span>
                <Show when=move || signed_in.get()>
                    <span class="user-name">{user_name}</span>
                </Show>
                <button
                    id="lang-toggle"
                    type="button"
                    class="btn btn-ghost btn-small"
                    aria-label=move || i18n.t().lang_toggle_aria()
                    on:click=move |_| i18n.toggle()
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
