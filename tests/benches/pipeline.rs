//! Pipeline benchmark (issue 10): text uploads analysed by the local analyzer on SQLite and, when
//! `TEST_DATABASE_URL` is set, PostgreSQL. Prints p50/p95 of queue wait (created →
//! processing_started), server-side created → completed, and upload request → terminal event seen
//! by a subscriber; the time to fully analyse a burst of 100 uploads sent 10 at a time, with where
//! that time goes (uploads accepted, request latency, queue wait, processing and the gaps between
//! stages); and the idle RSS of the
//! `consult-coach serve` binary (embedded default) when `CONSULT_COACH_BIN` names it. With
//! `CONSULT_COACH_BIN` and PostgreSQL it also runs the jobs in two separate `consult-coach worker`
//! processes, so the queue wait includes the `LISTEN/NOTIFY` wake-up across processes.
//!
//! Run: `cargo bench -p tests --bench pipeline` (the README's figures come from it).

#![expect(clippy::print_stdout, reason = "a bench binary prints its figures")]

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use coach_app::entity::{consultations, job_events};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use tests::{Db, TestApp, spawn_app_with};

const TRANSCRIPT: &str =
    "상담원: 안녕하세요, 행복쇼핑 고객센터 상담원 김민지입니다. 무엇을 도와드릴까요?
고객: 지난주에 주문한 운동화가 아직 안 왔어요. 너무 늦어서 답답하네요.
상담원: 많이 기다리셨겠어요. 불편을 드려 정말 죄송합니다. 주문번호를 말씀해 주시겠어요?
고객: A-20240105-0012예요.
상담원: 확인해 보니 물류센터에서 출고가 늦어졌습니다. 내일 오전까지 도착하도록 조치하겠습니다.
고객: 네, 꼭 부탁드려요.
상담원: 더 궁금하신 점 있으신가요? 오늘도 좋은 하루 보내세요.";

const UPLOADS: usize = 200;
const BURST: usize = 100;
/// Uploads of the burst in flight at once.
const BURST_CONCURRENCY: usize = 10;

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (values.len() as f64 - 1.0)).round();
    values[rank as usize]
}

fn text(i: usize) -> String {
    format!("{TRANSCRIPT}\n고객: 문의 번호 {i}번입니다.")
}

/// Upload → subscribe → terminal event, timed from the start of the upload request. The socket is
/// connected and acknowledged before the upload (as the web app keeps one open), so the figure is
/// the upload, the processing and the event delivery, not a WebSocket handshake.
async fn observed_latency(app: &TestApp, token: &str, i: usize) -> Result<(String, Duration)> {
    let mut ws = app.ws_connect(token).await?;
    let started = Instant::now();
    let id = app
        .upload_text(token, &format!("bench-{i}.txt"), &text(i))
        .await;
    ws.subscribe(
        "1",
        "subscription($id: ID!) { analysisProgress(consultationId: $id) { seq stage } }",
        json!({ "id": id }),
    )
    .await?;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), ws.next_json())
            .await
            .context("no progress within 30 s")??;
        let stage = message["payload"]["data"]["analysisProgress"]["stage"]
            .as_str()
            .unwrap_or_default();
        if stage == "COMPLETED" {
            return Ok((id, started.elapsed()));
        }
        if stage == "FAILED" || message["type"] == "complete" {
            bail!("consultation {id} did not complete: {message}");
        }
    }
}

/// Where the jobs run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Workers {
    /// Two workers inside the server process (woken in-process).
    InProcess,
    /// Two `consult-coach worker` processes (woken through PostgreSQL `LISTEN/NOTIFY`).
    SeparateProcesses,
}

async fn run(db: Db, workers: Workers) -> Result<()> {
    let app = spawn_app_with(db, |s| {
        s.limits.max_upload_bytes = 64 * 1024;
        s.workers.poll_interval_ms = 1000;
        if workers == Workers::SeparateProcesses {
            s.workers.count = 0;
        }
    })
    .await;
    let _worker_processes = match workers {
        Workers::InProcess => Vec::new(),
        Workers::SeparateProcesses => {
            let poll = [(
                "CONSULT_COACH__WORKERS__POLL_INTERVAL_MS",
                "1000".to_owned(),
            )];
            let processes = vec![
                app.spawn_worker_process(&poll),
                app.spawn_worker_process(&poll),
            ];
            // Let both connect and LISTEN before timing anything.
            tokio::time::sleep(Duration::from_secs(3)).await;
            processes
        }
    };
    let token = app.counselor_token("bench@example.com").await;
    for i in 0..10 {
        observed_latency(&app, &token, 100_000 + i).await?;
    }

    let mut ids = Vec::with_capacity(UPLOADS);
    let mut observed = Vec::with_capacity(UPLOADS);
    for i in 0..UPLOADS {
        let (id, latency) = observed_latency(&app, &token, i).await?;
        ids.push(id);
        observed.push(latency.as_secs_f64() * 1000.0);
    }
    let rows = consultations::Entity::find()
        .filter(consultations::Column::Id.is_in(ids.clone()))
        .all(&app.db)
        .await?;
    let mut queue_wait: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some((r.processing_started_at? - r.created_at) as f64))
        .collect();
    let mut server_side: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some((r.completed_at? - r.created_at) as f64))
        .collect();

    let burst = run_burst(&app, &token).await?;

    let name = match (db, workers) {
        (Db::Sqlite, _) => "SQLite, in-process workers",
        (Db::Postgres, Workers::InProcess) => "PostgreSQL, in-process workers",
        (Db::Postgres, Workers::SeparateProcesses) => {
            "PostgreSQL, 2 worker processes (LISTEN/NOTIFY)"
        }
    };
    println!(
        "{name} | {UPLOADS} uploads | queue wait p50 {:.1} ms p95 {:.1} ms | created→completed p50 {:.1} ms p95 {:.1} ms | upload→terminal event (subscriber) p50 {:.1} ms p95 {:.1} ms | burst of {BURST}: {:.2} s",
        percentile(&mut queue_wait, 50.0),
        percentile(&mut queue_wait, 95.0),
        percentile(&mut server_side, 50.0),
        percentile(&mut server_side, 95.0),
        percentile(&mut observed, 50.0),
        percentile(&mut observed, 95.0),
        burst
    );
    Ok(())
}

