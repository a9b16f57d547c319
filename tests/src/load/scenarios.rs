//! The named scenarios of the load harness and the table they print.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use coach_app::entity::{analyses, consultations, job_events};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tokio::sync::Mutex;

use super::measure::{CpuMeter, Recorder, RssSampler, Run, closed_loop, open_loop, rss_summary};
use super::seed::Template;
use super::{Deployment, Tokens, graphql, sign_in, upload};
use crate::Memory;
use crate::WsClient;

const LIST: &str = "query($f: ConsultationFilterInput, $limit: Int, $offset: Int) { \
    consultations(filter: $f, limit: $limit, offset: $offset) { id title fileType status byteSize createdAt } \
    consultationCount(filter: $f) }";

const DETAIL: &str = "query($id: ID!) { consultation(id: $id) { id title fileType status byteSize \
    createdAt processingStartedAt completedAt failureCode failureMessage \
    events { seq stage percent message at } \
    report { schemaVersion language summary \
      scores { attitude { score rationale strengths weaknesses } \
        problemSolving { score rationale strengths weaknesses } \
        communication { score rationale strengths weaknesses } \
        overall { score rationale strengths weaknesses } } \
      improvements { code category title issue recommendation examplePhrase priority \
        evidence { turn startMs quote } } \
      improvementsNote moments { kind turn } \
      metrics { agentTalkRatio turns agentTurns customerTurns agentWordsPerMinute \
        longestAgentMonologueS deadAirTotalS interruptions avgResponseLatencyS \
        customerSentimentStart customerSentimentEnd } \
      pii { kind count } analyzer { name model version fallbackCode note } } \
    transcript { speaker startMs endMs text } recordingUrl } }";

const KPIS: &str = "query($range: DayRangeInput!, $teamId: ID) { kpis(range: $range, teamId: $teamId) { \
    from to utcOffsetMinutes teamId summary { met notMet noData } \
    kpis { id group section nameKo nameEn unit direction scoped value status sampleSize \
      target { kind min max text byFileType { text audio video } } \
      byFileType { text audio video } details { key value } \
      series { date value byFileType { text audio video } } } } }";

const OVERVIEW: &str = "query($range: DayRangeInput!, $team: ID) { teamOverview(range: $range, teamId: $team) { \
    counselor { id displayName email } teamName consultations \
    average { overall attitude problemSolving communication } change lastAt \
    recurring { code category title times lastAt improved settled } } }";

const EXPORT: &str = "mutation($id: ID!, $format: ReportFormat!) { \
    exportReport(consultationId: $id, format: $format) { fileName mediaType byteSize contentBase64 } }";

const RATE: &str = "mutation($id: ID!, $input: RateAnalysisInput!) { \
    rateAnalysis(consultationId: $id, input: $input) { rating } }";

const PROGRESS: &str =
    "subscription($id: ID!) { analysisProgress(consultationId: $id) { seq stage } }";

/// How long and how hard each scenario runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Concurrent clients of the closed-loop scenarios.
    pub clients: usize,
    /// Unrecorded warm-up before each closed-loop scenario.
    pub warmup: Duration,
    /// Recorded length of each closed-loop scenario.
    pub duration: Duration,
    /// Length of the soak.
    pub soak: Duration,
    /// Share of the measured mixed capacity the soak runs at.
    pub soak_share: f64,
    /// WebSocket subscribers of the fan-out scenario.
    pub subscribers: usize,
    /// Uploads per second while they listen.
    pub upload_rate: f64,
}

/// One row of the results table.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// Scenario name.
    pub scenario: String,
    /// How it was driven.
    pub how: String,
    /// Requests (or, for the fan-out, events) recorded.
    pub requests: u64,
    /// Per second.
    pub throughput: f64,
    /// Latency quantiles, ms.
    pub p50: f64,
    /// 95th percentile, ms.
    pub p95: f64,
    /// 99th percentile, ms.
    pub p99: f64,
    /// Failed requests (or lost events).
    pub errors: u64,
    /// Server RSS: first, peak, last (MB), all processes summed.
    pub rss: (f64, f64, f64),
    /// The anonymous part of [`Line::rss`] (heap and stacks; the rest is file-backed: the binary
    /// and SQLite's memory map of the database file), first, peak, last (MB).
    pub anon: (f64, f64, f64),
    /// The target and whether it was met.
    pub target: String,
    /// Whether the target was met (`None`: no target).
    pub met: Option<bool>,
    /// Extra findings (soak minutes, lost events …).
    pub notes: Vec<String>,
}

