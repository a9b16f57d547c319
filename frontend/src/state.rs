//! Application-wide state shared through contexts: the signed-in session ([`Auth`]) and the
//! browser-storage helpers it and the language choice use.
//!
//! The refresh token never reaches this code: the server keeps it in an `HttpOnly` cookie sent
//! only to `/graphql/session` (sign-in, refresh, sign-out), so a script injected into the page
//! cannot read it. What the app keeps:
//!
//! * `localStorage` `cc.session`: when the session (its refresh cookie) expires, by this browser's
//!   clock (RFC 3339). It says that a session exists, and every tab follows it: a tab that sees
//!   it appear signs in (its first request obtains its own access token through the cookie), a
//!   tab that sees it go signs out;
//! * `localStorage` `cc.user`: the signed-in user (JSON);
//! * `sessionStorage` `cc.token`, `cc.token.expiresAt`: this tab's access token (at most 15
//!   minutes) and its expiry, so that a reload does not need a refresh; gone with the tab.
//!
//! The refresh itself (proactive and after an `UNAUTHENTICATED` answer) lives in [`crate::api`];
//! this module keeps the tokens, the reactive "signed in" flag and the user.

use leptos::prelude::*;
use serde::Deserialize;

use crate::api::auth::{LoginPayload, User};

/// `sessionStorage` key of this tab's raw access token.
pub const TOKEN_KEY: &str = "cc.token";
/// `sessionStorage` key of the access token's expiry (RFC 3339, browser clock).
pub const TOKEN_EXPIRES_KEY: &str = "cc.token.expiresAt";
/// `localStorage` key of the session's expiry (RFC 3339, browser clock).
pub const SESSION_KEY: &str = "cc.session";
/// `localStorage` key of the signed-in user (JSON).
pub const USER_KEY: &str = "cc.user";
/// `localStorage` keys of earlier versions, which kept the tokens there (removed on load).
const LEGACY_KEYS: [&str; 4] = [
    "cc.token",
    "cc.token.expiresAt",
    "cc.refresh",
    "cc.refresh.expiresAt",
];

/// Refresh before a request when the access token expires within this margin.
const PRE_REQUEST_MARGIN_MS: f64 = 5_000.0;
/// Subtracted from a token's lifetime for the time the response took to arrive.
const LATENCY_ALLOWANCE_MS: f64 = 2_000.0;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads a `localStorage` entry; `None` when it is missing or storage is unavailable.
pub fn storage_get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes a `localStorage` entry; storage errors (quota, private mode) are ignored on purpose:
/// the app keeps working for this page view from memory.
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

fn tab_get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok().flatten()
}

fn tab_set(key: &str, value: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(key, value);
    }
}

fn tab_remove(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Removes what earlier versions kept in `localStorage` (the access and refresh tokens) and
/// returns the refresh token found, which the caller revokes: such a session signs in again once.
pub fn take_legacy_refresh_token() -> Option<String> {
    let token = storage_get("cc.refresh").filter(|t| !t.is_empty());
    for key in LEGACY_KEYS {
        storage_remove(key);
    }
    token
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

/// Milliseconds since the epoch as RFC 3339 (UTC).
fn format_time_ms(ms: f64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string())
}

/// The lifetime (`exp - iat`, in ms) a JWT states about itself, when it is a readable JWT.
fn jwt_lifetime_ms(token: &str) -> Option<f64> {
    #[derive(Deserialize)]
    struct Claims {
        iat: f64,
        exp: f64,
    }
    let payload = token.split('.').nth(1)?;
    let mut base64: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    while !base64.len().is_multiple_of(4) {
        base64.push('=');
    }
    let json = web_sys::window()?.atob(&base64).ok()?;
    let claims: Claims = serde_json::from_str(&json).ok()?;
    let lifetime = (claims.exp - claims.iat) * 1000.0;
    (lifetime > 0.0).then_some(lifetime)
}

/// The tokens of a session, as this tab knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokens {
    /// The bearer access token (empty until this tab obtained one).
    pub access: String,
    /// When the access token expires (ms since the epoch, browser clock), when known.
    pub access_expires_ms: Option<f64>,
    /// When the session, its refresh cookie, expires (ms since the epoch, browser clock), when
    /// known.
    pub session_expires_ms: Option<f64>,
}

