//! The fallback for unknown paths.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

/// "Page not found" with a link home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page narrow">
            <div class="card empty-state">
                <h1 class="page-title">{move || i18n.t().not_found_title()}</h1>
                <p class="muted">{move || i18n.t().not_found_body()}</p>
                <A href="/" attr:class="btn btn-primary">{move || i18n.t().back_home()}</A>
            </div>
        </div>
    }
}
