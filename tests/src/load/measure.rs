//! Latency recording and the two ways of driving load: closed loop (a fixed number of clients,
//! each sending its next request when the last one is answered: capacity) and open loop (requests
//! started on a fixed schedule whatever the answers do, latency counted from the scheduled start so
//! a stall is not hidden: soak).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use hdrhistogram::Histogram;
use tokio::sync::Mutex;

use crate::Memory;

/// Latencies and outcomes of one scenario (or one minute of it).
#[derive(Clone)]
pub struct Recorder {
    histogram: Histogram<u64>,
    /// Requests answered successfully.
    pub ok: u64,
    /// Requests that failed (transport error, HTTP error, GraphQL error or wrong answer).
    pub errors: u64,
    /// The first few error messages, for the report.
    pub samples: Vec<String>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    /// An empty recorder (1 µs to 60 s, 3 significant digits).
    #[must_use]
    pub fn new() -> Self {
        Self {
            histogram: Histogram::new_with_bounds(1, 60_000_000, 3)
                .unwrap_or_else(|e| panic!("histogram bounds: {e}")),
            ok: 0,
            errors: 0,
            samples: Vec::new(),
        }
    }

    /// Records one request's outcome and latency.
    pub fn record(&mut self, latency: Duration, outcome: &Result<()>) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.histogram.saturating_record(micros.max(1));
        match outcome {
            Ok(()) => self.ok += 1,
            Err(error) => {
                self.errors += 1;
                if self.samples.len() < 5 {
                    self.samples.push(format!("{error:#}"));
                }
            }
        }
    }

    /// Adds another recorder's figures to this one.
    pub fn merge(&mut self, other: &Self) {
        let _ = self.histogram.add(&other.histogram);
        self.ok += other.ok;
        self.errors += other.errors;
        for sample in &other.samples {
            if self.samples.len() < 5 {
                self.samples.push(sample.clone());
            }
        }
    }

    /// Requests recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.ok + self.errors
    }

    /// A latency quantile in milliseconds.
    #[must_use]
    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.histogram.value_at_quantile(q) as f64 / 1000.0
    }
}

/// The outcome of a timed run.
#[derive(Clone)]
pub struct Run {
    /// Everything recorded.
    pub total: Recorder,
    /// One recorder per elapsed minute (open loop only).
    pub minutes: Vec<Recorder>,
    /// Wall-clock length of the measured part.
    pub elapsed: Duration,
}

impl Run {
    /// Answered requests per second.
    #[must_use]
    pub fn throughput(&self) -> f64 {
        self.total.count() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs `clients` loops of `request(client, i)` for `warmup` (not recorded), then for `duration`.
pub async fn closed_loop<F, Fut>(
    clients: usize,
    warmup: Duration,
    duration: Duration,
    request: F,
) -> Run
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let request = Arc::new(request);
    let recording = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for client in 0..clients {
        let request = Arc::clone(&request);
        let recording = Arc::clone(&recording);
        let stop = Arc::clone(&stop);
        tasks.push(tokio::spawn(async move {
            let mut recorder = Recorder::new();
            let mut i = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let outcome = request(client, i).await;
                if recording.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
                    recorder.record(started.elapsed(), &outcome);
                }
                i += 1;
            }
            recorder
        }));
    }
    tokio::time::sleep(warmup).await;
    recording.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let mut total = Recorder::new();
    for task in tasks {
        if let Ok(recorder) = task.await {
            total.merge(&recorder);
        }
    }
    Run {
        total,
        minutes: Vec::new(),
        elapsed,
    }
}

