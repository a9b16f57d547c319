//! Wires settings, database, storage, workers and the HTTP server into an [`Application`].

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse, fn_service};
use actix_web::middleware::{Compress, DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::analysis::local::LocalAnalyzer;
use crate::auth::TokenIssuer;
use crate::auth::limits::{LoginLimiter, LoginLimits};
use crate::config::Settings;
use crate::db::DbHealth;
use crate::graphql::context::GqlState;
use crate::graphql::documents::DocumentCache;
use crate::graphql::http::{HttpLimits, graphql_get, graphql_post};
use crate::graphql::ws::{graphql_ws, is_upgrade};
use crate::graphql::{AppSchema, build_schema};
use crate::jobs::{JobQueue, ProgressBus, WorkerContext, spawn_workers};
use crate::llm::Refiner;
use crate::service::backups::{BackupPlan, spawn_backup_schedule};
use crate::service::users::{InitialAdmin, ensure_admin};
use crate::storage::Storage;
use crate::telemetry::sampler::{ProcessRole, spawn_sampler};

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

/// The shared pieces both `serve` and `worker` need.
pub struct Core {
    /// Database (migrated).
    pub db: DatabaseConnection,
    /// Object storage.
    pub storage: Storage,
    /// Progress fan-out.
    pub bus: ProgressBus,
    /// Worker wake-ups.
    pub queue: JobQueue,
}

impl Core {
    /// Connects, migrates and opens storage.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let db = crate::db::connect_and_migrate(settings)
            .await
            .context("connecting to and migrating the database")?;
        let storage = Storage::from_settings(&settings.storage).context("opening file storage")?;
        Ok(Self {
            db,
            storage,
            bus: ProgressBus::new(),
            queue: JobQueue::new(),
        })
    }

    /// On PostgreSQL, starts the `LISTEN` task that brings other processes' progress events and
    /// new jobs into this one (see [`crate::jobs::notify`]); on SQLite there is nothing to listen to.
    pub fn start_listener(
        &self,
        settings: &Settings,
        shutdown: CancellationToken,
    ) -> Option<JoinHandle<()>> {
        use sea_orm::{ConnectionTrait, DatabaseBackend};
        (self.db.get_database_backend() == DatabaseBackend::Postgres).then(|| {
            crate::jobs::notify::spawn_listener(
                settings.database_url(),
                self.bus.clone(),
                self.queue.clone(),
                shutdown,
            )
        })
    }

    /// Starts storing this process's samples (requests, health, CPU, memory) for the KPIs.
    pub fn start_sampler(
        &self,
        settings: &Settings,
        role: ProcessRole,
        shutdown: CancellationToken,
    ) -> JoinHandle<()> {
        spawn_sampler(
            self.db.clone(),
            role,
            std::time::Duration::from_secs(settings.kpi.sample_interval_secs),
            shutdown,
        )
    }

    /// Starts `count` in-process workers.
    pub fn start_workers(
        &self,
        settings: &Settings,
        count: usize,
        shutdown: CancellationToken,
    ) -> anyhow::Result<Vec<JoinHandle<()>>> {
        let refiner = Refiner::from_settings(settings, self.db.clone())
            .context("setting up the analyzer provider")?
            .map(Arc::new);
        if let Some(refiner) = &refiner {
            tracing::info!(
                provider = refiner.provider_name(),
                model = refiner.model(),
                "reports are refined by an LLM provider (local report on failure)"
            );
        }
        let ctx = WorkerContext {
            db: self.db.clone(),
            storage: self.storage.clone(),
            bus: self.bus.clone(),
            queue: self.queue.clone(),
            analyzer: Arc::new(LocalAnalyzer::default()),
            refiner,
            settings: settings.workers.clone(),
            aliases: Arc::new(settings.ingest.speaker_aliases()),
            speech: Arc::new(crate::speech::SpeechService::new(settings, self.db.clone())),
        };
        Ok(spawn_workers(ctx, count, shutdown))
    }
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
    let secret = crate::auth::random_hex(32);
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
    crate::telemetry::metrics::measure_queue(db.get_ref()).await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::telemetry::metrics::METRICS.encode())
}

