//! Typed client for the server's GraphQL API at the same origin's `/graphql`.
//!
//! Every request goes through [`Api`], which adds the bearer token and `Accept-Language` (the server
//! localises error messages by it) and turns any failure, from the network to a GraphQL error,
//! into one [`ApiError`] carrying `extensions.code` and the message. Domain calls live in
//! [`auth`], [`admin`], [`api_keys`], [`consultations`], [`kpis`] and [`progress`] (the
//! `graphql-transport-ws` subscription).
//!
//! **Session refresh.** Access tokens live at most 15 minutes; the refresh token renews them and
//! is itself replaced on every use (presenting a used one revokes the whole session). The server
//! keeps it in an `HttpOnly` cookie sent only to [`SESSION_PATH`], so this code never sees it;
//! each tab holds its own access token ([`crate::state`]). So:
//! * a request whose access token is missing or (nearly) expired refreshes first, and a request
//!   answered `UNAUTHENTICATED` refreshes once and is sent again;
//! * [`keep_session_fresh`] refreshes shortly before the token expires while the page is open;
//! * all of them share one refresh in flight ([`Api::refresh`]), and across tabs the refresh runs
//!   under a Web Lock, so two tabs never present the same cookie at once (each refresh carries
//!   the cookie the one before left);
//! * when the refresh is refused the session ends and the sign-in guard sends the user to
//!   `/login?next=<the page>`.

pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod coaching;
pub mod consultations;
pub mod kpis;
pub mod progress;
pub mod reports;
pub mod reviews;
pub mod surveys;
pub mod system;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[cfg(test)]
use crate::i18n::Lang;
use crate::i18n::{I18n, Texts, use_i18n};
use crate::state::{Auth, now_ms, use_auth};

/// Path of the GraphQL endpoint (HTTP and WebSocket).
pub const GRAPHQL_PATH: &str = "/graphql";
/// Path of the GraphQL endpoint for sign-in, refresh and sign-out: the only one the browser
/// sends the session cookie to.
pub const SESSION_PATH: &str = "/graphql/session";

/// What the client accepts: the GraphQL-over-HTTP media type first, plain JSON as a fallback.
const ACCEPT: &str = "application/graphql-response+json, application/json;q=0.9";

/// Name of the Web Lock that serialises refreshes across the app's tabs.
const REFRESH_LOCK: &str = "cc.refresh";

/// Error codes the client itself produces (the server's codes come from `extensions.code`).
pub mod codes {
    /// The server could not be reached.
    pub const NETWORK_ERROR: &str = "NETWORK_ERROR";
    /// The server answered something that is not a GraphQL response.
    pub const BAD_RESPONSE: &str = "BAD_RESPONSE";
    /// The token is missing, expired or rejected.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// The upload exceeds the server's limit.
    pub const FILE_TOO_LARGE: &str = "FILE_TOO_LARGE";
    /// The resource does not exist (or is not visible to this user).
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// The live connection gave up.
    pub const SUBSCRIPTION_FAILED: &str = "SUBSCRIPTION_FAILED";
    /// Too many sign-in attempts; `retryAfterSeconds` says how long to wait.
    pub const TOO_MANY_ATTEMPTS: &str = "TOO_MANY_ATTEMPTS";
    /// Wrong e-mail or password (also: wrong current password).
    pub const INVALID_CREDENTIALS: &str = "INVALID_CREDENTIALS";
    /// The input was rejected; the server's message says why.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
}

