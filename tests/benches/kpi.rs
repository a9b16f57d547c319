//! KPI query benchmark (issue 8): generates a year of records on PostgreSQL — by default 1,000,000
//! consultations by 200 counselors in 10 teams, with their analyses, four improvement items each,
//! upload activity, LLM calls, ratings and server samples — then times the whole KPI board
//! (`service::kpi::compute_outcomes`, every KPI with its daily series) over the last 30 days,
//! the last 365 days, and the last 30 days of one team: once on an empty day cache (every
//! settled day computed from the tables and stored), then the median and worst of 5 warm runs
//! (which also checks that the cached days give exactly the figures the tables gave), and the
//! time `serve`'s background warm-up takes to fill an empty cache.
//!
//! Run: `TEST_DATABASE_URL=postgres://… cargo bench -p tests --bench kpi`
//! (`KPI_BENCH_ROWS` changes the number of consultations; `KPI_BENCH_KEEP=1` keeps the generated
//! database and `KPI_BENCH_REUSE=<database>` times it again without generating).

#![expect(clippy::print_stdout, reason = "a bench binary prints its figures")]

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use coach_app::config::KpiSettings;
use coach_app::service::kpi::compute_outcomes;
use coach_app::service::kpi::daycache;
use coach_app::service::kpi::evaluate::Outcome;
use coach_app::service::kpi::sources::{KpiScope, Window};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use shared::inputs::DayRange;
use shared::kpi::KpiValue;

const DAY_MS: i64 = 86_400_000;

