//! Settings of what the product reports: manager surveys, exports and the KPIs.

use std::path::PathBuf;

use serde::Deserialize;
use shared::settings::{InvalidSetting, check_range, invalid};

/// How often managers are asked for a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SurveyPeriod {
    /// Once a calendar month (`2026-11`).
    #[default]
    Monthly,
    /// Once a calendar quarter (`2026-Q4`).
    Quarterly,
}

/// Manager surveys.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SurveySettings {
    /// `monthly` or `quarterly` (`CONSULT_COACH__SURVEYS__PERIOD`, default `monthly`).
    pub period: SurveyPeriod,
}

/// Report exports (Markdown, PDF, JSON).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExportSettings {
    /// The TrueType/OpenType font (`.ttf`, `.otf`, `.ttc`) PDFs are written in; it must have Korean
    /// glyphs (`CONSULT_COACH__EXPORTS__PDF_FONT`, default: Debian's NanumGothic or Noto Sans CJK).
    pub pdf_font: Option<PathBuf>,
    /// The bold font for headings (`CONSULT_COACH__EXPORTS__PDF_BOLD_FONT`, default: the bold of
    /// the default font, else the regular one).
    pub pdf_bold_font: Option<PathBuf>,
}

impl ExportSettings {
    /// Checks every value.
    ///
    /// Errors: the first [`InvalidSetting`] found.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        for (key, path) in [
            ("exports.pdf_font", &self.pdf_font),
            ("exports.pdf_bold_font", &self.pdf_bold_font),
        ] {
            if let Some(path) = path
                && !path.is_file()
            {
                return Err(invalid(key, "must name an existing font file"));
            }
        }
        Ok(())
    }
}

/// How the KPIs are measured and reported.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiSettings {
    /// Seconds between the samples every process stores of its requests, health, CPU and memory
    /// (`CONSULT_COACH__KPI__SAMPLE_INTERVAL_SECS`, default 60, 1-60).
    pub sample_interval_secs: u64,
    /// Days raw samples are kept once rolled up into quarter-hours; the KPIs read the rollups
    /// (`CONSULT_COACH__KPI__SAMPLE_RETENTION_DAYS`, default 14, 1-3650).
    pub sample_retention_days: u32,
    /// The offset from UTC of the days KPIs are counted in, minutes
    /// (`CONSULT_COACH__KPI__UTC_OFFSET_MINUTES`, default 540: Korea Standard Time).
    pub utc_offset_minutes: i32,
    /// Days after a flagged improvement item in which later consultations of the same counselor
    /// decide whether it improved (`CONSULT_COACH__KPI__COACHING_WINDOW_DAYS`, default 30).
    pub coaching_window_days: u32,
    /// The LLM provider's daily call quota the daily-calls KPI is compared with; none: no limit
    /// (`CONSULT_COACH__KPI__LLM_DAILY_QUOTA`).
    pub llm_daily_quota: Option<u64>,
    /// The database size budget in MiB the queue's share is measured against (the sheet's Redis
    /// memory) (`CONSULT_COACH__KPI__DB_BUDGET_MB`, default 100, the sheet's database target).
    pub db_budget_mb: u64,
    /// Whether `serve` writes last week's KPI report on its own once the week is over
    /// (`CONSULT_COACH__KPI__WEEKLY_REPORTS`, default true).
    pub weekly_reports: bool,
}

impl Default for KpiSettings {
    fn default() -> Self {
        Self {
            sample_interval_secs: 60,
            sample_retention_days: 14,
            utc_offset_minutes: 540,
            coaching_window_days: 30,
            llm_daily_quota: None,
            db_budget_mb: 100,
            weekly_reports: true,
        }
    }
}

impl KpiSettings {
    /// Checks every value.
    ///
    /// Errors: the first [`InvalidSetting`] found.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        check_range(
            "kpi.sample_interval_secs",
            self.sample_interval_secs,
            1..=60,
        )?;
        check_range(
            "kpi.sample_retention_days",
            self.sample_retention_days,
            1..=3650,
        )?;
        check_range(
            "kpi.utc_offset_minutes",
            self.utc_offset_minutes,
            -720..=840,
        )?;
        if self.utc_offset_minutes % 15 != 0 {
            return Err(invalid(
                "kpi.utc_offset_minutes",
                "must be a multiple of 15 minutes (as every time zone is)",
            ));
        }
        check_range(
            "kpi.coaching_window_days",
            self.coaching_window_days,
            1..=365,
        )?;
        if let Some(quota) = self.llm_daily_quota {
            check_range("kpi.llm_daily_quota", quota, 1..=100_000_000)?;
        }
        check_range("kpi.db_budget_mb", self.db_budget_mb, 1..=10_000_000)?;
        Ok(())
    }
}
