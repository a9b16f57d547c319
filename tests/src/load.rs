//! The load and soak harness (issue 11): seeds a realistic organisation into a fresh SQLite or
//! PostgreSQL database, starts real `consult-coach` processes on it — one `serve` with in-process
//! workers, or a scaled-out set of `serve --workers 0` and `worker` processes on S3 storage — and
//! drives named scenarios over HTTP and WebSocket, reporting latency quantiles, throughput, errors
//! and the servers' resident memory.
//!
//! `cargo bench -p tests --bench load` runs it (see that file for the options); the API tests run
//! every scenario at a small scale to keep the harness itself correct.

pub mod measure;
pub mod scenarios;
pub mod seed;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sea_orm::{Database, DatabaseConnection};
use serde_json::{Value, json};

use crate::{Db, WorkerProcess, free_port, fresh_postgres_url, server_binary, workspace_root};

/// The admin of a load deployment.
pub const ADMIN_EMAIL: &str = "admin@load.example";
/// Its password.
pub const ADMIN_PASSWORD: &str = "load-admin-password-2026";
const JWT_SECRET: &str = "load-harness-secret-load-harness-secret!";

/// The name of a database in results.
#[must_use]
pub fn label(db: Db) -> &'static str {
    match db {
        Db::Sqlite => "SQLite",
        Db::Postgres => "PostgreSQL",
    }
}

/// How the product is deployed for a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// One `serve` with 2 in-process workers, files on local disk (the embedded default).
    Single,
    /// Two `serve --workers 0` and two `worker` processes, files on S3 (moto), clients split
    /// across the servers (PostgreSQL only).
    ScaledOut,
}

/// A deployment of real `consult-coach` processes on a seeded database.
pub struct Deployment {
    /// The harness's own connection to the database.
    pub db: DatabaseConnection,
    /// Base URLs of the servers (`http://127.0.0.1:PORT`).
    pub servers: Vec<String>,
    /// Their ports.
    pub ports: Vec<u16>,
    /// The server and worker processes.
    pub processes: Vec<WorkerProcess>,
    /// What was seeded.
    pub seeded: seed::Seeded,
    database_url: String,
    data_dir: PathBuf,
    /// Removes the data directory when dropped (none when it was reused or kept).
    temporary: Option<tempfile::TempDir>,
    env: Vec<(String, String)>,
}

