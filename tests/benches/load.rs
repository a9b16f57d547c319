//! Load and soak harness (issue 11). For each database it seeds a fresh organisation (200 users in
//! 10 teams, `--consultations` analysed consultations over 90 days), starts the release
//! `consult-coach` (`CONSULT_COACH_BIN`) on it and runs the scenarios: the consultations list and
//! detail, the KPI board, the team overview, the WebSocket fan-out and the soak; then, with
//! `--scaled-out`, the fan-out and soak again against 2 `serve --workers 0` + 2 `worker` processes
//! on PostgreSQL and S3 (moto). It prints a Markdown table; `--write` also stores it in
//! `docs/load-results.md` and the README.
//!
//! `bash scripts/load.sh` builds everything, starts PostgreSQL and moto, and runs it in full.
//! By hand: `CONSULT_COACH_BIN=target/release/consult-coach TEST_DATABASE_URL=postgres://…
//! TEST_S3_ENDPOINT=http://127.0.0.1:PORT cargo bench -p tests --bench load -- --db sqlite
//! --consultations 10000 --soak-minutes 1`.

#![expect(clippy::print_stdout, reason = "a bench binary prints its figures")]

use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use tests::Db;
use tests::load::scenarios::{self, Line, Request, Settings};
use tests::load::seed::Spec;
use tests::load::{Deployment, Topology, label};

/// Options of the load harness.
#[derive(Parser, Debug)]
#[command(about = "Consult Coach load and soak harness")]
struct Options {
    /// Databases to run on: sqlite, postgres, or both.
    #[arg(long, default_value = "both")]
    db: String,
    /// Consultations to seed.
    #[arg(long, default_value_t = 100_000)]
    consultations: usize,
    /// Scenarios to run (comma-separated): list, detail, kpis, overview, ws, soak.
    #[arg(long, default_value = "list,detail,kpis,overview,ws,soak")]
    scenarios: String,
    /// Also run the fan-out and the soak on 2 servers + 2 workers (PostgreSQL, S3 on moto).
    #[arg(long)]
    scaled_out: bool,
    /// Closed-loop clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Recorded seconds of each closed-loop scenario.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Minutes of the soak.
    #[arg(long, default_value_t = 10.0)]
    soak_minutes: f64,
    /// WebSocket subscribers of the fan-out.
    #[arg(long, default_value_t = 1_000)]
    subscribers: usize,
    /// Uploads per second during the fan-out.
    #[arg(long, default_value_t = 50.0)]
    upload_rate: f64,
    /// Write the results to docs/load-results.md and the README.
    #[arg(long)]
    write: bool,
    /// Keep the seeded data directory and database after the run (their location is printed).
    #[arg(long)]
    keep: bool,
    /// Reuse the data directory (and database) of a kept run instead of seeding (one database,
    /// same `--consultations`).
    #[arg(long)]
    reuse: Option<std::path::PathBuf>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> Result<()> {
    let options = Options::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(options))
}

async fn run(options: Options) -> Result<()> {
    let settings = Settings {
        clients: options.clients,
        warmup: Duration::from_secs(3),
        duration: Duration::from_secs(options.seconds),
        soak: Duration::from_secs_f64(options.soak_minutes * 60.0),
        soak_share: 0.5,
        subscribers: options.subscribers,
        upload_rate: options.upload_rate,
    };
    let wanted: Vec<&str> = options.scenarios.split(',').map(str::trim).collect();
    let databases = match options.db.as_str() {
        "sqlite" => vec![Db::Sqlite],
        "postgres" => vec![Db::Postgres],
        _ => vec![Db::Sqlite, Db::Postgres],
    };
    let mut sections = Vec::new();
    for db in databases {
        println!("== {} ==", label(db));
        let lines = single(db, &options, &settings, &wanted).await?;
        let title = format!(
            "{}, one `serve` with 2 in-process workers, {} consultations",
            label(db),
            thousands(options.consultations)
        );
        sections.push(scenarios::markdown(&title, &lines));
        println!("{}", sections.last().map_or("", String::as_str));
    }
    if options.scaled_out {
        println!("== scaled out ==");
        let lines = scaled_out(&options, &settings).await?;
        let title = format!(
            "PostgreSQL + S3 (moto), 2 `serve --workers 0` + 2 `worker`, clients split across the servers, {} consultations",
            thousands(options.consultations)
        );
        sections.push(scenarios::markdown(&title, &lines));
        println!("{}", sections.last().map_or("", String::as_str));
    }
    if options.write {
        write_results(&options, &settings, &sections)?;
    }
    Ok(())
}