impl Line {
    fn from_run(scenario: &str, how: String, run: &Run, memory: &[Memory]) -> Self {
        let mut notes: Vec<String> = run
            .total
            .samples
            .iter()
            .map(|s| format!("error: {s}"))
            .collect();
        notes.truncate(3);
        let (rss, anon) = rss_summary(memory);
        Self {
            scenario: scenario.to_owned(),
            how,
            requests: run.total.count(),
            throughput: run.throughput(),
            p50: run.total.quantile_ms(0.5),
            p95: run.total.quantile_ms(0.95),
            p99: run.total.quantile_ms(0.99),
            errors: run.total.errors,
            rss,
            anon,
            notes,
            ..Self::default()
        }
    }

    fn target(mut self, text: &str, met: bool) -> Self {
        self.target = text.to_owned();
        self.met = Some(met && self.errors == 0);
        self
    }
}

/// Shared state of the scenarios: the deployment's servers, tokens and seeded ids.
pub struct Context {
    emails: Vec<String>,
    http: reqwest::Client,
    servers: Vec<String>,
    ports: Vec<u16>,
    tokens: Tokens,
    /// Indices of counselors with completed consultations.
    counselors: Vec<usize>,
    managers: Vec<usize>,
    teams: Vec<String>,
    completed: Vec<Vec<String>>,
    templates: Vec<Template>,
    range: (String, String),
    uploaded: Mutex<Vec<String>>,
    pids: Vec<u32>,
    db: sea_orm::DatabaseConnection,
    /// Consultations seeded (the KPI board's target depends on it).
    consultations: usize,
}

impl Context {
    /// Signs everyone in and prepares the scenarios.
    pub async fn new(deployment: &Deployment) -> Result<Arc<Self>> {
        let http = super::http_client()?;
        let users = &deployment.seeded.users;
        let emails: Vec<String> = users.iter().map(|u| u.email.clone()).collect();
        let tokens = sign_in(&http, &deployment.servers, &emails).await?;
        let today_ms = shared::clock::now_ms() + 9 * 3_600_000;
        let day = |ms: i64| {
            shared::clock::to_datetime(ms)
                .format("%Y-%m-%d")
                .to_string()
        };
        Ok(Arc::new(Self {
            emails,
            http,
            servers: deployment.servers.clone(),
            ports: deployment.ports.clone(),
            tokens,
            counselors: (0..users.len())
                .filter(|&i| !users[i].manager && !deployment.seeded.completed[i].is_empty())
                .collect(),
            managers: (0..users.len()).filter(|&i| users[i].manager).collect(),
            teams: users.iter().map(|u| u.team_id.clone()).collect(),
            completed: deployment.seeded.completed.clone(),
            templates: super::seed::templates()?,
            range: (day(today_ms - 29 * 86_400_000), day(today_ms)),
            uploaded: Mutex::new(Vec::new()),
            pids: deployment.pids(),
            db: deployment.db.clone(),
            consultations: deployment.seeded.consultations,
        }))
    }

    /// The same context with every user signed in again (access tokens live at most 15 minutes).
    pub async fn refresh_tokens(&self) -> Result<Arc<Self>> {
        Ok(Arc::new(Self {
            emails: self.emails.clone(),
            http: self.http.clone(),
            servers: self.servers.clone(),
            ports: self.ports.clone(),
            tokens: sign_in(&self.http, &self.servers, &self.emails).await?,
            counselors: self.counselors.clone(),
            managers: self.managers.clone(),
            teams: self.teams.clone(),
            completed: self.completed.clone(),
            templates: self.templates.clone(),
            range: self.range.clone(),
            uploaded: Mutex::new(Vec::new()),
            pids: self.pids.clone(),
            consultations: self.consultations,
            db: self.db.clone(),
        }))
    }

    fn server(&self, rng: &mut StdRng) -> &str {
        &self.servers[rng.gen_range(0..self.servers.len())]
    }

    fn counselor(&self, rng: &mut StdRng) -> usize {
        self.counselors[rng.gen_range(0..self.counselors.len())]
    }

