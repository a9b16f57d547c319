//! Coaching over time: a counselor's score trend with recurring improvement items
//! (`coachingTrend`), and the team overview of managers and admins (`teamOverview`).

use serde::Deserialize;
use serde_json::json;
use shared::report::Category;

use super::{Api, ApiError};

/// Scores on the 0-100 scale.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scores {
    /// Overall.
    pub overall: f64,
    /// Attitude.
    pub attitude: f64,
    /// Problem solving.
    pub problem_solving: f64,
    /// Communication.
    pub communication: f64,
}

/// One analysed consultation on a trend.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// The consultation.
    pub consultation_id: String,
    /// Its title.
    pub title: String,
    /// When it was analysed (RFC 3339).
    pub at: String,
    /// Its scores.
    pub scores: Scores,
}

/// An improvement item raised over the period.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecurringItem {
    /// Stable rule code.
    pub code: String,
    /// Its category.
    pub category: Category,
    /// Its latest title.
    pub title: String,
    /// Analyses that raised it.
    pub times: u32,
    /// When it was last raised (RFC 3339).
    pub last_at: String,
    /// Followed-up items that improved.
    pub improved: u32,
    /// Followed-up items.
    pub settled: u32,
}

/// Who a trend or overview row is about.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// User id.
    pub id: String,
    /// Name shown.
    pub display_name: String,
    /// Login e-mail (shown when there is no name).
    pub email: String,
}

impl Person {
    /// The name, or the e-mail when the name is empty.
    pub fn shown(&self) -> String {
        if self.display_name.trim().is_empty() {
            self.email.clone()
        } else {
            self.display_name.clone()
        }
    }
}

/// A counselor's trend.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoachingTrend {
    /// Whose.
    pub counselor: Person,
    /// Analysed consultations, oldest first.
    pub points: Vec<TrendPoint>,
    /// Mean scores.
    pub average: Option<Scores>,
    /// Later half's overall minus the earlier half's.
    pub change: Option<f64>,
    /// Most frequent items first.
    pub recurring: Vec<RecurringItem>,
}

/// One counselor of the team overview.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CounselorOverview {
    /// Who.
    pub counselor: Person,
    /// Their team.
    pub team_name: Option<String>,
    /// Analysed consultations in the period.
    pub consultations: u32,
    /// Mean scores.
    pub average: Option<Scores>,
    /// Overall change.
    pub change: Option<f64>,
    /// Latest analysis (RFC 3339).
    pub last_at: Option<String>,
    /// Their three most frequent items.
    pub recurring: Vec<RecurringItem>,
}

const SCORES: &str = "overall attitude problemSolving communication";
const ITEM: &str = "code category title times lastAt improved settled";
const PERSON: &str = "id displayName email";

/// A counselor's trend over `from..=to` (`YYYY-MM-DD`); `None`: the signed-in user's own.
pub async fn coaching_trend(
    api: Api,
    from: &str,
    to: &str,
    counselor_id: Option<&str>,
) -> Result<CoachingTrend, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        coaching_trend: CoachingTrend,
    }
    let query = format!(
        "query($range: DayRangeInput!, $id: ID) {{ coachingTrend(range: $range, counselorId: $id) {{ \
         counselor {{ {PERSON} }} points {{ consultationId title at scores {{ {SCORES} }} }} \
         average {{ {SCORES} }} change recurring {{ {ITEM} }} }} }}"
    );
    let data: Data = api
        .graphql(
            &query,
            json!({ "range": { "from": from, "to": to }, "id": counselor_id }),
        )
        .await?;
    Ok(data.coaching_trend)
}

/// The counselors of the manager's team (or, for admins, `team_id` or everyone) over the period.
pub async fn team_overview(
    api: Api,
    from: &str,
    to: &str,
    team_id: Option<&str>,
) -> Result<Vec<CounselorOverview>, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        team_overview: Vec<CounselorOverview>,
    }
    let query = format!(
        "query($range: DayRangeInput!, $team: ID) {{ teamOverview(range: $range, teamId: $team) {{ \
         counselor {{ {PERSON} }} teamName consultations average {{ {SCORES} }} change lastAt \
         recurring {{ {ITEM} }} }} }}"
    );
    let data: Data = api
        .graphql(
            &query,
            json!({ "range": { "from": from, "to": to }, "team": team_id }),
        )
        .await?;
    Ok(data.team_overview)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_answer_deserialises_with_its_points_and_items() {
        let trend: CoachingTrend = serde_json::from_value(json!({
            "counselor": { "id": "u1", "displayName": "", "email": "kim@example.com" },
            "points": [{ "consultationId": "c1", "title": "첫 상담", "at": "2026-11-01T01:00:00Z",
                         "scores": { "overall": 62.0, "attitude": 55.0, "problemSolving": 70.0, "communication": 61.0 } }],
            "average": { "overall": 62.0, "attitude": 55.0, "problemSolving": 70.0, "communication": 61.0 },
            "change": null,
            "recurring": [{ "code": "missing_greeting", "category": "ATTITUDE", "title": "첫 인사로 상담 시작하기",
                            "times": 2, "lastAt": "2026-11-01T01:00:00Z", "improved": 0, "settled": 0 }]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(trend.counselor.shown(), "kim@example.com");
        assert_eq!(trend.points[0].scores.problem_solving, 70.0);
        assert_eq!(trend.recurring[0].times, 2);
        assert_eq!(trend.change, None);
    }
}
