//! Wires settings, database, storage, workers and the HTTP server into an [`Application`].

use std::net::TcpListener;
use std::path::Path;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use coach_app::auth::TokenIssuer;
use coach_app::config::Settings;
use coach_app::db::DbHealth;
use coach_app::service::backups::BackupPlan;
use coach_app::service::users::{InitialAdmin, ensure_admin};
use coach_app::tasks::{Core, ProcessRole, TaskContext, start_background_tasks};

use crate::graphql::context::GqlState;
use crate::graphql::documents::DocumentCache;
use crate::graphql::http::{HttpLimits, graphql_get, graphql_post};
use crate::graphql::ws::{graphql_ws, is_upgrade};
use crate::graphql::{AppSchema, build_schema};
use crate::web::{Transport, WebApp, security_headers};

/// A running (not yet awaited) server with its workers.
pub struct Application {
    port: u16,
    server: Server,
    shutdown: CancellationToken,
    workers: Vec<JoinHandle<()>>,
    /// The admin created on this start, if any (its generated password is shown once).
    pub initial_admin: Option<InitialAdmin>,
    /// The database connection (for tests and diagnostics).
    pub db: DatabaseConnection,
}

/// The access-token secret: configured, or generated once and kept in the data directory.
fn load_jwt_secret(settings: &Settings) -> anyhow::Result<SecretString> {
    if let Some(secret) = &settings.auth.jwt_secret {
        return Ok(secret.clone());
    }
    let path = settings.storage.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(SecretString::from(existing));
        }
    }
    std::fs::create_dir_all(&settings.storage.data_dir).context("creating the data directory")?;
    let secret = coach_app::auth::random_hex(32);
    write_private_file(&path, &secret).context("storing the generated JWT secret")?;
    Ok(SecretString::from(secret))
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}

async fn healthz(health: web::Data<DbHealth>) -> HttpResponse {
    if health.probe().await {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .json(serde_json::json!({"status": "unavailable"}))
    }
}

/// Prometheus' scrape endpoint: the process's metrics in the text format, with the job queue
/// measured now.
async fn metrics(db: web::Data<DatabaseConnection>) -> HttpResponse {
    coach_app::telemetry::metrics::measure_queue(db.get_ref()).await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(coach_app::telemetry::metrics::METRICS.encode())
}

/// Times every API request (WebSocket upgrades excepted: they last as long as the socket) and
/// counts server errors, for the API response-time and error-rate KPIs.
async fn measure_api(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use coach_app::telemetry::metrics::METRICS;
    let timed = !is_upgrade(req.request());
    let started = std::time::Instant::now();
    let response = next.call(req).await;
    if timed {
        METRICS
            .http_duration
            .observe(started.elapsed().as_secs_f64());
        if response
            .as_ref()
            .map_or(true, |r| r.status().is_server_error())
        {
            METRICS.http_errors.inc();
        }
    }
    response
}

async fn graphql_get_or_ws(
    req: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AppSchema>,
    tokens: web::Data<TokenIssuer>,
    db: web::Data<DatabaseConnection>,
    limits: web::Data<HttpLimits>,
    health: web::Data<DbHealth>,
) -> Result<HttpResponse, actix_web::Error> {
    if is_upgrade(&req) {
        graphql_ws(req, payload, schema, tokens, db, limits.ws_init_timeout).await
    } else {
        Ok(graphql_get(req, schema, tokens, db, health).await)
    }
}

/// Turns Nagle's algorithm off on an accepted connection (`TCP_NODELAY`): a progress event or a
/// small GraphQL answer is written at once instead of waiting for the client's delayed ACK, which
/// added about 40 ms to every live event. PostgreSQL connections get the same from sqlx.
fn send_small_frames_at_once(connection: &dyn std::any::Any, _: &mut actix_web::dev::Extensions) {
    if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        set_nodelay(stream);
    }
}

/// Sets `TCP_NODELAY` on a stream, logging a failure (the connection still works, only slower).
fn set_nodelay(stream: &actix_web::rt::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "TCP_NODELAY could not be set");
    }
}

