//! Turns [`Records`] into every catalogue KPI's value over the range and per day, each compared
//! with the sheet's target.
//!
//! A point of the daily series is the KPI over that day, except the rolling ones: weekly uploads
//! and WAU look at the 7 days ending on the day, monthly uploads at the 30 days ending on it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shared::kpi::{CATALOGUE, Kpi, KpiStatus, KpiValue};

use super::sources::{Records, Window};
use super::tally::{Mean, Tally, percent};

/// Settings the evaluation needs.
#[derive(Debug, Clone, Copy)]
pub struct EvalSettings {
    /// The LLM provider's daily call quota.
    pub llm_daily_quota: Option<f64>,
    /// The database size budget the queue's share is measured against, bytes.
    pub db_budget_bytes: f64,
    /// Now, epoch ms (uptime is not counted in the future).
    pub now_ms: i64,
    /// How often processes store a sample, ms.
    pub sample_interval_ms: i64,
}

/// One day of a KPI's series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The day (days since the epoch, in the configured offset).
    pub day: i64,
    /// The value, when there was data.
    pub value: Option<KpiValue>,
}

/// A KPI over a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The catalogue entry.
    pub kpi: &'static Kpi,
    /// The value, when there was data.
    pub value: Option<KpiValue>,
    /// How it compares with the target.
    pub status: KpiStatus,
    /// How many records it is computed from.
    pub sample_size: i64,
    /// Whether a team or counselor filter applies to it (system figures are organisation-wide).
    pub scoped: bool,
    /// Figures reported beside the value (the net promoter score beside the average answer,
    /// the two sources of satisfaction, managers' perceived quality).
    pub details: Vec<(&'static str, Option<f64>)>,
    /// Its daily series.
    pub series: Vec<Point>,
}

/// KPIs measured on the system as a whole: a team or counselor filter does not change them.
const SYSTEM_WIDE: [&str; 14] = [
    "api_response_time",
    "uptime",
    "error_rate",
    "subscription_connection_success",
    "queue_length",
    "queue_memory",
    "server_cpu",
    "server_memory",
    "db_size",
    "storage_upload_success",
    "file_download_success",
    "vulnerabilities",
    "backup_frequency",
    "key_exposures",
];

/// Whether a team or counselor filter applies to `kpi_id`.
pub fn is_scoped(kpi_id: &str) -> bool {
    !SYSTEM_WIDE.contains(&kpi_id)
}

/// Days `first..=last`.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: i64,
    last: i64,
}

impl Span {
    fn days(self) -> f64 {
        (self.last - self.first + 1) as f64
    }
}

struct Evaluator<'a> {
    records: &'a Records,
    window: Window,
    settings: EvalSettings,
    /// Sums already added up, by span: every KPI looks at the same few spans.
    tallies: RefCell<HashMap<(i64, i64), Rc<Tally>>>,
    /// Distinct uploaders by (first day, last day).
    uploaders: RefCell<HashMap<(i64, i64), usize>>,
}

/// A value and the number of records behind it.
type Figure = (Option<KpiValue>, i64);

fn scalar(value: Option<f64>, sample: i64) -> Figure {
    (value.map(KpiValue::Scalar), sample)
}

fn from_mean(mean: Mean, scale: f64) -> Figure {
    scalar(mean.value().map(|v| v * scale), mean.n)
}

fn ratio(part: i64, whole: i64) -> Figure {
    scalar(percent(part, whole), whole)
}