/// Fills the database with `rows` consultations spread over the 365 days before `now_ms`.
async fn generate(db: &DatabaseConnection, rows: i64, now_ms: i64) -> Result<()> {
    let start = now_ms - 365 * DAY_MS;
    let statements = [
        "INSERT INTO teams (id, name, created_at) \
         SELECT 'team-' || t, '팀 ' || t, 0 FROM generate_series(1, 10) t"
            .to_owned(),
        "INSERT INTO users (id, email, display_name, password_hash, role, team_id, locale, active, created_at) \
         SELECT 'user-' || u, 'user' || u || '@example.com', '상담원 ' || u, 'x', 'counselor', \
           'team-' || (1 + u % 10), 'ko', true, 0 FROM generate_series(1, 200) u"
            .to_owned(),
        format!(
            "INSERT INTO consultations (id, owner_id, title, file_type, status, source_sha256, storage_key, \
               byte_size, mime, original_name, language, created_at, processing_started_at, completed_at, \
               failure_code, reanalysis_of) \
             SELECT 'c-' || n, 'user-' || (1 + n % 200), '상담 ' || n, \
               CASE WHEN n % 10 < 6 THEN 'text' WHEN n % 10 < 9 THEN 'audio' ELSE 'video' END, \
               CASE WHEN n % 100 < 95 THEN 'completed' WHEN n % 100 < 99 THEN 'failed' ELSE 'pending' END, \
               md5(n::text), 'k/' || n, 2048, 'text/plain', n || '.txt', 'ko', at, \
               CASE WHEN n % 100 < 99 THEN at + 1000 + n % 4000 END, \
               CASE WHEN n % 100 < 99 THEN at + 10000 + n % 110000 END, \
               CASE WHEN n % 100 BETWEEN 95 AND 98 THEN 'NO_TURNS_FOUND' END, NULL \
             FROM (SELECT n, {start} + (n * 365 * {DAY_MS}::bigint) / {rows} AS at \
                   FROM generate_series(1, {rows}) n) s"
        ),
        "INSERT INTO analyses (id, consultation_id, version, analyzer, model, report, overall_score, \
           attitude_score, problem_solving_score, communication_score, improvement_count, result_chars, \
           created_at, covered_categories, baseline_score, owner_id) \
         SELECT 'a-' || substr(id, 3), id, 1, 'local', NULL, '{}', \
           (50 + abs(hashtext(id)) % 45)::smallint, (50 + abs(hashtext(id || 'a')) % 45)::smallint, \
           (50 + abs(hashtext(id || 'p')) % 45)::smallint, (50 + abs(hashtext(id || 'c')) % 45)::smallint, \
           4, 600 + abs(hashtext(id)) % 1200, completed_at, 3, 68.0, owner_id \
         FROM consultations WHERE status = 'completed'"
            .to_owned(),
        format!(
            "INSERT INTO improvement_items (id, analysis_id, position, category, code, priority, owner_id, \
               flagged_at, flagged_score, settled_at, followed, improved) \
             SELECT a.id || '-' || p, a.id, p, \
               (ARRAY['attitude', 'problem_solving', 'communication'])[1 + (p % 3)], \
               'code_' || (abs(hashtext(a.id || p::text)) % 12), 'medium', c.owner_id, a.created_at, \
               a.communication_score, \
               CASE WHEN a.created_at + 30 * {DAY_MS}::bigint < {now_ms} THEN a.created_at + 30 * {DAY_MS}::bigint END, \
               CASE WHEN a.created_at + 30 * {DAY_MS}::bigint < {now_ms} THEN true END, \
               CASE WHEN a.created_at + 30 * {DAY_MS}::bigint < {now_ms} THEN abs(hashtext(a.id || p::text)) % 3 > 0 END \
             FROM analyses a JOIN consultations c ON c.id = a.consultation_id, generate_series(0, 3) p"
        ),
        "INSERT INTO activity_events (user_id, session_id, kind, consultation_id, at) \
         SELECT owner_id, owner_id || '-' || (created_at / 3600000), 'upload', id, created_at FROM consultations"
            .to_owned(),
        "INSERT INTO feedback (id, analysis_id, consultation_id, user_id, rating, comment, created_at, updated_at) \
         SELECT 'f-' || a.id, a.id, a.consultation_id, c.owner_id, (1 + abs(hashtext(a.id)) % 5)::smallint, NULL, \
           a.created_at, a.created_at \
         FROM analyses a JOIN consultations c ON c.id = a.consultation_id WHERE abs(hashtext(a.id)) % 5 = 0"
            .to_owned(),
        "INSERT INTO llm_calls (provider, model, purpose, consultation_id, started_at, latency_ms, status, http_status, retries) \
         SELECT 'gemini', 'gemini-2.5-flash', 'analysis', consultation_id, created_at - 5000, 2000 + abs(hashtext(id)) % 8000, \
           'ok', 200, CASE WHEN abs(hashtext(id)) % 20 = 0 THEN 1 ELSE 0 END \
         FROM analyses WHERE abs(hashtext(id)) % 10 = 0"
            .to_owned(),
        format!(
            "INSERT INTO server_samples (process_id, role, at, interval_ms, requests, request_errors, request_ms_sum, \
               ws_attempts, ws_acked, health_checks, health_ok, cpu_pct, rss_bytes, mem_total_bytes, queue_length, db_bytes) \
             SELECT 'bench:1', 'serve', {start} + m::bigint * 60000, 60000, 50, 0, 1500, 5, 5, 1, 1, 12.5, 80000000, \
               24000000000, 1, 500000000 FROM generate_series(1, 365 * 1440) m"
        ),
        "ANALYZE".to_owned(),
    ];
    for sql in statements {
        let started = Instant::now();
        db.execute_unprepared(&sql)
            .await
            .with_context(|| sql.chars().take(80).collect::<String>())?;
        println!(
            "  generated: {:<70} {:>6.1} s",
            sql.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Whether two computations of a KPI agree: the same status and sample, values equal up to the
/// last bits (PostgreSQL may add a day's floating-point sums in another order from one query to
/// the next, so even two reads of the same tables can differ there).
fn same_figures(a: &Outcome, b: &Outcome) -> bool {
    fn close(a: Option<KpiValue>, b: Option<KpiValue>) -> bool {
        let near = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
        let near_opt = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => near(x, y),
            (x, y) => x == y,
        };
        match (a, b) {
            (Some(KpiValue::Scalar(x)), Some(KpiValue::Scalar(y))) => near(x, y),
            (
                Some(KpiValue::PerFileType { text, audio, video }),
                Some(KpiValue::PerFileType {
                    text: t,
                    audio: au,
                    video: v,
                }),
            ) => near_opt(text, t) && near_opt(audio, au) && near_opt(video, v),
            (x, y) => x == y,
        }
    }
    a.kpi.id == b.kpi.id
        && a.status == b.status
        && a.sample_size == b.sample_size
        && close(a.value, b.value)
        && a.series.len() == b.series.len()
        && a.series
            .iter()
            .zip(&b.series)
            .all(|(p, q)| p.day == q.day && close(p.value, q.value))
}

/// Times the board: once on an empty day cache (every settled day computed and stored), then
/// five times warm; returns (cold, warm median, warm worst).
async fn time_board(
    db: &DatabaseConnection,
    settings: &KpiSettings,
    range: DayRange,
    scope: KpiScope,
    now_ms: i64,
) -> Result<(Duration, Duration, Duration)> {
    daycache::clear(db).await?;
    let started = Instant::now();
    let cold_outcomes = compute_outcomes(db, settings, range, scope.clone(), now_ms).await?;
    let cold = started.elapsed();
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let outcomes = compute_outcomes(db, settings, range, scope.clone(), now_ms).await?;
        times.push(started.elapsed());
        anyhow::ensure!(outcomes.len() == 42, "every KPI");
        if let Some((warm, cold)) = outcomes
            .iter()
            .zip(&cold_outcomes)
            .find(|(warm, cold)| !same_figures(warm, cold))
        {
            anyhow::bail!(
                "the cached days gave other figures than the tables for {}: {warm:?} instead of {cold:?}",
                warm.kpi.id
            );
        }
    }
    times.sort();
    // Where the warm time goes: loading the records, or evaluating them.
    let window = Window {
        first_day: range.epoch_days().0,
        last_day: range.epoch_days().1,
        offset_ms: i64::from(settings.utc_offset_minutes) * 60_000,
    };
    let started = Instant::now();
    let records = daycache::load_records(db, window, &scope, 30 * DAY_MS, now_ms).await?;
    let read = started.elapsed();
    let started = Instant::now();
    let outcomes = coach_app::service::kpi::evaluate::evaluate_all(
        &records,
        window,
        coach_app::service::kpi::evaluate::EvalSettings {
            llm_daily_quota: None,
            db_budget_bytes: 100.0 * 1024.0 * 1024.0,
            now_ms,
            sample_interval_ms: 60_000,
        },
    );
    println!(
        "    (warm: loading the records {:.0} ms, evaluating {} KPIs {:.0} ms)",
        read.as_secs_f64() * 1000.0,
        outcomes.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok((cold, times[2], times[4]))
}

fn day(ms: i64) -> String {
    shared::clock::to_datetime(ms + 9 * 3_600_000)
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::main]
async fn main() -> Result<()> {
    let base = std::env::var("TEST_DATABASE_URL")
        .context("TEST_DATABASE_URL must name a PostgreSQL server")?;
    let rows: i64 = std::env::var("KPI_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let admin = Database::connect(base.as_str()).await?;
    let (prefix, _) = base.rsplit_once('/').context("no database in the URL")?;
    // `KPI_BENCH_REUSE=<database>` times again the records an earlier run generated and kept.
    let reuse = std::env::var("KPI_BENCH_REUSE").ok();
    let name = reuse
        .clone()
        .unwrap_or_else(|| format!("cc_kpi_bench_{}", uuid::Uuid::new_v4().simple()));
    if reuse.is_none() {
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
    }
    let db = Database::connect(format!("{prefix}/{name}")).await?;
    coach_app::db::migrate(&db).await?;
    let now = shared::clock::now_ms();
    if reuse.is_none() {
        println!("KPI bench: {rows} consultations over 365 days on PostgreSQL");
        let started = Instant::now();
        generate(&db, rows, now).await?;
        // As `serve` does every five minutes.
        let buckets = coach_app::service::kpi::sources::roll_up_samples(&db, now).await?;
        println!("  {buckets} quarter-hours of server samples rolled up");
        println!(
            "  data generated in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("KPI bench: the records kept in {name}");
    }

    let settings = KpiSettings::default();
    let ranges = [
        ("last 30 days, everyone", 30, KpiScope::default()),
        ("last 365 days, everyone", 365, KpiScope::default()),
        (
            "last 30 days, one team",
            30,
            KpiScope {
                team_id: Some("team-3".to_owned()),
                user_id: None,
            },
        ),
    ];
    for (label, days, scope) in ranges {
        let range = DayRange::parse(&day(now - (days - 1) * DAY_MS), &day(now))
            .map_err(|e| anyhow::anyhow!("{}", e.message_en))?;
        let (cold, median, worst) = time_board(&db, &settings, range, scope, now).await?;
        println!(
            "  kpis({label}): first {:.0} ms on an empty day cache; then median {:.0} ms, \
             worst {:.0} ms (target ≤ 200 ms)",
            cold.as_secs_f64() * 1000.0,
            median.as_secs_f64() * 1000.0,
            worst.as_secs_f64() * 1000.0
        );
    }
    // What `serve` does in the background after start and every hour.
    daycache::clear(&db).await?;
    let started = Instant::now();
    daycache::warm_up(
        &db,
        i64::from(settings.utc_offset_minutes) * 60_000,
        30 * DAY_MS,
        now,
    )
    .await?;
    println!(
        "  background warm-up of an empty day cache (400 days everyone, 120 days per team): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    db.close().await?;
    if std::env::var_os("KPI_BENCH_KEEP").is_some() {
        println!("  records kept in {name} (KPI_BENCH_REUSE={name} times them again)");
    } else if reuse.is_none() {
        admin
            .execute_unprepared(&format!("DROP DATABASE {name}"))
            .await?;
    }
    Ok(())
}
