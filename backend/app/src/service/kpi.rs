//! The product's measurements of itself (the original Korean KPI sheet, catalogued in `shared::kpi`): every
//! catalogue KPI over a range of days, for everyone, a team or one counselor, with its status
//! against the sheet's target and a daily series.
//!
//! * [`sources`] reads the records (consultations, analyses, improvement items, feedback,
//!   surveys, LLM calls, storage events, activity, server samples, audits) into per-day sums;
//! * [`tally`] holds those sums, which add up across days;
//! * [`daycache`] keeps the sums of settled days per scope (the daily rollups of long ranges);
//! * [`followups`] keeps the derived columns of the quality-change and coaching KPIs;
//! * [`evaluate`] turns them into values, statuses and series.
//!
//! Managers and admins only (API keys need `kpis:read`); a manager may look at the whole
//! organisation, their own team, or a counselor of their team.

pub mod daycache;
pub mod evaluate;
pub mod sources;
pub mod tally;

use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use shared::errors::ErrorCode;
use shared::inputs::{DayRange, InputError};

use super::parse_id;

use crate::auth::Viewer;
use crate::config::KpiSettings;
use crate::entity::{teams, users};
use crate::error::{AccessError, UserFacingError, internal_message};
use evaluate::{EvalSettings, Outcome, evaluate_all};
use shared::access::Role;
use shared::language::Language;
use sources::{KpiScope, Window};

/// Why KPIs could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum KpiError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No such team or counselor.
    #[error("team or counselor not found")]
    NotFound,
    /// No KPI with this id.
    #[error("unknown KPI {0}")]
    UnknownKpi(String),
    /// No weekly report for that week.
    #[error("no report for that week")]
    NoReport,
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for KpiError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Input(e) => e.code(),
            Self::Access(e) => e.code(),
            Self::NotFound | Self::UnknownKpi(_) | Self::NoReport => ErrorCode::NotFound,
            Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::Access(e) => e.user_message(lang),
            Self::NotFound => lang
                .pick(
                    "팀 또는 상담원을 찾을 수 없습니다.",
                    "Team or counselor not found.",
                )
                .to_owned(),
            Self::UnknownKpi(id) => match lang {
                Language::Ko => format!("'{id}' KPI를 찾을 수 없습니다."),
                Language::En => format!("There is no KPI '{id}'."),
            },
            Self::NoReport => lang
                .pick(
                    "그 주의 리포트가 없습니다.",
                    "There is no report for that week.",
                )
                .to_owned(),
            Self::Db(_) => internal_message(lang),
        }
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct KpiQuery {
    /// The days.
    pub range: DayRange,
    /// Only this team's records (KPIs of the system as a whole are not filtered).
    pub team_id: Option<String>,
    /// Only this counselor's records.
    pub counselor_id: Option<String>,
}

/// Every KPI over a range.
#[derive(Debug, Clone)]
pub struct KpiBoard {
    /// The days.
    pub range: DayRange,
    /// The same days as epoch days in the configured offset.
    pub window: Window,
    /// The scope computed.
    pub scope: KpiScope,
    /// One outcome per catalogue KPI, in the sheet's order.
    pub outcomes: Vec<Outcome>,
}

/// Checks who may see which scope, and that the team or counselor exists.
async fn authorize_scope(
    db: &DatabaseConnection,
    viewer: &Viewer,
    query: &KpiQuery,
) -> Result<KpiScope, KpiError> {
    if !viewer.is_manager_or_admin() {
        return Err(AccessError::Forbidden.into());
    }
    let team_id = query
        .team_id
        .as_deref()
        .map(|t| parse_id(t, "teamId"))
        .transpose()?;
    let counselor_id = query
        .counselor_id
        .as_deref()
        .map(|c| parse_id(c, "counselorId"))
        .transpose()?;
    let is_manager = viewer.role == Role::Manager;
    if let Some(team) = &team_id {
        teams::Entity::find_by_id(team.clone())
            .one(db)
            .await?
            .ok_or(KpiError::NotFound)?;
        if is_manager && viewer.team_id.as_ref() != Some(team) {
            return Err(AccessError::Forbidden.into());
        }
    }
    if let Some(counselor) = &counselor_id {
        let user = users::Entity::find_by_id(counselor.clone())
            .one(db)
            .await?
            .ok_or(KpiError::NotFound)?;
        if team_id.is_some() && user.team_id != team_id {
            return Err(KpiError::NotFound);
        }
        if is_manager && !viewer.can_read_owned_by(&user.id, user.team_id.as_deref()) {
            return Err(AccessError::Forbidden.into());
        }
    }
    Ok(KpiScope {
        team_id,
        user_id: counselor_id,
    })
}

fn window_of(settings: &KpiSettings, range: DayRange) -> Window {
    let (first_day, last_day) = range.epoch_days();
    Window {
        first_day,
        last_day,
        offset_ms: i64::from(settings.utc_offset_minutes) * 60_000,
    }
}

/// Computes every KPI over `range` for `scope` at `now_ms`, without access checks (the weekly
/// report and authorised callers).
pub async fn compute_outcomes(
    db: &DatabaseConnection,
    settings: &KpiSettings,
    range: DayRange,
    scope: KpiScope,
    now_ms: i64,
) -> Result<Vec<Outcome>, KpiError> {
    let window = window_of(settings, range);
    let coaching_window_ms = i64::from(settings.coaching_window_days) * sources::DAY_MS;
    let records = daycache::load_records(db, window, &scope, coaching_window_ms, now_ms).await?;
    Ok(evaluate_all(
        &records,
        window,
        EvalSettings {
            llm_daily_quota: settings.llm_daily_quota.map(|q| q as f64),
            db_budget_bytes: settings.db_budget_mb as f64 * 1024.0 * 1024.0,
            now_ms,
            sample_interval_ms: i64::try_from(settings.sample_interval_secs)
                .unwrap_or(60)
                .saturating_mul(1000),
        },
    ))
}

/// Computes every KPI for `query`, as `viewer` may see it, at `now_ms`.
///
/// Errors: [`KpiError::Access`] for counselors and for a manager asking about another team or
/// its members, [`KpiError::NotFound`] for an unknown team or counselor, [`KpiError::Input`] for
/// malformed ids.
#[tracing::instrument(skip(db, settings, viewer), fields(user = %viewer.user_id))]
pub async fn kpi_board(
    db: &DatabaseConnection,
    settings: &KpiSettings,
    viewer: &Viewer,
    query: KpiQuery,
    now_ms: i64,
) -> Result<KpiBoard, KpiError> {
    let scope = authorize_scope(db, viewer, &query).await?;
    let window = window_of(settings, query.range);
    let outcomes = compute_outcomes(db, settings, query.range, scope.clone(), now_ms).await?;
    Ok(KpiBoard {
        range: query.range,
        window,
        scope,
        outcomes,
    })
}
