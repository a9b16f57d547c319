//! Application-wide state shared through contexts: the signed-in session ([`Auth`]) and the
//! `localStorage` helpers it and the language choice use.
//!
//! The access token lives in `localStorage["cc.token"]` (the raw token), its expiry in
//! `localStorage["cc.token.expiresAt"]` (RFC 3339) and the user in `localStorage["cc.user"]` (JSON),
//! so a reload keeps the session until the token expires.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::auth::{LoginPayload, User};

/// `localStorage` key of the raw access token.
pub const TOKEN_KEY: &str = "cc.token";
/// `localStorage` key of the token's expiry (RFC 3339).
pub const TOKEN_EXPIRES_KEY: &str = "cc.token.expiresAt";
/// `localStorage` key of the signed-in user (JSON).
pub const USER_KEY: &str = "cc.user";

/// Longest delay `setTimeout` accepts (2^31 - 1 ms, about 24.8 days).
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a `localStorage` entry; `None` when it is missing or storage is unavailable.
pub fn storage_get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes a `localStorage` entry; storage errors (quota, private mode) are ignored on purpose:
/// the app keeps working for this page view.
pub fn storage_set(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Removes a `localStorage` entry.
pub fn storage_remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Milliseconds since the epoch, from the browser clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Parses an RFC 3339 timestamp into milliseconds since the epoch.
pub fn parse_time_ms(rfc3339: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The bearer access token.
    pub token: String,
    /// When the token expires (ms since the epoch), when known.
    pub expires_at_ms: Option<f64>,
    /// The signed-in user, once known.
    pub user: Option<User>,
}

impl Session {
    fn is_valid_at(&self, now_ms: f64) -> bool {
        !self.token.is_empty() && self.expires_at_ms.is_none_or(|expires| expires > now_ms)
    }

    fn load() -> Option<Self> {
        let token = storage_get(TOKEN_KEY)?;
        let expires_at_ms = storage_get(TOKEN_EXPIRES_KEY).and_then(|raw| parse_time_ms(&raw));
        let user = storage_get(USER_KEY).and_then(|raw| serde_json::from_str(&raw).ok());
        let session = Self {
            token,
            expires_at_ms,
            user,
        };
        if session.is_valid_at(now_ms()) {
            Some(session)
        } else {
            clear_stored_session();
            None
        }
    }
}

fn clear_stored_session() {
    storage_remove(TOKEN_KEY);
    storage_remove(TOKEN_EXPIRES_KEY);
    storage_remove(USER_KEY);
}

/// The authentication context: the current session, if any.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    expired: RwSignal<bool>,
}

impl Auth {
    /// Restores the session from `localStorage` (dropping an expired one).
    pub fn load() -> Self {
        let auth = Self {
            session: RwSignal::new(Session::load()),
            expired: RwSignal::new(false),
        };
        auth.schedule_expiry();
        auth
    }

    /// Whether someone is signed in with a token that has not expired (tracked).
    pub fn is_signed_in(self) -> bool {
        self.session
            .with(|s| s.as_ref().is_some_and(|s| s.is_valid_at(now_ms())))
    }

    /// The access token when it is still valid (not tracked; for requests).
    pub fn token_untracked(self) -> Option<String> {
        self.session.with_untracked(|s| {
            s.as_ref()
                .filter(|s| s.is_valid_at(now_ms()))
                .map(|s| s.token.clone())
        })
    }

    /// The signed-in user, once known (tracked).
    pub fn user(self) -> Option<User> {
        self.session
            .with(|s| s.as_ref().and_then(|s| s.user.clone()))
    }

    /// Whether the last session ended because the token expired or was rejected (tracked).
    pub fn was_expired(self) -> bool {
        self.expired.get()
    }

    /// Stores a fresh session from a successful login.
    pub fn sign_in(self, payload: LoginPayload) {
        storage_set(TOKEN_KEY, &payload.access_token);
        storage_set(TOKEN_EXPIRES_KEY, &payload.expires_at);
        if let Ok(user) = serde_json::to_string(&payload.user) {
            storage_set(USER_KEY, &user);
        }
        self.expired.set(false);
        self.session.set(Some(Session {
            token: payload.access_token,
            expires_at_ms: parse_time_ms(&payload.expires_at),
            user: Some(payload.user),
        }));
        self.schedule_expiry();
    }

    /// Records the user returned by the `me` query.
    pub fn set_user(self, user: User) {
        if let Ok(json) = serde_json::to_string(&user) {
            storage_set(USER_KEY, &json);
        }
        self.session.update(|s| {
            if let Some(s) = s {
                s.user = Some(user);
            }
        });
    }

    /// Signs out on the user's request.
    pub fn sign_out(self) {
        clear_stored_session();
        self.expired.set(false);
        self.session.set(None);
    }

    /// Ends the session because the token expired or the server rejected it.
    pub fn expire(self) {
        if self.session.with_untracked(Option::is_some) {
            clear_stored_session();
            self.expired.set(true);
            self.session.set(None);
        }
    }

    /// Signs out by itself when the token's expiry passes while the page is open.
    fn schedule_expiry(self) {
        let Some(expires) = self
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.expires_at_ms))
        else {
            return;
        };
        let delay = (expires - now_ms()).clamp(0.0, MAX_TIMEOUT_MS);
        // The cast is exact: `delay` is clamped to a non-negative value below 2^31.
        let delay = Duration::from_millis(delay as u64);
        set_timeout(
            move || {
                let due = self
                    .session
                    .try_with_untracked(|s| s.as_ref().is_some_and(|s| !s.is_valid_at(now_ms())))
                    .unwrap_or(false);
                if due {
                    self.expire();
                }
            },
            delay,
        );
    }
}

/// Provides the authentication context.
pub fn provide_auth() -> Auth {
    let auth = Auth::load();
    provide_context(auth);
    auth
}

/// The authentication context provided by [`provide_auth`].
pub fn use_auth() -> Auth {
    use_context::<Auth>().unwrap_or_else(Auth::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_valid_only_before_its_expiry() {
        let session = Session {
            token: "t".into(),
            expires_at_ms: Some(1_000.0),
            user: None,
        };
        assert!(session.is_valid_at(999.0));
        assert!(!session.is_valid_at(1_000.0));
        let no_expiry = Session {
            expires_at_ms: None,
            ..session
        };
        assert!(no_expiry.is_valid_at(f64::MAX));
    }
}