impl Tokens {
    /// Tokens from a login or refresh answer received at `now`. The access token's expiry is
    /// `now + its lifetime` when the token states one, so that a browser clock that differs from
    /// the server's does not make every token look expired (or eternal); the session's expiry is
    /// shifted by the same difference.
    pub fn from_payload(payload: &LoginPayload, now: f64) -> Self {
        let server_expiry = parse_time_ms(&payload.expires_at);
        let access_expires_ms = match jwt_lifetime_ms(&payload.access_token) {
            Some(lifetime) => Some(now + (lifetime - LATENCY_ALLOWANCE_MS).max(lifetime / 2.0)),
            None => server_expiry,
        };
        let skew = match (server_expiry, access_expires_ms) {
            (Some(server), Some(local)) => server - local,
            _ => 0.0,
        };
        Self {
            access: payload.access_token.clone(),
            access_expires_ms,
            session_expires_ms: parse_time_ms(&payload.refresh_expires_at).map(|ms| ms - skew),
        }
    }

    /// Whether the access token has not expired at `now`.
    pub fn access_valid_at(&self, now: f64) -> bool {
        !self.access.is_empty() && self.access_expires_ms.is_none_or(|expires| expires > now)
    }

    /// Whether the session can still be renewed at `now` (its cookie has not expired).
    pub fn session_valid_at(&self, now: f64) -> bool {
        self.session_expires_ms.is_none_or(|expires| expires > now)
    }

    /// Whether the session can go on at `now`: its cookie has not expired.
    pub fn usable_at(&self, now: f64) -> bool {
        self.session_valid_at(now)
    }

    /// Whether a request at `now` should refresh first: the access token is missing or (nearly)
    /// expired and the session can renew it.
    pub fn needs_refresh_at(&self, now: f64) -> bool {
        self.session_valid_at(now)
            && (self.access.is_empty()
                || self
                    .access_expires_ms
                    .is_some_and(|expires| expires - now <= PRE_REQUEST_MARGIN_MS))
    }

    /// Reads the tokens: the session from `localStorage` (none: signed out), this tab's access
    /// token from `sessionStorage`.
    fn load() -> Option<Self> {
        let session = storage_get(SESSION_KEY)?;
        Some(Self {
            access: tab_get(TOKEN_KEY).unwrap_or_default(),
            access_expires_ms: tab_get(TOKEN_EXPIRES_KEY).and_then(|raw| parse_time_ms(&raw)),
            session_expires_ms: parse_time_ms(&session),
        })
    }

    /// Writes the tokens.
    fn store(&self) {
        tab_set(TOKEN_KEY, &self.access);
        match self.access_expires_ms {
            Some(ms) => tab_set(TOKEN_EXPIRES_KEY, &format_time_ms(ms)),
            None => tab_remove(TOKEN_EXPIRES_KEY),
        }
        // Without a known expiry the session lasts until the server says otherwise.
        let session = self
            .session_expires_ms
            .map_or_else(|| "unknown".to_owned(), format_time_ms);
        storage_set(SESSION_KEY, &session);
    }
}

fn clear_stored_session() {
    for key in [SESSION_KEY, USER_KEY] {
        storage_remove(key);
    }
    clear_tab_tokens();
}

fn clear_tab_tokens() {
    for key in [TOKEN_KEY, TOKEN_EXPIRES_KEY] {
        tab_remove(key);
    }
}

fn load_user() -> Option<User> {
    storage_get(USER_KEY).and_then(|raw| serde_json::from_str(&raw).ok())
}

