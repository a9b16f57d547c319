//! Consult Coach web app: a Leptos single-page application rendered in the browser.
//!
//! * [`app`]: root component, router and sign-in guard.
//! * [`api`]: typed GraphQL client (HTTP, multipart upload, `graphql-transport-ws` subscription).
//! * [`state`]: the session context and `localStorage`.
//! * [`browser`]: confirmation dialogs and the clipboard.
//! * [`i18n`]: the Korean/English string catalogue.
//! * [`pages`]: one component per route; [`components`]: presentational widgets.

mod api;
mod app;
mod browser;
mod components;
mod format;
mod i18n;
mod pages;
mod state;

fn main() {
    // Panics go to the browser console instead of an opaque "unreachable" trap.
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    leptos::mount::mount_to_body(app::App);
}