impl Application {
    /// Connects, migrates, seeds the first admin, starts workers and binds the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let core = Core::open(&settings).await?;
        let initial_admin = ensure_admin(
            &core.db,
            &settings.auth.admin_email,
            settings.auth.admin_password.as_ref(),
        )
        .await
        .context("creating the first admin")?;
        let secret = load_jwt_secret(&settings)?;
        let tokens = TokenIssuer::new(&secret, settings.auth.access_token_ttl_secs);
        let shutdown = CancellationToken::new();
        let state = GqlState {
            db: core.db.clone(),
            storage: core.storage.clone(),
            queue: core.queue.clone(),
            bus: core.bus.clone(),
            tokens: tokens.clone(),
            max_upload_bytes: settings.limits.max_upload_bytes,
            accept_recordings: settings.speech.engine != coach_app::config::SpeechEngineKind::None,
            max_attempts: i32::try_from(settings.workers.max_attempts).unwrap_or(3),
            login_limiter: core.login_limiter.clone(),
            refresh_ttl_ms: i64::from(settings.auth.refresh_token_ttl_days) * 24 * 3600 * 1000,
            allow_signup: settings.auth.allow_signup,
            survey_period: settings.surveys.period,
            kpi: settings.kpi.clone(),
            backup_plan: BackupPlan::from_settings(&settings),
            pdf_fonts: coach_app::service::exports::PdfFonts::new(
                settings.exports.pdf_font.clone(),
                settings.exports.pdf_bold_font.clone(),
            ),
            system: coach_app::service::system::SystemInfo::from_settings(&settings),
        };
        let schema = build_schema(state, &settings.graphql);
        let workers = start_background_tasks(&TaskContext {
            settings: &settings,
            core: &core,
            role: ProcessRole::Serve,
            shutdown: shutdown.clone(),
        })?;
        let limits = HttpLimits {
            max_json_body_bytes: settings.limits.max_json_body_bytes,
            max_upload_bytes: settings.limits.max_upload_bytes,
            max_files_per_request: settings.limits.max_files_per_request,
            ws_init_timeout: std::time::Duration::from_secs(settings.graphql.ws_init_timeout_secs),
        };
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .with_context(|| {
                format!("binding {}:{}", settings.server.host, settings.server.port)
            })?;
        let port = listener.local_addr()?.port();
        let static_dir = settings.server.static_dir.clone();
        if !static_dir.join("index.html").exists() {
            tracing::warn!(dir = %static_dir.display(), "web app not built; only the API is served");
        }
        let db = core.db.clone();
        let health = core.health.clone();
        let media_storage = core.storage.clone();
        // One cache of parsed GraphQL documents for every HTTP worker.
        let documents = web::Data::new(DocumentCache::default());
        let web_app = web::Data::new(WebApp::new(static_dir));
        let transport = web::Data::new(Transport::new(settings.server.trusted_proxies.clone()));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(security_headers))
                .app_data(web::Data::new(schema.clone()))
                .app_data(web::Data::new(tokens.clone()))
                .app_data(web::Data::new(limits.clone()))
                .app_data(web::Data::new(db.clone()))
                .app_data(web::Data::new(media_storage.clone()))
                .app_data(web::Data::new(health.clone()))
                .app_data(documents.clone())
                .app_data(web_app.clone())
                .app_data(transport.clone())
                .route("/healthz", web::get().to(healthz))
                .service(
                    web::resource("/metrics")
                        .wrap(Compress::default())
                        .route(web::get().to(metrics)),
                )
                .route(
                    "/media/{token}",
                    web::get().to(crate::graphql::media::recording),
                )
                .service(
                    web::resource("/graphql")
                        .wrap(from_fn(measure_api))
                        .wrap(Compress::default())
                        .route(web::post().to(graphql_post))
                        .route(web::get().to(graphql_get_or_ws)),
                )
                // The web app's sign-in, refresh and sign-out: the only path the session cookie
                // is sent to.
                .service(
                    web::resource(crate::graphql::auth::cookie::SESSION_PATH)
                        .wrap(from_fn(measure_api))
                        .wrap(Compress::default())
                        .route(web::post().to(graphql_post)),
                )
                // The web app's files and its page (precompressed, never compressed on the fly).
                .default_service(web::to(crate::web::serve))
        })
        .on_connect(send_small_frames_at_once)
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self {
            port,
            server,
            shutdown,
            workers,
            initial_admin,
            db: core.db,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server stops (Ctrl-C / SIGTERM), then stops the workers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.shutdown.cancel();
        for worker in self.workers {
            let _ = worker.await;
        }
        result
    }
}

/// Prints the first admin's credentials once (the password only when it was generated).
pub fn announce_admin(admin: &InitialAdmin) -> String {
    match &admin.generated_password {
        Some(password) => format!(
            "관리자 계정이 생성되었습니다 / Admin account created:\n  e-mail:   {}\n  password: {}\n(이 비밀번호는 한 번만 표시됩니다 / shown only once)",
            admin.email,
            password.expose_secret()
        ),
        None => format!(
            "관리자 계정이 생성되었습니다 / Admin account created: {} (password from configuration)",
            admin.email
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_connections_send_small_frames_without_delay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let client = tokio::spawn(tokio::net::TcpStream::connect(address));
        let (accepted, _) = listener.accept().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(!accepted.nodelay().unwrap_or(true), "off until set");
        let mut extensions = actix_web::dev::Extensions::new();
        send_small_frames_at_once(&accepted, &mut extensions);
        assert!(
            accepted.nodelay().unwrap_or(false),
            "TCP_NODELAY read back from the socket"
        );
        drop(client);
    }
}
