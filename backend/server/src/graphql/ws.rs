//! GraphQL over WebSocket (`graphql-transport-ws`, and the legacy `graphql-ws`) on `actix-ws`.
//!
//! Why not async-graphql's actix transport: it buffers outgoing messages in an unbounded channel, so
//! a slow or vanished subscriber grows server memory (a known pitfall). Here incoming frames pass through a
//! bounded channel and every outgoing message is awaited on actix-ws's bounded session, so a slow
//! client slows only its own subscription streams (which then re-read stored events instead of
//! buffering). Close codes follow the graphql-transport-ws protocol: 4400 bad message, 4401
//! subscribe before acknowledgement, 4403 rejected `connection_init`, 4408 no `connection_init` in
//! time, 4409 a second `subscribe` with an id that is still active, 4429 repeated
//! `connection_init`. A socket carries at most [`MAX_SUBSCRIPTIONS_PER_SOCKET`] subscriptions at
//! once; a subscribe beyond that gets an `error` message for its id (`TOO_MANY_SUBSCRIPTIONS`).

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use async_graphql::Data;
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use futures_util::StreamExt;

use sea_orm::DatabaseConnection;

use super::context::{ClientIp, RequestAuth};
use super::schema::AppSchema;
use coach_app::auth::TokenIssuer;
use shared::errors::ErrorCode;
use shared::language::Language;

/// Largest accepted frame.
const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Most concurrent subscriptions on one socket (each holds a progress-bus receiver).
pub const MAX_SUBSCRIPTIONS_PER_SOCKET: usize = 32;

/// The operation ids a socket has running, to refuse duplicates and cap their number.
type ActiveIds = Arc<std::sync::Mutex<std::collections::HashSet<String>>>;

/// What to do with an incoming frame, after looking at its type and id.
enum Screened {
    /// Pass it to the GraphQL session.
    Forward,
    /// `subscribe` with an id that is still running: close with 4409.
    Duplicate(String),
    /// `subscribe` beyond the per-socket cap: answer `error` for the id, drop the frame.
    TooMany(String),
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

/// Tracks operation ids of the graphql-transport-ws protocol (`subscribe` / `complete`).
fn screen(text: &str, active: &ActiveIds) -> Screened {
    let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_str::<Envelope>(text) else {
        return Screened::Forward;
    };
    let Ok(mut ids) = active.lock() else {
        return Screened::Forward;
    };
    match kind.as_str() {
        "subscribe" if ids.contains(&id) => Screened::Duplicate(id),
        "subscribe" if ids.len() >= MAX_SUBSCRIPTIONS_PER_SOCKET => Screened::TooMany(id),
        "subscribe" => {
            ids.insert(id);
            Screened::Forward
        }
        "complete" => {
            ids.remove(&id);
            Screened::Forward
        }
        _ => Screened::Forward,
    }
}

/// Forgets an operation the server finished (`complete` or `error` sent for its id).
fn forget_finished(text: &str, active: &ActiveIds) {
    if !(text.contains("\"complete\"") || text.contains("\"error\"")) {
        return;
    }
    if let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_str::<Envelope>(text)
        && matches!(kind.as_str(), "complete" | "error")
        && let Ok(mut ids) = active.lock()
    {
        ids.remove(&id);
    }
}

fn too_many_subscriptions(id: &str) -> String {
    serde_json::json!({
        "id": id,
        "type": "error",
        "payload": [{
            "message": format!("at most {MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection"),
            "extensions": { "code": ErrorCode::TooManySubscriptions.as_str() }
        }]
    })
    .to_string()
}

/// Whether a request asks for a WebSocket upgrade.
pub fn is_upgrade(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Upgrades `GET /graphql` to a GraphQL WebSocket.
pub async fn graphql_ws(
    req: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AppSchema>,
    tokens: web::Data<TokenIssuer>,
    db: web::Data<DatabaseConnection>,
    init_timeout: Duration,
) -> Result<HttpResponse, actix_web::Error> {
    let protocol = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        });
    let Some(protocol) = protocol else {
        return Ok(HttpResponse::BadRequest()
            .body("Sec-WebSocket-Protocol must be graphql-transport-ws or graphql-ws"));
    };
    let lang = Language::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let (mut response, session, stream) = actix_ws::handle(&req, payload)?;
    coach_app::telemetry::metrics::METRICS.ws_attempted();
    response.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );
    let schema = schema.get_ref().clone();
    let tokens = tokens.get_ref().clone();
    let db = db.get_ref().clone();
    let ip = super::http::peer_ip(&req);
    actix_web::rt::spawn(run_socket(
        SocketContext {
            schema,
            tokens,
            db,
            lang,
            ip,
            init_timeout,
        },
        protocol,
        session,
        stream,
    ));
    Ok(response)
}