/// Any failure of an API call: a stable code (`extensions.code` when the server sent one) and the
/// server's already-localised message (empty for failures the client detected itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// `extensions.code`, or one of [`codes`] for client-side failures.
    pub code: String,
    /// The server's message, localised by `Accept-Language`; empty when the client made the error.
    pub message: String,
    /// The HTTP status, when the failure was an unexpected HTTP answer.
    pub http_status: Option<u16>,
    /// `extensions.retryAfterSeconds` of `TOO_MANY_ATTEMPTS`.
    pub retry_after_seconds: Option<u64>,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            http_status: None,
            retry_after_seconds: None,
        }
    }

    fn client(code: &str) -> Self {
        Self::new(code, "")
    }

    /// Whether the session must end (the token is missing, expired or rejected).
    pub fn is_unauthenticated(&self) -> bool {
        // `UNAUTHORIZED` is accepted too: servers differ in which name they use.
        self.code == codes::UNAUTHENTICATED || self.code == "UNAUTHORIZED"
    }

    /// The text to show the user, translated from the code by the catalogue; the server's
    /// (request-localised) message where it carries details the code does not, or for codes the
    /// catalogue does not know.
    pub fn display(&self, t: Texts) -> String {
        if self.code == codes::TOO_MANY_ATTEMPTS {
            return t.err_too_many_attempts(self.retry_after_seconds);
        }
        if self.is_unauthenticated() {
            return t.err_session_expired().to_owned();
        }
        if let Some(text) = t.error_code(&self.code) {
            return text.to_owned();
        }
        if !self.message.is_empty() {
            return self.message.clone();
        }
        match (self.code.as_str(), self.http_status) {
            (codes::BAD_USER_INPUT, _) => t.err_bad_input().to_owned(),
            (codes::FILE_TOO_LARGE, _) => t.err_file_too_large().to_owned(),
            (_, Some(status)) => t.err_http(status),
            _ => t.err_bad_response().to_owned(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// One error of a GraphQL response (`errors[i]`), also used by the WebSocket protocol.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct GraphqlError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    extensions: Option<ErrorExtensions>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorExtensions {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    retry_after_seconds: Option<u64>,
}

impl From<GraphqlError> for ApiError {
    fn from(error: GraphqlError) -> Self {
        let (code, retry_after_seconds) = match error.extensions {
            Some(extensions) => (extensions.code, extensions.retry_after_seconds),
            None => (None, None),
        };
        Self {
            retry_after_seconds,
            ..Self::new(
                code.unwrap_or_else(|| codes::BAD_RESPONSE.to_owned()),
                error.message,
            )
        }
    }
}

/// The `{data, errors}` envelope.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct GraphqlResponse {
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Option<Vec<GraphqlError>>,
}

impl GraphqlResponse {
    /// The `data`, or the first error.
    pub(crate) fn into_data(self) -> Result<serde_json::Value, ApiError> {
        if let Some(error) = self.errors.and_then(|errors| errors.into_iter().next()) {
            return Err(error.into());
        }
        self.data
            .filter(|d| !d.is_null())
            .ok_or_else(|| ApiError::client(codes::BAD_RESPONSE))
    }

    /// The typed `data`, or the first error.
    pub(crate) fn into_result<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        decode(self.into_data()?)
    }
}

#[derive(Serialize)]
struct GraphqlRequest<'a, V: Serialize> {
    query: &'a str,
    variables: V,
}

/// The body of a POST to the GraphQL endpoint.
pub(crate) enum Body {
    /// A JSON GraphQL request.
    Json(String),
    /// A GraphQL multipart request (file upload).
    Multipart(web_sys::FormData),
}

/// An upload progress callback, shared by the first attempt and the retry after a refresh.
type Progress = Rc<RefCell<dyn FnMut(f64, f64)>>;

/// Whether a request carries the session's token (and renews it when needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credentials {
    /// The bearer token of the session, refreshed as needed.
    Session,
    /// No token: a shared report needs none.
    None,
}

/// A handle for API calls: the session (for the token and its refresh) and the language at the
/// time of each request (for `Accept-Language`). Cheap to copy into async blocks.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    auth: Auth,
    i18n: I18n,
}

impl Api {
    /// A client from the current contexts (call inside a component, not in an async block).
    pub fn from_context() -> Self {
        Self {
            auth: use_auth(),
            i18n: use_i18n(),
        }
    }

    /// The session this client acts for.
    pub fn auth(self) -> Auth {
        self.auth
    }

