//! Test servers: [`spawn_app`] starts a real server on port 0 with a fresh database (SQLite file
//! in a temporary directory, or a new PostgreSQL database on the server named by
//! `TEST_DATABASE_URL`), and [`db_tests!`] writes a test once for both databases.

use std::time::Duration;

use anyhow::Result;
use coach_app::config::Settings;
use consult_coach::startup::Application;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use crate::material::workspace_root;
use crate::postgres::fresh_postgres_url;
use crate::s3::use_fresh_s3_bucket;

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

/// Starts a server with these settings, keeping `data_dir` alive as long as it runs.
pub(crate) async fn start_app(settings: Settings, data_dir: tempfile::TempDir) -> Result<TestApp> {
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
