//! Typed client for the server's GraphQL API at the same origin's `/graphql`.
//!
//! Every request goes through [`Api`], which adds the bearer token and `Accept-Language` (the server
//! localises error messages by it) and turns any failure, from the network to a GraphQL error,
//! into one [`ApiError`] carrying `extensions.code` and the message. Domain calls live in
//! [`auth`], [`consultations`] and [`progress`] (the `graphql-transport-ws` subscription).

pub mod auth;
pub mod consultations;
pub mod progress;

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[cfg(test)]
use crate::i18n::Lang;
use crate::i18n::{I18n, Texts, use_i18n};
use crate::state::{Auth, use_auth};

/// Path of the GraphQL endpoint (HTTP and WebSocket).
pub const GRAPHQL_PATH: &str = "/graphql";

/// What the client accepts: the GraphQL-over-HTTP media type first, plain JSON as a fallback.
const ACCEPT: &str = "application/graphql-response+json, application/json;q=0.9";

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
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            http_status: None,
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

    /// The text to show the user: the server's message, or the catalogue's for client errors.
    pub fn display(&self, t: Texts) -> String {
        if !self.message.is_empty() {
            return self.message.clone();
        }
        match (self.code.as_str(), self.http_status) {
            (codes::NETWORK_ERROR, _) => t.err_network().to_owned(),
            _ if self.is_unauthenticated() => t.err_session_expired().to_owned(),
            (codes::FILE_TOO_LARGE, _) => t.err_file_too_large().to_owned(),
            (codes::SUBSCRIPTION_FAILED, _) => t.err_live_failed().to_owned(),
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
struct ErrorExtensions {
    #[serde(default)]
    code: Option<String>,
}

impl From<GraphqlError> for ApiError {
    fn from(error: GraphqlError) -> Self {
        let code = error
            .extensions
            .and_then(|e| e.code)
            .unwrap_or_else(|| codes::BAD_RESPONSE.to_owned());
        Self::new(code, error.message)
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
    /// The typed `data`, or the first error.
    pub(crate) fn into_result<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if let Some(error) = self.errors.and_then(|errors| errors.into_iter().next()) {
            return Err(error.into());
        }
        let data = self
            .data
            .filter(|d| !d.is_null())
            .ok_or_else(|| ApiError::client(codes::BAD_RESPONSE))?;
        serde_json::from_value(data).map_err(|_| ApiError::client(codes::BAD_RESPONSE))
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

/// A handle for API calls: the session (for the token, and to end it on `UNAUTHENTICATED`) and
/// the language at the time of each request (for `Accept-Language`). Cheap to copy into async
/// blocks.
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

    /// The bearer token, if signed in.
    pub(crate) fn token(self) -> Option<String> {
        self.auth.token_untracked()
    }

    /// Runs a query or mutation and decodes `data` into `T`.
    pub async fn graphql<V, T>(self, query: &str, variables: V) -> Result<T, ApiError>
    where
        V: Serialize,
        T: DeserializeOwned,
    {
        let body = serde_json::to_string(&GraphqlRequest { query, variables })
            .map_err(|_| ApiError::client(codes::BAD_RESPONSE))?;
        self.post(Body::Json(body), None).await
    }

    /// POSTs a body and decodes the response; `on_progress(sent, total)` follows the upload.
    pub(crate) async fn post<T: DeserializeOwned>(
        self,
        body: Body,
        on_progress: Option<Box<dyn FnMut(f64, f64)>>,
    ) -> Result<T, ApiError> {
        let result = self.send(body, on_progress).await;
        if let Err(error) = &result
            && error.is_unauthenticated()
        {
            self.auth.expire();
        }
        result
    }

    async fn send<T: DeserializeOwned>(
        self,
        body: Body,
        on_progress: Option<Box<dyn FnMut(f64, f64)>>,
    ) -> Result<T, ApiError> {
        let network = |_: JsValue| ApiError::client(codes::NETWORK_ERROR);
        let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
        xhr.open_with_async("POST", GRAPHQL_PATH, true)
            .map_err(network)?;
        xhr.set_request_header("Accept", ACCEPT).map_err(network)?;
        xhr.set_request_header("Accept-Language", self.i18n.lang_untracked().code())
            .map_err(network)?;
        if let Some(token) = self.token() {
            xhr.set_request_header("Authorization", &format!("Bearer {token}"))
                .map_err(network)?;
        }

        // Kept alive until the request ends, then dropped with this frame.
        let progress_listener = match on_progress {
            Some(mut callback) => {
                let listener =
                    wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                        move |event: web_sys::ProgressEvent| {
                            if event.length_computable() {
                                callback(event.loaded(), event.total());
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
        let sent = match &body {
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
                response.into_result()
            }
            _ => Err(error_for_status(status)),
        }
    }
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
        code: code.to_owned(),
        message: String::new(),
        http_status: Some(status),
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
}