    /// The bearer token, if signed in.
    pub(crate) fn token(self) -> Option<String> {
        self.auth.token_untracked()
    }

    /// Runs a query or mutation with the session's token and decodes `data` into `T`.
    pub async fn graphql<V, T>(self, query: &str, variables: V) -> Result<T, ApiError>
    where
        V: Serialize,
        T: DeserializeOwned,
    {
        let body = json_body(query, variables)?;
        decode(
            self.request(Body::Json(body), None, Credentials::Session)
                .await?,
        )
    }

    /// Runs a query or mutation without the session's token (a shared report needs none): a
    /// rejected token must neither fail it nor start a refresh.
    pub(crate) async fn graphql_anonymous<V, T>(
        self,
        query: &str,
        variables: V,
    ) -> Result<T, ApiError>
    where
        V: Serialize,
        T: DeserializeOwned,
    {
        let body = json_body(query, variables)?;
        decode(
            self.request(Body::Json(body), None, Credentials::None)
                .await?,
        )
    }

    /// Runs a sign-in, refresh or sign-out mutation at [`SESSION_PATH`], where the browser sends
    /// the session cookie, without the access token.
    pub(crate) async fn session_call<V, T>(self, query: &str, variables: V) -> Result<T, ApiError>
    where
        V: Serialize,
        T: DeserializeOwned,
    {
        let body = json_body(query, variables)?;
        decode(
            self.send(&Body::Json(body), None, None, SESSION_PATH)
                .await?,
        )
    }

    /// POSTs a body with the session's token and decodes the response; `on_progress(sent, total)`
    /// follows the upload.
    pub(crate) async fn post<T: DeserializeOwned>(
        self,
        body: Body,
        on_progress: Option<Box<dyn FnMut(f64, f64)>>,
    ) -> Result<T, ApiError> {
        let progress: Option<Progress> = on_progress.map(|callback| {
            let shared: Progress = Rc::new(RefCell::new(callback));
            shared
        });
        decode(self.request(body, progress, Credentials::Session).await?)
    }

    /// Sends a request and returns its `data`. Not generic over the data's type, so the WASM
    /// holds one copy of the request logic rather than one per response type.
    async fn request(
        self,
        body: Body,
        progress: Option<Progress>,
        credentials: Credentials,
    ) -> Result<serde_json::Value, ApiError> {
        if credentials == Credentials::None {
            return self.send(&body, progress, None, GRAPHQL_PATH).await;
        }
        let token = self.fresh_token().await?;
        let result = self
            .send(&body, progress.clone(), token.as_deref(), GRAPHQL_PATH)
            .await;
        match result {
            Err(error) if error.is_unauthenticated() => {
                let Some(token) = token else {
                    self.auth.expire();
                    return Err(error);
                };
                // The token was rejected (expired early, revoked, or replaced): renew it once and
                // send the request again.
                self.refresh(Some(&token)).await?;
                let retried = self
                    .send(&body, progress, self.token().as_deref(), GRAPHQL_PATH)
                    .await;
                if retried.as_ref().is_err_and(ApiError::is_unauthenticated) {
                    self.auth.expire();
                }
                retried
            }
            other => other,
        }
    }

    /// The access token to send: renewed first when it is about to expire.
    async fn fresh_token(self) -> Result<Option<String>, ApiError> {
        let Some(tokens) = self.auth.tokens_untracked() else {
            return Ok(None);
        };
        if tokens.needs_refresh_at(now_ms()) {
            self.refresh(Some(&tokens.access)).await?;
            return Ok(self.token());
        }
        Ok(Some(tokens.access).filter(|t| !t.is_empty()))
    }

