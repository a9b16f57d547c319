//! Presentational form fields shared by the rating and survey forms: a numeric scale of radio
//! buttons drawn as tiles, and an optional comment box.

use leptos::prelude::*;

/// A scale answer (`min..=max`) as radio buttons (`#<name>-<n>`), inside a `fieldset#<name>-scale`.
#[component]
pub fn ScaleField(
    /// Input name and id prefix.
    name: &'static str,
    /// The question.
    #[prop(into)]
    legend: Signal<&'static str>,
    /// What the ends of the scale mean.
    #[prop(into)]
    hint: Signal<&'static str>,
    /// Lowest value.
    min: u8,
    /// Highest value.
    max: u8,
    /// The answer (`None`: not answered).
    value: RwSignal<Option<u8>>,
) -> impl IntoView {
    view! {
        <fieldset class="rating-scale" id=format!("{name}-scale")>
            <legend>{move || legend.get()}</legend>
            {(min..=max).map(|n| view! {
                <label class="rating-option">
                    <input
                        type="radio"
                        name=name
                        id=format!("{name}-{n}")
                        value=n.to_string()
                        prop:checked=move || value.get() == Some(n)
                        on:change=move |_| value.set(Some(n))
                    />
                    <span>{n}</span>
                </label>
            }).collect_view()}
            <span class="muted small">{move || hint.get()}</span>
        </fieldset>
    }
}

/// A free-text box (`textarea#<id>.input.<class>`) with its label.
#[component]
pub fn CommentField(
    /// The textarea's id.
    #[prop(into)]
    id: String,
    /// Its label.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The text.
    value: RwSignal<String>,
    /// Visible lines.
    #[prop(default = 3)]
    rows: u8,
    /// Longest text accepted, in characters.
    #[prop(default = 2000)]
    max_len: u16,
    /// An extra class for the textarea.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{move || label.get()}</span>
            <textarea
                id=id
                class=format!("input {class}")
                rows=rows.to_string()
                maxlength=max_len.to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        </label>
    }
}
