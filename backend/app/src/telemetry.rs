//! Logging through `tracing` (human-readable by default, JSON lines when configured), the
//! process's Prometheus metrics ([`metrics`]) and the secret scanner every log line passes
//! ([`secrets`]). The sampler that stores the metrics for the KPIs is a background task
//! (`crate::tasks`).

pub mod metrics;
pub mod secrets;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogSettings;

/// Installs the global subscriber (once; later calls are ignored, which tests rely on).
pub fn init_tracing(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::NONE)
        .with_writer(secrets::ScrubbedStderr);
    let _ = if settings.json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