    /// Renews the session's tokens. `stale` is the access token the caller found expired or
    /// rejected: when the stored token already differs (another request or tab renewed it), that
    /// one is used without a new refresh. Concurrent callers share one refresh; a refused refresh
    /// ends the session.
    pub(crate) async fn refresh(self, stale: Option<&str>) -> Result<(), ApiError> {
        if let Some(in_flight) = self.auth.refresh_in_flight() {
            return await_refresh(in_flight).await;
        }
        if self.auth.tokens_untracked().is_none() {
            self.auth.expire();
            return Err(ApiError::client(codes::UNAUTHENTICATED));
        }
        let stale = stale.map(str::to_owned);
        let promise = with_refresh_lock(Box::new(move || {
            wasm_bindgen_futures::future_to_promise(async move {
                let outcome = self.refresh_now(stale.as_deref()).await;
                self.auth.set_refresh_in_flight(None);
                outcome
                    .map(|()| JsValue::TRUE)
                    .map_err(|e| JsValue::from_str(&e.code))
            })
        }));
        self.auth.set_refresh_in_flight(Some(promise.clone()));
        await_refresh(promise).await
    }

    /// The refresh itself, run while holding the lock.
    async fn refresh_now(self, stale: Option<&str>) -> Result<(), ApiError> {
        let now = now_ms();
        let Some(tokens) = self.auth.tokens_untracked() else {
            self.auth.expire();
            return Err(ApiError::client(codes::UNAUTHENTICATED));
        };
        if stale.is_some_and(|stale| stale != tokens.access) && tokens.access_valid_at(now) {
            self.auth.adopt(tokens);
            return Ok(());
        }
        if !tokens.session_valid_at(now) {
            self.auth.expire();
            return Err(ApiError::client(codes::UNAUTHENTICATED));
        }
        match auth::refresh_session(self).await {
            Ok(payload) => {
                // Signed out meanwhile (another tab, or the user): do not resurrect the session.
                if self.auth.is_signed_in_untracked() {
                    self.auth.store_tokens(&payload);
                }
                Ok(())
            }
            Err(error) => {
                // Network trouble keeps the session (the next request tries again); a refused
                // refresh token ends it.
                if error.is_unauthenticated() || error.code == codes::BAD_USER_INPUT {
                    self.auth.expire();
                }
                Err(error)
            }
        }
    }

    async fn send(
        self,
        body: &Body,
        progress: Option<Progress>,
        token: Option<&str>,
        path: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let network = |_: JsValue| ApiError::client(codes::NETWORK_ERROR);
        let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
        xhr.open_with_async("POST", path, true).map_err(network)?;
        xhr.set_request_header("Accept", ACCEPT).map_err(network)?;
        xhr.set_request_header("Accept-Language", self.i18n.lang_untracked().code())
            .map_err(network)?;
        if let Some(token) = token {
            xhr.set_request_header("Authorization", &format!("Bearer {token}"))
                .map_err(network)?;
        }

        // Kept alive until the request ends, then dropped with this frame.
        let progress_listener = match progress {
            Some(callback) => {
                let listener = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                    move |event: web_sys::ProgressEvent| {
                        if event.length_computable() {
                            (callback.borrow_mut())(event.loaded(), event.total());
                        }
                    },
                );
                let upload = xhr.upload().map_err(network)?;
                upload.set_onprogress(Some(listener.as_ref().unchecked_ref()));
                Some((upload, listener))
            }
            None => None,
        };

        // `loadend` fires once whatever happens (load, error, abort, timeout).
        let finished = js_sys::Promise::new(&mut |resolve, _reject| {
            xhr.set_onloadend(Some(&resolve));
        });
        let sent = match body {
            Body::Json(json) => {
                xhr.set_request_header("Content-Type", "application/json")
                    .map_err(network)?;
                xhr.send_with_opt_str(Some(json))
            }
            Body::Multipart(form) => xhr.send_with_opt_form_data(Some(form)),
        };
        sent.map_err(network)?;
        JsFuture::from(finished).await.map_err(network)?;

        if let Some((upload, _listener)) = progress_listener {
            upload.set_onprogress(None);
        }
        xhr.set_onloadend(None);

