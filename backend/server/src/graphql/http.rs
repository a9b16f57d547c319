//! GraphQL over HTTP, following the GraphQL-over-HTTP specification (checked by the `graphql-http`
//! audit in the test suite) where async-graphql's own integration does not:
//!
//! * the response media type follows `Accept` (`application/json` unless the client prefers
//!   `application/graphql-response+json`), with 400 for request errors in the latter;
//! * mutations over GET are refused with 405;
//! * JSON bodies are capped; multipart uploads are capped by size (checked before reading the
//!   body when `Content-Length` says so) and by file count.

use std::io;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

use sea_orm::DatabaseConnection;

use super::auth::cookie::SessionCookie;
use super::context::{ClientIp, RequestAuth};
use super::documents::DocumentCache;
use super::schema::AppSchema;
use coach_app::auth::TokenIssuer;
use coach_app::config::TrustedProxy;
use coach_app::db::DbHealth;
use coach_app::error::UserFacingError;
use coach_app::service::consultations::ConsultationError;
use shared::errors::ErrorCode;
use shared::language::Language;

/// HTTP-level settings of the GraphQL endpoint.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// Largest JSON body.
    pub max_json_body_bytes: usize,
    /// Largest upload.
    pub max_upload_bytes: u64,
    /// Files per multipart request.
    pub max_files_per_request: usize,
    /// Time a WebSocket client has to send `connection_init`.
    pub ws_init_timeout: std::time::Duration,
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The response media type a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseType {
    Json,
    GraphqlResponseJson,
}

impl ResponseType {
    fn from_request(req: &HttpRequest) -> Self {
        let Some(accept) = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::Json;
        };
        // The first acceptable media type listed wins (quality values are rarely used by GraphQL clients).
        for part in accept.split(',') {
            let media = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            match media.as_str() {
                GRAPHQL_RESPONSE_JSON => return Self::GraphqlResponseJson,
                "application/json" | "application/*" | "*/*" => return Self::Json,
                _ => {}
            }
        }
        Self::Json
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
        }
    }
}

/// A request-level error response with `extensions.code`.
fn error_response(
    status: StatusCode,
    rtype: ResponseType,
    code: ErrorCode,
    message: &str,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, rtype.content_type()))
        .body(
            json!({"errors": [{"message": message, "extensions": {"code": code.as_str()}}]})
                .to_string(),
        )
}

/// 503 while the database does not answer.
fn unavailable(rtype: ResponseType, lang: Language) -> HttpResponse {
    let mut response = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        rtype,
        ErrorCode::ServiceUnavailable,
        coach_app::error::catalogue::message(ErrorCode::ServiceUnavailable, lang),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

fn request_lang(req: &HttpRequest) -> Language {
    Language::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

async fn request_auth(
    req: &HttpRequest,
    tokens: &TokenIssuer,
    db: &DatabaseConnection,
) -> RequestAuth {
    RequestAuth::resolve(
        req.headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
        tokens,
        db,
    )
    .await
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy
/// (`server.trusted_proxies`), the nearest address in `X-Forwarded-For` that is not a trusted
/// proxy itself (read right to left, since a client can put anything at the left end).
pub fn peer_ip(req: &HttpRequest) -> ClientIp {
    let peer = req
        .peer_addr()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |a| a.ip());
    let Some(transport) = req.app_data::<web::Data<crate::web::Transport>>() else {
        return ClientIp(peer);
    };
    ClientIp(client_behind(
        transport.trusted_proxies(),
        peer,
        req.headers().get_all("x-forwarded-for"),
    ))
}

fn client_behind<'a>(
    proxies: &[TrustedProxy],
    peer: std::net::IpAddr,
    forwarded: impl Iterator<Item = &'a header::HeaderValue>,
) -> std::net::IpAddr {
    let trusts = |ip: std::net::IpAddr| proxies.iter().any(|p| p.contains(ip));
    if !trusts(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusts(ip) => {}
            Ok(ip) => return ip,
            // An unreadable hop: nothing left of it can be believed.
            Err(_) => break,
        }
    }
    peer
}