    async fn list(&self, rng: &mut StdRng) -> Result<()> {
        let user = rng.gen_range(0..self.tokens.users.len());
        let filter = match rng.gen_range(0..5) {
            0 => json!({}),
            1 => json!({"status": "COMPLETED"}),
            2 => json!({"fileType": "AUDIO"}),
            3 => json!({"search": format!("#{}", rng.gen_range(1..10))}),
            _ => json!({"from": self.range.0, "to": self.range.1}),
        };
        let data = graphql(
            &self.http,
            self.server(rng),
            Some(&self.tokens.users[user]),
            LIST,
            json!({"f": filter, "limit": 20, "offset": 20 * rng.gen_range(0..3)}),
        )
        .await?;
        ensure!(data["consultations"].is_array(), "no list in {data}");
        ensure!(data["consultationCount"].is_u64(), "no count in {data}");
        Ok(())
    }

    async fn detail(&self, rng: &mut StdRng) -> Result<()> {
        let user = self.counselor(rng);
        let ids = &self.completed[user];
        let id = &ids[rng.gen_range(0..ids.len())];
        let data = graphql(
            &self.http,
            self.server(rng),
            Some(&self.tokens.users[user]),
            DETAIL,
            json!({"id": id}),
        )
        .await?;
        ensure!(
            data["consultation"]["report"]["scores"]["overall"]["score"].is_u64(),
            "no report in the detail of {id}"
        );
        Ok(())
    }

    async fn kpis(&self, rng: &mut StdRng) -> Result<()> {
        let manager = self.managers[rng.gen_range(0..self.managers.len())];
        self.board(manager, self.server(rng)).await
    }

    /// The 30-day board of `manager`'s team, from `server`.
    async fn board(&self, manager: usize, server: &str) -> Result<()> {
        let data = graphql(
            &self.http,
            server,
            Some(&self.tokens.users[manager]),
            KPIS,
            json!({"range": {"from": self.range.0, "to": self.range.1}, "teamId": self.teams[manager]}),
        )
        .await?;
        ensure!(
            data["kpis"]["kpis"]
                .as_array()
                .is_some_and(|k| k.len() >= 40),
            "not a whole board"
        );
        Ok(())
    }

    async fn overview(&self, rng: &mut StdRng) -> Result<()> {
        let data = graphql(
            &self.http,
            self.server(rng),
            Some(&self.tokens.admin),
            OVERVIEW,
            json!({"range": {"from": self.range.0, "to": self.range.1}}),
        )
        .await?;
        ensure!(
            data["teamOverview"]
                .as_array()
                .is_some_and(|r| r.len() >= self.counselors.len()),
            "not every counselor in the overview"
        );
        Ok(())
    }

    async fn export(&self, rng: &mut StdRng) -> Result<()> {
        let user = self.counselor(rng);
        let ids = &self.completed[user];
        let id = &ids[rng.gen_range(0..ids.len())];
        let format = if rng.gen_bool(0.5) { "PDF" } else { "MARKDOWN" };
        let data = graphql(
            &self.http,
            self.server(rng),
            Some(&self.tokens.users[user]),
            EXPORT,
            json!({"id": id, "format": format}),
        )
        .await?;
        ensure!(
            data["exportReport"]["byteSize"]
                .as_u64()
                .is_some_and(|n| n > 200),
            "an empty export"
        );
        Ok(())
    }

    async fn rate(&self, rng: &mut StdRng) -> Result<()> {
        let user = self.counselor(rng);
        let ids = &self.completed[user];
        let id = &ids[rng.gen_range(0..ids.len())];
        let rating = rng.gen_range(1..=5);
        let data = graphql(
            &self.http,
            self.server(rng),
            Some(&self.tokens.users[user]),
            RATE,
            json!({"id": id, "input": {"rating": rating, "comment": "부하 테스트 평가"}}),
        )
        .await?;
        ensure!(data["rateAnalysis"]["rating"] == rating, "rating not kept");
        Ok(())
    }

    /// A unique transcript (uploads of the same bytes by one owner are refused as duplicates).
    fn upload_text(&self, rng: &mut StdRng) -> String {
        let template = &self.templates[rng.gen_range(0..self.templates.len())];
        format!(
            "{}\n고객: 접수 번호 {} 확인했습니다. 감사합니다.",
            template.text,
            uuid::Uuid::new_v4().simple()
        )
    }

