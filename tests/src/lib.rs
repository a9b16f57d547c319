//! Test support: [`spawn_app`] starts a real server on port 0 with a fresh database (SQLite file in a
//! temporary directory, or a new PostgreSQL database on the server named by `TEST_DATABASE_URL`) and
//! returns a [`TestApp`] with helpers that speak GraphQL over HTTP and WebSocket like a client would.
//!
//! Tests are written once and run on both databases with [`db_tests!`].

#![expect(
    clippy::missing_panics_doc,
    reason = "test support panics with clear messages by design"
)]

pub mod load;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use coach_app::config::Settings;
use coach_app::service::users::{NewUser, create_user};
use consult_coach::startup::Application;
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use serde_json::{Value, json};
use shared::access::Role;
use shared::inputs::{Email, Password};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The admin every test app starts with.
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// Its password.
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `TEST_DATABASE_URL`.
    Postgres,
}

/// A running server for one test.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub address: String,
    /// Bound port.
    pub port: u16,
    /// Direct database access for arranging and asserting.
    pub db: DatabaseConnection,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The settings it runs with.
    pub settings: Settings,
    /// Keeps the data directory alive.
    _data_dir: tempfile::TempDir,
}

/// The workspace root (where `frontend/dist` lives).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Path of a file in `../shared/eval` (the shared evaluation material).
pub fn eval_path(relative: &str) -> PathBuf {
    workspace_root()
        .join("..")
        .join("shared")
        .join("eval")
        .join(relative)
}

/// Creates an empty database on the test PostgreSQL server (`TEST_DATABASE_URL`) and returns its
/// URL.
pub async fn fresh_postgres_url() -> Result<String> {
    let base = std::env::var("TEST_DATABASE_URL").context(
        "TEST_DATABASE_URL is not set: run the README's test command (scripts/test.sh), which starts PostgreSQL",
    )?;
    let admin = Database::connect(base.as_str())
        .await
        .context("connecting to TEST_DATABASE_URL")?;
    let name = format!("cc_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    let (prefix, _) = base
        .rsplit_once('/')
        .context("TEST_DATABASE_URL has no database part")?;
    Ok(format!("{prefix}/{name}"))
}

/// Settings for a test app: port 0, temporary data directory, known admin, introspection on.
pub async fn test_settings(db: Db, data_dir: &std::path::Path) -> Result<Settings> {
    let mut settings = Settings::default();
    settings.server.port = 0;
    settings.server.static_dir = workspace_root().join("frontend").join("dist");
    settings.storage.data_dir = data_dir.to_path_buf();
    settings.auth.admin_email = ADMIN_EMAIL.into();
    settings.auth.admin_password = Some(SecretString::from(ADMIN_PASSWORD));
    settings.auth.jwt_secret = Some(SecretString::from("test-secret-test-secret-test-secret!!"));
    settings.graphql.introspection = true;
    settings.workers.poll_interval_ms = 200;
    settings.limits.max_upload_bytes = 2 * 1024 * 1024;
    // Backups are made on request in tests (tests/api/backups.rs turns the schedule on).
    settings.backup.interval_hours = 0;
    // Likewise weekly reports (tests/api/reports.rs turns them on).
    settings.kpi.weekly_reports = false;
    if db == Db::Postgres {
        settings.database.url = Some(SecretString::from(fresh_postgres_url().await?));
    }
    Ok(settings)
}

/// Creates a fresh bucket on the S3 server of `TEST_S3_ENDPOINT` (moto_server, started by the test
/// command) and points the settings at it.
pub async fn use_fresh_s3_bucket(settings: &mut Settings) -> Result<String> {
    use coach_app::config::StorageBackend;
    let endpoint = std::env::var("TEST_S3_ENDPOINT")
        .context("TEST_S3_ENDPOINT is not set: run the README's test command (scripts/test.sh), which starts moto_server")?;
    let bucket = format!("cc-test-{}", uuid::Uuid::new_v4().simple());
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("creating bucket {bucket}: {}", response.status());
    }
    settings.storage.backend = StorageBackend::S3;
    settings.storage.s3.bucket = bucket.clone();
    settings.storage.s3.endpoint = Some(endpoint);
    settings.storage.s3.allow_http = true;
    settings.storage.s3.access_key_id = Some(SecretString::from("test-access-key"));
    settings.storage.s3.secret_access_key = Some(SecretString::from("test-secret-key"));
    Ok(bucket)
}

