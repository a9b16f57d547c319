//! The application root: contexts, session upkeep, header, router and the access guards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::path;

use crate::api::auth::{Role, logout, me};
use crate::api::{Api, keep_session_fresh};
use crate::components::header::AppHeader;
use crate::i18n::{provide_i18n, use_i18n};
use crate::pages::admin_users_page::AdminUsersPage;
use crate::pages::api_keys_page::ApiKeysPage;
use crate::pages::consultation_page::ConsultationPage;
use crate::pages::dashboard_page::DashboardPage;
use crate::pages::disputes_page::DisputesPage;
use crate::pages::home_page::HomePage;
use crate::pages::login_page::LoginPage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::profile_page::ProfilePage;
use crate::pages::progress_page::ProgressPage;
use crate::pages::shared_report_page::SharedReportPage;
use crate::pages::survey_page::{SurveyPage, SurveyReminder, provide_survey_due};
use crate::pages::system_page::SystemPage;
use crate::pages::team_page::TeamPage;
use crate::pages::weekly_reports_page::WeeklyReportsPage;
use crate::state::{SessionEnd, provide_auth, take_legacy_refresh_token, use_auth};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let legacy_refresh = take_legacy_refresh_token();
    let auth = provide_auth();
    let api = Api::from_context();
    // A refresh token an earlier version kept in `localStorage`: revoked, the user signs in once.
    if let Some(token) = legacy_refresh {
        spawn_local(async move {
            let _ = logout(api, Some(&token)).await;
        });
    }
    keep_session_fresh(api);
    provide_survey_due();

    // Another tab signed in or out, renewed the tokens or switched the language.
    let _storage_listener = window_event_listener_untyped("storage", move |_| {
        auth.sync_from_storage();
        i18n.sync_from_storage();
    });

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
                <SurveyReminder />
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/login") view=|| view! { <GuestOnly><LoginPage /></GuestOnly> } />
                    <Route path=path!("/") view=|| view! { <RequireAuth><HomePage /></RequireAuth> } />
                    <Route
                        path=path!("/consultations/:id")
                        view=|| view! { <RequireAuth><ConsultationPage /></RequireAuth> }
                    />
                    <Route path=path!("/profile") view=|| view! { <RequireAuth><ProfilePage /></RequireAuth> } />
                    <Route path=path!("/progress") view=|| view! { <RequireAuth><ProgressPage /></RequireAuth> } />
                    <Route
                        path=path!("/team")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=Role::reads_kpis><TeamPage /></RequireRole>
                            </RequireAuth>
                        }
                    />
                    <Route path=path!("/share/:token") view=SharedReportPage />
                    <Route path=path!("/disputes") view=|| view! { <RequireAuth><DisputesPage /></RequireAuth> } />
                    <Route
                        path=path!("/survey")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=|role| role == Role::Manager><SurveyPage /></RequireRole>
                            </RequireAuth>
                        }
                    />
                    <Route
                        path=path!("/admin/users")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=|role| role == Role::Admin><AdminUsersPage /></RequireRole>
                            </RequireAuth>
                        }
                    />
                    <Route
                        path=path!("/dashboard")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=Role::reads_kpis><DashboardPage /></RequireRole>
                            </RequireAuth>
                        }
                    />
                    <Route
                        path=path!("/admin/system")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=|role| role == Role::Admin><SystemPage /></RequireRole>
                            </RequireAuth>
                        }
                    />
                    <Route
                        path=path!("/reports")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=Role::reads_kpis><WeeklyReportsPage /></RequireRole>
                            </RequireAuth>
                        }
                    />
                    <Route
                        path=path!("/admin/api-keys")
                        view=|| view! {
                            <RequireAuth>
                                <RequireRole allowed=Role::manages_api_keys><ApiKeysPage /></RequireRole>
                            </RequireAuth>
                        }
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

/// Where to return after signing in: a same-origin path from `?next=`, never another site.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|next| {
        next.starts_with('/')
            && !next.starts_with("//")
            && !next.starts_with("/\\")
            && !next.starts_with("/login")
    })
    .unwrap_or_else(|| "/".to_owned())
}

/// Renders its children only with a session; otherwise redirects to `/login`, with `?next=` the
/// current page unless the user signed out on purpose.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    // A memo, so that updating the user does not re-create the page.
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    move || {
        if signed_in.get() {
            children().into_any()
        } else {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let target = if here == "/" || auth.ended_untracked() == SessionEnd::SignedOut {
                "/login".to_owned()
            } else {
                format!(
                    "/login?next={}",
                    String::from(js_sys::encode_uri_component(&here))
                )
            };
            view! { <Redirect path=target /> }.into_any()
        }
    }
}

/// Renders its children only without a session; otherwise goes to `?next=` (or `/`).
#[component]
pub fn GuestOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    move || {
        if signed_in.get() {
            let target = safe_next(query.with_untracked(|q| q.get("next")));
            view! { <Redirect path=target /> }.into_any()
        } else {
            children().into_any()
        }
    }
}

/// Renders its children only for the roles `allowed` accepts; a notice for everyone else.
#[component]
pub fn RequireRole(allowed: fn(Role) -> bool, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let role = Memo::new(move |_| auth.user().map(|u| u.role));
    move || {
        match role.get() {
        None => view! {
            <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
        }
        .into_any(),
        Some(role) if allowed(role) => children().into_any(),
        Some(_) => view! {
            <div class="page">
                <div class="card empty-state" id="forbidden">
                    <h1 class="page-title">{move || i18n.t().forbidden_title()}</h1>
                    <p class="muted">{move || i18n.t().forbidden_body()}</p>
                </div>
            </div>
        }
        .into_any(),
    }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_same_origin_paths() {
        assert_eq!(
            safe_next(Some("/consultations/1?x=2".into())),
            "/consultations/1?x=2"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/login?next=/",
            "",
        ] {
            assert_eq!(safe_next(Some(bad.into())), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
