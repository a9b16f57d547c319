//! Coaching over time: a counselor's score trend and recurring improvement items (the personal
//! trend page), and a team overview for managers (counselors, recent scores, recurring items).
//!
//! Both read the latest analysis of each consultation uploaded in a range of days and the
//! `improvement_items` flagged in it. A re-analysis (`reanalysis_of`) is the same conversation
//! again, so it is not counted a second time. Counselors see only themselves, managers their
//! team, admins everyone.

use shared::errors::ErrorCode;
use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use shared::inputs::{DayRange, InputError};

use super::parse_id;

use crate::auth::Viewer;
use crate::entity::{analyses, consultations, improvement_items, teams, users};
use crate::error::{AccessError, UserFacingError, internal_message};
use shared::access::Role;
use shared::language::Language;

/// Most rows (consultations joined to their analyses) of one counselor a trend or overview reads
/// (their most recent consultations win).
/// Per counselor: a cap over a whole overview dropped the older part of a busy organisation's
/// month (200 counselors upload 33,000 consultations in 30 days in the load harness).
const MAX_CONSULTATIONS: u64 = 20_000;
/// Analysis ids per `IN (…)` list.
const CHUNK: usize = 500;
/// Recurring items listed on a trend.
const TREND_ITEMS: usize = 10;
/// Recurring items listed per counselor in an overview.
const OVERVIEW_ITEMS: usize = 3;
const DAY_MS: i64 = 86_400_000;

/// Why a trend or overview could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CoachingError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No such counselor or team (or not one the viewer may see).
    #[error("counselor or team not found")]
    NotFound,
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for CoachingError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Input(e) => e.code(),
            Self::Access(e) => e.code(),
            Self::NotFound => ErrorCode::NotFound,
            Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::Access(e) => e.user_message(lang),
            Self::NotFound => lang
                .pick(
                    "상담원 또는 팀을 찾을 수 없습니다.",
                    "Counselor or team not found.",
                )
                .to_owned(),
            Self::Db(_) => internal_message(lang),
        }
    }
}

/// The four scores of one analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Overall, 0-100.
    pub overall: f64,
    /// Attitude (태도), 0-100.
    pub attitude: f64,
    /// Problem solving (문제해결), 0-100.
    pub problem_solving: f64,
    /// Communication (커뮤니케이션), 0-100.
    pub communication: f64,
}

impl Scores {
    /// The mean of several, `None` for none.
    pub fn mean(all: &[Scores]) -> Option<Scores> {
        if all.is_empty() {
            return None;
        }
        let n = all.len() as f64;
        let sum = |f: fn(&Scores) -> f64| all.iter().map(f).sum::<f64>() / n;
        Some(Scores {
            overall: sum(|s| s.overall),
            attitude: sum(|s| s.attitude),
            problem_solving: sum(|s| s.problem_solving),
            communication: sum(|s| s.communication),
        })
    }
}

/// One analysed consultation on a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The consultation.
    pub consultation_id: String,
    /// Its latest analysis.
    pub analysis_id: String,
    /// Its title.
    pub title: String,
    /// When its latest analysis finished, epoch ms.
    pub at_ms: i64,
    /// Its scores.
    pub scores: Scores,
}

/// An improvement item raised more than once, or at all, over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct RecurringItem {
    /// The rule's stable code (e.g. `missing_greeting`).
    pub code: String,
    /// Its category (`attitude`, `problem_solving`, `communication`).
    pub category: String,
    /// The title it had in its latest report.
    pub title: String,
    /// Analyses that raised it.
    pub times: u32,
    /// When it was last raised, epoch ms.
    pub last_at_ms: i64,
    /// Of those whose coaching window has passed, how many improved.
    pub improved: u32,
    /// How many have been followed up (their coaching window passed).
    pub settled: u32,
}