/// Times every API request (WebSocket upgrades excepted: they last as long as the socket) and
/// counts server errors, for the API response-time and error-rate KPIs.
async fn measure_api(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use crate::telemetry::metrics::METRICS;
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

/// Forgets idle rate-limit keys every few minutes so their memory stays bounded.
fn spawn_limiter_sweeper(limiter: Arc<LoginLimiter>, shutdown: CancellationToken) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(std::time::Duration::from_secs(300)) => limiter.forget_idle(),
            }
        }
    });
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
        let login_limiter = Arc::new(LoginLimiter::new(LoginLimits {
            per_ip_per_minute: settings.auth.login_per_ip_per_minute,
            per_account_per_15_minutes: settings.auth.login_per_account_per_15_minutes,
        }));
        let shutdown = CancellationToken::new();
        spawn_limiter_sweeper(login_limiter.clone(), shutdown.clone());
        let state = GqlState {
            db: core.db.clone(),
            storage: core.storage.clone(),
            queue: core.queue.clone(),
            bus: core.bus.clone(),
            tokens: tokens.clone(),
            max_upload_bytes: settings.limits.max_upload_bytes,
            accept_recordings: settings.speech.engine != crate::config::SpeechEngineKind::None,
            max_attempts: i32::try_from(settings.workers.max_attempts).unwrap_or(3),
            login_limiter: login_limiter.clone(),
            refresh_ttl_ms: i64::from(settings.auth.refresh_token_ttl_days) * 24 * 3600 * 1000,
            allow_signup: settings.auth.allow_signup,
            survey_period: settings.surveys.period,
            kpi: settings.kpi.clone(),
            backup_plan: BackupPlan::from_settings(&settings),
            pdf_fonts: crate::service::exports::PdfFonts::new(
                settings.exports.pdf_font.clone(),
                settings.exports.pdf_bold_font.clone(),
            ),
            system: crate::service::system::SystemInfo::from_settings(&settings),
        };
        let schema = build_schema(state, &settings.graphql);
        let mut workers =
            core.start_workers(&settings, settings.workers.count, shutdown.clone())?;
        workers.extend(core.start_listener(&settings, shutdown.clone()));
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
        let health = DbHealth::new(core.db.clone());
        let media_storage = core.storage.clone();
        workers.push(health.spawn_monitor(std::time::Duration::from_secs(2), shutdown.clone()));
        workers.extend(crate::db::spawn_optimizer(db.clone(), shutdown.clone()));
        workers.push(core.start_sampler(&settings, ProcessRole::Serve, shutdown.clone()));
        workers.extend(crate::telemetry::secrets::spawn_incident_recorder(
            core.db.clone(),
            shutdown.clone(),
        ));
        if settings.kpi.weekly_reports {
            workers.push(crate::service::reports::spawn_weekly_reports(
                core.db.clone(),
                settings.kpi.clone(),
                shutdown.clone(),
            ));
        }
        workers.push(crate::service::kpi::followups::spawn_settlement(
            core.db.clone(),
            i64::from(settings.kpi.coaching_window_days) * crate::service::kpi::sources::DAY_MS,
            shutdown.clone(),
        ));
        workers.push(crate::service::kpi::daycache::spawn_warm_up(
            core.db.clone(),
            i64::from(settings.kpi.utc_offset_minutes) * 60_000,
            i64::from(settings.kpi.coaching_window_days) * crate::service::kpi::sources::DAY_MS,
            shutdown.clone(),
        ));
        // Rolls up closed quarter-hours of server samples (pruning old raw samples) and of storage
        // events; nothing is due at start.
        let keep_samples_ms =
            i64::from(settings.kpi.sample_retention_days) * crate::service::kpi::sources::DAY_MS;
        workers.push(crate::jobs::periodic::spawn_periodic(
            std::time::Duration::from_secs(300),
            std::time::Duration::from_secs(300),
            shutdown.clone(),
            {
                let db = core.db.clone();
                move || {
                    let db = db.clone();
                    async move {
                        use crate::service::kpi::sources::{
                            prune_samples, roll_up_samples, roll_up_storage,
                        };
                        let now = crate::clock::now_ms();
                        if let Err(error) = roll_up_samples(&db, now).await {
                            tracing::warn!(%error, "server samples not rolled up");
                        } else if let Err(error) = prune_samples(&db, now, keep_samples_ms).await {
                            tracing::warn!(%error, "old server samples not pruned");
                        }
                        if let Err(error) = roll_up_storage(&db, now).await {
                            tracing::warn!(%error, "storage events not rolled up");
                        }
                    }
                }
            },
        ));
        workers.extend(spawn_backup_schedule(
            core.db.clone(),
            BackupPlan::from_settings(&settings),
            shutdown.clone(),
        ));
        // One cache of parsed GraphQL documents for every HTTP worker.
        let documents = web::Data::new(DocumentCache::default());
        let server = HttpServer::new(move || {
            let index = static_dir.join("index.html");
            let spa_fallback = fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    let response = match NamedFile::open_async(&index).await {
                        Ok(file) => file.into_response(&req),
                        Err(_) => {
                            HttpResponse::NotFound().body("Consult Coach web app is not built")
                        }
                    };
                    Ok(ServiceResponse::new(req, response))
                }
            });
            App::new()
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                .wrap(Compress::default())
                .app_data(web::Data::new(schema.clone()))
                .app_data(web::Data::new(tokens.clone()))
                .app_data(web::Data::new(limits.clone()))
                .app_data(web::Data::new(db.clone()))
                .app_data(web::Data::new(media_storage.clone()))
                .app_data(web::Data::new(health.clone()))
                .app_data(documents.clone())
                .route("/healthz", web::get().to(healthz))
                .route("/metrics", web::get().to(metrics))
                .route(
                    "/media/{token}",
                    web::get().to(crate::graphql::media::recording),
                )
                .service(
                    web::resource("/graphql")
                        .wrap(from_fn(measure_api))
                        .route(web::post().to(graphql_post))
                        .route(web::get().to(graphql_get_or_ws)),
                )
                .service(
                    Files::new("/", &static_dir)
                        .index_file("index.html")
                        .default_handler(spa_fallback),
                )
        })
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