        let status = xhr.status().map_err(network)?;
        if status == 0 {
            return Err(ApiError::client(codes::NETWORK_ERROR));
        }
        let text = xhr.response_text().map_err(network)?.unwrap_or_default();
        match serde_json::from_str::<GraphqlResponse>(&text) {
            Ok(response) if response.data.is_some() || response.errors.is_some() => {
                response.into_data()
            }
            _ => Err(error_for_status(status)),
        }
    }
}

/// Decodes a response's `data` into the caller's type.
fn decode<T: DeserializeOwned>(data: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(data).map_err(|_| ApiError::client(codes::BAD_RESPONSE))
}

fn json_body<V: Serialize>(query: &str, variables: V) -> Result<String, ApiError> {
    serde_json::to_string(&GraphqlRequest { query, variables })
        .map_err(|_| ApiError::client(codes::BAD_RESPONSE))
}

/// Waits for a refresh started by [`Api::refresh`]; it rejects with the error code.
async fn await_refresh(promise: js_sys::Promise) -> Result<(), ApiError> {
    JsFuture::from(promise).await.map(|_| ()).map_err(|reason| {
        ApiError::client(
            reason
                .as_string()
                .as_deref()
                .unwrap_or(codes::NETWORK_ERROR),
        )
    })
}

/// Runs `task` holding the app-wide Web Lock [`REFRESH_LOCK`], so that two tabs never refresh at
/// once; runs it directly where the browser has no Web Locks.
fn with_refresh_lock(task: Box<dyn FnOnce() -> js_sys::Promise>) -> js_sys::Promise {
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(JsValue::is_object);
    let request = locks
        .as_ref()
        .and_then(|locks| js_sys::Reflect::get(locks, &"request".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        return task();
    };
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue { task().into() });
    match request
        .call2(&locks, &REFRESH_LOCK.into(), &callback)
        .map(JsCast::dyn_into::<js_sys::Promise>)
    {
        Ok(Ok(promise)) => promise,
        _ => js_sys::Promise::reject(&JsValue::from_str(codes::NETWORK_ERROR)),
    }
}

/// How long before the access token expires the proactive refresh runs: a quarter of its
/// remaining life, at most a minute, at least 5 s.
fn refresh_lead_ms(remaining_ms: f64) -> f64 {
    (remaining_ms / 4.0).clamp(5_000.0, 60_000.0)
}

/// Refreshes the session shortly before its access token expires, for as long as the app is open,
/// so that the page never meets an expired token. Call once, from the root component.
pub fn keep_session_fresh(api: Api) {
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let Some(expires) = api.auth.access_expiry() else {
            return;
        };
        generation.update_value(|g| *g += 1);
        let planned = generation.get_value();
        let remaining = expires - now_ms();
        // A little jitter keeps several tabs from waking up at the same moment.
        let delay = (remaining - refresh_lead_ms(remaining) - js_sys::Math::random() * 2_000.0)
            .clamp(0.0, 2_147_483_647.0);
        set_timeout(
            move || {
                if generation.try_get_value() != Some(planned) {
                    return;
                }
                let Some(tokens) = api.auth.tokens_untracked() else {
                    return;
                };
                // Due unless the stored token outlives the one this timer was planned for.
                let due = tokens.access_expires_ms.is_none_or(|e| e <= expires + 1.0);
                if !due {
                    // Another tab renewed the tokens: follow their new expiry.
                    api.auth.adopt(tokens);
                    return;
                }
                leptos::task::spawn_local(async move {
                    // Failures either ended the session (the guard redirects) or were network
                    // trouble the next request retries.
                    let _ = api.refresh(Some(&tokens.access)).await;
                });
            },
            // The cast is exact: `delay` is clamped to a non-negative value below 2^31.
            Duration::from_millis(delay as u64),
        );
    });
}

/// Maps an HTTP status without a GraphQL body to an error.
fn error_for_status(status: u16) -> ApiError {
    let code = match status {
        401 => codes::UNAUTHENTICATED,
        404 => codes::NOT_FOUND,
        413 => codes::FILE_TOO_LARGE,
        _ => codes::BAD_RESPONSE,
    };
    ApiError {
        http_status: Some(status),
        ..ApiError::client(code)
    }
}