impl Deployment {
    /// Creates a fresh database (SQLite in a temporary directory, or a new database on the
    /// server of `TEST_DATABASE_URL`), migrates it, seeds it and starts the processes. With
    /// `reuse`, the data directory a kept run left (see [`Deployment::keep`]) is used as it is.
    pub async fn start(
        db_kind: Db,
        topology: Topology,
        spec: seed::Spec,
        reuse: Option<PathBuf>,
    ) -> Result<Self> {
        if topology == Topology::ScaledOut && db_kind != Db::Postgres {
            bail!("a scaled-out deployment needs PostgreSQL");
        }
        let (data_dir, temporary) = match &reuse {
            Some(dir) => (dir.clone(), None),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("consult-coach-load-")
                    .tempdir()?;
                (dir.path().to_path_buf(), Some(dir))
            }
        };
        let url_file = data_dir.join("database-url");
        let database_url = match (db_kind, &reuse) {
            (_, Some(_)) => std::fs::read_to_string(&url_file)
                .with_context(|| format!("reading {}", url_file.display()))?
                .trim()
                .to_owned(),
            (Db::Sqlite, None) => {
                format!("sqlite://{}?mode=rwc", data_dir.join("load.db").display())
            }
            (Db::Postgres, None) => fresh_postgres_url().await?,
        };
        std::fs::write(&url_file, &database_url)?;
        let mut env = vec![
            ("DATABASE_URL".to_owned(), database_url.clone()),
            (
                "CONSULT_COACH__STORAGE__DATA_DIR".to_owned(),
                data_dir.display().to_string(),
            ),
            (
                "CONSULT_COACH__SERVER__STATIC_DIR".to_owned(),
                workspace_root().join("frontend/dist").display().to_string(),
            ),
            (
                "CONSULT_COACH__AUTH__JWT_SECRET".to_owned(),
                JWT_SECRET.to_owned(),
            ),
            (
                "CONSULT_COACH__AUTH__ADMIN_EMAIL".to_owned(),
                ADMIN_EMAIL.to_owned(),
            ),
            (
                "CONSULT_COACH__AUTH__ADMIN_PASSWORD".to_owned(),
                ADMIN_PASSWORD.to_owned(),
            ),
            // Every virtual user signs in from 127.0.0.1.
            (
                "CONSULT_COACH__AUTH__LOGIN_PER_IP_PER_MINUTE".to_owned(),
                "10000".to_owned(),
            ),
            // Scheduled backups and weekly reports would land at random points of a run.
            (
                "CONSULT_COACH__BACKUP__INTERVAL_HOURS".to_owned(),
                "0".to_owned(),
            ),
            (
                "CONSULT_COACH__KPI__WEEKLY_REPORTS".to_owned(),
                "false".to_owned(),
            ),
            ("CONSULT_COACH__LOG__FILTER".to_owned(), "info".to_owned()),
        ];
        if topology == Topology::ScaledOut {
            env.extend(s3_environment().await?);
        }
        let mut deployment = Self {
            db: Database::connect(database_url.as_str())
                .await
                .context("connecting to the load database")?,
            servers: Vec::new(),
            ports: Vec::new(),
            processes: Vec::new(),
            seeded: seed::Seeded {
                users: Vec::new(),
                completed: Vec::new(),
                consultations: 0,
                seconds: 0.0,
            },
            database_url,
            data_dir,
            temporary,
            env,
        };
        let migrated = deployment.run_cli(&["migrate"])?;
        if !migrated.status.success() {
            bail!(
                "consult-coach migrate failed: {}",
                String::from_utf8_lossy(&migrated.stderr)
            );
        }
        deployment.seeded = seed::seed(
            &deployment.db,
            &spec,
            shared::clock::now_ms(),
            reuse.is_none(),
        )
        .await?;
        match topology {
            Topology::Single => {
                deployment.start_server(2).await?;
            }
            Topology::ScaledOut => {
                deployment.start_server(0).await?;
                deployment.start_server(0).await?;
                deployment.start_worker(1)?;
                deployment.start_worker(1)?;
            }
        }
        Ok(deployment)
    }

    /// The database URL (for reports; it holds no secret on the test server).
    #[must_use]
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Process ids of every server and worker.
    #[must_use]
    pub fn pids(&self) -> Vec<u32> {
        self.processes.iter().map(WorkerProcess::pid).collect()
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(server_binary());
        command
            .args(args)
            .current_dir(&self.data_dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            // The harness's own `CONSULT_COACH__…` variables reach the servers, so a setting
            // (`…__DATABASE__SQLITE_MMAP_MB`, say) can be compared without a rebuild; those the
            // deployment sets win.
            .envs(std::env::vars().filter(|(k, _)| k.starts_with("CONSULT_COACH__")))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
    }

    fn run_cli(&self, args: &[&str]) -> Result<std::process::Output> {
        self.command(args)
            .output()
            .with_context(|| format!("running {} {args:?}", server_binary().display()))
    }

    fn spawn(&mut self, name: &str, args: &[&str]) -> Result<()> {
        let log_path = self
            .data_dir
            .join(format!("{name}-{}.log", self.processes.len()));
        let log = std::fs::File::create(&log_path)?;
        let child = self
            .command(args)
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} (build it first: cargo build --release --bin consult-coach)",
                    server_binary().display()
                )
            })?;
        self.processes.push(WorkerProcess::new(child, log_path));
        Ok(())
    }

    async fn start_server(&mut self, workers: usize) -> Result<()> {
        let port = free_port();
        self.spawn(
            "serve",
            &[
                "serve",
                "--workers",
                &workers.to_string(),
                "--port",
                &port.to_string(),
            ],
        )?;
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..600 {
            if reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                self.servers.push(base);
                self.ports.push(port);
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = self.processes.last().map(WorkerProcess::log);
        bail!("the server never answered: {}", log.unwrap_or_default())
    }

    fn start_worker(&mut self, workers: usize) -> Result<()> {
        self.spawn("worker", &["worker", "--workers", &workers.to_string()])
    }

    /// Stops every process and keeps the data directory (and database) for a closer look;
    /// returns the directory.
    pub fn keep(mut self) -> PathBuf {
        self.stop();
        if let Some(temporary) = self.temporary.take() {
            let _ = temporary.keep();
        }
        self.data_dir.clone()
    }

    /// Stops every process (servers drain their requests).
    pub fn stop(&mut self) {
        for process in &self.processes {
            process.signal("TERM");
        }
        self.processes.clear();
    }
}

