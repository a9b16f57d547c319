//! `/admin/users` (admins): the users with their role, team and active controls, and forms to add
//! a user and a team. Deactivating and re-roling ask for confirmation first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::inputs::{Email, InputError, Password};
use wasm_bindgen::JsCast;

use crate::api::admin::{
    NewUser, Team, UserUpdate, create_team, create_user, list_teams, list_users, update_user,
};
use crate::api::auth::{Role, User};
use crate::api::{Api, ApiError};
use crate::browser::confirm;
use crate::i18n::{Texts, use_i18n};

/// Longest team name the server accepts.
const TEAM_NAME_MAX: usize = 100;

/// A message about the last action, shown at the top of the page.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Saved,
    UserCreated(String),
    TeamCreated(String),
    Failed(ApiError),
}

/// The page's data; `Copy`, so handlers and async blocks can share it.
#[derive(Clone, Copy)]
struct UsersState {
    api: Api,
    users: RwSignal<Option<Vec<User>>>,
    teams: RwSignal<Option<Vec<Team>>>,
    load_error: RwSignal<Option<ApiError>>,
    notice: RwSignal<Option<Notice>>,
}

impl UsersState {
    fn load(self) {
        self.load_error.set(None);
        spawn_local(async move {
            let (users, teams) = (list_users(self.api).await, list_teams(self.api).await);
            if self.users.is_disposed() {
                return;
            }
            match (users, teams) {
                (Ok(users), Ok(teams)) => {
                    self.users.set(Some(users));
                    self.teams.set(Some(teams));
                }
                (Err(e), _) | (_, Err(e)) => self.load_error.set(Some(e)),
            }
        });
    }

    fn replace_user(self, user: User) {
        self.users.update(|list| {
            if let Some(list) = list
                && let Some(row) = list.iter_mut().find(|u| u.id == user.id)
            {
                *row = user;
            }
        });
    }
}

/// The user administration page.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = UsersState {
        api: Api::from_context(),
        users: RwSignal::new(None),
        teams: RwSignal::new(None),
        load_error: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    state.load();
    let notice = state.notice;

    view! {
        <div class="page admin-users">
            <div>
                <h1 class="page-title">{move || i18n.t().users_title()}</h1>
                <p class="muted">{move || i18n.t().users_intro()}</p>
            </div>
            <div aria-live="polite">
                {move || notice.get().map(|n| match n {
                    Notice::Failed(error) => view! {
                        <p id="admin-error" class="error" role="alert">{move || error.display(i18n.t())}</p>
                    }.into_any(),
                    other => view! {
                        <p id="admin-notice" class="notice success" role="status">{move || notice_text(&other, i18n.t())}</p>
                    }.into_any(),
                })}
            </div>
            <UserTable state />
            <div class="admin-grid">
                <NewUserForm state />
                <TeamsCard state />
            </div>
        </div>
    }
}

fn notice_text(notice: &Notice, t: Texts) -> String {
    match notice {
        Notice::Saved => t.user_saved().to_owned(),
        Notice::UserCreated(email) => t.user_created(email),
        Notice::TeamCreated(name) => t.team_created(name),
        Notice::Failed(error) => error.display(t),
    }
}