/// A counselor's coaching trend.
#[derive(Debug, Clone)]
pub struct Trend {
    /// Who.
    pub counselor: users::Model,
    /// Analysed consultations, oldest first.
    pub points: Vec<TrendPoint>,
    /// Mean scores over the range.
    pub average: Option<Scores>,
    /// Overall score of the second half of the points minus the first half's (at least 2 points).
    pub change: Option<f64>,
    /// Most frequent improvement items first.
    pub recurring: Vec<RecurringItem>,
}

/// One counselor on a team overview.
#[derive(Debug, Clone)]
pub struct CounselorOverview {
    /// Who.
    pub counselor: users::Model,
    /// Their team's name.
    pub team_name: Option<String>,
    /// Analysed consultations in the range.
    pub consultations: u32,
    /// Mean scores over the range.
    pub average: Option<Scores>,
    /// Overall change over the range (see [`Trend::change`]).
    pub change: Option<f64>,
    /// When their latest consultation in the range was analysed, epoch ms.
    pub last_at_ms: Option<i64>,
    /// Their most frequent improvement items.
    pub recurring: Vec<RecurringItem>,
}

/// Epoch ms bounds `[start, end)` of a range of days at a UTC offset.
fn bounds(range: &DayRange, utc_offset_minutes: i32) -> (i64, i64) {
    let (first, last) = range.epoch_days();
    let offset = i64::from(utc_offset_minutes) * 60_000;
    (first * DAY_MS - offset, (last + 1) * DAY_MS - offset)
}

/// A counselor's trend over `range` (default: the viewer). Counselors may read only their own;
/// managers their team's members and themselves; admins anyone. API keys are not people and
/// have no trend of their own.
///
/// Errors: [`CoachingError::NotFound`] for an unknown counselor or one the viewer may not see
/// (the same answer, so ids cannot be probed), [`CoachingError::Input`] for a malformed id.
#[tracing::instrument(skip_all, fields(viewer = %viewer.user_id))]
pub async fn trend(
    db: &DatabaseConnection,
    viewer: &Viewer,
    counselor_id: Option<&str>,
    range: &DayRange,
    utc_offset_minutes: i32,
) -> Result<Trend, CoachingError> {
    let id = match counselor_id {
        Some(raw) => parse_id(raw, "counselorId")?,
        None if viewer.scopes.is_some() => return Err(AccessError::Forbidden.into()),
        None => viewer.user_id.clone(),
    };
    let counselor = users::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| viewer.can_read_owned_by(&u.id, u.team_id.as_deref()))
        .ok_or(CoachingError::NotFound)?;
    let (start, end) = bounds(range, utc_offset_minutes);
    let owners = [counselor.id.clone()];
    let mut points = load_points(db, &owners, start, end).await?;
    let mut items = load_items(db, &points).await?;
    let points = points.remove(&counselor.id).unwrap_or_default();
    let recurring = items.remove(&counselor.id).unwrap_or_default();
    let recurring = titled(db, &points, recurring, TREND_ITEMS, &mut HashMap::new()).await?;
    let scores: Vec<Scores> = points.iter().map(|p| p.scores).collect();
    Ok(Trend {
        counselor,
        average: Scores::mean(&scores),
        change: change(&scores),
        points,
        recurring,
    })
}

