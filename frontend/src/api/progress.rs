//! Live analysis progress over a WebSocket speaking the `graphql-transport-ws` protocol.
//!
//! [`ProgressSubscription::start`] opens the socket, authenticates in `connection_init`, subscribes
//! to `analysisProgress` after the last event the page already has, answers pings, and on an
//! unexpected close reconnects with `afterSeq` = the last seen `seq` (bounded retries, exponential
//! back-off with jitter). A socket refused for its token (4401/4403: the access token expired)
//! renews the session once and reconnects with the fresh token. Dropping the handle closes the
//! socket.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::set_timeout;
use serde::Deserialize;
use serde_json::json;
use shared::progress::Stage;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use super::{Api, ApiError, GRAPHQL_PATH, GraphqlError, GraphqlResponse, codes};

/// The fields selected for every progress event.
pub const EVENT_FIELDS: &str = "seq stage percent message at";

/// WebSocket subprotocol of the GraphQL over WebSocket protocol.
const PROTOCOL: &str = "graphql-transport-ws";
/// Reconnect attempts in a row without receiving an event before giving up.
const MAX_RETRIES: u32 = 6;
/// First back-off delay; doubled on each attempt.
const BASE_DELAY_MS: f64 = 500.0;
/// Longest back-off delay.
const MAX_DELAY_MS: f64 = 10_000.0;
/// Close codes after which retrying cannot help (bad request, unauthorised, forbidden).
const FATAL_CLOSE_CODES: [u16; 3] = [4400, 4401, 4403];
/// Close codes that mean the token was refused: worth one refresh before giving up.
const AUTH_CLOSE_CODES: [u16; 2] = [4401, 4403];

/// One progress event of the processing pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    /// Position in the consultation's event stream, from 1.
    pub seq: i64,
    /// The stage it reports on.
    pub stage: Stage,
    /// Progress within the stage, when known (0-100).
    pub percent: Option<i32>,
    /// Localised description.
    pub message: String,
    /// When it happened (RFC 3339).
    pub at: String,
}

/// The state of the live connection, for the page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Opening the socket and authenticating.
    Connecting,
    /// Subscribed; events arrive as they happen.
    Live,
    /// The socket closed unexpectedly; this is the n-th attempt to reconnect.
    Reconnecting(u32),
    /// The stream ended normally (a terminal stage was reached) or was stopped.
    Closed,
    /// Retries are exhausted or the server refused the subscription.
    GaveUp,
}

/// What the subscription reports to its owner.
pub struct Handlers {
    /// A new event (never one with a `seq` already delivered).
    pub on_event: Box<dyn Fn(ProgressEvent)>,
    /// The connection state changed.
    pub on_state: Box<dyn Fn(LinkState)>,
    /// The server reported an error.
    pub on_error: Box<dyn Fn(ApiError)>,
}

/// A running `analysisProgress` subscription; dropping it closes the socket.
pub struct ProgressSubscription {
    inner: Rc<Inner>,
}

impl ProgressSubscription {
    /// Subscribes to a consultation's progress after event `after_seq`.
    pub fn start(api: Api, consultation_id: &str, after_seq: i64, handlers: Handlers) -> Self {
        let inner = Rc::new(Inner {
            api,
            url: websocket_url(),
            consultation_id: consultation_id.to_owned(),
            last_seq: Cell::new(after_seq),
            retries: Cell::new(0),
            auth_retried: Cell::new(false),
            done: Cell::new(false),
            socket: RefCell::new(None),
            handlers,
        });
        connect(&inner);
        Self { inner }
    }
}

impl Drop for ProgressSubscription {
    fn drop(&mut self) {
        self.inner.done.set(true);
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            socket.detach_and_close();
        }
    }
}

struct Inner {
    api: Api,
    url: String,
    consultation_id: String,
    last_seq: Cell<i64>,
    retries: Cell<u32>,
    /// Whether the session was already renewed for this connection attempt.
    auth_retried: Cell<bool>,
    done: Cell<bool>,
    socket: RefCell<Option<Socket>>,
    handlers: Handlers,
}