/// Attaches the parsed document of `request`'s query, from the app's [`DocumentCache`] when the
/// text was seen before (the app registers one cache for every worker).
fn prepare(req: &HttpRequest, request: &mut async_graphql::Request) {
    if let Some(documents) = req.app_data::<web::Data<DocumentCache>>() {
        documents.prepare(request);
    }
}

/// Executes a parsed request (its document attached by [`prepare`]) and renders the response per the negotiated media type.
///
/// While the database is down the answer is 503 `SERVICE_UNAVAILABLE` (with `Retry-After`), at
/// once when the last probe saw it down, or after a failed request when a fresh probe confirms it.
async fn execute(
    schema: &AppSchema,
    req: &HttpRequest,
    tokens: &TokenIssuer,
    db: &DatabaseConnection,
    health: &DbHealth,
    rtype: ResponseType,
    request: async_graphql::Request,
) -> HttpResponse {
    let lang = request_lang(req);
    if !health.is_up() && !health.probe().await {
        return unavailable(rtype, lang);
    }
    let request = request
        .data(lang)
        .data(peer_ip(req))
        .data(request_auth(req, tokens, db).await)
        .data(SessionCookie::from_request(req));
    let response = schema.execute(request).await;
    if !response.errors.is_empty() && !health.probe().await {
        return unavailable(rtype, lang);
    }
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let status = if rtype == ResponseType::GraphqlResponseJson && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    // A request error happened before execution: per the GraphQL spec there is no `data` entry.
    // Other responses are written straight to text, without an intermediate JSON tree (a report
    // and its transcript are tens of kilobytes).
    let body = if request_error {
        serde_json::to_value(&response).and_then(|mut value| {
            if let Some(object) = value.as_object_mut() {
                object.remove("data");
            }
            serde_json::to_string(&value)
        })
    } else {
        serde_json::to_string(&response)
    };
    match body {
        Ok(body) => {
            let mut builder = HttpResponse::build(status);
            builder
                .insert_header((header::CONTENT_TYPE, rtype.content_type()))
                .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
            // Headers resolvers set (the session cookie).
            for (name, value) in &response.http_headers {
                builder.append_header((name.as_str(), value.as_bytes()));
            }
            builder.body(body)
        }
        Err(error) => {
            tracing::error!(%error, "serializing a GraphQL response failed");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                rtype,
                ErrorCode::Internal,
                "internal error",
            )
        }
    }
}

/// Whether the operation to run is a mutation (`request` already [`prepare`]d).
fn is_mutation(request: &mut async_graphql::Request) -> bool {
    let operation_name = request.operation_name.clone();
    let Ok(doc) = request.parsed_query() else {
        return false;
    };
    match &doc.operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => match &operation_name {
            Some(name) => ops
                .get(name.as_str())
                .is_some_and(|op| op.node.ty == OperationType::Mutation),
            None => false,
        },
    }
}

/// `GET /graphql`: queries only (mutations get 405).
pub async fn graphql_get(
    req: HttpRequest,
    schema: web::Data<AppSchema>,
    tokens: web::Data<TokenIssuer>,
    db: web::Data<DatabaseConnection>,
    health: web::Data<DbHealth>,
) -> HttpResponse {
    let rtype = ResponseType::from_request(&req);
    let mut request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                rtype,
                ErrorCode::BadRequest,
                &e.to_string(),
            );
        }
    };
    if request.query.trim().is_empty() {
        return error_response(
            StatusCode::BAD_REQUEST,
            rtype,
            ErrorCode::BadRequest,
            "missing query",
        );
    }
    prepare(&req, &mut request);
    if is_mutation(&mut request) {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "POST"))
            .insert_header((header::CONTENT_TYPE, rtype.content_type()))
            .body(
                json!({"errors": [{"message": "mutations must use POST", "extensions": {"code": ErrorCode::MethodNotAllowed.as_str()}}]})
                    .to_string(),
            );
    }
    execute(&schema, &req, &tokens, &db, &health, rtype, request).await
}

