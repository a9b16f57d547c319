//! Weekly KPI reports (KPI sheet §8): the list, and writing last week's on request.

use serde::Deserialize;
use serde_json::json;

use super::{Api, ApiError};

/// One week's report, in the request's language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyReport {
    /// Identifier.
    pub id: String,
    /// The week's Monday.
    pub week_start: String,
    /// The week's Sunday.
    pub week_end: String,
    /// `scheduled` or `manual`.
    pub trigger: String,
    /// When it was written (RFC 3339).
    pub generated_at: String,
    /// The report text (the sheet's template, Markdown-compatible).
    pub markdown: String,
}

const REPORT_FIELDS: &str = "id weekStart weekEnd trigger generatedAt markdown";

/// The latest weekly reports, newest first.
pub async fn list_weekly_reports(api: Api) -> Result<Vec<WeeklyReport>, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        weekly_reports: Vec<WeeklyReport>,
    }
    let query = format!("{{ weeklyReports(limit: 52) {{ {REPORT_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.weekly_reports)
}

/// (Re)writes the report of the last complete week with the current figures.
pub async fn generate_weekly_report(api: Api) -> Result<WeeklyReport, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        generate_weekly_report: WeeklyReport,
    }
    let query = format!("mutation {{ generateWeeklyReport {{ {REPORT_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.generate_weekly_report)
}
