//! Speaking to a test server as a client would: GraphQL over HTTP (queries, uploads, sign-in) on
//! [`TestApp`], and over WebSocket ([`WsClient`]).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use shared::access::Role;
use shared::inputs::{Email, Password};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use coach_app::config::Settings;
use coach_app::service::users::{NewUser, create_user};

use crate::app::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, start_app};
use crate::processes::{WorkerProcess, free_port, server_binary};

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
        WorkerProcess::new(child, log_path)
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