/// Lists the keys in a bucket of the test S3 server.
pub async fn list_s3_keys(bucket: &str) -> Result<Vec<String>> {
    let endpoint = std::env::var("TEST_S3_ENDPOINT")?;
    let body = reqwest::get(format!("{endpoint}/{bucket}?list-type=2"))
        .await?
        .text()
        .await?;
    Ok(body
        .split("<Key>")
        .skip(1)
        .filter_map(|part| part.split("</Key>").next().map(str::to_owned))
        .collect())
}

/// Starts a server on a fresh database.
pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

/// Starts a server on a fresh database after adjusting its settings.
pub async fn spawn_app_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    match try_spawn_app(db, adjust).await {
        Ok(app) => app,
        Err(e) => panic!("could not start the test app: {e:#}"),
    }
}

async fn try_spawn_app(db: Db, adjust: impl FnOnce(&mut Settings)) -> Result<TestApp> {
    let data_dir = tempfile::tempdir()?;
    let mut settings = test_settings(db, data_dir.path()).await?;
    adjust(&mut settings);
    start_app(settings, data_dir).await
}

/// Starts a server whose uploads go to a fresh bucket on the test S3 server; returns the bucket.
pub async fn spawn_app_with_s3(db: Db) -> (TestApp, String) {
    let started = async {
        let data_dir = tempfile::tempdir()?;
        let mut settings = test_settings(db, data_dir.path()).await?;
        let bucket = use_fresh_s3_bucket(&mut settings).await?;
        Ok::<_, anyhow::Error>((start_app(settings, data_dir).await?, bucket))
    };
    match started.await {
        Ok(app) => app,
        Err(e) => panic!("could not start the test app: {e:#}"),
    }
}

async fn start_app(settings: Settings, data_dir: tempfile::TempDir) -> Result<TestApp> {
    settings.validate()?;
    let app = Application::build(settings.clone()).await?;
    let port = app.port();
    let db = app.db.clone();
    tokio::spawn(app.run_until_stopped());
    Ok(TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?,
        settings,
        _data_dir: data_dir,
    })
}

/// The `consult-coach` binary, for tests that run servers or workers as separate processes
/// (`CONSULT_COACH_BIN`, set by the test command; else beside the test executable).
pub fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("CONSULT_COACH_BIN") {
        return PathBuf::from(path);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|dir| dir.join("consult-coach")))
        .unwrap_or_default()
}

/// A `consult-coach` child process (`worker` or `serve`); killed when dropped.
pub struct WorkerProcess {
    child: std::process::Child,
    /// Where its log goes.
    pub log_path: PathBuf,
}

impl WorkerProcess {
    /// Sends a signal (`KILL`, `STOP`, `CONT`) to the process.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status();
        assert!(status.is_ok_and(|s| s.success()), "kill -{name} failed");
    }

    /// `kill -9` and reap.
    pub fn kill_hard(&mut self) {
        self.signal("KILL");
        let _ = self.child.wait();
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GraphQL multipart request (the upload spec) sending `bytes` as the `$file` of `query`.
pub fn upload_form(
    query: &str,
    name: &str,
    bytes: Vec<u8>,
    mime: &str,
) -> Result<reqwest::multipart::Form> {
    let operations = json!({"query": query, "variables": {"file": null}});
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)?;
    Ok(reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({"0": ["variables.file"]}).to_string())
        .part("0", part))
}

/// A transcript upload.
pub struct UploadFile<'a> {
    /// File name sent by the client.
    pub name: &'a str,
    /// Content.
    pub bytes: Vec<u8>,
    /// Declared MIME type.
    pub mime: &'a str,
}

impl TestApp {
    /// Starts `consult-coach worker` as a separate process on this app's database and data
    /// directory, with one worker and the extra `CONSULT_COACH__…` variables given.
    pub fn spawn_worker_process(&self, env: &[(&str, String)]) -> WorkerProcess {
        self.spawn_process("worker", env)
    }

