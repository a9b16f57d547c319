//! Counselors' ratings of analyses (KPI sheet §3.1 사용자 만족도): a rating 1-5, an optional
//! comment and, per improvement item, helpful or not. One rating per user and analysis, which a
//! new rating replaces. Only the consultation's owner rates its latest analysis; whoever may read
//! the consultation (its owner, their team's managers, admins) sees its ratings.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use shared::inputs::{FeedbackComment, Rating};

use crate::auth::Viewer;
use crate::entity::{feedback, item_feedback, users};
use crate::service::activity::{ActivityKind, track};
use crate::service::consultations::get_consultation;
use crate::service::report_access::{Acting, LatestReport, ReportError, latest_report_for};
use shared::clock::now_ms;

/// Why a rating could not be stored or read: the failures of acting on a report.
pub type FeedbackError = ReportError;

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
    let latest = latest_report_for(db, viewer, consultation_id, Acting::Owner).await?;
    let mut items = Vec::with_capacity(rating.items.len());
    for (position, helpful) in rating.items {
        let (item, position) = latest.item(position)?;
        items.retain(|(p, _, _): &(i16, String, bool)| *p != position);
        items.push((position, item.code.clone(), helpful));
    }
    let LatestReport {
        consultation,
        analysis,
        ..
    } = latest;
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

/// A user's display name, or their e-mail when they have none.
pub fn shown_name(user: users::Model) -> String {
    if user.display_name.trim().is_empty() {
        user.email
    } else {
        user.display_name
    }
}

/// [`shown_name`] of a user id (empty for an unknown id).
pub async fn author_name(db: &DatabaseConnection, user_id: &str) -> Result<String, DbErr> {
    Ok(users::Entity::find_by_id(user_id.to_owned())
        .one(db)
        .await?
        .map(shown_name)
        .unwrap_or_default())
}