fn close_reason(code: u16, description: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::from(code),
        description: Some(description.to_owned()),
    }
}

/// What a socket needs beyond its protocol and streams.
struct SocketContext {
    schema: AppSchema,
    tokens: TokenIssuer,
    db: DatabaseConnection,
    lang: Language,
    ip: ClientIp,
    init_timeout: Duration,
}

#[tracing::instrument(skip_all)]
async fn run_socket(
    context: SocketContext,
    protocol: WebSocketProtocols,
    session: actix_ws::Session,
    stream: actix_ws::MessageStream,
) {
    let _open = coach_app::telemetry::metrics::OpenSocket::open();
    let (in_tx, mut in_rx) = tokio::sync::mpsc::channel::<String>(16);
    let active: ActiveIds = Arc::default();
    // Ids are tracked for graphql-transport-ws only (the legacy protocol has no 4409).
    let track_ids = protocol == WebSocketProtocols::GraphQLWS;
    let reader_active = active.clone();
    let mut reader_session = session.clone();
    let reader = actix_web::rt::spawn(async move {
        let mut stream = stream.max_frame_size(MAX_FRAME_BYTES);
        while let Some(Ok(message)) = stream.next().await {
            let text = match message {
                Message::Text(text) => text.to_string(),
                Message::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Message::Ping(bytes) => {
                    if reader_session.pong(&bytes).await.is_err() {
                        break;
                    }
                    continue;
                }
                Message::Close(_) => break,
                _ => continue,
            };
            let screened = if track_ids {
                screen(&text, &reader_active)
            } else {
                Screened::Forward
            };
            match screened {
                Screened::Forward => {
                    if in_tx.send(text).await.is_err() {
                        break;
                    }
                }
                Screened::TooMany(id) => {
                    if reader_session
                        .text(too_many_subscriptions(&id))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
                Screened::Duplicate(id) => {
                    let reason = close_reason(4409, &format!("Subscriber for {id} already exists"));
                    let _ = reader_session.close(Some(reason)).await;
                    break;
                }
            }
        }
    });
    let incoming = async_stream::stream! {
        while let Some(text) = in_rx.recv().await {
            yield text;
        }
    };
    let init_rejected = Arc::new(AtomicBool::new(false));
    let rejected = init_rejected.clone();
    let SocketContext {
        schema,
        tokens,
        db,
        lang,
        ip,
        init_timeout,
    } = context;
    let mut connection_data = Data::default();
    connection_data.insert(lang);
    connection_data.insert(ip);
    let mut ws = WebSocket::new(schema, Box::pin(incoming), protocol)
        .connection_data(connection_data)
        .on_connection_init(move |payload: serde_json::Value| async move {
            let header = payload
                .get("authorization")
                .or_else(|| payload.get("Authorization"))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .or_else(|| {
                    payload
                        .get("token")
                        .and_then(|v| v.as_str())
                        .map(|t| format!("Bearer {t}"))
                });
            match RequestAuth::resolve(header.as_deref(), &tokens, &db).await {
                RequestAuth::Viewer(viewer) => {
                    let mut data = Data::default();
                    data.insert(RequestAuth::Viewer(viewer));
                    Ok(data)
                }
                _ => {
                    rejected.store(true, Ordering::SeqCst);
                    Err(async_graphql::Error::new("Forbidden"))
                }
            }
        });
    let mut session = session;
    let mut acknowledged = false;
    let init_deadline = tokio::time::sleep(init_timeout);
    tokio::pin!(init_deadline);
    let close = loop {
        tokio::select! {
            message = ws.next() => match message {
                Some(WsMessage::Text(text)) => {
                    if !acknowledged && text.contains("\"connection_ack\"") {
                        acknowledged = true;
                        coach_app::telemetry::metrics::METRICS.ws_acknowledged();
                    }
                    if track_ids {
                        forget_finished(&text, &active);
                    }
                    if session.text(text).await.is_err() {
                        break None;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let code = match code {
                        1002 if init_rejected.load(Ordering::SeqCst) => 4403,
                        1002 => 4400,
                        1011 => 4401,
                        other => other,
                    };
                    let reason = match code {
                        4403 => "Forbidden".to_owned(),
                        4401 => "Unauthorized".to_owned(),
                        _ => reason,
                    };
                    break Some(close_reason(code, &reason));
                }
                None => break None,
            },
            () = &mut init_deadline, if !acknowledged => {
                break Some(close_reason(4408, "Connection initialisation timeout"));
            }
        }
    };
    let _ = session.close(close).await;
    reader.abort();
}