/// How the last session of this page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionEnd {
    /// No session ended yet (a first visit, or still signed in).
    #[default]
    None,
    /// The user signed out.
    SignedOut,
    /// The session could not be renewed (expired, revoked or rejected).
    Expired,
}

/// The authentication context: whether someone is signed in, who, and the session's tokens.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    signed_in: RwSignal<bool>,
    user: RwSignal<Option<User>>,
    ended: RwSignal<SessionEnd>,
    /// The access token's expiry, for the proactive refresh timer (tracked by it).
    access_expiry: RwSignal<Option<f64>>,
    /// The tokens in memory, used when `localStorage` is unavailable.
    tokens: StoredValue<Option<Tokens>>,
    /// The refresh in flight, shared by every request that needs it.
    refreshing: StoredValue<Option<js_sys::Promise>, LocalStorage>,
}

impl Auth {
    /// Restores the session from storage (dropping one that can no longer be renewed).
    pub fn load() -> Self {
        let tokens = Tokens::load().filter(|t| t.usable_at(now_ms()));
        if tokens.is_none() {
            clear_stored_session();
        }
        Self {
            signed_in: RwSignal::new(tokens.is_some()),
            user: RwSignal::new(tokens.as_ref().and_then(|_| load_user())),
            ended: RwSignal::new(SessionEnd::None),
            access_expiry: RwSignal::new(tokens.as_ref().and_then(|t| t.access_expires_ms)),
            tokens: StoredValue::new(tokens),
            refreshing: StoredValue::new_local(None),
        }
    }

    /// Whether someone is signed in (tracked).
    pub fn is_signed_in(self) -> bool {
        self.signed_in.get()
    }

    /// Whether someone is signed in, without subscribing.
    pub fn is_signed_in_untracked(self) -> bool {
        self.signed_in.get_untracked()
    }

    /// The session's current tokens (not tracked; for requests): from storage, so that a
    /// sign-out in another tab counts here too, from memory when storage is unavailable.
    pub fn tokens_untracked(self) -> Option<Tokens> {
        if !self.signed_in.try_get_untracked().unwrap_or(false) {
            return None;
        }
        if local_storage().is_some() {
            Tokens::load()
        } else {
            self.tokens.try_get_value().flatten()
        }
    }

    /// The access token, if signed in (not tracked; for requests).
    pub fn token_untracked(self) -> Option<String> {
        self.tokens_untracked()
            .map(|t| t.access)
            .filter(|t| !t.is_empty())
    }

    /// The access token's expiry (tracked; drives the proactive refresh).
    pub fn access_expiry(self) -> Option<f64> {
        self.access_expiry.get()
    }

    /// The signed-in user, once known (tracked).
    pub fn user(self) -> Option<User> {
        self.user.get()
    }

    /// Whether the last session ended because it expired or was revoked (tracked).
    pub fn was_expired(self) -> bool {
        self.ended.get() == SessionEnd::Expired
    }

    /// How the last session ended, without subscribing.
    pub fn ended_untracked(self) -> SessionEnd {
        self.ended.get_untracked()
    }

    /// Stores a fresh session from a successful login.
    pub fn sign_in(self, payload: &LoginPayload) {
        self.store_tokens(payload);
        self.ended.set(SessionEnd::None);
        self.signed_in.set(true);
    }

    /// Stores the tokens (and user) of a login or refresh answer.
    pub fn store_tokens(self, payload: &LoginPayload) {
        let tokens = Tokens::from_payload(payload, now_ms());
        tokens.store();
        self.access_expiry.try_set(tokens.access_expires_ms);
        self.tokens.try_set_value(Some(tokens));
        self.set_user(payload.user.clone());
    }

    /// Takes the stored tokens as this tab's (stored by another request of the tab, or a session
    /// another tab started).
    pub fn adopt(self, tokens: Tokens) {
        self.access_expiry.try_set(tokens.access_expires_ms);
        self.tokens.try_set_value(Some(tokens));
    }

