//! GraphQL types of coaching over time.

use async_graphql::{ID, SimpleObject};
use shared::report::Category;

use crate::graphql::auth::types::User;
use coach_app::service::coaching as service;
use shared::clock::to_datetime;

/// Scores on the 0-100 scale.
#[derive(SimpleObject, Debug, Clone, Copy, PartialEq)]
pub struct TrendScores {
    /// Overall.
    pub overall: f64,
    /// Attitude (태도).
    pub attitude: f64,
    /// Problem solving (문제해결).
    pub problem_solving: f64,
    /// Communication (커뮤니케이션).
    pub communication: f64,
}

impl From<service::Scores> for TrendScores {
    fn from(s: service::Scores) -> Self {
        Self {
            overall: s.overall,
            attitude: s.attitude,
            problem_solving: s.problem_solving,
            communication: s.communication,
        }
    }
}

/// One analysed consultation on a trend.
#[derive(SimpleObject, Debug, Clone)]
pub struct TrendPoint {
    /// The consultation.
    pub consultation_id: ID,
    /// Its title.
    pub title: String,
    /// When its latest analysis finished.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The latest analysis' scores.
    pub scores: TrendScores,
}

/// An improvement item raised over the range, with how often and whether coaching worked.
#[derive(SimpleObject, Debug, Clone)]
pub struct RecurringItem {
    /// The rule's stable code (e.g. `missing_greeting`).
    pub code: String,
    /// Its category.
    pub category: Category,
    /// The title it had in the latest report that raised it.
    pub title: String,
    /// Analyses that raised it.
    pub times: i32,
    /// When it was last raised.
    pub last_at: chrono::DateTime<chrono::Utc>,
    /// Items followed up (their coaching window passed) that then improved.
    pub improved: i32,
    /// Items followed up.
    pub settled: i32,
}

impl From<service::RecurringItem> for RecurringItem {
    fn from(i: service::RecurringItem) -> Self {
        let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            code: i.code,
            category: Category::from_db(&i.category).unwrap_or(Category::Communication),
            title: i.title,
            times: int(i.times),
            last_at: to_datetime(i.last_at_ms),
            improved: int(i.improved),
            settled: int(i.settled),
        }
    }
}

/// A counselor's scores over time and the items that keep coming back.
#[derive(SimpleObject, Debug, Clone)]
pub struct CoachingTrend {
    /// Whose trend.
    pub counselor: User,
    /// Analysed consultations uploaded in the range, oldest first.
    pub points: Vec<TrendPoint>,
    /// Mean scores over the range (none without analyses).
    pub average: Option<TrendScores>,
    /// Overall score of the later half of the points minus the earlier half's (two points or
    /// more).
    pub change: Option<f64>,
    /// Improvement items raised in the range, most frequent first (at most 10).
    pub recurring: Vec<RecurringItem>,
}

impl From<service::Trend> for CoachingTrend {
    fn from(t: service::Trend) -> Self {
        Self {
            counselor: t.counselor.into(),
            points: t
                .points
                .into_iter()
                .map(|p| TrendPoint {
                    consultation_id: ID(p.consultation_id),
                    title: p.title,
                    at: to_datetime(p.at_ms),
                    scores: p.scores.into(),
                })
                .collect(),
            average: t.average.map(Into::into),
            change: t.change,
            recurring: t.recurring.into_iter().map(Into::into).collect(),
        }
    }
}

/// One counselor on the team overview.
#[derive(SimpleObject, Debug, Clone)]
pub struct CounselorOverview {
    /// Who.
    pub counselor: User,
    /// Their team's name.
    pub team_name: Option<String>,
    /// Analysed consultations uploaded in the range.
    pub consultations: i32,
    /// Mean scores over the range (none without analyses).
    pub average: Option<TrendScores>,
    /// Overall change over the range (see `CoachingTrend.change`).
    pub change: Option<f64>,
    /// When their latest consultation in the range was analysed.
    pub last_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Their three most frequent improvement items.
    pub recurring: Vec<RecurringItem>,
}

impl From<service::CounselorOverview> for CounselorOverview {
    fn from(o: service::CounselorOverview) -> Self {
        Self {
            counselor: o.counselor.into(),
            team_name: o.team_name,
            consultations: i32::try_from(o.consultations).unwrap_or(i32::MAX),
            average: o.average.map(Into::into),
            change: o.change,
            last_at: o.last_at_ms.map(to_datetime),
            recurring: o.recurring.into_iter().map(Into::into).collect(),
        }
    }
}