    /// Starts `consult-coach serve` as a separate process on this app's database, data directory
    /// and JWT secret, on a free port and without workers; returns it and its port once it
    /// answers `/healthz`.
    pub async fn spawn_server_process(&self) -> (WorkerProcess, u16) {
        let port = free_port();
        let secret = self
            .settings
            .auth
            .jwt_secret
            .as_ref()
            .map(|s| secrecy::ExposeSecret::expose_secret(s).to_owned())
            .unwrap_or_default();
        let process = self.spawn_process(
            "serve",
            &[
                ("CONSULT_COACH__SERVER__PORT", port.to_string()),
                ("CONSULT_COACH__WORKERS__COUNT", "0".to_owned()),
                ("CONSULT_COACH__AUTH__JWT_SECRET", secret),
            ],
        );
        let url = format!("http://127.0.0.1:{port}/healthz");
        for _ in 0..300 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return (process, port);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server process never answered: {}", process.log());
    }

    fn spawn_process(&self, subcommand: &str, env: &[(&str, String)]) -> WorkerProcess {
        let data_dir = &self.settings.storage.data_dir;
        let log_path = data_dir.join(format!(
            "{subcommand}-{}.log",
            uuid::Uuid::new_v4().simple()
        ));
        let log = std::fs::File::create(&log_path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log_path.display()));
        let log_err = log
            .try_clone()
            .unwrap_or_else(|e| panic!("cloning the log handle: {e}"));
        let binary = server_binary();
        let child = std::process::Command::new(&binary)
            .arg(subcommand)
            .current_dir(data_dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", self.settings.database_url())
            .env("CONSULT_COACH__STORAGE__DATA_DIR", data_dir)
            .env("CONSULT_COACH__WORKERS__COUNT", "1")
            .env("CONSULT_COACH__BACKUP__INTERVAL_HOURS", "0")
            .env("CONSULT_COACH__KPI__WEEKLY_REPORTS", "false")
            .env(
                "CONSULT_COACH__WORKERS__LEASE_SECS",
                self.settings.workers.lease_secs.to_string(),
            )
            .env("CONSULT_COACH__WORKERS__POLL_INTERVAL_MS", "200")
            .env("CONSULT_COACH__LOG__FILTER", "info")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting {} (run the README's test command, which builds it): {e}",
                    binary.display()
                )
            });
        WorkerProcess { child, log_path }
    }

    /// Runs `consult-coach <args>` to completion on this app's database and data directory,
    /// with extra `CONSULT_COACH__…` variables; returns its exit status and output.
    pub fn run_cli(&self, args: &[&str], env: &[(&str, String)]) -> std::process::Output {
        let data_dir = &self.settings.storage.data_dir;
        std::process::Command::new(server_binary())
            .args(args)
            .current_dir(data_dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", self.settings.database_url())
            .env("CONSULT_COACH__STORAGE__DATA_DIR", data_dir)
            .env("CONSULT_COACH__LOG__FILTER", "warn")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap_or_else(|e| panic!("running consult-coach {args:?}: {e}"))
    }

    /// Starts another server process-alike on the same database and data directory (as a second
    /// server or worker of a scaled-out deployment would be), after adjusting its settings.
    pub async fn spawn_peer(&self, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = self.settings.clone();
        adjust(&mut settings);
        let started = async { start_app(settings, tempfile::tempdir()?).await };
        match started.await {
            Ok(app) => app,
            Err(e) => panic!("could not start the peer app: {e:#}"),
        }
    }

    /// Posts a GraphQL request (JSON) in Korean and returns the response body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.graphql_with_language(token, query, variables, "ko")
            .await
    }

    /// Posts a GraphQL request (JSON) with `Accept-Language: language`; returns the body.
    pub async fn graphql_with_language(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        language: &str,
    ) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("Accept-Language", language)
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request failed: {e}"));
        response
            .json()
            .await
            .unwrap_or_else(|e| panic!("response is not JSON: {e}"))
    }

    /// Signs in and returns the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let body = self
            .graphql(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                json!({"e": email, "p": password}),
            )
            .await;
        match body["data"]["login"]["accessToken"].as_str() {
            Some(token) => token.to_owned(),
            None => panic!("login failed: {body}"),
        }
    }

    /// The `kpis` board over `from..=to` (`YYYY-MM-DD`) as `token` sees it: each KPI's id,
    /// value, status, sample size and details. Fails the test on errors.
    pub async fn kpi_board(&self, token: &str, from: &str, to: &str) -> Value {
        let body = self
            .graphql(
                Some(token),
                "query($r: DayRangeInput!) { kpis(range: $r) { kpis { id value status sampleSize details { key value } } } }",
                json!({"r": {"from": from, "to": to}}),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"]["kpis"].clone()
    }

    /// An admin-made team with a counselor (`kim`) and its manager (`lead`), and a counselor of
    /// another team (`park`); returns their tokens.
    pub async fn kim_lead_park(&self) -> (String, String, String) {
        let app = self;
        let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let mut team_ids = Vec::new();
        for name in ["상담1팀", "상담2팀"] {
            let body = app
                .graphql(
                    Some(&admin),
                    "mutation($n: String!) { createTeam(name: $n) { id } }",
                    json!({ "n": name }),
                )
                .await;
            team_ids.push(
                body["data"]["createTeam"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        let people = [
            ("kim@example.com", "김하늘", "COUNSELOR", &team_ids[0]),
            ("lead@example.com", "이팀장", "MANAGER", &team_ids[0]),
            ("park@example.com", "박상담", "COUNSELOR", &team_ids[1]),
        ];
        for (email, name, role, team) in people {
            let body = app
                .graphql(
                    Some(&admin),
                    "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
                    json!({ "input": { "email": email, "displayName": name, "password": "password-for-tests", "role": role, "teamId": team } }),
                )
                .await;
            assert!(body["errors"].is_null(), "{body}");
        }
        (
            app.login("kim@example.com", "password-for-tests").await,
            app.login("lead@example.com", "password-for-tests").await,
            app.login("park@example.com", "password-for-tests").await,
        )
    }

    /// Runs one SQL statement on the app's database (to arrange records a test needs), failing
    /// the test when it fails.
    pub async fn exec_sql(&self, sql: String) {
        use sea_orm::ConnectionTrait;
        self.db
            .execute(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql.clone(),
            ))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Creates a user directly through the service and returns its id.
    pub async fn create_user(&self, email: &str, password: &str, role: Role) -> String {
        let new = NewUser {
            email: Email::parse(email).unwrap_or_else(|e| panic!("{e}")),
            display_name: String::new(),
            password: Password::parse_new(password).unwrap_or_else(|e| panic!("{e}")),
            role,
            team_id: None,
        };
        create_user(&self.db, new)
            .await
            .unwrap_or_else(|e| panic!("create user: {e}"))
            .id
    }

    /// Creates a counselor and signs in as them.
    pub async fn counselor_token(&self, email: &str) -> String {
        let password = "counselor-password-123";
        self.create_user(email, password, Role::Counselor).await;
        self.login(email, password).await
    }

    /// Uploads a file with the GraphQL multipart request spec; returns the response body and status.
    pub async fn upload(&self, token: Option<&str>, file: UploadFile<'_>) -> (u16, Value) {
        let form = upload_form(
            "mutation($file: Upload!) { uploadConsultation(file: $file) { id title status fileType byteSize createdAt } }",
            file.name,
            file.bytes,
            file.mime,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("Accept-Language", "ko")
            .multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload failed: {e}"));
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Uploads a text transcript and returns the new consultation id.
    pub async fn upload_text(&self, token: &str, name: &str, text: &str) -> String {
        self.upload_file(token, name, text.as_bytes().to_vec(), "text/plain")
            .await
    }

    /// Uploads a file and returns the new consultation id (panics when it is refused).
    pub async fn upload_file(&self, token: &str, name: &str, bytes: Vec<u8>, mime: &str) -> String {
        let (status, body) = self
            .upload(Some(token), UploadFile { name, bytes, mime })
            .await;
        match body["data"]["uploadConsultation"]["id"].as_str() {
            Some(id) if status == 200 => id.to_owned(),
            _ => panic!("upload failed ({status}): {body}"),
        }
    }

    /// Opens a graphql-transport-ws socket without sending `connection_init`.
    pub async fn ws_raw(&self) -> Result<WsClient> {
        WsClient::open(self.port).await
    }

    /// Opens a graphql-transport-ws connection, acknowledged with `token`.
    pub async fn ws_connect(&self, token: &str) -> Result<WsClient> {
        WsClient::connect(self.port, token).await
    }

    /// Subscribes to a consultation's progress and collects events until the stream completes.
    pub async fn collect_progress(
        &self,
        token: &str,
        consultation_id: &str,
        after_seq: i64,
    ) -> Result<Vec<Value>> {
        let mut ws = self.ws_connect(token).await?;
        ws.subscribe(
            "1",
            "subscription($id: ID!, $after: Int) { analysisProgress(consultationId: $id, afterSeq: $after) { seq stage percent message at } }",
            json!({"id": consultation_id, "after": after_seq}),
        )
        .await?;
        let mut events = Vec::new();
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), ws.next_json())
                .await
                .context("timed out waiting for progress")??;
            match message["type"].as_str() {
                Some("next") if message["payload"]["errors"].is_array() => {
                    bail!("subscription error: {}", message["payload"]["errors"])
                }
                Some("next") => events.push(message["payload"]["data"]["analysisProgress"].clone()),
                Some("complete") => return Ok(events),
                Some("error") => bail!("subscription error: {message}"),
                Some("ping") => ws.send_json(json!({"type": "pong"})).await?,
                _ => bail!("unexpected message {message}"),
            }
        }
    }

    /// Polls a consultation until it is completed or failed (at most 15 s).
    pub async fn wait_for_terminal(&self, token: &str, id: &str) -> Value {
        self.wait_for_terminal_within(token, id, Duration::from_secs(15))
            .await
    }

    /// Polls a consultation until it is completed or failed, for at most `limit`.
    pub async fn wait_for_terminal_within(&self, token: &str, id: &str, limit: Duration) -> Value {
        let polls = limit.as_millis() / 50;
        for _ in 0..polls {
            let body = self
                .graphql(
                    Some(token),
                    "query($id: ID!) { consultation(id: $id) { status failureCode } }",
                    json!({"id": id}),
                )
                .await;
            let status = body["data"]["consultation"]["status"]
                .as_str()
                .unwrap_or_default();
            if status == "COMPLETED" || status == "FAILED" {
                return body["data"]["consultation"].clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("consultation {id} never finished");
    }
}

/// A graphql-transport-ws client connection.
pub struct WsClient {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl WsClient {
    /// Opens a graphql-transport-ws socket to the server on `port`, without `connection_init`.
    pub async fn open(port: u16) -> Result<Self> {
        let mut request = format!("ws://127.0.0.1:{port}/graphql").into_client_request()?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
        // No Nagle: small frames go out at once, as browsers send them.
        let (socket, response) =
            tokio_tungstenite::connect_async_with_config(request, None, true).await?;
        if response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok())
            != Some("graphql-transport-ws")
        {
            bail!("server did not select graphql-transport-ws");
        }
        Ok(Self { socket })
    }

    /// Opens a socket to the server on `port` and has it acknowledged with `token`.
    pub async fn connect(port: u16, token: &str) -> Result<Self> {
        let mut client = Self::open(port).await?;
        client
            .send_json(json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}}))
            .await?;
        let ack = client.next_json().await?;
        if ack["type"] != "connection_ack" {
            bail!("expected connection_ack, got {ack}");
        }
        Ok(client)
    }

    /// Sends a JSON message.
    pub async fn send_json(&mut self, value: Value) -> Result<()> {
        self.socket.send(Message::text(value.to_string())).await?;
        Ok(())
    }

    /// Starts a subscription.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) -> Result<()> {
        self.send_json(json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}))
            .await
    }

    /// Reads until the server closes the socket and returns the close code.
    pub async fn close_code(&mut self) -> Option<u16> {
        while let Some(Ok(message)) = self.socket.next().await {
            if let Message::Close(frame) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    }

    /// The next text message as JSON; a close frame becomes an error naming its code.
    pub async fn next_json(&mut self) -> Result<Value> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text)?),
                Some(Ok(Message::Close(frame))) => {
                    bail!("closed: {}", frame.map(|f| u16::from(f.code)).unwrap_or(0))
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => bail!("connection ended"),
            }
        }
    }
}

