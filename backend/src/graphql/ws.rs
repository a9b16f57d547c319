//! GraphQL over WebSocket (`graphql-transport-ws`, and the legacy `graphql-ws`) on `actix-ws`.
//!
//! Why not async-graphql's actix transport: it buffers outgoing messages in an unbounded channel, so
//! a slow or vanished subscriber grows server memory (DESIGN §8). Here incoming frames pass through a
//! bounded channel and every outgoing message is awaited on actix-ws's bounded session, so a slow
//! client slows only its own subscription streams (which then re-read stored events instead of
//! buffering). Close codes follow the graphql-transport-ws protocol: 4400 bad message, 4401
//! subscribe before acknowledgement, 4403 rejected `connection_init`, 4408 no `connection_init` in
//! time, 4429 repeated `connection_init`.

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
use crate::auth::TokenIssuer;
use crate::error::Lang;

/// Largest accepted frame.
const MAX_FRAME_BYTES: usize = 64 * 1024;

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
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let (mut response, session, stream) = actix_ws::handle(&req, payload)?;
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
    lang: Lang,
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
    let (in_tx, mut in_rx) = tokio::sync::mpsc::channel::<String>(16);
    let mut pong_session = session.clone();
    let reader = actix_web::rt::spawn(async move {
        let mut stream = stream.max_frame_size(MAX_FRAME_BYTES);
        while let Some(Ok(message)) = stream.next().await {
            let keep_going = match message {
                Message::Text(text) => in_tx.send(text.to_string()).await.is_ok(),
                Message::Binary(bytes) => in_tx
                    .send(String::from_utf8_lossy(&bytes).into_owned())
                    .await
                    .is_ok(),
                Message::Ping(bytes) => pong_session.pong(&bytes).await.is_ok(),
                Message::Close(_) => false,
                _ => true,
            };
            if !keep_going {
                break;
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