/// The counselors of a team over `range`: a manager's own team; an admin's choice of team, or
/// every counselor (deactivated ones only with consultations in the range). Counselors are not
/// allowed.
///
/// Errors: [`CoachingError::Access`] for counselors and for a manager asking about another team,
/// [`CoachingError::NotFound`] for an unknown team.
#[tracing::instrument(skip_all, fields(viewer = %viewer.user_id))]
pub async fn team_overview(
    db: &DatabaseConnection,
    viewer: &Viewer,
    team_id: Option<&str>,
    range: &DayRange,
    utc_offset_minutes: i32,
) -> Result<Vec<CounselorOverview>, CoachingError> {
    if !viewer.is_manager_or_admin() {
        return Err(AccessError::Forbidden.into());
    }
    let team = team_id.map(|t| parse_id(t, "teamId")).transpose()?;
    let team = match (viewer.role, team) {
        (Role::Manager, Some(team)) if viewer.team_id.as_ref() != Some(&team) => {
            return Err(AccessError::Forbidden.into());
        }
        (Role::Manager, _) => match viewer.team_id.clone() {
            Some(team) => Some(team),
            None => return Ok(Vec::new()),
        },
        (_, team) => team,
    };
    if let Some(team) = &team {
        teams::Entity::find_by_id(team.clone())
            .one(db)
            .await?
            .ok_or(CoachingError::NotFound)?;
    }
    let mut query = users::Entity::find().filter(users::Column::Role.eq(Role::Counselor.db_name()));
    if let Some(team) = &team {
        query = query.filter(users::Column::TeamId.eq(team.clone()));
    }
    let counselors = query.all(db).await?;
    let team_names: HashMap<String, String> = teams::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let owners: Vec<String> = counselors.iter().map(|c| c.id.clone()).collect();
    let (start, end) = bounds(range, utc_offset_minutes);
    let mut points = load_points(db, &owners, start, end).await?;
    let mut items = load_items(db, &points).await?;
    let mut overview = Vec::with_capacity(counselors.len());
    // One title per rule across the team: one report read per rule, not per counselor.
    let mut titles = HashMap::new();
    for counselor in counselors {
        let points = points.remove(&counselor.id).unwrap_or_default();
        // A deactivated counselor is listed only while their work is in the period.
        if !counselor.active && points.is_empty() {
            continue;
        }
        let scores: Vec<Scores> = points.iter().map(|p| p.scores).collect();
        let recurring = items.remove(&counselor.id).unwrap_or_default();
        overview.push(CounselorOverview {
            team_name: counselor
                .team_id
                .as_ref()
                .and_then(|t| team_names.get(t).cloned()),
            consultations: u32::try_from(points.len()).unwrap_or(u32::MAX),
            average: Scores::mean(&scores),
            change: change(&scores),
            last_at_ms: points.last().map(|p| p.at_ms),
            recurring: titled(db, &points, recurring, OVERVIEW_ITEMS, &mut titles).await?,
            counselor,
        });
    }
    // Most active first, then by name.
    overview.sort_by(|a, b| {
        b.consultations
            .cmp(&a.consultations)
            .then_with(|| a.counselor.display_name.cmp(&b.counselor.display_name))
    });
    Ok(overview)
}

/// Overall score of the later half minus the earlier half's.
fn change(scores: &[Scores]) -> Option<f64> {
    if scores.len() < 2 {
        return None;
    }
    let (earlier, later) = scores.split_at(scores.len() / 2);
    Some(Scores::mean(later)?.overall - Scores::mean(earlier)?.overall)
}

