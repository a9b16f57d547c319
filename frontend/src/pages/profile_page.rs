//! `/profile`: the signed-in user's account, language (saved with `setLocale`, applied at once)
//! and password change.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::inputs::{InputError, Password};

use crate::api::admin::list_teams;
use crate::api::auth::{change_password, set_locale};
use crate::api::{Api, ApiError, codes};
use crate::i18n::{Lang, use_i18n};

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page profile-page">
            <h1 class="page-title" id="profile-title">{move || i18n.t().profile_title()}</h1>
            <AccountCard />
            <LanguageCard />
            <PasswordCard />
        </div>
    }
}

/// Who is signed in: name, e-mail, role and team.
#[component]
fn AccountCard() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let auth = api.auth();
    let team_name = RwSignal::new(None::<String>);
    let team_id = Memo::new(move |_| auth.user().and_then(|u| u.team_id));
    Effect::new(move |_| {
        let Some(id) = team_id.get() else {
            team_name.set(None);
            return;
        };
        spawn_local(async move {
            if let Ok(teams) = list_teams(api).await {
                let name = teams.into_iter().find(|t| t.id == id).map(|t| t.name);
                team_name.try_set(name);
            }
        });
    });

    view! {
        <section class="card" aria-labelledby="account-title">
            <h2 class="card-title" id="account-title">{move || i18n.t().profile_account()}</h2>
            {move || match auth.user() {
                None => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                Some(user) => {
                    let role = user.role;
                    view! {
                        <dl class="meta profile-meta">
                            <div><dt>{move || i18n.t().profile_name()}</dt><dd id="profile-name">{user.display_name}</dd></div>
                            <div><dt>{move || i18n.t().profile_email()}</dt><dd id="profile-email">{user.email}</dd></div>
                            <div><dt>{move || i18n.t().profile_role()}</dt><dd>{move || i18n.t().role(role)}</dd></div>
                            <div>
                                <dt>{move || i18n.t().profile_team()}</dt>
                                <dd>{move || team_name.get().unwrap_or_else(|| i18n.t().no_team().to_owned())}</dd>
                            </div>
                        </dl>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Where saving the language stands.
#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved,
    Failed(ApiError),
}

/// The language switch: applied to the UI at once, then saved to the account.
#[component]
fn LanguageCard() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let auth = api.auth();
    let state = RwSignal::new(SaveState::Idle);

    let on_change = move |ev: leptos::ev::Event| {
        let Some(lang) = Lang::from_code(&event_target_value(&ev)) else {
            return;
        };
        i18n.set_lang(lang);
        state.set(SaveState::Saving);
        spawn_local(async move {
            let result = set_locale(api, lang.code()).await;
            match result {
                Ok(user) => {
                    auth.set_user(user);
                    state.try_set(SaveState::Saved);
                }
                Err(error) => {
                    state.try_set(SaveState::Failed(error));
                }
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="language-title">
            <h2 class="card-title" id="language-title">{move || i18n.t().language_title()}</h2>
            <div class="field">
                <label for="locale-select">{move || i18n.t().language_label()}</label>
                <select
                    id="locale-select"
                    name="locale"
                    aria-describedby="locale-hint"
                    prop:value=move || i18n.lang().code()
                    on:change=on_change
                >
                    <option value="ko" selected=move || i18n.lang() == Lang::Ko>{move || i18n.t().lang_ko()}</option>
                    <option value="en" selected=move || i18n.lang() == Lang::En>{move || i18n.t().lang_en()}</option>
                </select>
                <p class="muted hint" id="locale-hint">{move || i18n.t().language_hint()}</p>
            </div>
            <div id="locale-status" role="status" class="status-line">
                {move || match state.get() {
                    SaveState::Idle => ().into_any(),
                    SaveState::Saving => view! { <span class="muted">{move || i18n.t().saving()}</span> }.into_any(),
                    SaveState::Saved => view! { <span class="success-text">{move || i18n.t().saved()}</span> }.into_any(),
                    SaveState::Failed(error) => view! {
                        <span class="error" role="alert">{move || error.display(i18n.t())}</span>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}

/// Why a password change was refused.
#[derive(Debug, Clone, PartialEq)]
enum PasswordError {
    CurrentMissing,
    Input(InputError),
    Mismatch,
    Same,
    Api(ApiError),
}

/// Checks the form before sending: the current password given, the new one acceptable, confirmed
/// and different.
fn check_password_form(
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(Password, Password), PasswordError> {
    let current = Password::parse_existing(current).map_err(|_| PasswordError::CurrentMissing)?;
    let new_password = Password::parse_new(new).map_err(PasswordError::Input)?;
    if new != confirm {
        return Err(PasswordError::Mismatch);
    }
    if current.expose() == new_password.expose() {
        return Err(PasswordError::Same);
    }
    Ok((current, new_password))
}

/// The password change form.
#[component]
fn PasswordCard() -> impl IntoView {
    let i18n = use_i18n();
    let api = Api::from_context();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<PasswordError>);
    let done = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        done.set(false);
        let checked = check_password_form(
            &current.get_untracked(),
            &new.get_untracked(),
            &confirm.get_untracked(),
        );
        let (current_password, new_password) = match checked {
            Ok(passwords) => passwords,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = change_password(api, &current_password, &new_password).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(_) => {
                    current.set(String::new());
                    new.set(String::new());
                    confirm.set(String::new());
                    done.set(true);
                }
                Err(e) => error.set(Some(PasswordError::Api(e))),
            }
        });
    };
    let error_text = move |e: &PasswordError| {
        let t = i18n.t();
        match e {
            PasswordError::CurrentMissing => t.current_password_required().to_owned(),
            PasswordError::Input(input) => t.input_error(input),
            PasswordError::Mismatch => t.password_mismatch().to_owned(),
            PasswordError::Same => t.password_same().to_owned(),
            PasswordError::Api(e) if e.code == codes::INVALID_CREDENTIALS => {
                t.current_password_wrong().to_owned()
            }
            PasswordError::Api(e) => e.display(t),
        }
    };

    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 class="card-title" id="password-title">{move || i18n.t().password_title()}</h2>
            <p class="muted" id="password-hint">{move || i18n.t().password_hint()}</p>
            <form class="form" id="password-form" on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="current-password">{move || i18n.t().current_password_label()}</label>
                    <input
                        id="current-password"
                        name="current-password"
                        type="password"
                        autocomplete="current-password"
                        required=true
                        prop:value=move || current.get()
                        on:input=move |ev| current.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="new-password">{move || i18n.t().new_password_label()}</label>
                    <input
                        id="new-password"
                        name="new-password"
                        type="password"
                        autocomplete="new-password"
                        minlength=Password::MIN_NEW_LEN
                        required=true
                        aria-describedby="password-hint"
                        prop:value=move || new.get()
                        on:input=move |ev| new.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="confirm-password">{move || i18n.t().confirm_password_label()}</label>
                    <input
                        id="confirm-password"
                        name="confirm-password"
                        type="password"
                        autocomplete="new-password"
                        required=true
                        prop:value=move || confirm.get()
                        on:input=move |ev| confirm.set(event_target_value(&ev))
                    />
                </div>
                {move || error.get().map(|e| view! {
                    <p id="password-error" class="error" role="alert">{move || error_text(&e)}</p>
                })}
                <Show when=move || done.get()>
                    <p id="password-status" class="notice success" role="status">{move || i18n.t().password_changed()}</p>
                </Show>
                <div class="form-actions">
                    <button id="password-submit" type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t().password_changing() } else { i18n.t().password_submit() }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_form_is_checked_before_sending() {
        assert_eq!(
            check_password_form("", "a-long-new-password", "a-long-new-password").err(),
            Some(PasswordError::CurrentMissing)
        );
        assert!(matches!(
            check_password_form("old", "short", "short"),
            Err(PasswordError::Input(_))
        ));
        assert_eq!(
            check_password_form("old", "a-long-new-password", "a-long-new-passwordX").err(),
            Some(PasswordError::Mismatch)
        );
        assert_eq!(
            check_password_form(
                "a-long-new-password",
                "a-long-new-password",
                "a-long-new-password"
            )
            .err(),
            Some(PasswordError::Same)
        );
        assert!(check_password_form("old", "a-long-new-password", "a-long-new-password").is_ok());
    }
}