/// Declares async tests that run once on SQLite and once on PostgreSQL:
/// `db_tests! { async fn name(db: Db) { ... } }` creates `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! db_tests {
    ($(async fn $name:ident($db:ident: Db) $body:block)*) => {
        $(
            async fn $name($db: $crate::Db) $body
        )*
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Db::Postgres).await
                }
            )*
        }
    };
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Resident memory of a process in kB (`VmRSS` of `/proc/PID/status`), when readable.
pub fn resident_kb(pid: u32) -> Option<u64> {
    memory_kb(pid).map(|m| m.resident)
}

/// A process's resident memory, kB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// All resident pages (`VmRSS`).
    pub resident: u64,
    /// The anonymous part (`RssAnon`: heap and stacks). The rest is file-backed: the binary and
    /// SQLite's memory map of the database file, page cache the kernel shares and can reclaim.
    pub anonymous: u64,
}

/// `VmRSS` and `RssAnon` of `/proc/PID/status`, when readable.
pub fn memory_kb(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |name: &str| {
        proc_field(&status, name)?
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some(Memory {
        resident: kb("VmRSS")?,
        anonymous: kb("RssAnon")?,
    })
}

/// The value of the `key: value` line named exactly `key` in a `/proc` text (`status`,
/// `meminfo`, `cpuinfo`), trimmed. Exact, so `model` does not find `model name`.
pub fn proc_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        (name.trim() == key).then(|| value.trim())
    })
}