    async fn upload(&self, rng: &mut StdRng) -> Result<()> {
        let user = self.counselor(rng);
        let id = upload(
            &self.http,
            self.server(rng),
            &self.tokens.users[user],
            "load.txt",
            self.upload_text(rng),
        )
        .await?;
        self.uploaded.lock().await.push(id);
        Ok(())
    }

    /// One request of the soak's mix: mostly reading lists and reports, some exports, ratings,
    /// uploads and KPI boards.
    async fn mixed(&self, rng: &mut StdRng) -> Result<()> {
        match rng.gen_range(0..100) {
            0..40 => self.list(rng).await,
            40..72 => self.detail(rng).await,
            72..80 => self.export(rng).await,
            80..87 => self.rate(rng).await,
            87..95 => self.upload(rng).await,
            95..99 => self.kpis(rng).await,
            _ => self.overview(rng).await,
        }
    }
}

/// Which request a scenario sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// A page of 20 from `consultations` with one of five filters, and its count.
    List,
    /// `consultation` with the whole report, transcript and events.
    Detail,
    /// A manager's KPI board of their team for the last 30 days.
    Kpis,
    /// The admin's team overview of all 200 people for the last 30 days.
    Overview,
    /// The soak's mix.
    Mixed,
}

fn rng_for(client: usize, i: u64) -> StdRng {
    StdRng::seed_from_u64(((client as u64) << 40) ^ i)
}

async fn send(ctx: &Context, request: Request, rng: &mut StdRng) -> Result<()> {
    match request {
        Request::List => ctx.list(rng).await,
        Request::Detail => ctx.detail(rng).await,
        Request::Kpis => ctx.kpis(rng).await,
        Request::Overview => ctx.overview(rng).await,
        Request::Mixed => ctx.mixed(rng).await,
    }
}

/// Runs `request` from `clients` closed-loop clients and measures it.
pub async fn capacity(
    ctx: &Arc<Context>,
    settings: &Settings,
    request: Request,
    clients: usize,
) -> (Run, Vec<Memory>, (f64, f64)) {
    let rss = RssSampler::start(ctx.pids.clone());
    let cpu = CpuMeter::start(ctx.pids.clone());
    let shared = Arc::clone(ctx);
    let run = closed_loop(clients, settings.warmup, settings.duration, move |c, i| {
        let ctx = Arc::clone(&shared);
        async move {
            let mut rng = rng_for(c, i);
            send(&ctx, request, &mut rng).await
        }
    })
    .await;
    let (servers, harness) = cpu.finish();
    // The meter also ran through the warm-up: spread its CPU over every request sent.
    let total = settings.warmup + settings.duration;
    let sent = run.throughput() * total.as_secs_f64();
    let per_request = |seconds: f64| seconds * 1000.0 / sent.max(1.0);
    (
        run,
        rss.finish().await,
        (per_request(servers), per_request(harness)),
    )
}

/// The closed-loop scenario of `request`, with its target.
pub async fn throughput(ctx: &Arc<Context>, settings: &Settings, request: Request) -> Line {
    let clients = match request {
        Request::Overview | Request::Kpis => settings.clients.min(4),
        _ => settings.clients,
    };
    let (run, rss, (server_ms, harness_ms)) = capacity(ctx, settings, request, clients).await;
    let how = format!(
        "{clients} clients, {:.0} s",
        settings.duration.as_secs_f64()
    );
    let line = |name: &str| {
        let mut line = Line::from_run(name, how.clone(), &run, &rss);
        line.notes.insert(
            0,
            format!("CPU per request: server {server_ms:.2} ms, load generator {harness_ms:.2} ms"),
        );
        line
    };
    match request {
        Request::List => {
            let l = line("consultations list (page of 20, filters, count)");
            let met = l.throughput >= 1_200.0 && l.p99 <= 20.0;
            l.target("≥ 1,200 req/s, p99 ≤ 20 ms", met)
        }
        Request::Detail => {
            let l = line("consultation detail (report, transcript, events)");
            let met = l.throughput >= 1_200.0 && l.p99 <= 20.0;
            l.target("≥ 1,200 req/s, p99 ≤ 20 ms", met)
        }
        Request::Kpis => {
            let l = line("kpis, manager's team, 30 days (all 42 with series)");
            let (limit, target) = if ctx.consultations >= 1_000_000 {
                (200.0, "p99 ≤ 200 ms (1M consultations)")
            } else {
                (50.0, "p99 ≤ 50 ms")
            };
            let met = l.p99 <= limit;
            l.target(target, met)
        }
        Request::Overview => line("teamOverview, admin, 200 people, 30 days"),
        Request::Mixed => line("mixed (capacity of the soak mix)"),
    }
}