/// Access tokens of a signed-in organisation.
#[derive(Clone)]
pub struct Tokens {
    /// One per seeded user, in the order of `Seeded::users`.
    pub users: Vec<String>,
    /// The admin's.
    pub admin: String,
}

/// Signs in every user of `emails` (password [`seed::PASSWORD`]) and the admin, spread over the
/// servers; tokens in the order of `emails`.
pub async fn sign_in(
    http: &reqwest::Client,
    servers: &[String],
    emails: &[String],
) -> Result<Tokens> {
    let mut users = Vec::new();
    for (i, email) in emails.iter().enumerate() {
        let base = &servers[i % servers.len()];
        users.push(login(http, base, email, seed::PASSWORD).await?);
    }
    let admin = login(http, &servers[0], ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    Ok(Tokens { users, admin })
}

/// Environment for S3 storage in a fresh bucket on the test S3 server (`TEST_S3_ENDPOINT`).
async fn s3_environment() -> Result<Vec<(String, String)>> {
    let mut settings = coach_app::config::Settings::default();
    let bucket = crate::use_fresh_s3_bucket(&mut settings).await?;
    let endpoint = settings.storage.s3.endpoint.unwrap_or_default();
    Ok([
        ("BACKEND", "s3".to_owned()),
        ("S3__BUCKET", bucket),
        ("S3__ENDPOINT", endpoint),
        ("S3__ALLOW_HTTP", "true".to_owned()),
        ("S3__ACCESS_KEY_ID", "test-access-key".to_owned()),
        ("S3__SECRET_ACCESS_KEY", "test-secret-key".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (format!("CONSULT_COACH__STORAGE__{k}"), v))
    .collect())
}

/// An HTTP client for load: keep-alive connections, no Nagle, a 30 s ceiling per request.
///
/// Idle connections are dropped after 3 s, before the server's keep-alive (actix: 5 s) closes
/// them: otherwise a request can go out on a connection the server is closing at that moment
/// and fail with "connection closed before message completed", which browsers retry and this
/// harness would count as an error (the one soak error on PostgreSQL in the first full run).
pub fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(2_048)
        .pool_idle_timeout(Duration::from_secs(3))
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Posts a GraphQL request; an HTTP error or any GraphQL error is an error naming its code.
pub async fn graphql(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value> {
    let mut request = http
        .post(format!("{base}/graphql"))
        .header("Accept-Language", "ko")
        .json(&json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let body: Value = response.json().await.context("the answer is not JSON")?;
    check_answer(status, body)
}

fn check_answer(status: reqwest::StatusCode, body: Value) -> Result<Value> {
    if let Some(error) = body["errors"].get(0) {
        bail!(
            "HTTP {status}, {}: {}",
            error["extensions"]["code"].as_str().unwrap_or("no code"),
            error["message"].as_str().unwrap_or_default()
        );
    }
    if !status.is_success() {
        bail!("HTTP {status}");
    }
    Ok(body["data"].clone())
}

/// Uploads a transcript as a multipart GraphQL request; returns the new consultation's id.
pub async fn upload(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    text: String,
) -> Result<String> {
    let form = crate::upload_form(
        "mutation($file: Upload!) { uploadConsultation(file: $file) { id status } }",
        name,
        text.into_bytes(),
        "text/plain",
    )?;
    let response = http
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?;
    let status = response.status();
    let data = check_answer(status, response.json().await?)?;
    data["uploadConsultation"]["id"]
        .as_str()
        .map(str::to_owned)
        .context("the upload answer has no id")
}

async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> Result<String> {
    let data = graphql(
        http,
        base,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        json!({"e": email, "p": password}),
    )
    .await
    .with_context(|| format!("signing in {email}"))?;
    data["login"]["accessToken"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

/// Where `cargo bench -p tests --bench load` writes its results (also pasted into the README).
#[must_use]
pub fn results_path() -> PathBuf {
    workspace_root().join("docs").join("load-results.md")
}