/// Each owner's analysed consultations uploaded in `[start, end)` (re-analyses left out), oldest
/// analysis first, with the scores of each one's latest analysis. One statement per owner, the
/// consultations joined to their analyses (each owner's most recent first, capped at
/// [`MAX_CONSULTATIONS`] rows).
async fn load_points(
    db: &DatabaseConnection,
    owners: &[String],
    start: i64,
    end: i64,
) -> Result<HashMap<String, Vec<TrendPoint>>, DbErr> {
    type Row = (String, String, String, i32, i16, i16, i16, i16, i64);
    let mut points: HashMap<String, Vec<TrendPoint>> = HashMap::new();
    for owner in owners {
        let rows: Vec<Row> = consultations::Entity::find()
            .select_only()
            .column(consultations::Column::Id)
            .column(consultations::Column::Title)
            .column(analyses::Column::Id)
            .column(analyses::Column::Version)
            .column(analyses::Column::OverallScore)
            .column(analyses::Column::AttitudeScore)
            .column(analyses::Column::ProblemSolvingScore)
            .column(analyses::Column::CommunicationScore)
            .column(analyses::Column::CreatedAt)
            .join(
                JoinType::InnerJoin,
                consultations::Entity::belongs_to(analyses::Entity)
                    .from(consultations::Column::Id)
                    .to(analyses::Column::ConsultationId)
                    .into(),
            )
            .filter(consultations::Column::OwnerId.eq(owner.clone()))
            .filter(consultations::Column::CreatedAt.gte(start))
            .filter(consultations::Column::CreatedAt.lt(end))
            .filter(consultations::Column::ReanalysisOf.is_null())
            .order_by_desc(consultations::Column::CreatedAt)
            .order_by_desc(consultations::Column::Id)
            .order_by_desc(analyses::Column::Version)
            .limit(MAX_CONSULTATIONS)
            .into_tuple::<Row>()
            .all(db)
            .await?;
        // A consultation's rows come together, latest version first: the first one is kept, also
        // for a consultation the cap cut through.
        let mut latest: HashMap<String, Row> = HashMap::with_capacity(rows.len());
        for row in rows {
            latest.entry(row.0.clone()).or_insert(row);
        }
        if latest.is_empty() {
            continue;
        }
        let mut list: Vec<TrendPoint> = latest
            .into_values()
            .map(
                |(id, title, analysis_id, _, overall, attitude, solving, communication, at_ms)| {
                    TrendPoint {
                        consultation_id: id,
                        analysis_id,
                        title,
                        at_ms,
                        scores: Scores {
                            overall: f64::from(overall),
                            attitude: f64::from(attitude),
                            problem_solving: f64::from(solving),
                            communication: f64::from(communication),
                        },
                    }
                },
            )
            .collect();
        list.sort_by(|a, b| {
            a.at_ms
                .cmp(&b.at_ms)
                .then_with(|| a.consultation_id.cmp(&b.consultation_id))
        });
        points.insert(owner.clone(), list);
    }
    Ok(points)
}

/// The improvement items of each owner's points, grouped by rule in the database, most frequent
/// first (titles empty until [`titled`]).
async fn load_items(
    db: &DatabaseConnection,
    points: &HashMap<String, Vec<TrendPoint>>,
) -> Result<HashMap<String, Vec<RecurringItem>>, DbErr> {
    type Row = (String, String, i64, Option<i64>, i64, Option<i64>);
    let mut recurring = HashMap::with_capacity(points.len());
    for (owner, list) in points {
        let mut grouped: HashMap<String, RecurringItem> = HashMap::new();
        for chunk in list.chunks(CHUNK) {
            let rows: Vec<Row> = improvement_items::Entity::find()
                .select_only()
                .column(improvement_items::Column::Code)
                .column(improvement_items::Column::Category)
                .expr(Expr::col(improvement_items::Column::Id).count())
                .expr(Expr::col(improvement_items::Column::FlaggedAt).max())
                .expr(Expr::col(improvement_items::Column::Followed).count())
                .expr(Expr::cust("SUM(CASE WHEN improved THEN 1 ELSE 0 END)"))
                .filter(
                    improvement_items::Column::AnalysisId
                        .is_in(chunk.iter().map(|p| p.analysis_id.clone())),
                )
                .group_by(improvement_items::Column::Code)
                .group_by(improvement_items::Column::Category)
                .into_tuple::<Row>()
                .all(db)
                .await?;
            for (code, category, times, last_at, settled, improved) in rows {
                let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
                let last_at = last_at.unwrap_or_default();
                let item = grouped
                    .entry(code.clone())
                    .or_insert_with(|| RecurringItem {
                        code,
                        category,
                        title: String::new(),
                        times: 0,
                        last_at_ms: last_at,
                        improved: 0,
                        settled: 0,
                    });
                item.times = item.times.saturating_add(count(times));
                item.last_at_ms = item.last_at_ms.max(last_at);
                item.settled = item.settled.saturating_add(count(settled));
                item.improved = item
                    .improved
                    .saturating_add(count(improved.unwrap_or_default()));
            }
        }
        let mut items: Vec<RecurringItem> = grouped.into_values().collect();
        items.sort_by(|a, b| {
            b.times
                .cmp(&a.times)
                .then_with(|| b.last_at_ms.cmp(&a.last_at_ms))
                .then_with(|| a.code.cmp(&b.code))
        });
        recurring.insert(owner.clone(), items);
    }
    Ok(recurring)
}

