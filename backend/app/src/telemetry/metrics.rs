//! The process's metrics, in one Prometheus registry: `/metrics` encodes it, and the sampler
//! ([`super::sampler`]) reads the same counters to store per-interval deltas for the KPIs, so
//! the dashboard and Prometheus never disagree.
//!
//! The registry is process-global (as Prometheus clients are), so the HTTP middleware, the
//! WebSocket transport and the error mapping can count without threading a handle through.

use std::sync::LazyLock;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

/// The metrics every process exports.
pub struct Metrics {
    registry: Registry,
    /// Duration of API requests (`/graphql` over HTTP), seconds; its count is the number of
    /// requests and its sum their total time.
    pub http_duration: Histogram,
    /// API requests answered with a server error: a 5xx status, or an `INTERNAL` GraphQL error.
    pub http_errors: IntCounter,
    /// GraphQL subscription connections, by outcome (`attempted`, `acknowledged`).
    pub ws_connections: IntCounterVec,
    /// GraphQL WebSocket connections open now.
    pub ws_open: IntGauge,
    /// Time spent in each pipeline stage, seconds, by stage.
    pub stage_duration: HistogramVec,
    /// Jobs by status (`queued`, `running`), measured when scraped.
    pub jobs: IntGaugeVec,
    /// Age of the oldest queued job, seconds, measured when scraped.
    pub oldest_queued_age: IntGauge,
    /// LLM provider calls, by provider and outcome (`ok` or the failure's status code).
    pub llm_calls: IntCounterVec,
    /// LLM provider call latency (retries and waits included), seconds, by provider.
    pub llm_duration: HistogramVec,
    /// Object storage transfers, by operation (`upload`, `download`) and outcome (`ok`, `error`).
    pub storage_ops: IntCounterVec,
    /// Object storage transfer time, seconds, by operation.
    pub storage_duration: HistogramVec,
}

/// Latency buckets for work measured in seconds to minutes (stages, LLM calls).
const SLOW_BUCKETS: [f64; 12] = [
    0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

impl Metrics {
    fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("consult_coach".into()), None)?;
        let http_duration = Histogram::with_opts(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Duration of GraphQL HTTP requests",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
        )?;
        let http_errors = IntCounter::with_opts(Opts::new(
            "http_request_errors_total",
            "GraphQL requests answered with a server error (5xx or INTERNAL)",
        ))?;
        let ws_connections = IntCounterVec::new(
            Opts::new(
                "subscription_connections_total",
                "GraphQL WebSocket connections by outcome (attempted, acknowledged)",
            ),
            &["outcome"],
        )?;
        let ws_open = IntGauge::new(
            "subscription_connections_open",
            "GraphQL WebSocket connections open now",
        )?;
        let stage_duration = HistogramVec::new(
            HistogramOpts::new(
                "pipeline_stage_duration_seconds",
                "Time spent in each analysis pipeline stage",
            )
            .buckets(SLOW_BUCKETS.to_vec()),
            &["stage"],
        )?;
        let jobs = IntGaugeVec::new(
            Opts::new("jobs", "Jobs in the queue by status, when scraped"),
            &["status"],
        )?;
        let oldest_queued_age = IntGauge::new(
            "jobs_oldest_queued_age_seconds",
            "Age of the oldest queued job, when scraped",
        )?;
        let llm_calls = IntCounterVec::new(
            Opts::new(
                "llm_calls_total",
                "LLM provider calls by provider and outcome",
            ),
            &["provider", "outcome"],
        )?;
        let llm_duration = HistogramVec::new(
            HistogramOpts::new(
                "llm_call_duration_seconds",
                "LLM provider call latency, retries and waits included",
            )
            .buckets(SLOW_BUCKETS.to_vec()),
            &["provider"],
        )?;
        let storage_ops = IntCounterVec::new(
            Opts::new(
                "storage_operations_total",
                "Object storage transfers by operation and outcome",
            ),
            &["op", "outcome"],
        )?;
        let storage_duration = HistogramVec::new(
            HistogramOpts::new(
                "storage_operation_duration_seconds",
                "Object storage transfer time",
            ),
            &["op"],
        )?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(http_errors.clone()))?;
        registry.register(Box::new(ws_connections.clone()))?;
        registry.register(Box::new(ws_open.clone()))?;
        registry.register(Box::new(stage_duration.clone()))?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(oldest_queued_age.clone()))?;
        registry.register(Box::new(llm_calls.clone()))?;
        registry.register(Box::new(llm_duration.clone()))?;
        registry.register(Box::new(storage_ops.clone()))?;
        registry.register(Box::new(storage_duration.clone()))?;
        // Every known series starts at zero, so dashboards and `rate()` see it before it moves.
        for outcome in ["attempted", "acknowledged"] {
            ws_connections.with_label_values(&[outcome]);
        }
        for stage in [
            "decoding",
            "transcribing",
            "redacting",
            "analyzing",
            "storing",
        ] {
            stage_duration.with_label_values(&[stage]);
        }
        for status in ["queued", "running"] {
            jobs.with_label_values(&[status]);
        }
        for provider in ["gemini", "openai"] {
            llm_calls.with_label_values(&[provider, "ok"]);
            llm_duration.with_label_values(&[provider]);
        }
        for op in ["upload", "download"] {
            for outcome in ["ok", "error"] {
                storage_ops.with_label_values(&[op, outcome]);
            }
            storage_duration.with_label_values(&[op]);
        }
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(Self {
            registry,
            http_duration,
            http_errors,
            ws_connections,
            ws_open,
            stage_duration,
            jobs,
            oldest_queued_age,
            llm_calls,
            llm_duration,
            storage_ops,
            storage_duration,
        })
    }

    /// Counts one LLM call that took `latency` and ended with `outcome` (`ok` or a status code).
    pub fn llm_call(&self, provider: &str, outcome: &str, latency: std::time::Duration) {
        self.llm_calls.with_label_values(&[provider, outcome]).inc();
        self.llm_duration
            .with_label_values(&[provider])
            .observe(latency.as_secs_f64());
    }

    /// Counts one storage transfer.
    pub fn storage_op(&self, op: &str, ok: bool, duration: std::time::Duration) {
        self.storage_ops
            .with_label_values(&[op, if ok { "ok" } else { "error" }])
            .inc();
        self.storage_duration
            .with_label_values(&[op])
            .observe(duration.as_secs_f64());
    }

    /// Counts one subscription connection that was upgraded.
    pub fn ws_attempted(&self) {
        self.ws_connections.with_label_values(&["attempted"]).inc();
    }

    /// Counts one subscription connection that was acknowledged.
    pub fn ws_acknowledged(&self) {
        self.ws_connections
            .with_label_values(&["acknowledged"])
            .inc();
    }

    /// The counters the sampler stores, as totals since the process started.
    pub fn totals(&self) -> Totals {
        Totals {
            requests: self.http_duration.get_sample_count(),
            request_ms: (self.http_duration.get_sample_sum() * 1000.0).round() as u64,
            errors: self.http_errors.get(),
            ws_attempts: self.ws_connections.with_label_values(&["attempted"]).get(),
            ws_acked: self
                .ws_connections
                .with_label_values(&["acknowledged"])
                .get(),
        }
    }

    /// The registry in Prometheus' text format.
    pub fn encode(&self) -> String {
        let mut out = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(%error, "could not encode metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Times the stages of one pipeline run: each call to [`StageTimer::next`] records how long the
/// previous stage took.
pub struct StageTimer {
    stage: &'static str,
    since: std::time::Instant,
}

impl StageTimer {
    /// Starts timing `stage`.
    pub fn start(stage: &'static str) -> Self {
        Self {
            stage,
            since: std::time::Instant::now(),
        }
    }

    /// Records the current stage's time and starts timing `stage`.
    pub fn next(&mut self, stage: &'static str) {
        METRICS
            .stage_duration
            .with_label_values(&[self.stage])
            .observe(self.since.elapsed().as_secs_f64());
        *self = Self::start(stage);
    }

    /// Records the current (last) stage's time.
    pub fn finish(mut self) {
        self.next("done");
    }
}

/// Counts an open WebSocket connection until dropped.
pub struct OpenSocket(());

impl OpenSocket {
    /// Counts one more open connection.
    pub fn open() -> Self {
        METRICS.ws_open.inc();
        Self(())
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        METRICS.ws_open.dec();
    }
}

/// Counter totals since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// API requests.
    pub requests: u64,
    /// Their total duration, milliseconds.
    pub request_ms: u64,
    /// Of those, server errors.
    pub errors: u64,
    /// Subscription connections upgraded.
    pub ws_attempts: u64,
    /// Subscription connections acknowledged.
    pub ws_acked: u64,
}

impl std::ops::Add for Totals {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            requests: self.requests + other.requests,
            request_ms: self.request_ms + other.request_ms,
            errors: self.errors + other.errors,
            ws_attempts: self.ws_attempts + other.ws_attempts,
            ws_acked: self.ws_acked + other.ws_acked,
        }
    }
}