impl Evaluator<'_> {
    fn tally(&self, span: Span) -> Rc<Tally> {
        if let Some(known) = self.tallies.borrow().get(&(span.first, span.last)) {
            return known.clone();
        }
        let mut total = Tally::default();
        for (_, day) in self.records.days.range(span.first..=span.last) {
            total += day;
        }
        let total = Rc::new(total);
        self.tallies
            .borrow_mut()
            .insert((span.first, span.last), total.clone());
        total
    }

    /// The span a point of `kpi_id` on `day` covers.
    fn point_span(kpi_id: &str, day: i64) -> Span {
        let back = match kpi_id {
            "weekly_uploads" => 6,
            "monthly_uploads" => 29,
            _ => 0,
        };
        Span {
            first: day - back,
            last: day,
        }
    }

    fn distinct_uploaders(&self, span: Span) -> usize {
        if let Some(known) = self.uploaders.borrow().get(&(span.first, span.last)) {
            return *known;
        }
        let mut users = std::collections::HashSet::new();
        for (_, day) in self.records.uploaders.range(span.first..=span.last) {
            users.extend(day.iter());
        }
        self.uploaders
            .borrow_mut()
            .insert((span.first, span.last), users.len());
        users.len()
    }

    fn latest<T: Copy>(map: &std::collections::BTreeMap<i64, T>, span: Span) -> Option<T> {
        map.range(span.first..=span.last)
            .next_back()
            .map(|(_, v)| *v)
    }

    fn evaluate(&self, kpi_id: &str, span: Span) -> Figure {
        let t = self.tally(span);
        let days = span.days();
        let uploads = t.all_uploads();
        let per_period = |period: f64| scalar(Some(uploads as f64 / days * period), uploads);
        let (completed, failed) = t.finished();
        match kpi_id {
            "daily_uploads" => per_period(1.0),
            "weekly_uploads" => per_period(7.0),
            "monthly_uploads" => per_period(30.0),
            "file_type_mix" => {
                let share = |i: usize| percent(t.uploads[i], uploads);
                let value = (uploads > 0).then(|| KpiValue::PerFileType {
                    text: share(0),
                    audio: share(1),
                    video: share(2),
                });
                (value, uploads)
            }
            "dau" | "wau" => {
                let back = if kpi_id == "wau" { 6 } else { 0 };
                let counts: Vec<usize> = (span.first..=span.last)
                    .map(|d| {
                        self.distinct_uploaders(Span {
                            first: d - back,
                            last: d,
                        })
                    })
                    .collect();
                let user_days: usize = counts.iter().sum();
                scalar(
                    Some(user_days as f64 / days),
                    i64::try_from(user_days).unwrap_or(i64::MAX),
                )
            }
            "return_rate" => {
                let previous: Vec<&String> = self
                    .records
                    .first_upload_day
                    .iter()
                    .filter(|(_, first)| **first < span.first)
                    .map(|(user, _)| user)
                    .collect();
                let returning = previous
                    .iter()
                    .filter(|user| {
                        self.records
                            .uploaders
                            .range(span.first..=span.last)
                            .any(|(_, day)| day.contains(**user))
                    })
                    .count();
                ratio(
                    i64::try_from(returning).unwrap_or(0),
                    i64::try_from(previous.len()).unwrap_or(0),
                )
            }
            "uploads_per_session" => {
                // Sessions end after 30 idle minutes; one spanning midnight counts on both days.
                let (events, sessions) = self
                    .records
                    .day_sessions
                    .range(span.first..=span.last)
                    .fold((0, 0), |(e, s), (_, (de, ds))| (e + de, s + ds));
                scalar(
                    (sessions > 0).then(|| events as f64 / sessions as f64),
                    sessions,
                )
            }
            "avg_processing_time" => {
                let secs = |i: usize| t.processing_ms[i].value().map(|ms| ms / 1000.0);
                let n: i64 = t.processing_ms.iter().map(|m| m.n).sum();
                let value = (n > 0).then(|| KpiValue::PerFileType {
                    text: secs(0),
                    audio: secs(1),
                    video: secs(2),
                });
                (value, n)
            }
            "analysis_success_rate" => ratio(completed, completed + failed),
            "analysis_failure_rate" => ratio(failed, completed + failed),
            "queue_wait" => from_mean(t.queue_wait_ms, 0.001),
            "api_response_time" => scalar(
                (t.requests > 0).then(|| t.request_ms / t.requests as f64),
                t.requests,
            ),
            "uptime" => self.uptime(span, t.up_minutes),
            "error_rate" => ratio(t.request_errors, t.requests),
            "subscription_connection_success" => ratio(t.ws_acked, t.ws_attempts),
            "queue_length" => from_mean(t.queue_length, 1.0),
            "queue_memory" => {
                let bytes = Self::latest(&self.records.queue_bytes, span);
                scalar(
                    bytes.map(|b| b as f64 * 100.0 / self.settings.db_budget_bytes),
                    i64::from(bytes.is_some()),
                )
            }
            "server_cpu" => from_mean(t.cpu_pct, 1.0),
            "server_memory" => from_mean(t.mem_pct, 1.0),
            "result_length" => from_mean(t.result_chars, 1.0),
            "category_coverage" => ratio(t.covered_all, t.coverage_known),
            "user_satisfaction" => {
                let mut answers = t.rating;
                answers += t.survey_satisfaction;
                from_mean(answers, 1.0)
            }
            "reanalysis_rate" => ratio(t.reanalyses, uploads),
            "llm_success_rate" => ratio(t.llm_ok, t.llm_calls),
            "llm_retry_rate" => ratio(t.llm_retried, t.llm_calls),
            "llm_response_time" => from_mean(t.llm_latency_ms, 0.001),
            "llm_daily_calls" => scalar(
                (t.llm_calls > 0).then(|| t.llm_calls as f64 / days),
                t.llm_calls,
            ),
            "improvement_derivation_rate" => ratio(t.with_improvements, t.analyses),
            "avg_improvement_items" => from_mean(t.improvement_items, 1.0),
            "quality_score_change" => from_mean(t.score_change_pct, 1.0),
            "coaching_effectiveness" => ratio(t.items_improved, t.items_followed),
            "time_saved" => from_mean(t.survey_time_saved, 1.0),
            "result_utilisation" => ratio(t.utilised_reports, t.completed_reports),
            "nps" => from_mean(t.survey_nps, 1.0),
            "db_size" => {
                let bytes = Self::latest(&self.records.db_bytes, span);
                scalar(
                    bytes.map(|b| b as f64 / (1024.0 * 1024.0)),
                    i64::from(bytes.is_some()),
                )
            }
            "stored_files" => {
                let mut stored = self.records.files_before;
                for (_, day) in self.records.days.range(self.window.first_day..=span.last) {
                    stored += day.all_uploads();
                }
                scalar(Some(stored as f64), stored)
            }
            "storage_upload_success" => ratio(t.storage_uploads_ok, t.storage_uploads),
            "file_download_success" => ratio(t.storage_downloads_ok, t.storage_downloads),
            "vulnerabilities" => {
                let end = self.window.day_start(span.last + 1);
                let last = self.records.audits.iter().rev().find(|(at, _)| *at < end);
                scalar(last.map(|(_, n)| *n as f64), i64::from(last.is_some()))
            }
            "backup_frequency" => scalar(Some(t.backups_ok as f64 / days), t.backups_ok),
            "key_exposures" => scalar(Some(t.key_exposures as f64), t.key_exposures),
            unknown => {
                tracing::warn!(kpi = unknown, "no formula for this KPI");
                (None, 0)
            }
        }
    }

    fn details(&self, kpi_id: &str, span: Span) -> Vec<(&'static str, Option<f64>)> {
        let t = self.tally(span);
        match kpi_id {
            "nps" => vec![(
                "net_promoter_score",
                percent(t.promoters - t.detractors, t.survey_nps.n),
            )],
            "user_satisfaction" => vec![
                ("counselor_rating", t.rating.value()),
                ("survey_satisfaction", t.survey_satisfaction.value()),
            ],
            "quality_score_change" => vec![
                ("attitude_change", t.category_change_pct[0].value()),
                ("problem_solving_change", t.category_change_pct[1].value()),
                ("communication_change", t.category_change_pct[2].value()),
                ("perceived_quality", t.survey_quality.value()),
            ],
            _ => Vec::new(),
        }
    }

    /// Minutes with a healthy serve process over the minutes the system was monitored in the
    /// span: from the start of the first sample's interval, up to the last interval that can
    /// have been stored by now.
    fn uptime(&self, span: Span, up_minutes: i64) -> Figure {
        let Some(first_sample) = self.records.first_sample_ms else {
            return (None, 0);
        };
        let interval = self.settings.sample_interval_ms.max(1);
        let first_interval = first_sample - interval;
        let start = self
            .window
            .day_start(span.first)
            .max(first_interval - first_interval.rem_euclid(60_000));
        let now = self.settings.now_ms;
        let end = self
            .window
            .day_start(span.last + 1)
            .min(now - now.rem_euclid(interval));
        if end <= start {
            return (None, 0);
        }
        let expected = (end - start + 59_999) / 60_000;
        scalar(
            Some((up_minutes as f64 * 100.0 / expected as f64).min(100.0)),
            expected,
        )
    }
}

/// Every catalogue KPI over `window`, with its daily series.
pub fn evaluate_all(records: &Records, window: Window, settings: EvalSettings) -> Vec<Outcome> {
    let evaluator = Evaluator {
        records,
        window,
        settings,
        tallies: RefCell::default(),
        uploaders: RefCell::default(),
    };
    let whole = Span {
        first: window.first_day,
        last: window.last_day,
    };
    CATALOGUE
        .iter()
        .map(|kpi| {
            let (value, sample_size) = evaluator.evaluate(kpi.id, whole);
            let series = (window.first_day..=window.last_day)
                .map(|day| Point {
                    day,
                    value: evaluator
                        .evaluate(kpi.id, Evaluator::point_span(kpi.id, day))
                        .0,
                })
                .collect();
            Outcome {
                kpi,
                value,
                status: kpi.status(value, settings.llm_daily_quota),
                sample_size,
                scoped: is_scoped(kpi.id),
                details: evaluator.details(kpi.id, whole),
                series,
            }
        })
        .collect()
}
