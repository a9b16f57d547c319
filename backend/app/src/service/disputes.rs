//! Acknowledgements and disputes: the counselor's answer to a report, against the trust problem
//! of automatic QA. The consultation's owner acknowledges having read its latest analysis, or
//! disputes an improvement item with a reason; the owner's team managers (and admins) see the
//! disputes and accept or reject each one with an optional note.

use shared::errors::ErrorCode;
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::inputs::{DisputeReason, FeedbackComment};

use crate::auth::Viewer;
use crate::entity::{acknowledgements, consultations, item_disputes, users};
use crate::error::catalogue;
use crate::error::{AccessError, UserFacingError};
use crate::service::consultations::{get_consultation, latest_analysis, owned_by_visible};
use crate::service::feedback::{author_name, shown_name};
use crate::service::report_access::{
    Acting, LatestReport, ReportError, latest_report_for, wraps_report_error,
};
use shared::clock::now_ms;
use shared::language::Language;

/// Why an acknowledgement or dispute failed.
#[derive(Debug, thiserror::Error)]
pub enum DisputeError {
    /// The report could not be acted on.
    #[error(transparent)]
    Report(ReportError),
    /// No such dispute for this viewer.
    #[error("dispute not found")]
    NotFound,
    /// The dispute was already reviewed.
    #[error("dispute already resolved")]
    AlreadyResolved,
}

wraps_report_error!(DisputeError);

impl UserFacingError for DisputeError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Report(e) => e.code(),
            Self::NotFound => ErrorCode::NotFound,
            Self::AlreadyResolved => ErrorCode::DisputeResolved,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Report(e) => e.user_message(lang),
            Self::NotFound => lang
                .pick("이의 제기를 찾을 수 없습니다.", "Dispute not found.")
                .to_owned(),
            Self::AlreadyResolved => catalogue::message(self.code(), lang).to_owned(),
        }
    }
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStatus {
    /// Waiting for a manager.
    Open,
    /// The manager agreed: the item was not deserved.
    Accepted,
    /// The manager kept the item.
    Rejected,
}

impl DisputeStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    /// Parses a stored name (unknown values read as open, so nothing is hidden).
    pub fn from_db(value: &str) -> Self {
        match value {
            "accepted" => Self::Accepted,
            "rejected" => Self::Rejected,
            _ => Self::Open,
        }
    }
}

/// A dispute with the names a reviewer needs.
#[derive(Debug, Clone)]
pub struct DisputeView {
    /// The row.
    pub dispute: item_disputes::Model,
    /// The counselor who disputed.
    pub counselor: String,
    /// The consultation's title.
    pub consultation_title: String,
    /// Who reviewed it.
    pub resolver: Option<String>,
}

/// Acknowledges the latest analysis of one of the viewer's own consultations (again: unchanged).
#[tracing::instrument(skip_all, fields(consultation = consultation_id))]
pub async fn acknowledge_report(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
) -> Result<acknowledgements::Model, DisputeError> {
    let LatestReport {
        consultation,
        analysis,
        ..
    } = latest_report_for(db, viewer, consultation_id, Acting::Owner).await?;
    if let Some(existing) = acknowledgement(db, &analysis.id, &viewer.user_id).await? {
        return Ok(existing);
    }
    Ok(acknowledgements::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        analysis_id: Set(analysis.id),
        consultation_id: Set(consultation.id),
        user_id: Set(viewer.user_id.clone()),
        created_at: Set(now_ms()),
    }
    .insert(db)
    .await?)
}

