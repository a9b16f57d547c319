//! The process's metrics, in one Prometheus registry: `/metrics` encodes it, and the sampler
//! ([`super::sampler`]) reads the same counters to store per-interval deltas for the KPIs, so
//! the dashboard and Prometheus never disagree.
//!
//! The registry is process-global (as Prometheus clients are), so the HTTP middleware, the
//! WebSocket transport and the error mapping can count without threading a handle through.

use std::sync::LazyLock;

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
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
}

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
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(http_errors.clone()))?;
        registry.register(Box::new(ws_connections.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(Self {
            registry,
            http_duration,
            http_errors,
            ws_connections,
        })
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
