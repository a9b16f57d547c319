//! `/admin/api-keys` (managers and admins): the issued keys, a form to create one with scope
//! checkboxes (its secret is shown once, with a copy button), and revocation after confirmation.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::admin::list_users;
use crate::api::api_keys::{ApiKey, Scope, create_api_key, list_api_keys, revoke_api_key};
use crate::api::auth::Role;
use crate::api::{Api, ApiError};
use crate::browser::{confirm, copy_to_clipboard};
use crate::format::format_datetime;
use crate::i18n::{Texts, use_i18n};

/// Longest key name accepted by the form.
const KEY_NAME_MAX: usize = 100;

/// The page's data; `Copy`, so handlers and async blocks can share it.
#[derive(Clone, Copy)]
struct KeysState {
    api: Api,
    keys: RwSignal<Option<Vec<ApiKey>>>,
    /// User id → e-mail, to name each key's owner (admins see everyone's keys).
    owners: RwSignal<HashMap<String, String>>,
    load_error: RwSignal<Option<ApiError>>,
    action_error: RwSignal<Option<ApiError>>,
    revoked_notice: RwSignal<bool>,
}

impl KeysState {
    fn load(self) {
        self.load_error.set(None);
        spawn_local(async move {
            let keys = list_api_keys(self.api).await;
            if self.keys.is_disposed() {
                return;
            }
            match keys {
                Ok(keys) => self.keys.set(Some(keys)),
                Err(e) => self.load_error.set(Some(e)),
            }
        });
        // Owner names are a nicety: without them the table shows ids.
        spawn_local(async move {
            if let Ok(users) = list_users(self.api).await {
                let owners = users.into_iter().map(|u| (u.id, u.email)).collect();
                self.owners.try_set(owners);
            }
        });
    }
}

/// The API keys page.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = KeysState {
        api: Api::from_context(),
        keys: RwSignal::new(None),
        owners: RwSignal::new(HashMap::new()),
        load_error: RwSignal::new(None),
        action_error: RwSignal::new(None),
        revoked_notice: RwSignal::new(false),
    };
    state.load();

    view! {
        <div class="page api-keys">
            <div>
                <h1 class="page-title">{move || i18n.t().keys_title()}</h1>
                <p class="muted">{move || i18n.t().keys_intro()}</p>
            </div>
            <NewKeyForm state />
            <KeyTable state />
        </div>
    }
}