/// Each team's first board, one team after another, as managers open the dashboard before
/// `serve` has filled the KPI day cache (it starts a minute after start): timed apart, so that the
/// closed loop after it measures the boards of a running installation. No target: the issue's
/// figures are for a running service.
pub async fn first_boards(ctx: &Arc<Context>) -> Line {
    let rss = RssSampler::start(ctx.pids.clone());
    let started = std::time::Instant::now();
    let mut recorder = super::measure::Recorder::new();
    let mut teams = std::collections::HashSet::new();
    for &manager in &ctx.managers {
        if !teams.insert(ctx.teams[manager].clone()) {
            continue;
        }
        let sent = std::time::Instant::now();
        let outcome = ctx.board(manager, &ctx.servers[0]).await;
        recorder.record(sent.elapsed(), &outcome);
    }
    let run = Run {
        total: recorder,
        minutes: Vec::new(),
        elapsed: started.elapsed(),
    };
    Line::from_run(
        "kpis, each team's first board (empty day cache)",
        format!("1 client, {} teams in turn", teams.len()),
        &run,
        &rss.finish().await,
    )
}

/// The soak: the mix at `soak_share` of `capacity` req/s for `settings.soak`; then every upload
/// must be analysed exactly once.
pub async fn soak(ctx: &Arc<Context>, settings: &Settings, capacity: f64) -> Result<Line> {
    ctx.uploaded.lock().await.clear();
    let rate = (capacity * settings.soak_share).max(1.0);
    let rss = RssSampler::start(ctx.pids.clone());
    let shared = Arc::clone(ctx);
    let run = open_loop(rate, settings.soak, move |i| {
        let ctx = Arc::clone(&shared);
        async move {
            let mut rng = rng_for(usize::MAX, i);
            ctx.mixed(&mut rng).await
        }
    })
    .await;
    let samples = rss.finish().await;
    let uploaded = ctx.uploaded.lock().await.clone();
    let analysed = analysed_once(&ctx.db, &uploaded, Duration::from_secs(120)).await;
    let mut line = Line::from_run(
        "soak: list 40 %, detail 32 %, export 8 %, rating 7 %, upload 8 %, kpis 4 %, overview 1 %",
        format!(
            "open loop, {rate:.0} req/s ({:.0} % of {capacity:.0}), {:.0} min",
            settings.soak_share * 100.0,
            settings.soak.as_secs_f64() / 60.0
        ),
        &run,
        &samples,
    );
    let (first, last) = (run.minutes.first(), run.minutes.last());
    let per_minute = samples.len() / run.minutes.len().max(1);
    let mean = |s: &[Memory], kb: fn(&Memory) -> u64| {
        s.iter().map(kb).sum::<u64>() as f64 / s.len().max(1) as f64 / 1024.0
    };
    let (first_minute, last_minute) = (
        &samples[..per_minute.min(samples.len())],
        &samples[samples.len().saturating_sub(per_minute)..],
    );
    let rss_first = mean(first_minute, |m| m.resident);
    let rss_last = mean(last_minute, |m| m.resident);
    let anon_first = mean(first_minute, |m| m.anonymous);
    let anon_last = mean(last_minute, |m| m.anonymous);
    let (p99_first, p99_last) = (
        first.map_or(0.0, |m| m.quantile_ms(0.99)),
        last.map_or(0.0, |m| m.quantile_ms(0.99)),
    );
    line.notes.push(format!(
        "first minute p99 {p99_first:.1} ms, RSS {rss_first:.0} MB ({anon_first:.0} MB anonymous); last minute p99 {p99_last:.1} ms, RSS {rss_last:.0} MB ({anon_last:.0} MB anonymous)"
    ));
    let analysed_ok = match &analysed {
        Ok(n) => {
            line.notes
                .push(format!("{n} uploads, each analysed exactly once"));
            true
        }
        Err(e) => {
            line.notes.push(format!("uploads: {e:#}"));
            false
        }
    };
    // Flat: the last minute's p99 and memory within 50 % (and 5 ms / 30 MB) of the first's. The
    // memory judged is the anonymous part: the file-backed rest grows as SQLite's memory map
    // touches more of the database file, page cache bounded by the map's size.
    let flat = p99_last <= (p99_first * 1.5).max(p99_first + 5.0)
        && anon_last <= (anon_first * 1.5).max(anon_first + 30.0);
    Ok(line.target(
        "0 errors, p99 and RSS flat, every upload analysed once",
        flat && analysed_ok,
    ))
}