/// Starts `request(i)` at `rate` per second for `duration`, each as its own task (so a slow answer
/// never delays the schedule), and records each from its scheduled start; per-minute recorders too.
pub async fn open_loop<F, Fut>(rate: f64, duration: Duration, request: F) -> Run
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let request = Arc::new(request);
    let minutes = (duration.as_secs().div_ceil(60)).max(1) as usize;
    let recorders = Arc::new(Mutex::new(vec![Recorder::new(); minutes]));
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let started = Instant::now();
    let issued = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let mut i = 0_u64;
    loop {
        let scheduled = started + interval.mul_f64(i as f64);
        if scheduled.duration_since(started) >= duration {
            break;
        }
        tokio::time::sleep_until(scheduled.into()).await;
        let request = Arc::clone(&request);
        let recorders = Arc::clone(&recorders);
        let issued = Arc::clone(&issued);
        let minute = (scheduled.duration_since(started).as_secs() / 60) as usize;
        tasks.spawn(async move {
            issued.fetch_add(1, Ordering::Relaxed);
            let outcome = request(i).await;
            let latency = scheduled.elapsed();
            let mut recorders = recorders.lock().await;
            if let Some(recorder) = recorders.get_mut(minute.min(minutes - 1)) {
                recorder.record(latency, &outcome);
            }
        });
        // Reap finished tasks as we go so the set stays small.
        while tasks.try_join_next().is_some() {}
        i += 1;
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started
        .elapsed()
        .min(duration.max(Duration::from_millis(1)));
    let minutes = recorders.lock().await.clone();
    let mut total = Recorder::new();
    for minute in &minutes {
        total.merge(minute);
    }
    Run {
        total,
        minutes,
        elapsed,
    }
}

/// Samples the servers' resident memory every second until stopped.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Vec<Memory>>,
}

impl RssSampler {
    /// Starts sampling the processes `pids` (their memory summed).
    #[must_use]
    pub fn start(pids: Vec<u32>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let task = tokio::spawn(async move {
            let mut samples = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                let sample = pids.iter().filter_map(|&p| crate::memory_kb(p)).fold(
                    Memory::default(),
                    |sum, m| Memory {
                        resident: sum.resident + m.resident,
                        anonymous: sum.anonymous + m.anonymous,
                    },
                );
                samples.push(sample);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            samples
        });
        Self { stop, task }
    }

    /// Stops and returns every sample, one per second.
    pub async fn finish(self) -> Vec<Memory> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_default()
    }
}

/// First, peak and last of memory samples, in MB: all resident pages, then the anonymous part.
#[must_use]
pub fn rss_summary(samples: &[Memory]) -> ((f64, f64, f64), (f64, f64, f64)) {
    let mb = |kb: u64| kb as f64 / 1024.0;
    let summary = |kb: fn(&Memory) -> u64| {
        (
            samples.first().map_or(0.0, |m| mb(kb(m))),
            samples.iter().map(kb).max().map_or(0.0, mb),
            samples.last().map_or(0.0, |m| mb(kb(m))),
        )
    };
    (summary(|m| m.resident), summary(|m| m.anonymous))
}

/// CPU time (user + system) of a process in seconds, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces): state is the 3rd field overall,
    // utime the 14th and stime the 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel reports clock ticks of USER_HZ, 100 on Linux.
    Some(ticks as f64 / 100.0)
}

/// CPU time spent by the servers and by the harness itself over a measurement.
pub struct CpuMeter {
    pids: Vec<u32>,
    servers: f64,
    harness: f64,
}

impl CpuMeter {
    /// Starts measuring the processes `pids` and this one.
    #[must_use]
    pub fn start(pids: Vec<u32>) -> Self {
        let servers = pids
            .iter()
            .filter_map(|p| cpu_seconds(&p.to_string()))
            .sum();
        Self {
            pids,
            servers,
            harness: cpu_seconds("self").unwrap_or(0.0),
        }
    }

    /// CPU seconds since the start: (servers, harness).
    #[must_use]
    pub fn finish(&self) -> (f64, f64) {
        let servers: f64 = self
            .pids
            .iter()
            .filter_map(|p| cpu_seconds(&p.to_string()))
            .sum();
        (
            servers - self.servers,
            cpu_seconds("self").unwrap_or(0.0) - self.harness,
        )
    }
}