/// The first `keep` items, each titled as in the latest of `points`' reports that raised it (or
/// as `titles` already knows the rule; titles found are added to it).
async fn titled(
    db: &DatabaseConnection,
    points: &[TrendPoint],
    mut items: Vec<RecurringItem>,
    keep: usize,
    titles: &mut HashMap<String, String>,
) -> Result<Vec<RecurringItem>, DbErr> {
    items.truncate(keep);
    for item in &mut items {
        if let Some(title) = titles.get(&item.code) {
            item.title.clone_from(title);
            continue;
        }
        item.title = latest_title(db, points, &item.code)
            .await?
            .unwrap_or_default();
        titles.insert(item.code.clone(), item.title.clone());
    }
    Ok(items)
}

/// The title a rule had in the latest of `points`' reports that raised it. Points are oldest
/// first, so the newest chunk is searched first.
async fn latest_title(
    db: &DatabaseConnection,
    points: &[TrendPoint],
    code: &str,
) -> Result<Option<String>, DbErr> {
    for chunk in points.rchunks(CHUNK) {
        let latest = improvement_items::Entity::find()
            .select_only()
            .column(improvement_items::Column::AnalysisId)
            .filter(improvement_items::Column::Code.eq(code))
            .filter(
                improvement_items::Column::AnalysisId
                    .is_in(chunk.iter().map(|p| p.analysis_id.clone())),
            )
            .order_by_desc(improvement_items::Column::FlaggedAt)
            .into_tuple::<String>()
            .one(db)
            .await?;
        let Some(analysis_id) = latest else {
            continue;
        };
        let report = analyses::Entity::find_by_id(analysis_id)
            .select_only()
            .column(analyses::Column::Report)
            .into_tuple::<String>()
            .one(db)
            .await?;
        return Ok(report
            .and_then(|json| serde_json::from_str::<shared::report::Report>(&json).ok())
            .and_then(|report| {
                report
                    .improvements
                    .into_iter()
                    .find(|i| i.code == code)
                    .map(|i| i.title)
            }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overall(values: &[f64]) -> Vec<Scores> {
        values
            .iter()
            .map(|&v| Scores {
                overall: v,
                attitude: v,
                problem_solving: v,
                communication: v,
            })
            .collect()
    }

    #[test]
    fn the_change_is_the_later_half_against_the_earlier_half() {
        assert_eq!(change(&overall(&[60.0])), None);
        assert_eq!(change(&overall(&[60.0, 70.0])), Some(10.0));
        // Odd counts put the middle point in the later half.
        assert_eq!(change(&overall(&[60.0, 70.0, 80.0])), Some(15.0));
        assert_eq!(change(&overall(&[80.0, 80.0, 60.0, 60.0])), Some(-20.0));
    }

    #[test]
    fn a_day_range_is_bounded_at_local_midnight() {
        let range = DayRange::parse("1970-01-02", "1970-01-02").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bounds(&range, 0), (DAY_MS, 2 * DAY_MS));
        // Seoul (UTC+9): the day starts nine hours earlier in UTC.
        assert_eq!(
            bounds(&range, 540),
            (DAY_MS - 9 * 3_600_000, 2 * DAY_MS - 9 * 3_600_000)
        );
    }

    #[test]
    fn means_are_per_category_and_none_for_nothing() {
        assert_eq!(Scores::mean(&[]), None);
        let mean = Scores::mean(&overall(&[50.0, 70.0])).unwrap_or_else(|| panic!("a mean"));
        assert_eq!(mean.overall, 60.0);
        assert_eq!(mean.communication, 60.0);
    }
}