/// Waits until every consultation of `ids` is completed, then checks each has exactly one analysis.
async fn analysed_once(
    db: &sea_orm::DatabaseConnection,
    ids: &[String],
    limit: Duration,
) -> Result<usize> {
    let started = Instant::now();
    loop {
        let mut pending = 0;
        for chunk in ids.chunks(500) {
            pending += consultations::Entity::find()
                .filter(consultations::Column::Id.is_in(chunk.iter().cloned()))
                .filter(consultations::Column::Status.ne("completed"))
                .all(db)
                .await?
                .len();
        }
        if pending == 0 {
            break;
        }
        if started.elapsed() > limit {
            bail!(
                "{pending} of {} uploads not analysed after {limit:?}",
                ids.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut per_consultation: HashMap<String, usize> = HashMap::new();
    for chunk in ids.chunks(500) {
        for analysis in analyses::Entity::find()
            .filter(analyses::Column::ConsultationId.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            *per_consultation
                .entry(analysis.consultation_id)
                .or_default() += 1;
        }
    }
    let twice = per_consultation.values().filter(|&&n| n > 1).count();
    ensure!(twice == 0, "{twice} uploads were analysed more than once");
    ensure!(
        per_consultation.len() == ids.len(),
        "{} uploads have no analysis",
        ids.len() - per_consultation.len()
    );
    Ok(ids.len())
}

/// What one subscriber saw.
struct Heard {
    id: String,
    seqs: Vec<i64>,
    terminal: Option<String>,
    latency: Duration,
}

/// `subscribers` WebSocket clients connect and stay connected; uploads arrive at `upload_rate`
/// per second, one per subscriber, each subscribed at once on its socket (in a scaled-out
/// deployment the upload goes to one server and the subscription to the other). Every subscriber
/// must receive every stored event of its consultation, in order, ending with `COMPLETED`.
pub async fn fan_out(ctx: &Arc<Context>, settings: &Settings) -> Result<Line> {
    let count = settings.subscribers;
    let owner = |k: usize| ctx.counselors[k % ctx.counselors.len()];
    let mut sockets = Vec::with_capacity(count);
    for start in (0..count).step_by(100) {
        let batch = (start..count.min(start + 100)).map(|k| {
            let port = ctx.ports[k % ctx.ports.len()];
            let token = ctx.tokens.users[owner(k)].clone();
            async move { WsClient::connect(port, &token).await }
        });
        for socket in futures_util::future::join_all(batch).await {
            sockets.push(socket.context("connecting a subscriber")?);
        }
    }
    let rss = RssSampler::start(ctx.pids.clone());
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / settings.upload_rate.max(0.001));
    let mut tasks = tokio::task::JoinSet::new();
    for (k, mut socket) in sockets.into_iter().enumerate() {
        let ctx = Arc::clone(ctx);
        let user = owner(k);
        tasks.spawn(async move {
            tokio::time::sleep_until((started + interval.mul_f64(k as f64)).into()).await;
            let mut rng = rng_for(k, 0);
            let sent = Instant::now();
            let base = &ctx.servers[(k + 1) % ctx.servers.len()];
            let id = upload(
                &ctx.http,
                base,
                &ctx.tokens.users[user],
                "fan-out.txt",
                ctx.upload_text(&mut rng),
            )
            .await?;
            socket.subscribe("p", PROGRESS, json!({"id": id})).await?;
            let mut heard = Heard {
                id,
                seqs: Vec::new(),
                terminal: None,
                latency: Duration::ZERO,
            };
            loop {
                let message = tokio::time::timeout(Duration::from_secs(120), socket.next_json())
                    .await
                    .context("no event for 120 s")??;
                match message["type"].as_str() {
                    Some("next") => {
                        let event = &message["payload"]["data"]["analysisProgress"];
                        heard.seqs.push(event["seq"].as_i64().unwrap_or(-1));
                        if let Some(stage @ ("COMPLETED" | "FAILED")) = event["stage"].as_str() {
                            heard.terminal = Some(stage.to_owned());
                            heard.latency = sent.elapsed();
                        }
                    }
                    Some("complete") => break,
                    Some("ping") => socket.send_json(json!({"type": "pong"})).await?,
                    _ => bail!("unexpected message {message}"),
                }
            }
            // Stay connected until every subscriber is done, as a browser tab would.
            Ok::<_, anyhow::Error>((heard, socket))
        });
    }
    let mut heard = Vec::new();
    let mut failures = Vec::new();
    let mut open = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok((h, socket))) => {
                heard.push(h);
                open.push(socket);
            }
            Ok(Err(e)) => failures.push(format!("{e:#}")),
            Err(e) => failures.push(e.to_string()),
        }
    }
    let elapsed = started.elapsed();
    let samples = rss.finish().await;
    drop(open);
    // Compare with what was stored.
    let mut stored: HashMap<String, Vec<i64>> = HashMap::new();
    let ids: Vec<String> = heard.iter().map(|h| h.id.clone()).collect();
    for chunk in ids.chunks(500) {
        for event in job_events::Entity::find()
            .filter(job_events::Column::ConsultationId.is_in(chunk.iter().cloned()))
            .all(&ctx.db)
            .await?
        {
            stored
                .entry(event.consultation_id)
                .or_default()
                .push(i64::from(event.seq));
        }
    }
    let mut lost = 0_u64;
    let mut recorder = Recorder::new();
    let mut events = 0_u64;
    for h in &heard {
        let mut expected = stored.get(&h.id).cloned().unwrap_or_default();
        expected.sort_unstable();
        events += h.seqs.len() as u64;
        let missing = expected.iter().filter(|s| !h.seqs.contains(s)).count() as u64;
        let in_order = h.seqs.windows(2).all(|w| w[0] < w[1]);
        let outcome = if missing == 0 && in_order && h.terminal.as_deref() == Some("COMPLETED") {
            Ok(())
        } else {
            Err(anyhow::anyhow!(
                "{}: heard {:?}, stored {:?}, terminal {:?}",
                h.id,
                h.seqs,
                expected,
                h.terminal
            ))
        };
        lost += missing;
        recorder.record(h.latency, &outcome);
    }
    for failure in &failures {
        recorder.record(Duration::ZERO, &Err(anyhow::anyhow!("{failure}")));
    }
    let run = Run {
        total: recorder,
        minutes: Vec::new(),
        elapsed,
    };
    let mut line = Line::from_run(
        "WebSocket fan-out: upload → every progress event → COMPLETED",
        format!(
            "{count} subscribers connected throughout, {:.0} uploads/s",
            settings.upload_rate
        ),
        &run,
        &samples,
    );
    line.requests = heard.len() as u64;
    line.throughput = heard.len() as f64 / elapsed.as_secs_f64().max(1e-9);
    line.notes.insert(
        0,
        format!(
            "{events} events received, {lost} lost, {} subscribers failed; latency is upload request → COMPLETED seen",
            failures.len()
        ),
    );
    // Bounded: the anonymous memory (see the soak) grew by less than 400 MB.
    let (first, peak, _) = line.anon;
    let bounded = peak <= first + 400.0;
    Ok(line.target(
        "every event delivered, none lost, RSS bounded",
        lost == 0 && failures.is_empty() && bounded && heard.len() == count,
    ))
}

/// The results as a Markdown table with notes.
#[must_use]
pub fn markdown(title: &str, lines: &[Line]) -> String {
    let mut out = format!(
        "#### {title}\n\n| scenario | load | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server RSS MB, start / peak / end (anonymous) | target |\n|---|---|---|---|---|---|---|---|---|---|\n"
    );
    for l in lines {
        let verdict = match l.met {
            Some(true) => format!("{}: **met**", l.target),
            Some(false) => format!("{}: **not met**", l.target),
            None => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.0} / {:.0} / {:.0} ({:.0} / {:.0} / {:.0}) | {verdict} |",
            l.scenario,
            l.how,
            l.requests,
            l.throughput,
            l.p50,
            l.p95,
            l.p99,
            l.errors,
            l.rss.0,
            l.rss.1,
            l.rss.2,
            l.anon.0,
            l.anon.1,
            l.anon.2
        );
    }
    let notes: Vec<String> = lines
        .iter()
        .flat_map(|l| {
            l.notes
                .iter()
                .map(move |n| format!("- {}: {n}", l.scenario))
        })
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out
}
