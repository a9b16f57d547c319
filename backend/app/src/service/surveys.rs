//! Manager surveys (KPI sheet §3.1 사용자 만족도, §4.1 상담 품질 점수, §4.2 시간 절약 and NPS):
//! once per period (monthly by default), every manager answers satisfaction 1-5, would-recommend
//! 0-10, time saved against manual review in percent, perceived consultation quality 1-5 and an
//! optional comment. Answering again in the same period replaces the answer. A survey is due
//! while the manager has not answered for the current period.

use chrono::Datelike;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use shared::errors::ErrorCode;
use shared::inputs::{FeedbackComment, InputError, ScaleAnswer};

use crate::auth::Viewer;
use crate::config::SurveyPeriod;
use crate::entity::surveys;
use crate::error::{AccessError, UserFacingError, internal_message};
use shared::access::Role;
use shared::clock::to_datetime;
use shared::language::Language;

/// Why a survey could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not a manager.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for SurveyError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Input(e) => e.code(),
            Self::Access(e) => e.code(),
            Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::Access(e) => e.user_message(lang),
            Self::Db(_) => internal_message(lang),
        }
    }
}

/// A manager's answers, validated.
#[derive(Debug, Clone)]
pub struct SurveyAnswers {
    /// Satisfaction with the analyses, 1-5.
    pub satisfaction: ScaleAnswer,
    /// Would recommend, 0-10.
    pub nps: ScaleAnswer,
    /// Time saved against manual review, 0-100 percent.
    pub time_saved_pct: ScaleAnswer,
    /// Perceived consultation quality, 1-5.
    pub quality_score: ScaleAnswer,
    /// Optional comment.
    pub comment: FeedbackComment,
}

impl SurveyAnswers {
    /// Validates raw answers (field names as in the API).
    ///
    /// Errors: [`InputError`] naming the first answer outside its scale.
    pub fn parse(
        satisfaction: i64,
        nps: i64,
        time_saved_pct: i64,
        quality_score: i64,
        comment: Option<&str>,
    ) -> Result<Self, InputError> {
        Ok(Self {
            satisfaction: ScaleAnswer::parse(satisfaction, 1, 5, "satisfaction")?,
            nps: ScaleAnswer::parse(nps, 0, 10, "nps")?,
            time_saved_pct: ScaleAnswer::parse(time_saved_pct, 0, 100, "timeSavedPct")?,
            quality_score: ScaleAnswer::parse(quality_score, 1, 5, "qualityScore")?,
            comment: FeedbackComment::parse(comment)?,
        })
    }
}

/// The period containing `at_ms`: `2026-11` (monthly) or `2026-Q4` (quarterly), UTC.
pub fn period_of(kind: SurveyPeriod, at_ms: i64) -> String {
    let at = to_datetime(at_ms);
    match kind {
        SurveyPeriod::Monthly => format!("{:04}-{:02}", at.year(), at.month()),
        SurveyPeriod::Quarterly => format!("{:04}-Q{}", at.year(), (at.month() - 1) / 3 + 1),
    }
}

/// The current period, and the manager's answer for it when given.
#[derive(Debug, Clone)]
pub struct SurveyStatus {
    /// The current period.
    pub period: String,
    /// The manager's answer for it, when given (no answer: the survey is due).
    pub answer: Option<surveys::Model>,
}

fn require_manager(viewer: &Viewer) -> Result<(), SurveyError> {
    // API keys act for a person but do not answer surveys for them.
    if viewer.role != Role::Manager || viewer.scopes.is_some() {
        return Err(AccessError::Forbidden.into());
    }
    Ok(())
}

/// Stores (or replaces) the manager's answers for the current period.
///
/// Errors: `FORBIDDEN` for anyone but a signed-in manager.
#[tracing::instrument(skip_all)]
pub async fn submit_survey(
    db: &DatabaseConnection,
    viewer: &Viewer,
    kind: SurveyPeriod,
    answers: SurveyAnswers,
    now_ms: i64,
) -> Result<surveys::Model, SurveyError> {
    require_manager(viewer)?;
    let period = period_of(kind, now_ms);
    let existing = surveys::Entity::find()
        .filter(surveys::Column::ManagerId.eq(viewer.user_id.clone()))
        .filter(surveys::Column::Period.eq(period.clone()))
        .one(db)
        .await?;
    let value = |a: ScaleAnswer| i16::from(a.value());
    let comment = answers.comment.as_deref().map(str::to_owned);
    Ok(match existing {
        Some(row) => {
            let mut active: surveys::ActiveModel = row.into();
            active.satisfaction = Set(value(answers.satisfaction));
            active.nps = Set(value(answers.nps));
            active.time_saved_pct = Set(value(answers.time_saved_pct));
            active.quality_score = Set(value(answers.quality_score));
            active.comment = Set(comment);
            active.updated_at = Set(now_ms);
            active.update(db).await?
        }
        None => {
            surveys::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                manager_id: Set(viewer.user_id.clone()),
                period: Set(period),
                satisfaction: Set(value(answers.satisfaction)),
                nps: Set(value(answers.nps)),
                time_saved_pct: Set(value(answers.time_saved_pct)),
                quality_score: Set(value(answers.quality_score)),
                comment: Set(comment),
                created_at: Set(now_ms),
                updated_at: Set(now_ms),
            }
            .insert(db)
            .await?
        }
    })
}

/// The current period and the manager's answer for it (the SPA's reminder shows while it is
/// missing).
///
/// Errors: `FORBIDDEN` for anyone but a signed-in manager.
pub async fn survey_status(
    db: &DatabaseConnection,
    viewer: &Viewer,
    kind: SurveyPeriod,
    now_ms: i64,
) -> Result<SurveyStatus, SurveyError> {
    require_manager(viewer)?;
    let period = period_of(kind, now_ms);
    let answer = surveys::Entity::find()
        .filter(surveys::Column::ManagerId.eq(viewer.user_id.clone()))
        .filter(surveys::Column::Period.eq(period.clone()))
        .one(db)
        .await?;
    Ok(SurveyStatus { period, answer })
}

/// The manager's own answers, newest period first.
///
/// Errors: `FORBIDDEN` for anyone but a signed-in manager.
pub async fn my_surveys(
    db: &DatabaseConnection,
    viewer: &Viewer,
) -> Result<Vec<surveys::Model>, SurveyError> {
    require_manager(viewer)?;
    Ok(surveys::Entity::find()
        .filter(surveys::Column::ManagerId.eq(viewer.user_id.clone()))
        .order_by_desc(surveys::Column::Period)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months_or_quarters_in_utc() {
        let nov_28 = 1_795_824_000_000; // 2026-11-28 00:00 UTC
        assert_eq!(period_of(SurveyPeriod::Monthly, nov_28), "2026-11");
        assert_eq!(period_of(SurveyPeriod::Quarterly, nov_28), "2026-Q4");
        let jan_1 = 1_767_225_600_000; // 2026-01-01 00:00 UTC
        assert_eq!(period_of(SurveyPeriod::Monthly, jan_1), "2026-01");
        assert_eq!(period_of(SurveyPeriod::Quarterly, jan_1), "2026-Q1");
    }
}