/// `POST /graphql`: JSON bodies and multipart uploads.
pub async fn graphql_post(
    req: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AppSchema>,
    tokens: web::Data<TokenIssuer>,
    db: web::Data<DatabaseConnection>,
    limits: web::Data<HttpLimits>,
    health: web::Data<DbHealth>,
) -> HttpResponse {
    debug_assert_eq!(req.method(), Method::POST);
    let rtype = ResponseType::from_request(&req);
    let lang = request_lang(&req);
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(content_type) = content_type else {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            rtype,
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json or multipart/form-data",
        );
    };
    let Ok(mime) = content_type.parse::<mime::Mime>() else {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            rtype,
            ErrorCode::UnsupportedMediaType,
            "invalid Content-Type",
        );
    };
    if let Some(charset) = mime.get_param(mime::CHARSET)
        && !charset.as_str().eq_ignore_ascii_case("utf-8")
    {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            rtype,
            ErrorCode::UnsupportedMediaType,
            "only utf-8 is accepted",
        );
    }
    let declared_len = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut request = if mime.type_() == mime::MULTIPART && mime.subtype() == mime::FORM_DATA {
        // The envelope (operations, map, part headers) gets 1 MiB on top of the files.
        let envelope = 1024 * 1024;
        let max_total = limits
            .max_upload_bytes
            .saturating_mul(limits.max_files_per_request as u64)
            + envelope;
        if declared_len.is_some_and(|n| n > max_total) {
            return too_large(rtype, lang, limits.max_upload_bytes);
        }
        match receive_multipart(content_type, payload, &limits).await {
            Ok(r) => r,
            Err(async_graphql::ParseRequestError::PayloadTooLarge) => {
                return too_large(rtype, lang, limits.max_upload_bytes);
            }
            Err(e) => {
                tracing::debug!(error = %e, "unreadable multipart upload request");
                let message = match lang {
                    Language::Ko => format!(
                        "업로드 요청을 읽을 수 없습니다. 요청이 중간에 끊겼거나 파일 이름·형식이 올바르지 않습니다. ({e})"
                    ),
                    Language::En => format!(
                        "The upload request could not be read: it was cut off, or a file name or part is malformed. ({e})"
                    ),
                };
                return error_response(
                    StatusCode::BAD_REQUEST,
                    rtype,
                    ErrorCode::BadRequest,
                    &message,
                );
            }
        }
    } else if mime.type_() == mime::APPLICATION && mime.subtype() == mime::JSON {
        if declared_len.is_some_and(|n| n > limits.max_json_body_bytes as u64) {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                rtype,
                ErrorCode::PayloadTooLarge,
                "request body too large",
            );
        }
        let body = match read_limited(payload, limits.max_json_body_bytes).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) => {
                return error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    rtype,
                    ErrorCode::PayloadTooLarge,
                    "request body too large",
                );
            }
            Err(ReadError::Io(e)) => {
                return error_response(StatusCode::BAD_REQUEST, rtype, ErrorCode::BadRequest, &e);
            }
        };
        match parse_json_request(&body) {
            Ok(r) => r,
            Err(message) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    rtype,
                    ErrorCode::BadRequest,
                    &message,
                );
            }
        }
    } else {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            rtype,
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json or multipart/form-data",
        );
    };
    if request.uploads.len() > limits.max_files_per_request {
        let message = match lang {
            Language::Ko => format!(
                "한 번에 최대 {}개 파일까지 올릴 수 있습니다.",
                limits.max_files_per_request
            ),
            Language::En => format!(
                "At most {} files can be uploaded per request.",
                limits.max_files_per_request
            ),
        };
        return error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            rtype,
            ErrorCode::TooManyFiles,
            &message,
        );
    }
    prepare(&req, &mut request);
    execute(&schema, &req, &tokens, &db, &health, rtype, request).await
}