/// BURST uploads sent BURST_CONCURRENCY at a time, until the last is analysed; returns the total
/// and where the time went: when the last upload was accepted, the upload requests' latency, each
/// job's queue wait and processing, and the median time between its stages.
async fn run_burst(app: &TestApp, token: &str) -> Result<String> {
    use futures_util::StreamExt as _;
    let started = Instant::now();
    let accepted: Vec<(String, f64)> = futures_util::stream::iter(0..BURST)
        .map(|i| async move {
            let sent = Instant::now();
            let id = app
                .upload_text(token, &format!("burst-{i}.txt"), &text(10_000 + i))
                .await;
            (id, sent.elapsed().as_secs_f64() * 1000.0)
        })
        .buffer_unordered(BURST_CONCURRENCY)
        .collect()
        .await;
    let all_accepted = started.elapsed();
    let ids: Vec<String> = accepted.iter().map(|(id, _)| id.clone()).collect();
    let mut requests: Vec<f64> = accepted.iter().map(|(_, ms)| *ms).collect();
    loop {
        let done = consultations::Entity::find()
            .filter(consultations::Column::Id.is_in(ids.clone()))
            .filter(consultations::Column::Status.eq("completed"))
            .all(&app.db)
            .await?
            .len();
        if done == BURST {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("burst: only {done} of {BURST} completed in 60 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let total = started.elapsed();
    let rows = consultations::Entity::find()
        .filter(consultations::Column::Id.is_in(ids.clone()))
        .all(&app.db)
        .await?;
    let mut waits: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some((r.processing_started_at? - r.created_at) as f64))
        .collect();
    let mut processing: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some((r.completed_at? - r.processing_started_at?) as f64))
        .collect();
    let events = job_events::Entity::find()
        .filter(job_events::Column::ConsultationId.is_in(ids))
        .order_by_asc(job_events::Column::ConsultationId)
        .order_by_asc(job_events::Column::Seq)
        .all(&app.db)
        .await?;
    let mut gaps: std::collections::BTreeMap<String, Vec<f64>> = std::collections::BTreeMap::new();
    for pair in events.windows(2) {
        let [before, after] = pair else { continue };
        if before.consultation_id == after.consultation_id {
            gaps.entry(format!("{}→{}", before.stage, after.stage))
                .or_default()
                .push((after.at - before.at) as f64);
        }
    }
    let stages: Vec<String> = gaps
        .iter_mut()
        .map(|(gap, ms)| format!("{gap} {:.1}", percentile(ms, 50.0)))
        .collect();
    Ok(format!(
        "{:.2} s (all accepted after {:.2} s; upload request p50 {:.1} ms p95 {:.1} ms; per job: \
         queue wait p50 {:.0} ms, processing p50 {:.1} ms; stage gaps p50 ms: {})",
        total.as_secs_f64(),
        all_accepted.as_secs_f64(),
        percentile(&mut requests, 50.0),
        percentile(&mut requests, 95.0),
        percentile(&mut waits, 50.0),
        percentile(&mut processing, 50.0),
        stages.join(", ")
    ))
}

/// Idle RSS of `consult-coach serve` on the embedded default, 3 s after it answers `/healthz`.
async fn idle_rss() -> Result<Option<u64>> {
    let Ok(binary) = std::env::var("CONSULT_COACH_BIN") else {
        return Ok(None);
    };
    let dir = tempfile::tempdir()?;
    let port = tests::free_port();
    let mut child = std::process::Command::new(binary)
        .arg("serve")
        .current_dir(dir.path())
        .env("CONSULT_COACH__SERVER__PORT", port.to_string())
        .env("CONSULT_COACH__STORAGE__DATA_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let url = format!("http://127.0.0.1:{port}/healthz");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(&url).await.is_err() {
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss = tests::resident_kb(child.id());
    let _ = child.kill();
    let _ = child.wait();
    Ok(rss)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; nothing to filter.
    run(Db::Sqlite, Workers::InProcess).await?;
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        run(Db::Postgres, Workers::InProcess).await?;
        if std::env::var("CONSULT_COACH_BIN").is_ok() {
            run(Db::Postgres, Workers::SeparateProcesses).await?;
        } else {
            println!("PostgreSQL with worker processes | skipped (set CONSULT_COACH_BIN)");
        }
    } else {
        println!("PostgreSQL | skipped (set TEST_DATABASE_URL, as the test command does)");
    }
    match idle_rss().await? {
        Some(kb) => println!("idle RSS of `consult-coach serve` (embedded default): {kb} kB"),
        None => println!("idle RSS: skipped (set CONSULT_COACH_BIN to the server binary)"),
    }
    Ok(())
}
