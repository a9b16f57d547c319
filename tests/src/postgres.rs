//! PostgreSQL for tests: a fresh database per test on the server of `TEST_DATABASE_URL`, and a
//! private cluster for fault tests that stop and restart the server.

use std::path::PathBuf;

use anyhow::{Context, Result};
use sea_orm::{ConnectionTrait, Database};

use crate::processes::free_port;

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