async fn acknowledgement(
    db: &DatabaseConnection,
    analysis_id: &str,
    user_id: &str,
) -> Result<Option<acknowledgements::Model>, DbErr> {
    acknowledgements::Entity::find()
        .filter(acknowledgements::Column::AnalysisId.eq(analysis_id))
        .filter(acknowledgements::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// When the owner acknowledged the consultation's latest analysis (call only after an ownership
/// check).
pub async fn owner_acknowledgement(
    db: &DatabaseConnection,
    consultation: &consultations::Model,
) -> Result<Option<acknowledgements::Model>, DisputeError> {
    match latest_analysis(db, &consultation.id).await? {
        Some(analysis) => Ok(acknowledgement(db, &analysis.id, &consultation.owner_id).await?),
        None => Ok(None),
    }
}

/// Disputes one improvement item of the latest analysis of one of the viewer's own
/// consultations. Disputing an open dispute's item again replaces the reason.
#[tracing::instrument(skip_all, fields(consultation = consultation_id, position))]
pub async fn dispute_item(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
    position: i32,
    reason: DisputeReason,
) -> Result<DisputeView, DisputeError> {
    let latest = latest_report_for(db, viewer, consultation_id, Acting::Owner).await?;
    let (item, stored_position) = latest.item(position)?;
    let (code, item_title) = (item.code.clone(), item.title.chars().take(200).collect());
    let LatestReport {
        consultation,
        analysis,
        ..
    } = latest;
    let existing = item_disputes::Entity::find()
        .filter(item_disputes::Column::AnalysisId.eq(analysis.id.clone()))
        .filter(item_disputes::Column::Position.eq(stored_position))
        .one(db)
        .await?;
    let row = match existing {
        Some(row) if DisputeStatus::from_db(&row.status) != DisputeStatus::Open => {
            return Err(DisputeError::AlreadyResolved);
        }
        Some(row) => {
            let mut active: item_disputes::ActiveModel = row.into();
            active.reason = Set(reason.as_str().to_owned());
            active.update(db).await?
        }
        None => {
            item_disputes::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                analysis_id: Set(analysis.id),
                consultation_id: Set(consultation.id.clone()),
                user_id: Set(viewer.user_id.clone()),
                position: Set(stored_position),
                code: Set(code),
                item_title: Set(item_title),
                reason: Set(reason.as_str().to_owned()),
                status: Set(DisputeStatus::Open.as_str().to_owned()),
                resolution: Set(None),
                resolved_by: Set(None),
                resolved_at: Set(None),
                created_at: Set(now_ms()),
            }
            .insert(db)
            .await?
        }
    };
    tracing::info!(dispute = %row.id, "item disputed");
    Ok(DisputeView {
        counselor: author_name(db, &row.user_id).await?,
        consultation_title: consultation.title,
        resolver: None,
        dispute: row,
    })
}

/// Accepts or rejects an open dispute of a counselor the viewer manages (admins: anyone's). The
/// counselor cannot review their own dispute.
#[tracing::instrument(skip_all, fields(dispute = dispute_id, accept))]
pub async fn resolve_dispute(
    db: &DatabaseConnection,
    viewer: &Viewer,
    dispute_id: &str,
    accept: bool,
    note: FeedbackComment,
) -> Result<DisputeView, DisputeError> {
    if !viewer.is_manager_or_admin() {
        return Err(AccessError::Forbidden.into());
    }
    let row = item_disputes::Entity::find_by_id(dispute_id.to_owned())
        .one(db)
        .await?
        .ok_or(DisputeError::NotFound)?;
    let consultation = get_consultation(db, viewer, &row.consultation_id).await?;
    if row.user_id == viewer.user_id {
        return Err(AccessError::Forbidden.into());
    }
    if DisputeStatus::from_db(&row.status) != DisputeStatus::Open {
        return Err(DisputeError::AlreadyResolved);
    }
    let status = if accept {
        DisputeStatus::Accepted
    } else {
        DisputeStatus::Rejected
    };
    let mut active: item_disputes::ActiveModel = row.into();
    active.status = Set(status.as_str().to_owned());
    active.resolution = Set(note.as_deref().map(str::to_owned));
    active.resolved_by = Set(Some(viewer.user_id.clone()));
    active.resolved_at = Set(Some(now_ms()));
    let row = active.update(db).await?;
    tracing::info!(status = status.as_str(), "dispute resolved");
    Ok(DisputeView {
        counselor: author_name(db, &row.user_id).await?,
        consultation_title: consultation.title,
        resolver: Some(author_name(db, &viewer.user_id).await?),
        dispute: row,
    })
}

/// Adds names and titles to dispute rows (two queries for any number of rows).
async fn with_names(
    db: &DatabaseConnection,
    rows: Vec<item_disputes::Model>,
) -> Result<Vec<DisputeView>, DisputeError> {
    let user_ids: Vec<String> = rows
        .iter()
        .flat_map(|r| std::iter::once(r.user_id.clone()).chain(r.resolved_by.clone()))
        .collect();
    let names: HashMap<String, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), shown_name(u)))
        .collect();
    let titles: HashMap<String, String> = consultations::Entity::find()
        .select_only()
        .column(consultations::Column::Id)
        .column(consultations::Column::Title)
        .filter(consultations::Column::Id.is_in(rows.iter().map(|r| r.consultation_id.clone())))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| DisputeView {
            counselor: names.get(&row.user_id).cloned().unwrap_or_default(),
            consultation_title: titles
                .get(&row.consultation_id)
                .cloned()
                .unwrap_or_default(),
            resolver: row
                .resolved_by
                .as_ref()
                .and_then(|id| names.get(id).cloned()),
            dispute: row,
        })
        .collect())
}

/// The disputes of a consultation the viewer may read, in item order.
pub async fn disputes_of(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
) -> Result<Vec<DisputeView>, DisputeError> {
    let consultation = get_consultation(db, viewer, consultation_id).await?;
    let Some(analysis) = latest_analysis(db, &consultation.id).await? else {
        return Ok(Vec::new());
    };
    let rows = item_disputes::Entity::find()
        .filter(item_disputes::Column::AnalysisId.eq(analysis.id))
        .order_by_asc(item_disputes::Column::Position)
        .all(db)
        .await?;
    with_names(db, rows).await
}

/// The disputes the viewer may see, newest first: a counselor's own, a manager's team's (and
/// their own), every one for admins; optionally only those in one status.
pub async fn list_disputes(
    db: &DatabaseConnection,
    viewer: &Viewer,
    status: Option<DisputeStatus>,
    limit: u64,
    offset: u64,
) -> Result<Vec<DisputeView>, DisputeError> {
    let mut query = item_disputes::Entity::find();
    if let Some(visible) = owned_by_visible(db, viewer, item_disputes::Column::UserId).await? {
        query = query.filter(visible);
    }
    if let Some(status) = status {
        query = query.filter(item_disputes::Column::Status.eq(status.as_str()));
    }
    let rows = query
        .order_by_desc(item_disputes::Column::CreatedAt)
        .order_by_desc(item_disputes::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    with_names(db, rows).await
}