/// A page's data loaded by requests of which only the latest answer counts: when a newer request
/// starts (the period or a filter changed), the answers of older ones are dropped.
pub struct Latest<T: Send + Sync + 'static> {
    /// The latest answer; `None` while the first loads, or after an error.
    pub value: RwSignal<Option<T>>,
    /// The latest request's error.
    pub error: RwSignal<Option<ApiError>>,
    generation: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Latest<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Latest<T> {}

impl<T: Send + Sync + 'static> Latest<T> {
    /// Nothing loaded yet.
    pub fn new() -> Self {
        Self {
            value: RwSignal::new(None),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Starts `request`; its answer replaces the value (or sets the error) unless a newer request
    /// started meanwhile or the page is gone.
    pub fn load(self, request: impl std::future::Future<Output = Result<T, ApiError>> + 'static) {
        self.generation.update_value(|g| *g += 1);
        let planned = self.generation.get_value();
        self.error.set(None);
        leptos::task::spawn_local(async move {
            let answer = request.await;
            if self.generation.try_get_value() != Some(planned) {
                return;
            }
            match answer {
                Ok(found) => {
                    self.value.try_set(Some(found));
                }
                Err(e) => {
                    self.value.try_set(None);
                    self.error.try_set(Some(e));
                }
            }
        });
    }
}

impl<T: Send + Sync + 'static> Default for Latest<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_graphql_error_becomes_the_api_error_with_its_code() {
        let response: GraphqlResponse = serde_json::from_str(
            r#"{"data":null,"errors":[{"message":"없음","extensions":{"code":"NOT_FOUND"}},{"message":"x"}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let error = response
            .into_result::<serde_json::Value>()
            .err()
            .unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(error.code, "NOT_FOUND");
        assert_eq!(error.message, "없음");
    }

    #[test]
    fn an_error_without_a_code_is_a_bad_response_and_a_413_is_too_large() {
        let error: ApiError = GraphqlError {
            message: "boom".into(),
            extensions: None,
        }
        .into();
        assert_eq!(error.code, codes::BAD_RESPONSE);
        assert_eq!(error_for_status(413).code, codes::FILE_TOO_LARGE);
        assert_eq!(
            error_for_status(502).display(Texts(Lang::En)),
            "The server failed (HTTP 502)."
        );
    }

    #[test]
    fn too_many_attempts_carries_the_wait_and_known_codes_are_translated_by_the_catalogue() {
        let response: GraphqlResponse = serde_json::from_str(
            r#"{"data":null,"errors":[{"message":"잠시 후","extensions":{"code":"TOO_MANY_ATTEMPTS","retryAfterSeconds":42}}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let error = response
            .into_result::<serde_json::Value>()
            .err()
            .unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(error.retry_after_seconds, Some(42));
        assert!(error.display(Texts(Lang::En)).contains("42 seconds"));
        assert!(error.display(Texts(Lang::Ko)).contains("42초"));
        let taken = ApiError::new("TEAM_NAME_TAKEN", "이미 있는 팀 이름입니다.");
        assert_eq!(
            taken.display(Texts(Lang::En)),
            "A team with this name already exists."
        );
        let input = ApiError::new(
            codes::BAD_USER_INPUT,
            "Passwords must be 12 to 128 characters long.",
        );
        assert_eq!(input.display(Texts(Lang::En)), input.message);
    }

    #[test]
    fn the_proactive_refresh_runs_a_quarter_before_expiry_within_bounds() {
        assert!((refresh_lead_ms(900_000.0) - 60_000.0).abs() < f64::EPSILON);
        assert!((refresh_lead_ms(60_000.0) - 15_000.0).abs() < f64::EPSILON);
        assert!((refresh_lead_ms(1_000.0) - 5_000.0).abs() < f64::EPSILON);
    }
}
