//! Manager surveys: whether one is due this period, and answering it.

use serde::Deserialize;
use serde_json::json;

use super::{Api, ApiError};

/// A manager's answers for one period.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    /// `2026-11` or `2026-Q4`.
    pub period: String,
    /// 1-5.
    pub satisfaction: u8,
    /// 0-10.
    pub nps: u8,
    /// 0-100.
    pub time_saved_pct: u8,
    /// 1-5.
    pub quality_score: u8,
    /// Optional comment.
    pub comment: Option<String>,
}

const SURVEY_FIELDS: &str = "period satisfaction nps timeSavedPct qualityScore comment";

/// The current period and whether it still needs an answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SurveyStatus {
    /// The current period.
    pub period: String,
    /// Whether the manager has not answered it yet.
    pub due: bool,
    /// The answer given this period.
    pub current: Option<Survey>,
}

/// Fetches the signed-in manager's survey status.
pub async fn survey_status(api: Api) -> Result<SurveyStatus, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        survey_status: SurveyStatus,
    }
    let query = format!("{{ surveyStatus {{ period due current {{ {SURVEY_FIELDS} }} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.survey_status)
}

/// Answers (or changes the answer of) the current period's survey.
pub async fn submit_survey(api: Api, answers: &Survey) -> Result<Survey, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        submit_survey: Survey,
    }
    let query = format!(
        "mutation($input: SurveyInput!) {{ submitSurvey(input: $input) {{ {SURVEY_FIELDS} }} }}"
    );
    let input = json!({
        "satisfaction": answers.satisfaction,
        "nps": answers.nps,
        "timeSavedPct": answers.time_saved_pct,
        "qualityScore": answers.quality_score,
        "comment": answers.comment,
    });
    let data: Data = api.graphql(&query, json!({ "input": input })).await?;
    Ok(data.submit_survey)
}