#[component]
fn UserTable(state: UsersState) -> impl IntoView {
    let i18n = use_i18n();
    let UsersState {
        users, load_error, ..
    } = state;
    // What to show, as a memo: the rows below keep their identity (and focus) when one changes.
    let shape = Memo::new(move |_| {
        (
            users.with(|u| u.as_ref().map(Vec::is_empty)),
            load_error.with(Option::is_some),
        )
    });
    view! {
        <section class="card" aria-labelledby="users-list-title">
            <div class="card-head">
                <h2 class="card-title" id="users-list-title">{move || i18n.t().users_list_title()}</h2>
                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| state.load()>
                    {move || i18n.t().refresh()}
                </button>
            </div>
            {move || load_error.get().map(|e| view! {
                <p class="error" role="alert">{move || e.display(i18n.t())}</p>
            })}
            {move || match shape.get().0 {
                None if !shape.get().1 => view! {
                    <p class="muted loading"><span class="spinner" aria-hidden="true"></span>{move || i18n.t().loading()}</p>
                }.into_any(),
                None => ().into_any(),
                Some(true) => view! {
                    <div class="empty-state"><p class="muted">{move || i18n.t().users_empty()}</p></div>
                }.into_any(),
                Some(false) => view! {
                    <div class="table-wrap">
                        <table id="user-list" class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t().col_name()}</th>
                                    <th scope="col">{move || i18n.t().col_email()}</th>
                                    <th scope="col">{move || i18n.t().col_role()}</th>
                                    <th scope="col">{move || i18n.t().col_team()}</th>
                                    <th scope="col">{move || i18n.t().col_active()}</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For
                                    each=move || users.get().unwrap_or_default()
                                    key=|user| user.id.clone()
                                    children=move |user| view! { <UserRow state user /> }
                                />
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// The name to show for a user in messages.
fn name_of(user: &User) -> String {
    if user.display_name.is_empty() {
        user.email.clone()
    } else {
        user.display_name.clone()
    }
}

#[component]
fn UserRow(state: UsersState, user: User) -> impl IntoView {
    let i18n = use_i18n();
    let auth = state.api.auth();
    let row = RwSignal::new(user);
    let busy = RwSignal::new(false);
    let is_self = move || {
        let id = row.with(|u| u.id.clone());
        auth.user().is_some_and(|me| me.id == id)
    };
    let id = row.with_untracked(|u| u.id.clone());

    // Sends a change; `revert` puts the control back when the change is refused.
    let apply = move |update: UserUpdate, revert: Box<dyn FnOnce()>| {
        busy.set(true);
        let id = row.with_untracked(|u| u.id.clone());
        spawn_local(async move {
            let result = update_user(state.api, &id, &update).await;
            if row.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(updated) => {
                    row.set(updated.clone());
                    state.replace_user(updated);
                    state.notice.set(Some(Notice::Saved));
                }
                Err(error) => {
                    revert();
                    state.notice.set(Some(Notice::Failed(error)));
                }
            }
        });
    };

    let on_role = move |ev: leptos::ev::Event| {
        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        else {
            return;
        };
        let previous = row.with_untracked(|u| u.role);
        let Some(role) = Role::from_str_value(&select.value()).filter(|r| *r != previous) else {
            return;
        };
        let name = row.with_untracked(name_of);
        if !confirm(&i18n.t_untracked().confirm_role_change(&name, role)) {
            select.set_value(previous.as_str());
            return;
        }
        let revert_to = select.clone();
        apply(
            UserUpdate {
                role: Some(role),
                ..UserUpdate::default()
            },
            Box::new(move || revert_to.set_value(previous.as_str())),
        );
    };
    let on_team = move |ev: leptos::ev::Event| {
        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        else {
            return;
        };
        let previous = row.with_untracked(|u| u.team_id.clone().unwrap_or_default());
        let chosen = select.value();
        if chosen == previous {
            return;
        }
        let update = if chosen.is_empty() {
            UserUpdate {
                clear_team: true,
                ..UserUpdate::default()
            }
        } else {
            UserUpdate {
                team_id: Some(chosen),
                ..UserUpdate::default()
            }
        };
        let revert_to = select.clone();
        apply(update, Box::new(move || revert_to.set_value(&previous)));
    };
    let on_active = move |ev: leptos::ev::Event| {
        let Some(checkbox) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let active = checkbox.checked();
        if !active
            && !confirm(
                &i18n
                    .t_untracked()
                    .confirm_deactivate(&row.with_untracked(name_of)),
            )
        {
            checkbox.set_checked(true);
            return;
        }
        let revert_to = checkbox.clone();
        apply(
            UserUpdate {
                active: Some(active),
                ..UserUpdate::default()
            },
            Box::new(move || revert_to.set_checked(!active)),
        );
    };

    let role_id = format!("role-{id}");
    let team_id = format!("team-{id}");
    let active_id = format!("active-{id}");
    view! {
        <tr
            data-id=id.clone()
            data-email=move || row.with(|u| u.email.clone())
            class:inactive=move || row.with(|u| !u.active)
        >
            <td class="title-cell">
                {move || row.with(name_of)}
                <Show when=is_self>
                    " "<span class="muted">{move || i18n.t().you_marker()}</span>
                </Show>
            </td>
            <td>{move || row.with(|u| u.email.clone())}</td>
            <td>
                <label class="visually-hidden" for=role_id.clone()>{move || format!("{} · {}", i18n.t().col_role(), row.with(name_of))}</label>
                <select
                    id=role_id
                    class="role-select"
                    prop:value=move || row.with(|u| u.role.as_str())
                    disabled=move || busy.get() || is_self()
                    on:change=on_role
                >
                    {Role::ALL.into_iter().map(|role| view! {
                        <option value=role.as_str() selected=move || row.with(|u| u.role == role)>
                            {move || i18n.t().role(role)}
                        </option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                <label class="visually-hidden" for=team_id.clone()>{move || format!("{} · {}", i18n.t().col_team(), row.with(name_of))}</label>
                <select
                    id=team_id
                    class="team-select"
                    prop:value=move || row.with(|u| u.team_id.clone().unwrap_or_default())
                    disabled=move || busy.get()
                    on:change=on_team
                >
                    <option value="" selected=move || row.with(|u| u.team_id.is_none())>{move || i18n.t().no_team()}</option>
                    {move || state.teams.get().unwrap_or_default().into_iter().map(|team| {
                        let team_id = team.id.clone();
                        view! {
                            <option value=team.id selected=move || row.with(|u| u.team_id.as_deref() == Some(team_id.as_str()))>
                                {team.name}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </td>
            <td>
                <label class="toggle">
                    <input
                        id=active_id
                        type="checkbox"
                        class="active-toggle"
                        prop:checked=move || row.with(|u| u.active)
                        disabled=move || busy.get() || is_self()
                        on:change=on_active
                    />
                    <span>{move || if row.with(|u| u.active) { i18n.t().user_active() } else { i18n.t().user_inactive() }}</span>
                    <span class="visually-hidden">{move || format!(" · {}", row.with(name_of))}</span>
                </label>
            </td>
        </tr>
    }
}

/// Why the new-user form was refused before sending.
#[derive(Debug, Clone, PartialEq)]
enum FormError {
    Input(InputError),
    TeamName,
    Api(ApiError),
}

impl FormError {
    fn text(&self, t: Texts) -> String {
        match self {
            Self::Input(input) => t.input_error(input),
            Self::TeamName => t.team_name_required().to_owned(),
            Self::Api(error) => error.display(t),
        }
    }
}

#[component]
fn NewUserForm(state: UsersState) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Counselor);
    let team = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<FormError>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let parsed = Email::parse(&email.get_untracked()).and_then(|email| {
            Password::parse_new(&password.get_untracked()).map(|password| (email, password))
        });
        let (email_value, password_value) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                error.set(Some(FormError::Input(e)));
                return;
            }
        };
        let new = NewUser {
            email: email_value,
            password: password_value,
            display_name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            team_id: Some(team.get_untracked()).filter(|t| !t.is_empty()),
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = create_user(state.api, &new).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(user) => {
                    let created = user.email.clone();
                    state.users.update(|list| {
                        if let Some(list) = list {
                            list.push(user);
                        }
                    });
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    state.notice.set(Some(Notice::UserCreated(created)));
                }
                Err(e) => error.set(Some(FormError::Api(e))),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="new-user-title">
            <h2 class="card-title" id="new-user-title">{move || i18n.t().new_user_title()}</h2>
            <form class="form" id="new-user-form" on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="new-user-email">{move || i18n.t().email_label()}</label>
                    <input
                        id="new-user-email"
                        type="email"
                        autocomplete="off"
                        required=true
                        placeholder=move || i18n.t().email_placeholder()
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="new-user-name">{move || i18n.t().new_user_name()}</label>
                    <input
                        id="new-user-name"
                        type="text"
                        maxlength="100"
                        aria-describedby="new-user-name-hint"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <p class="muted hint" id="new-user-name-hint">{move || i18n.t().new_user_name_hint()}</p>
                </div>
                <div class="field">
                    <label for="new-user-password">{move || i18n.t().new_user_password()}</label>
                    <input
                        id="new-user-password"
                        type="password"
                        autocomplete="new-password"
                        minlength=Password::MIN_NEW_LEN
                        required=true
                        aria-describedby="new-user-password-hint"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    <p class="muted hint" id="new-user-password-hint">{move || i18n.t().new_user_password_hint()}</p>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="new-user-role">{move || i18n.t().col_role()}</label>
                        <select
                            id="new-user-role"
                            prop:value=move || role.get().as_str()
                            on:change=move |ev| {
                                if let Some(r) = Role::from_str_value(&event_target_value(&ev)) {
                                    role.set(r);
                                }
                            }
                        >
                            {Role::ALL.into_iter().map(|r| view! {
                                <option value=r.as_str() selected=move || role.get() == r>{move || i18n.t().role(r)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="new-user-team">{move || i18n.t().col_team()}</label>
                        <select
                            id="new-user-team"
                            prop:value=move || team.get()
                            on:change=move |ev| team.set(event_target_value(&ev))
                        >
                            <option value="">{move || i18n.t().no_team()}</option>
                            {move || state.teams.get().unwrap_or_default().into_iter().map(|t| view! {
                                <option value=t.id>{t.name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                {move || error.get().map(|e| view! {
                    <p id="new-user-error" class="error" role="alert">{move || e.text(i18n.t())}</p>
                })}
                <div class="form-actions">
                    <button id="new-user-submit" type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t().creating() } else { i18n.t().new_user_submit() }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn TeamsCard(state: UsersState) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<FormError>);
    let UsersState { teams, users, .. } = state;

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let value = name.get_untracked().trim().to_owned();
        if value.is_empty() || value.chars().count() > TEAM_NAME_MAX {
            error.set(Some(FormError::TeamName));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = create_team(state.api, &value).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match result {
                Ok(team) => {
                    let created = team.name.clone();
                    teams.update(|list| {
                        if let Some(list) = list {
                            list.push(team);
                        }
                    });
                    name.set(String::new());
                    state.notice.set(Some(Notice::TeamCreated(created)));
                }
                Err(e) => error.set(Some(FormError::Api(e))),
            }
        });
    };
    let members = move |team_id: &str| {
        users.with(|list| {
            list.as_ref().map_or(0, |list| {
                list.iter()
                    .filter(|u| u.team_id.as_deref() == Some(team_id))
                    .count()
            })
        })
    };

    view! {
        <section class="card" aria-labelledby="teams-title">
            <h2 class="card-title" id="teams-title">{move || i18n.t().teams_title()}</h2>
            {move || match teams.get() {
                None => ().into_any(),
                Some(list) if list.is_empty() => view! {
                    <p class="muted">{move || i18n.t().teams_empty()}</p>
                }.into_any(),
                Some(list) => view! {
                    <ul id="team-list" class="team-list">
                        {list.into_iter().map(|team| {
                            let id = team.id.clone();
                            view! {
                                <li data-id=team.id.clone() data-name=team.name.clone()>
                                    <span class="team-name">{team.name.clone()}</span>
                                    <span class="muted">{move || i18n.t().member_count(members(&id))}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="form inline-form" id="team-form" on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="team-name">{move || i18n.t().team_name_label()}</label>
                    <input
                        id="team-name"
                        type="text"
                        maxlength="100"
                        required=true
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </div>
                <button id="team-submit" type="submit" class="btn btn-ghost" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t().creating() } else { i18n.t().new_team_submit() }}
                </button>
            </form>
            {move || error.get().map(|e| view! {
                <p id="team-error" class="error" role="alert">{move || e.text(i18n.t())}</p>
            })}
        </section>
    }
}
