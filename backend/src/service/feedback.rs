//! Counselors' ratings of analyses (KPI sheet §3.1 사용자 만족도): a rating 1-5, an optional
//! comment and, per improvement item, helpful or not. One rating per user and analysis, which a
//! new rating replaces. Only the consultation's owner rates its latest analysis; whoever may read
//! the consultation (its owner, their team's managers, admins) sees its ratings.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use shared::inputs::{FeedbackComment, InputError, Rating};
use shared::report::Report;

use crate::auth::Viewer;
use crate::clock::now_ms;
use crate::entity::{feedback, item_feedback, users};
use crate::error::{AccessError, Lang, UserFacingError, internal_message};
use crate::service::activity::{ActivityKind, track};
use crate::service::consultations::{ConsultationError, get_consultation, latest_analysis};

/// Why a rating could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No such consultation for this viewer.
    #[error("consultation not found")]
    NotFound,
    /// The consultation has no analysis yet.
    #[error("not analysed yet")]
    NotAnalysed,
    /// An item position that the report does not have.
    #[error("no improvement item at position {0}")]
    UnknownItem(i32),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// A stored report could not be read.
    #[error("corrupt stored report: {0}")]
    Corrupt(String),
}

impl From<ConsultationError> for FeedbackError {
    fn from(error: ConsultationError) -> Self {
        match error {
            ConsultationError::Access(e) => Self::Access(e),
            ConsultationError::Db(e) => Self::Db(e),
            ConsultationError::Input(e) => Self::Input(e),
            ConsultationError::Corrupt(e) => Self::Corrupt(e),
            _ => Self::NotFound,
        }
    }
}

impl UserFacingError for FeedbackError {
    fn code(&self) -> &'static str {
        match self {
            Self::Input(e) => e.code(),
            Self::Access(e) => e.code(),
            Self::NotFound => "NOT_FOUND",
            Self::NotAnalysed => "NOT_ANALYSED",
            Self::UnknownItem(_) => "BAD_USER_INPUT",
            Self::Db(_) | Self::Corrupt(_) => "INTERNAL",
        }
    }

    fn user_message(&self, lang: Lang) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::Access(e) => e.user_message(lang),
            Self::NotFound => lang
                .pick("상담을 찾을 수 없습니다.", "Consultation not found.")
                .to_owned(),
            Self::NotAnalysed => lang
                .pick(
                    "아직 분석이 끝나지 않아 평가할 수 없습니다.",
                    "The analysis is not finished yet, so it cannot be rated.",
                )
                .to_owned(),
            Self::UnknownItem(position) => match lang {
                Lang::Ko => format!("{position}번 개선 항목이 없습니다."),
                Lang::En => format!("There is no improvement item {position}."),
            },
            Self::Db(_) | Self::Corrupt(_) => internal_message(lang),
        }
    }
}

/// A rating as given.
#[derive(Debug, Clone)]
pub struct NewRating {
    /// 1-5.
    pub rating: Rating,
    /// Optional comment.
    pub comment: FeedbackComment,
    /// `(item position, helpful)` for the items the user judged.
    pub items: Vec<(i32, bool)>,
}

/// A stored rating with its item judgements and its author's name.
#[derive(Debug, Clone)]
pub struct RatingView {
    /// The rating row.
    pub feedback: feedback::Model,
    /// Item judgements, by position.
    pub items: Vec<item_feedback::Model>,
    /// Who rated (display name, or e-mail when it has none).
    pub author: String,
    /// Whether the viewer wrote it.
    pub mine: bool,
}