fn too_large(rtype: ResponseType, lang: Language, limit: u64) -> HttpResponse {
    let error = ConsultationError::FileTooLarge { limit };
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        rtype,
        error.code(),
        &error.user_message(lang),
    )
}

/// Parses a JSON GraphQL request, rejecting malformed parameters with a reason.
fn parse_json_request(body: &[u8]) -> Result<async_graphql::Request, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let object = value.as_object().ok_or("the body must be a JSON object")?;
    match object.get("query") {
        Some(serde_json::Value::String(_)) => {}
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("missing `query`".into()),
    }
    for (key, allowed_object) in [
        ("variables", true),
        ("extensions", true),
        ("operationName", false),
    ] {
        match object.get(key) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Object(_)) if allowed_object => {}
            Some(serde_json::Value::String(_)) if !allowed_object => {}
            Some(_) => return Err(format!("`{key}` has the wrong type")),
        }
    }
    serde_json::from_value(value).map_err(|e| format!("invalid request: {e}"))
}

enum ReadError {
    TooLarge,
    Io(String),
}

async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ReadError::Io(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Streams a multipart body through async-graphql's parser (which spools files to temp files).
async fn receive_multipart(
    content_type: String,
    mut payload: web::Payload,
    limits: &HttpLimits,
) -> Result<async_graphql::Request, async_graphql::ParseRequestError> {
    // The actix payload is !Send; forward it through a small bounded channel.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, io::Error>>(16);
    actix_web::rt::spawn(async move {
        while let Some(item) = payload.next().await {
            let item = item.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()));
            if tx.send(item).await.is_err() {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let reader = Box::pin(stream).into_async_read();
    let options = MultipartOptions::default()
        .max_file_size(usize::try_from(limits.max_upload_bytes).unwrap_or(usize::MAX))
        .max_num_files(limits.max_files_per_request);
    async_graphql::http::receive_batch_body(Some(content_type), reader, options)
        .await?
        .into_single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &'static str) -> header::HeaderValue {
        header::HeaderValue::from_static(text)
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let network = "10.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}"));
        let proxies = [TrustedProxy(network)];
        let stranger: std::net::IpAddr = [203, 0, 113, 9].into();
        let spoofed = value("1.2.3.4");
        assert_eq!(
            client_behind(&proxies, stranger, [&spoofed].into_iter()),
            stranger
        );
        let proxy: std::net::IpAddr = [10, 0, 0, 2].into();
        let chain = value("1.2.3.4, 198.51.100.7, 10.0.0.3");
        assert_eq!(
            client_behind(&proxies, proxy, [&chain].into_iter()),
            std::net::IpAddr::from([198, 51, 100, 7])
        );
        let garbage = value("not-an-address");
        assert_eq!(
            client_behind(&proxies, proxy, [&garbage].into_iter()),
            proxy
        );
        assert_eq!(client_behind(&proxies, proxy, std::iter::empty()), proxy);
    }

    #[test]
    fn json_requests_with_wrongly_typed_parameters_are_rejected() {
        assert!(parse_json_request(br#"{"query":"{ __typename }"}"#).is_ok());
        assert!(
            parse_json_request(
                br#"{"query":"{ __typename }","variables":null,"operationName":null}"#
            )
            .is_ok()
        );
        assert!(parse_json_request(br#"{"query":1}"#).is_err());
        assert!(parse_json_request(br#"{"variables":{}}"#).is_err());
        assert!(parse_json_request(br#"{"query":"{a}","variables":"x"}"#).is_err());
        assert!(parse_json_request(br#"{"query":"{a}","operationName":1}"#).is_err());
        assert!(parse_json_request(br#"[]"#).is_err());
        assert!(parse_json_request(b"not json").is_err());
    }
}