    /// Records the signed-in user (from a login, refresh or the `me` query).
    pub fn set_user(self, user: User) {
        if let Ok(json) = serde_json::to_string(&user) {
            storage_set(USER_KEY, &json);
        }
        if self.user.try_with_untracked(|u| u.as_ref() != Some(&user)) == Some(true) {
            self.user.try_set(Some(user));
        }
    }

    /// Ends the session on the user's request (the caller asks the server to end it too).
    pub fn sign_out(self) {
        // Set before clearing, so that the sign-in guard reacting to the cleared session sees it.
        self.ended.try_set(SessionEnd::SignedOut);
        self.clear();
    }

    /// Ends the session because it can no longer be renewed (expired, revoked, rejected); the
    /// sign-in page then says so.
    pub fn expire(self) {
        if self.signed_in.try_get_untracked() == Some(true) {
            self.ended.try_set(SessionEnd::Expired);
            self.clear();
        }
    }

    fn clear(self) {
        clear_stored_session();
        self.tokens.try_set_value(None);
        self.access_expiry.try_set(None);
        self.signed_in.try_set(false);
        self.user.try_set(None);
    }

    /// Follows a change another tab made to the stored session (sign-in, refresh, sign-out).
    pub fn sync_from_storage(self) {
        match Tokens::load().filter(|t| t.usable_at(now_ms())) {
            Some(tokens) => {
                self.adopt(tokens);
                if let Some(user) = load_user() {
                    self.set_user(user);
                }
                if self.signed_in.get_untracked() {
                    return;
                }
                self.ended.set(SessionEnd::None);
                self.signed_in.set(true);
            }
            None => {
                if self.signed_in.get_untracked() {
                    clear_tab_tokens();
                    self.ended.set(SessionEnd::SignedOut);
                    self.tokens.set_value(None);
                    self.access_expiry.set(None);
                    self.signed_in.set(false);
                    self.user.set(None);
                }
            }
        }
    }

    /// The refresh in flight, if any.
    pub fn refresh_in_flight(self) -> Option<js_sys::Promise> {
        self.refreshing.try_get_value().flatten()
    }

    /// Records (or, with `None`, clears) the refresh in flight.
    pub fn set_refresh_in_flight(self, promise: Option<js_sys::Promise>) {
        self.refreshing.try_set_value(promise);
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

    fn tokens() -> Tokens {
        Tokens {
            access: "a".into(),
            access_expires_ms: Some(10_000.0),
            session_expires_ms: Some(100_000.0),
        }
    }

    #[test]
    fn an_access_token_is_valid_only_before_its_expiry() {
        let t = tokens();
        assert!(t.access_valid_at(9_999.0));
        assert!(!t.access_valid_at(10_000.0));
        let no_expiry = Tokens {
            access_expires_ms: None,
            ..t
        };
        assert!(no_expiry.access_valid_at(f64::MAX));
    }

    #[test]
    fn a_session_with_an_expired_access_token_goes_on_until_the_session_expires() {
        let t = tokens();
        assert!(t.usable_at(50_000.0));
        assert!(!t.usable_at(100_000.0));
        let new_tab = Tokens {
            access: String::new(),
            access_expires_ms: None,
            ..t
        };
        assert!(
            new_tab.usable_at(50_000.0),
            "a tab without its own token yet"
        );
    }

    #[test]
    fn a_request_refreshes_first_when_the_access_token_is_missing_or_about_to_expire() {
        let t = tokens();
        assert!(!t.needs_refresh_at(1_000.0));
        assert!(t.needs_refresh_at(6_000.0));
        assert!(t.needs_refresh_at(20_000.0));
        assert!(!t.needs_refresh_at(200_000.0), "the session expired");
        let new_tab = Tokens {
            access: String::new(),
            ..t
        };
        assert!(new_tab.needs_refresh_at(1_000.0));
    }
}
