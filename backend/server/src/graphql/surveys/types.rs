//! GraphQL types of manager surveys.

use async_graphql::{ID, InputObject, SimpleObject};

use coach_app::entity::surveys;
use shared::clock::to_datetime;

/// A manager's answers for one period.
#[derive(SimpleObject, Debug, Clone)]
pub struct Survey {
    /// Identifier.
    pub id: ID,
    /// The period answered for: `2026-11` (monthly) or `2026-Q4` (quarterly).
    pub period: String,
    /// Satisfaction with the analyses, 1-5.
    pub satisfaction: i32,
    /// How likely the manager is to recommend Consult Coach, 0-10.
    pub nps: i32,
    /// Estimated time saved against manual review, percent.
    pub time_saved_pct: i32,
    /// Perceived consultation quality, 1-5.
    pub quality_score: i32,
    /// Optional comment.
    pub comment: Option<String>,
    /// When it was last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<surveys::Model> for Survey {
    fn from(row: surveys::Model) -> Self {
        Self {
            id: ID(row.id),
            period: row.period,
            satisfaction: i32::from(row.satisfaction),
            nps: i32::from(row.nps),
            time_saved_pct: i32::from(row.time_saved_pct),
            quality_score: i32::from(row.quality_score),
            comment: row.comment,
            updated_at: to_datetime(row.updated_at),
        }
    }
}

/// The current survey period and whether the manager still has to answer.
#[derive(SimpleObject, Debug, Clone)]
pub struct SurveyStatus {
    /// The current period.
    pub period: String,
    /// True while the manager has not answered for the current period (show a reminder).
    pub due: bool,
    /// The answer for the current period, when given.
    pub current: Option<Survey>,
}

/// A manager's answers.
#[derive(InputObject, Debug, Clone)]
pub struct SurveyInput {
    /// Satisfaction with the analyses, 1-5.
    pub satisfaction: i32,
    /// How likely you are to recommend Consult Coach to a colleague, 0-10.
    pub nps: i32,
    /// Estimated time saved against reviewing consultations by hand, 0-100 percent.
    pub time_saved_pct: i32,
    /// Perceived quality of the team's consultations, 1-5.
    pub quality_score: i32,
    /// Optional comment, at most 2,000 characters.
    pub comment: Option<String>,
}