/// Stores (or replaces) the viewer's rating of the consultation's latest analysis.
///
/// Errors: `NOT_FOUND` when the viewer cannot read the consultation, `FORBIDDEN` when they may
/// read but not rate it (only its owner rates), `NOT_ANALYSED` before the analysis completes,
/// `BAD_USER_INPUT` for an item position the report does not have.
#[tracing::instrument(skip_all, fields(consultation = consultation_id))]
pub async fn rate_analysis(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
    rating: NewRating,
) -> Result<RatingView, FeedbackError> {
    let consultation = get_consultation(db, viewer, consultation_id).await?;
    if consultation.owner_id != viewer.user_id {
        return Err(AccessError::Forbidden.into());
    }
    let analysis = latest_analysis(db, consultation_id)
        .await?
        .ok_or(FeedbackError::NotAnalysed)?;
    let report: Report = serde_json::from_str(&analysis.report)
        .map_err(|e| FeedbackError::Corrupt(e.to_string()))?;
    let mut items = Vec::with_capacity(rating.items.len());
    for (position, helpful) in rating.items {
        let item = usize::try_from(position)
            .ok()
            .and_then(|p| report.improvements.get(p))
            .ok_or(FeedbackError::UnknownItem(position))?;
        let position = i16::try_from(position).map_err(|_| FeedbackError::UnknownItem(position))?;
        items.retain(|(p, _, _): &(i16, String, bool)| *p != position);
        items.push((position, item.code.clone(), helpful));
    }
    let existing = feedback::Entity::find()
        .filter(feedback::Column::AnalysisId.eq(analysis.id.clone()))
        .filter(feedback::Column::UserId.eq(viewer.user_id.clone()))
        .one(db)
        .await?;
    let now = now_ms();
    let txn = db.begin().await?;
    // Write first (SQLite transactions must start with a write, DESIGN-DECISIONS).
    let row = match existing {
        Some(row) => {
            let mut active: feedback::ActiveModel = row.into();
            active.rating = Set(i16::from(rating.rating.value()));
            active.comment = Set(rating.comment.as_deref().map(str::to_owned));
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => {
            feedback::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                analysis_id: Set(analysis.id.clone()),
                consultation_id: Set(consultation.id.clone()),
                user_id: Set(viewer.user_id.clone()),
                rating: Set(i16::from(rating.rating.value())),
                comment: Set(rating.comment.as_deref().map(str::to_owned)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    item_feedback::Entity::delete_many()
        .filter(item_feedback::Column::FeedbackId.eq(row.id.clone()))
        .exec(&txn)
        .await?;
    let mut stored = Vec::with_capacity(items.len());
    for (position, code, helpful) in items {
        stored.push(
            item_feedback::ActiveModel {
                feedback_id: Set(row.id.clone()),
                position: Set(position),
                code: Set(code),
                helpful: Set(helpful),
            }
            .insert(&txn)
            .await?,
        );
    }
    txn.commit().await?;
    track(db, viewer, ActivityKind::Feedback, Some(consultation_id)).await;
    stored.sort_by_key(|i| i.position);
    Ok(RatingView {
        author: author_name(db, &viewer.user_id).await?,
        feedback: row,
        items: stored,
        mine: true,
    })
}

/// The ratings of a consultation's analyses that the viewer may see: all of them for whoever may
/// read the consultation, newest first.
///
/// Errors: `NOT_FOUND` when the viewer cannot read the consultation.
pub async fn ratings_of(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
) -> Result<Vec<RatingView>, FeedbackError> {
    get_consultation(db, viewer, consultation_id).await?;
    let rows = feedback::Entity::find()
        .filter(feedback::Column::ConsultationId.eq(consultation_id))
        .order_by_desc(feedback::Column::UpdatedAt)
        .all(db)
        .await?;
    // All item judgements in one query, then grouped per rating.
    let mut items = item_feedback::Entity::find()
        .filter(item_feedback::Column::FeedbackId.is_in(rows.iter().map(|r| r.id.clone())))
        .order_by_asc(item_feedback::Column::Position)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let (its_items, rest): (Vec<_>, Vec<_>) =
            items.into_iter().partition(|i| i.feedback_id == row.id);
        items = rest;
        views.push(RatingView {
            author: author_name(db, &row.user_id).await?,
            mine: row.user_id == viewer.user_id,
            feedback: row,
            items: its_items,
        });
    }
    Ok(views)
}

async fn author_name(db: &DatabaseConnection, user_id: &str) -> Result<String, DbErr> {
    Ok(users::Entity::find_by_id(user_id.to_owned())
        .one(db)
        .await?
        .map(|u| {
            if u.display_name.trim().is_empty() {
                u.email
            } else {
                u.display_name
            }
        })
        .unwrap_or_default())
}