impl Totals {
    /// What was counted since `earlier`.
    pub fn since(self, earlier: Self) -> Self {
        Self {
            requests: self.requests.saturating_sub(earlier.requests),
            request_ms: self.request_ms.saturating_sub(earlier.request_ms),
            errors: self.errors.saturating_sub(earlier.errors),
            ws_attempts: self.ws_attempts.saturating_sub(earlier.ws_attempts),
            ws_acked: self.ws_acked.saturating_sub(earlier.ws_acked),
        }
    }
}

/// The process's metrics.
#[expect(
    clippy::expect_used,
    reason = "fixed, valid metric names registered once each cannot fail to register"
)]
pub static METRICS: LazyLock<Metrics> =
    LazyLock::new(|| Metrics::new().expect("the metrics registry is built from fixed names"));

/// Sets the queue gauges from the `jobs` table (waiting and running jobs, oldest waiting age);
/// leaves them as they were when the database does not answer.
pub async fn measure_queue(db: &sea_orm::DatabaseConnection) {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let counts = db
        .query_all(Statement::from_string(
            backend,
            "SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running') GROUP BY status",
        ))
        .await;
    let oldest = db
        .query_one(Statement::from_string(
            backend,
            "SELECT MIN(created_at) AS oldest FROM jobs WHERE status = 'queued'",
        ))
        .await;
    let (Ok(counts), Ok(oldest)) = (counts, oldest) else {
        return;
    };
    for status in ["queued", "running"] {
        let n = counts
            .iter()
            .find(|r| r.try_get::<String>("", "status").is_ok_and(|s| s == status))
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        METRICS.jobs.with_label_values(&[status]).set(n);
    }
    let age = oldest
        .and_then(|r| r.try_get::<Option<i64>>("", "oldest").ok().flatten())
        .map_or(0, |at| (shared::clock::now_ms() - at).max(0) / 1000);
    METRICS.oldest_queued_age.set(age);
}