/// A socket and the listeners that must live as long as it does.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    fn detach_and_close(&self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        // Closing an already closed socket is a no-op; an error here changes nothing.
        let _ = self.ws.close_with_code(1000);
    }
}

impl Inner {
    fn send(&self, message: &serde_json::Value) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            // A failed send surfaces as a close event, which triggers the reconnect.
            let _ = socket.ws.send_with_str(&message.to_string());
        }
    }

    fn close_socket(&self) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            let _ = socket.ws.close_with_code(1000);
        }
    }

    fn give_up(&self, error: ApiError) {
        self.done.set(true);
        self.close_socket();
        if error.is_unauthenticated() {
            self.api.auth.expire();
        }
        (self.handlers.on_error)(error);
        (self.handlers.on_state)(LinkState::GaveUp);
    }
}

/// `ws://` or `wss://` + this origin + `/graphql`.
fn websocket_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let secure = location
        .as_ref()
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    let host = location
        .and_then(|l| l.host().ok())
        .unwrap_or_else(|| "localhost".to_owned());
    let scheme = if secure { "wss" } else { "ws" };
    format!("{scheme}://{host}{GRAPHQL_PATH}")
}

fn connect(inner: &Rc<Inner>) {
    if inner.done.get() {
        return;
    }
    (inner.handlers.on_state)(LinkState::Connecting);
    let ws = match WebSocket::new_with_str(&inner.url, PROTOCOL) {
        Ok(ws) => ws,
        Err(_) => {
            inner.give_up(ApiError::new(codes::SUBSCRIPTION_FAILED, ""));
            return;
        }
    };
    let weak = Rc::downgrade(inner);

    let on_open = Closure::<dyn FnMut(Event)>::new({
        let weak = weak.clone();
        move |_: Event| {
            if let Some(inner) = weak.upgrade() {
                let payload = match inner.api.token() {
                    Some(token) => json!({ "authorization": format!("Bearer {token}") }),
                    None => json!({}),
                };
                inner.send(&json!({ "type": "connection_init", "payload": payload }));
            }
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let weak = weak.clone();
        move |event: MessageEvent| {
            if let (Some(inner), Some(text)) = (weak.upgrade(), event.data().as_string()) {
                handle_message(&inner, &text);
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new({
        let weak = weak.clone();
        move |event: CloseEvent| {
            if let Some(inner) = weak.upgrade() {
                handle_close(&inner, event.code());
            }
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));

    let previous = inner.socket.borrow_mut().replace(Socket {
        ws,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
    });
    if let Some(previous) = previous {
        previous.detach_and_close();
    }
}

#[derive(Deserialize)]
struct Incoming {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProgressData {
    analysis_progress: ProgressEvent,
}

fn handle_message(inner: &Rc<Inner>, text: &str) {
    let Ok(message) = serde_json::from_str::<Incoming>(text) else {
        return;
    };
    match message.kind.as_str() {
        "connection_ack" => {
            inner.auth_retried.set(false);
            (inner.handlers.on_state)(LinkState::Live);
            inner.send(&json!({
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": format!("subscription($id: ID!, $after: Int) {{ analysisProgress(consultationId: $id, afterSeq: $after) {{ {EVENT_FIELDS} }} }}"),
                    "variables": { "id": inner.consultation_id, "after": inner.last_seq.get() },
                },
            }));
        }
        "ping" => inner.send(&json!({ "type": "pong" })),
        "next" => {
            let result = serde_json::from_value::<GraphqlResponse>(message.payload)
                .map_err(|_| ApiError::new(codes::BAD_RESPONSE, ""))
                .and_then(GraphqlResponse::into_result::<ProgressData>);
            match result {
                Ok(ProgressData {
                    analysis_progress: event,
                }) => {
                    if event.seq <= inner.last_seq.get() {
                        return;
                    }
                    inner.last_seq.set(event.seq);
                    inner.retries.set(0);
                    if event.stage.is_terminal() {
                        // The server completes the stream next; never reconnect after this.
                        inner.done.set(true);
                    }
                    (inner.handlers.on_event)(event);
                }
                Err(error) => (inner.handlers.on_error)(error),
            }
        }
        "error" => {
            let error = serde_json::from_value::<Vec<GraphqlError>>(message.payload)
                .ok()
                .and_then(|errors| errors.into_iter().next())
                .map_or_else(
                    || ApiError::new(codes::SUBSCRIPTION_FAILED, ""),
                    ApiError::from,
                );
            inner.give_up(error);
        }
        "complete" => {
            inner.done.set(true);
            inner.close_socket();
            (inner.handlers.on_state)(LinkState::Closed);
        }
        _ => {}
    }
}

fn handle_close(inner: &Rc<Inner>, code: u16) {
    if inner.done.get() {
        (inner.handlers.on_state)(LinkState::Closed);
        return;
    }
    if AUTH_CLOSE_CODES.contains(&code) && !inner.auth_retried.get() {
        // The token was refused (most likely it expired): renew the session once, then reconnect
        // with the fresh token read in `connection_init`.
        inner.auth_retried.set(true);
        (inner.handlers.on_state)(LinkState::Reconnecting(inner.retries.get() + 1));
        let weak: Weak<Inner> = Rc::downgrade(inner);
        let api = inner.api;
        let stale = api.token();
        leptos::task::spawn_local(async move {
            let renewed = api.refresh(stale.as_deref()).await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            match renewed {
                Ok(()) => connect(&inner),
                Err(error) => inner.give_up(error),
            }
        });
        return;
    }
    if FATAL_CLOSE_CODES.contains(&code) {
        let error_code = if code == 4400 {
            codes::SUBSCRIPTION_FAILED
        } else {
            codes::UNAUTHENTICATED
        };
        inner.give_up(ApiError::new(error_code, ""));
        return;
    }
    let attempt = inner.retries.get() + 1;
    if attempt > MAX_RETRIES {
        inner.give_up(ApiError::new(codes::SUBSCRIPTION_FAILED, ""));
        return;
    }
    inner.retries.set(attempt);
    (inner.handlers.on_state)(LinkState::Reconnecting(attempt));
    let weak: Weak<Inner> = Rc::downgrade(inner);
    set_timeout(
        move || {
            if let Some(inner) = weak.upgrade() {
                connect(&inner);
            }
        },
        backoff(attempt, js_sys::Math::random()),
    );
}

/// Exponential back-off for the n-th attempt (from 1), capped, plus up to 30 % jitter.
fn backoff(attempt: u32, random: f64) -> Duration {
    let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
    let base = (BASE_DELAY_MS * 2f64.powi(exponent)).min(MAX_DELAY_MS);
    let jitter = base * 0.3 * random.clamp(0.0, 1.0);
    Duration::from_millis((base + jitter).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_second_and_is_capped() {
        assert_eq!(backoff(1, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(2, 0.0), Duration::from_millis(1_000));
        assert_eq!(backoff(3, 0.0), Duration::from_millis(2_000));
        assert_eq!(backoff(20, 0.0), Duration::from_millis(10_000));
        assert_eq!(backoff(20, 1.0), Duration::from_millis(13_000));
    }

    #[test]
    fn a_next_payload_decodes_into_a_progress_event() {
        let response: GraphqlResponse = serde_json::from_str(
            r#"{"data":{"analysisProgress":{"seq":3,"stage":"TRANSCRIBING","percent":40,"message":"m","at":"2026-01-01T00:00:00Z"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let data = response
            .into_result::<ProgressData>()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data.analysis_progress.stage, Stage::Transcribing);
        assert_eq!(data.analysis_progress.percent, Some(40));
    }
}
