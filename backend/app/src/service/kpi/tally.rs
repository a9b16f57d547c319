//! Additive day figures: every KPI is a ratio, an average or a count of sums that can be added
//! across days, so one set of per-day sums gives both a range's value and its daily series (and
//! are cached per settled day by `daycache` without changing any formula).

use std::ops::AddAssign;

use serde::{Deserialize, Serialize};

/// A sum and the number of values in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// Sum of the values.
    pub sum: f64,
    /// Number of values.
    pub n: i64,
}

impl Mean {
    /// The mean, when there is at least one value.
    pub fn value(self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

impl AddAssign for Mean {
    fn add_assign(&mut self, other: Self) {
        self.sum += other.sum;
        self.n += other.n;
    }
}

/// The file types, in the catalogue's order.
pub const FILE_TYPES: [&str; 3] = ["text", "audio", "video"];

/// Index of a stored file type in [`FILE_TYPES`].
pub fn file_type_index(file_type: &str) -> Option<usize> {
    FILE_TYPES.iter().position(|t| *t == file_type)
}

/// One day's (or a range's) additive figures. Serialised into `kpi_day_cache`: a field added
/// later reads as its default from older rows (`serde(default)`), so the cache stays valid
/// (clear it with `consult-coach kpi rebuild` when the new field must be filled in).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    /// Uploads, per file type.
    pub uploads: [i64; 3],
    /// Of those, completed, per file type.
    pub completed: [i64; 3],
    /// Of those, failed for good, per file type.
    pub failed: [i64; 3],
    /// Upload → completion of completed uploads, ms, per file type.
    pub processing_ms: [Mean; 3],
    /// Upload → first processing start, ms.
    pub queue_wait_ms: Mean,
    /// Uploads that are re-analyses.
    pub reanalyses: i64,
    /// Analyses stored.
    pub analyses: i64,
    /// Their result length, characters.
    pub result_chars: Mean,
    /// Analyses with at least one improvement item.
    pub with_improvements: i64,
    /// Improvement items per analysis.
    pub improvement_items: Mean,
    /// Analyses whose coverage is known.
    pub coverage_known: i64,
    /// Of those, analyses explaining all three categories.
    pub covered_all: i64,
    /// Change of an analysis' overall score against its counselor's baseline, percent.
    pub score_change_pct: Mean,
    /// The same per category: attitude, problem solving, communication.
    pub category_change_pct: [Mean; 3],
    /// Improvement items flagged that later consultations followed up.
    pub items_followed: i64,
    /// Of those, improved.
    pub items_improved: i64,
    /// Counselors' ratings, 1-5.
    pub rating: Mean,
    /// LLM calls.
    pub llm_calls: i64,
    /// Of those, answered with HTTP 2xx.
    pub llm_ok: i64,
    /// Of those, retried at least once.
    pub llm_retried: i64,
    /// LLM call latency, ms.
    pub llm_latency_ms: Mean,
    /// Uploads to object storage.
    pub storage_uploads: i64,
    /// Of those, succeeded.
    pub storage_uploads_ok: i64,
    /// Downloads from object storage.
    pub storage_downloads: i64,
    /// Of those, succeeded.
    pub storage_downloads_ok: i64,
    /// Survey satisfaction, 1-5.
    pub survey_satisfaction: Mean,
    /// Survey recommendation, 0-10.
    pub survey_nps: Mean,
    /// Answers of 9-10.
    pub promoters: i64,
    /// Answers of 0-6.
    pub detractors: i64,
    /// Survey time saved, percent.
    pub survey_time_saved: Mean,
    /// Survey perceived quality, 1-5.
    pub survey_quality: Mean,
    /// Completed consultations.
    pub completed_reports: i64,
    /// Of those, downloaded or shared.
    pub utilised_reports: i64,
    /// API requests.
    pub requests: i64,
    /// Of those, server errors.
    pub request_errors: i64,
    /// Their total duration, ms.
    pub request_ms: f64,
    /// Subscription connections upgraded.
    pub ws_attempts: i64,
    /// Of those, acknowledged.
    pub ws_acked: i64,
    /// Minutes in which a serve process answered its health check.
    pub up_minutes: i64,
    /// Process CPU use, percent.
    pub cpu_pct: Mean,
    /// Process resident memory over the machine's, percent.
    pub mem_pct: Mean,
    /// Jobs waiting, as sampled.
    pub queue_length: Mean,
    /// Successful database backups.
    pub backups_ok: i64,
    /// Secrets found by the scanner.
    pub key_exposures: i64,
}

impl AddAssign<&Tally> for Tally {
    fn add_assign(&mut self, o: &Tally) {
        for i in 0..3 {
            self.uploads[i] += o.uploads[i];
            self.completed[i] += o.completed[i];
            self.failed[i] += o.failed[i];
            self.processing_ms[i] += o.processing_ms[i];
            self.category_change_pct[i] += o.category_change_pct[i];
        }
        self.queue_wait_ms += o.queue_wait_ms;
        self.reanalyses += o.reanalyses;
        self.analyses += o.analyses;
        self.result_chars += o.result_chars;
        self.with_improvements += o.with_improvements;
        self.improvement_items += o.improvement_items;
        self.coverage_known += o.coverage_known;
        self.covered_all += o.covered_all;
        self.score_change_pct += o.score_change_pct;
        self.items_followed += o.items_followed;
        self.items_improved += o.items_improved;
        self.rating += o.rating;
        self.llm_calls += o.llm_calls;
        self.llm_ok += o.llm_ok;
        self.llm_retried += o.llm_retried;
        self.llm_latency_ms += o.llm_latency_ms;
        self.storage_uploads += o.storage_uploads;
        self.storage_uploads_ok += o.storage_uploads_ok;
        self.storage_downloads += o.storage_downloads;
        self.storage_downloads_ok += o.storage_downloads_ok;
        self.survey_satisfaction += o.survey_satisfaction;
        self.survey_nps += o.survey_nps;
        self.promoters += o.promoters;
        self.detractors += o.detractors;
        self.survey_time_saved += o.survey_time_saved;
        self.survey_quality += o.survey_quality;
        self.completed_reports += o.completed_reports;
        self.utilised_reports += o.utilised_reports;
        self.requests += o.requests;
        self.request_errors += o.request_errors;
        self.request_ms += o.request_ms;
        self.ws_attempts += o.ws_attempts;
        self.ws_acked += o.ws_acked;
        self.up_minutes += o.up_minutes;
        self.cpu_pct += o.cpu_pct;
        self.mem_pct += o.mem_pct;
        self.queue_length += o.queue_length;
        self.backups_ok += o.backups_ok;
        self.key_exposures += o.key_exposures;
    }
}

impl Tally {
    /// All uploads.
    pub fn all_uploads(&self) -> i64 {
        self.uploads.iter().sum()
    }

    /// Completed and failed uploads.
    pub fn finished(&self) -> (i64, i64) {
        (self.completed.iter().sum(), self.failed.iter().sum())
    }
}

/// `part` over `whole` in percent; `None` without a whole.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}