#[component]
fn KeyTable(state: KeysState) -> impl IntoView {
    let i18n = use_i18n();
    let auth = state.api.auth();
    let is_admin = Memo::new(move |_| auth.user().is_some_and(|u| u.role == Role::Admin));
    let KeysState {
        keys,
        load_error,
        action_error,
        revoked_notice,
        ..
    } = state;
    let shape = Memo::new(move |_| {
        (
            keys.with(|k| k.as_ref().map(Vec::is_empty)),
            load_error.with(Option::is_some),
        )
    });

    view! {
        <section class="card" aria-labelledby="keys-list-title">
            <div class="card-head">
                <h2 class="card-title" id="keys-list-title">{move || i18n.t().keys_list_title()}</h2>
                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| state.load()>
                    {move || i18n.t().refresh()}
                </button>
            </div>
            <div aria-live="polite">
                {move || action_error.get().map(|e| view! {
                    <p id="key-error" class="error" role="alert">{move || e.display(i18n.t())}</p>
                })}
                <Show when=move || revoked_notice.get()>
                    <p id="key-notice" class="notice success" role="status">{move || i18n.t().key_revoked_notice()}</p>
                </Show>
            </div>
            {move || load_error.get().map(|e| view! {
                <p class="error" role="alert">{move || e.display(i18n.t())}</p>
            })}
            {move || match shape.get() {
                (None, false) => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                (None, true) => ().into_any(),
                (Some(true), _) => view! {
                    <div class="empty-state"><p class="muted">{move || i18n.t().keys_empty()}</p></div>
                }.into_any(),
                (Some(false), _) => view! {
                    <div class="table-wrap">
                        <table id="key-list" class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t().key_name_label()}</th>
                                    <th scope="col">{move || i18n.t().col_prefix()}</th>
                                    <th scope="col">{move || i18n.t().col_scopes()}</th>
                                    <Show when=move || is_admin.get()>
                                        <th scope="col">{move || i18n.t().col_owner()}</th>
                                    </Show>
                                    <th scope="col">{move || i18n.t().col_created()}</th>
                                    <th scope="col">{move || i18n.t().col_last_used()}</th>
                                    <th scope="col">{move || i18n.t().col_status()}</th>
                                    <th scope="col"><span class="visually-hidden">{move || i18n.t().col_actions()}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                <For
                                    each=move || keys.get().unwrap_or_default()
                                    key=|key| (key.id.clone(), key.revoked_at.clone(), key.last_used_at.clone())
                                    children=move |key| view! { <KeyRow state key is_admin /> }
                                />
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn KeyRow(state: KeysState, key: ApiKey, is_admin: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let revoked = key.revoked_at.is_some();
    let owner_id = key.user_id.clone();
    let owner = move || {
        state
            .owners
            .with(|owners| owners.get(&owner_id).cloned())
            .unwrap_or_else(|| owner_id.clone())
    };
    let created = key.created_at.clone();
    let last_used = key.last_used_at.clone();
    let scopes = key.scopes.clone();
    let id = key.id.clone();
    let name = key.name.clone();

    let on_revoke = move |_| {
        if busy.get_untracked() || !confirm(&i18n.t_untracked().confirm_revoke_key(&name)) {
            return;
        }
        busy.set(true);
        state.action_error.set(None);
        state.revoked_notice.set(false);
        let id = id.clone();
        spawn_local(async move {
            let result = revoke_api_key(state.api, &id).await;
            if state.keys.is_disposed() {
                return;
            }
            busy.try_set(false);
            match result {
                Ok(updated) => {
                    state.keys.update(|keys| {
                        if let Some(keys) = keys
                            && let Some(row) = keys.iter_mut().find(|k| k.id == updated.id)
                        {
                            *row = updated;
                        }
                    });
                    state.revoked_notice.set(true);
                }
                Err(e) => state.action_error.set(Some(e)),
            }
        });
    };

    view! {
        <tr data-id=key.id.clone() data-name=key.name.clone() class:inactive=revoked>
            <td class="title-cell">{key.name.clone()}</td>
            <td><code class="key-prefix">{key.prefix.clone()}</code></td>
            <td>
                <ul class="chips">
                    {scopes.into_iter().map(|scope| view! {
                        <li class="chip" title=move || i18n.t().scope(scope)>{scope.label()}</li>
                    }).collect_view()}
                </ul>
            </td>
            <Show when=move || is_admin.get()>
                <td class="owner">{owner.clone()}</td>
            </Show>
            <td><time datetime=key.created_at.clone()>{move || format_datetime(&created, i18n.lang())}</time></td>
            <td>
                {match last_used {
                    Some(at) => {
                        let shown = at.clone();
                        view! { <time datetime=at>{move || format_datetime(&shown, i18n.lang())}</time> }.into_any()
                    }
                    None => view! { <span class="muted">{move || i18n.t().never_used()}</span> }.into_any(),
                }}
            </td>
            <td>
                <span class=if revoked { "badge status-failed key-status" } else { "badge status-completed key-status" }>
                    {move || if revoked { i18n.t().key_revoked() } else { i18n.t().key_active() }}
                </span>
            </td>
            <td class="actions">
                {(!revoked).then(|| view! {
                    <button
                        type="button"
                        class="btn btn-danger btn-small key-revoke"
                        disabled=move || busy.get()
                        on:click=on_revoke.clone()
                    >
                        {move || i18n.t().key_revoke()}
                        <span class="visually-hidden">{format!(" {}", key.name)}</span>
                    </button>
                })}
            </td>
        </tr>
    }
}

/// Selects the whole secret when its field gets focus, ready to copy.
fn select_all(ev: leptos::ev::FocusEvent) {
    event_target::<web_sys::HtmlInputElement>(&ev).select();
}

/// Why the new-key form was refused.
#[derive(Debug, Clone, PartialEq)]
enum KeyFormError {
    Name,
    Scopes,
    Api(ApiError),
}

impl KeyFormError {
    fn text(&self, t: Texts) -> String {
        match self {
            Self::Name => t.key_name_required().to_owned(),
            Self::Scopes => t.scopes_required().to_owned(),
            Self::Api(e) => e.display(t),
        }
    }
}

/// Where copying the secret stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copied {
    Not,
    Done,
    Failed,
}

#[component]
fn NewKeyForm(state: KeysState) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(Vec::<Scope>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<KeyFormError>);
    let secret = RwSignal::new(None::<String>);
    let copied = RwSignal::new(Copied::Not);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let value = name.get_untracked().trim().to_owned();
        if value.is_empty() || value.chars().count() > KEY_NAME_MAX {
            error.set(Some(KeyFormError::Name));
            return;
        }
        let chosen = scopes.get_untracked();
        if chosen.is_empty() {
            error.set(Some(KeyFormError::Scopes));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = create_api_key(state.api, &value, &chosen).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(created) => {
                    state.keys.update(|keys| match keys {
                        Some(keys) => keys.insert(0, created.api_key),
                        None => *keys = Some(vec![created.api_key]),
                    });
                    copied.set(Copied::Not);
                    secret.set(Some(created.secret));
                    name.set(String::new());
                    scopes.set(Vec::new());
                }
                Err(e) => error.set(Some(KeyFormError::Api(e))),
            }
        });
    };
    let copy = move |_| {
        let Some(text) = secret.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let ok = copy_to_clipboard(&text).await;
            copied.try_set(if ok { Copied::Done } else { Copied::Failed });
        });
    };

    view! {
        <section class="card" aria-labelledby="new-key-title">
            <h2 class="card-title" id="new-key-title">{move || i18n.t().new_key_title()}</h2>
            {move || secret.get().map(|value| view! {
                <div id="key-secret" class="secret-box" role="region" aria-labelledby="key-secret-title">
                    <h3 id="key-secret-title">{move || i18n.t().secret_title()}</h3>
                    <p class="note">{move || i18n.t().secret_warning()}</p>
                    <label for="key-secret-value">{move || i18n.t().secret_label()}</label>
                    <div class="secret-row">
                        <input
                            id="key-secret-value"
                            type="text"
                            readonly=true
                            class="mono"
                            prop:value=value
                            on:focus=select_all
                        />
                        <button id="key-copy" type="button" class="btn btn-primary" on:click=copy>
                            {move || i18n.t().copy()}
                        </button>
                    </div>
                    <p id="key-copy-status" role="status" class="status-line">
                        {move || match copied.get() {
                            Copied::Not => String::new(),
                            Copied::Done => i18n.t().copied().to_owned(),
                            Copied::Failed => i18n.t().copy_failed().to_owned(),
                        }}
                    </p>
                    <button id="key-secret-done" type="button" class="btn btn-ghost" on:click=move |_| secret.set(None)>
                        {move || i18n.t().secret_done()}
                    </button>
                </div>
            })}
            <form class="form" id="new-key-form" on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="key-name">{move || i18n.t().key_name_label()}</label>
                    <input
                        id="key-name"
                        type="text"
                        maxlength="100"
                        required=true
                        placeholder=move || i18n.t().key_name_placeholder()
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </div>
                <fieldset class="checkbox-group">
                    <legend>{move || i18n.t().scopes_legend()}</legend>
                    {Scope::ALL.into_iter().map(|scope| {
                        let id = format!("scope-{}", scope.as_str());
                        view! {
                            <div class="checkbox">
                                <input
                                    id=id.clone()
                                    type="checkbox"
                                    value=scope.as_str()
                                    prop:checked=move || scopes.with(|s| s.contains(&scope))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        scopes.update(|s| {
                                            s.retain(|x| *x != scope);
                                            if on {
                                                s.push(scope);
                                            }
                                        });
                                    }
                                />
                                <label for=id>
                                    {move || i18n.t().scope(scope)}
                                    " "<code>{scope.label()}</code>
                                </label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                {move || error.get().map(|e| view! {
                    <p id="key-form-error" class="error" role="alert">{move || e.text(i18n.t())}</p>
                })}
                <div class="form-actions">
                    <button id="key-submit" type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t().creating() } else { i18n.t().new_key_submit() }}
                    </button>
                </div>
            </form>
        </section>
    }
}
