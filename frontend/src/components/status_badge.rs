//! A coloured badge for a consultation status.

use leptos::prelude::*;
use shared::consultation::ConsultationStatus;

use crate::i18n::use_i18n;

/// The wire name of a status (`PENDING`, `PROCESSING`, `COMPLETED`, `FAILED`).
pub fn status_code(status: ConsultationStatus) -> &'static str {
    match status {
        ConsultationStatus::Pending => "PENDING",
        ConsultationStatus::Processing => "PROCESSING",
        ConsultationStatus::Completed => "COMPLETED",
        ConsultationStatus::Failed => "FAILED",
    }
}

/// A status badge; `id` is set when given (the detail page's `#status`).
#[component]
pub fn StatusBadge(
    /// The status to show.
    #[prop(into)]
    status: Signal<ConsultationStatus>,
    /// Optional element id.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span
            id=id
            class=move || format!("badge status-{}", status.get().as_str())
            data-status=move || status_code(status.get())
        >
            <span class="badge-dot" aria-hidden="true"></span>
            {move || i18n.t().status(status.get())}
        </span>
    }
}