/// Seeds, starts one server and runs the chosen scenarios.
async fn single(
    db: Db,
    options: &Options,
    settings: &Settings,
    wanted: &[&str],
) -> Result<Vec<Line>> {
    let mut deployment = Deployment::start(
        db,
        Topology::Single,
        Spec::standard(options.consultations),
        options.reuse.clone(),
    )
    .await?;
    println!(
        "seeded {} consultations in {:.0} s",
        deployment.seeded.consultations, deployment.seeded.seconds
    );
    let ctx = scenarios::Context::new(&deployment).await?;
    let mut lines = Vec::new();
    for (name, request) in [
        ("list", Request::List),
        ("detail", Request::Detail),
        ("kpis", Request::Kpis),
        ("overview", Request::Overview),
    ] {
        if wanted.contains(&name) {
            if request == Request::Kpis {
                let line = scenarios::first_boards(&ctx).await;
                println!("{}", one_line(&line));
                lines.push(line);
            }
            let line = scenarios::throughput(&ctx, settings, request).await;
            println!("{}", one_line(&line));
            lines.push(line);
        }
    }
    if wanted.contains(&"ws") {
        let line = scenarios::fan_out(&ctx, settings).await?;
        println!("{}", one_line(&line));
        lines.push(line);
    }
    if wanted.contains(&"soak") {
        lines.extend(capacity_and_soak(&ctx, settings).await?);
    }
    if options.keep {
        let url = deployment.database_url().to_owned();
        let dir = deployment.keep();
        println!("kept: data directory {}, database {url}", dir.display());
    } else {
        deployment.stop();
    }
    Ok(lines)
}

/// Measures the mix's capacity, then soaks at half of it.
async fn capacity_and_soak(
    ctx: &std::sync::Arc<scenarios::Context>,
    settings: &Settings,
) -> Result<Vec<Line>> {
    let capacity = scenarios::throughput(ctx, settings, Request::Mixed).await;
    println!("{}", one_line(&capacity));
    // Tokens live 15 minutes: sign in again so none expires during the soak.
    let fresh = ctx.refresh_tokens().await?;
    let soak = scenarios::soak(&fresh, settings, capacity.throughput).await?;
    println!("{}", one_line(&soak));
    Ok(vec![capacity, soak])
}

/// The scaled-out deployment: the fan-out and the soak.
async fn scaled_out(options: &Options, settings: &Settings) -> Result<Vec<Line>> {
    let mut deployment = Deployment::start(
        Db::Postgres,
        Topology::ScaledOut,
        Spec::standard(options.consultations),
        None,
    )
    .await?;
    let ctx = scenarios::Context::new(&deployment).await?;
    let mut lines = vec![scenarios::fan_out(&ctx, settings).await?];
    println!("{}", one_line(&lines[0]));
    lines.extend(capacity_and_soak(&ctx, settings).await?);
    deployment.stop();
    Ok(lines)
}

fn one_line(line: &Line) -> String {
    format!(
        "{:<60} {:>8} req {:>7.0}/s p50 {:>6.1} p95 {:>6.1} p99 {:>6.1} ms errors {} RSS {:.0}/{:.0}/{:.0} MB (anonymous {:.0}/{:.0}/{:.0}) {}",
        line.scenario.chars().take(60).collect::<String>(),
        line.requests,
        line.throughput,
        line.p50,
        line.p95,
        line.p99,
        line.errors,
        line.rss.0,
        line.rss.1,
        line.rss.2,
        line.anon.0,
        line.anon.1,
        line.anon.2,
        line.notes.join("; ")
    )
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes docs/load-results.md and replaces the README's results between its markers.
fn write_results(options: &Options, settings: &Settings, sections: &[String]) -> Result<()> {
    // The model name alone ("AMD EPYC") hides the generation, and figures differ by about 2×
    // between generations of the same name: family and model say which one it was.
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| tests::proc_field(&cpuinfo, name).map(str::to_owned);
    let cpu = match (field("model name"), field("cpu family"), field("model")) {
        (Some(name), Some(family), Some(model)) => format!("{name}, family {family} model {model}"),
        (Some(name), _, _) => name,
        _ => "unknown CPU".to_owned(),
    };
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gb = tests::proc_field(&meminfo, "MemTotal")
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let date = shared::clock::to_datetime(shared::clock::now_ms())
        .format("%Y-%m-%d")
        .to_string();
    let body = format!(
        "Measured {date} on {cores} cores ({cpu}), {memory_gb:.0} GB, load generator on the same machine, \
         release build, built-in offline analyzer. Command: `bash scripts/load.sh` \
         (`--consultations {}`, {} clients, {} s per closed-loop scenario after 3 s of warm-up, \
         soak {:.0} min at {:.0} % of the measured mixed capacity, {} subscribers at {:.0} uploads/s).\n\n{}",
        options.consultations,
        settings.clients,
        settings.duration.as_secs(),
        settings.soak.as_secs_f64() / 60.0,
        settings.soak_share * 100.0,
        settings.subscribers,
        settings.upload_rate,
        sections.join("\n")
    );
    let path = tests::load::results_path();
    std::fs::write(&path, format!("# Load and soak results\n\n{body}"))
        .with_context(|| format!("writing {}", path.display()))?;
    let readme_path = tests::workspace_root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path)?;
    let (start, end) = ("<!-- load-results:start -->", "<!-- load-results:end -->");
    if let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) {
        let updated = format!("{}{start}\n{body}\n{}", &readme[..a], &readme[b..]);
        std::fs::write(&readme_path, updated)?;
    }
    println!("results written to {}", path.display());
    Ok(())
}