/// Runs `node ARGS…` in `dir` (off the async runtime) and returns its output.
pub async fn run_node(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .args(&args)
            .current_dir(dir)
            .output()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|e| panic!("node: {e}"))
}

/// A PostgreSQL cluster of one test's own (`initdb` in a temporary directory, on a free loopback
/// port), for fault tests that stop and restart the database server. Removed when dropped.
pub struct PrivatePostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePostgres {
    /// Creates and starts the cluster with the newest installed PostgreSQL (the test command
    /// installs Debian's); as root, the server runs as the `postgres` user.
    pub fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("pg_ctl").exists())
            .max_by_key(|bin| {
                bin.parent()
                    .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .unwrap_or_else(|| {
                panic!("PostgreSQL is not installed (the README's test command installs it)")
            });
        let dir = tempfile::Builder::new()
            .prefix("cc-private-pg")
            .tempdir()
            .unwrap_or_else(|e| panic!("{e}"));
        let port = free_port();
        let cluster = Self { bin, dir, port };
        if is_root() {
            let status = std::process::Command::new("chown")
                .args(["-R", "postgres"])
                .arg(cluster.dir.path())
                .status();
            assert!(status.is_ok_and(|s| s.success()), "chown postgres failed");
        }
        let data = cluster.data_dir();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        cluster.start_server();
        cluster
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// A PostgreSQL tool, run as `postgres` when we are root (the server refuses root).
    fn command(&self, tool: &str) -> std::process::Command {
        let program = self.bin.join(tool);
        if is_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            std::process::Command::new(&program)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let output = self
            .command(tool)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running {tool}: {e}"));
        assert!(
            output.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts (or restarts) the server and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir(),
                "-l",
                &log,
                "-w",
                "-o",
                &options,
                "start",
            ],
        );
    }

    /// Stops the server at once (`-m immediate`: like a crash, connections are cut).
    pub fn stop_server(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data_dir(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// The connection URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The `extensions.code` of a GraphQL response's first error, or `"ok"` when there is none.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("ok")
}

/// One KPI of a `kpis` board, by id.
pub fn kpi_of(board: &Value, id: &str) -> Value {
    board["kpis"]
        .as_array()
        .and_then(|all| all.iter().find(|k| k["id"] == id).cloned())
        .unwrap_or_else(|| panic!("no KPI {id} in {board}"))
}

/// Today in the default KPI time zone (Korea, UTC+9), `YYYY-MM-DD`.
pub fn kpi_today() -> String {
    shared::clock::to_datetime(shared::clock::now_ms() + 9 * 3_600_000)
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod proc_tests {
    use super::proc_field;

    #[test]
    fn a_proc_field_is_found_by_its_exact_name_and_trimmed() {
        let cpuinfo = "model name\t: AMD EPYC\ncpu family\t: 25\nmodel\t\t: 17\n";
        assert_eq!(proc_field(cpuinfo, "model"), Some("17"));
        assert_eq!(proc_field(cpuinfo, "model name"), Some("AMD EPYC"));
        let status = "VmRSS:\t  63484 kB\nRssAnon:\t   41000 kB\n";
        assert_eq!(proc_field(status, "RssAnon"), Some("41000 kB"));
        assert_eq!(proc_field(status, "VmHWM"), None);
    }
}
