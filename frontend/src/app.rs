//! The application root: contexts, header, router and the sign-in guard.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api::Api;
use crate::api::auth::me;
use crate::components::header::AppHeader;
use crate::i18n::provide_i18n;
use crate::pages::consultation_page::ConsultationPage;
use crate::pages::home_page::HomePage;
use crate::pages::login_page::LoginPage;
use crate::pages::not_found_page::NotFoundPage;
use crate::state::{provide_auth, use_auth};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let auth = provide_auth();
    let api = Api::from_context();

    // A restored session may lack the user (older storage); fetch it once signed in.
    Effect::new(move |_| {
        if auth.is_signed_in() && auth.user().is_none() {
            spawn_local(async move {
                if let Ok(user) = me(api).await {
                    auth.set_user(user);
                }
            });
        }
    });

    view! {
        <Router>
            <AppHeader />
            <main class="container">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/login") view=|| view! { <GuestOnly><LoginPage /></GuestOnly> } />
                    <Route path=path!("/") view=|| view! { <RequireAuth><HomePage /></RequireAuth> } />
                    <Route
                        path=path!("/consultations/:id")
                        view=|| view! { <RequireAuth><ConsultationPage /></RequireAuth> }
                    />
                </Routes>
            </main>
            <footer class="footer">
                <span>{move || i18n.t().app_name()}</span>
                <span class="muted">{move || i18n.t().tagline()}</span>
            </footer>
        </Router>
    }
}

/// Renders its children only with a valid session; otherwise redirects to `/login`.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    // A memo, so that updating the user does not re-create the page.
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    move || {
        if signed_in.get() {
            children().into_any()
        } else {
            view! { <Redirect path="/login" /> }.into_any()
        }
    }
}

/// Renders its children only without a session; otherwise redirects to `/`.
#[component]
pub fn GuestOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    move || {
        if signed_in.get() {
            view! { <Redirect path="/" /> }.into_any()
        } else {
            children().into_any()
        }
    }
}
