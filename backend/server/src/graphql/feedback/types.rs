//! GraphQL types of analysis feedback.

use async_graphql::{ID, InputObject, SimpleObject};

use coach_app::service::feedback::RatingView;
use shared::clock::to_datetime;

/// A rating of an analysis.
#[derive(SimpleObject, Debug, Clone)]
pub struct AnalysisFeedback {
    /// Identifier.
    pub id: ID,
    /// 1 (not useful) to 5 (very useful).
    pub rating: i32,
    /// Optional comment.
    pub comment: Option<String>,
    /// Per improvement item: helpful or not (only the items that were judged).
    pub items: Vec<ItemFeedback>,
    /// Who rated (display name).
    pub author: String,
    /// Whether the viewer wrote it.
    pub mine: bool,
    /// When it was first given.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it was last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Whether one improvement item was helpful.
#[derive(SimpleObject, Debug, Clone)]
pub struct ItemFeedback {
    /// The item's position in the report's `improvements` (0-based).
    pub position: i32,
    /// The item's stable code.
    pub code: String,
    /// Helpful or not.
    pub helpful: bool,
}

impl From<RatingView> for AnalysisFeedback {
    fn from(view: RatingView) -> Self {
        Self {
            id: ID(view.feedback.id),
            rating: i32::from(view.feedback.rating),
            comment: view.feedback.comment,
            items: view
                .items
                .into_iter()
                .map(|i| ItemFeedback {
                    position: i32::from(i.position),
                    code: i.code,
                    helpful: i.helpful,
                })
                .collect(),
            author: view.author,
            mine: view.mine,
            created_at: to_datetime(view.feedback.created_at),
            updated_at: to_datetime(view.feedback.updated_at),
        }
    }
}

/// A rating to give.
#[derive(InputObject, Debug, Clone)]
pub struct RateAnalysisInput {
    /// 1 (not useful) to 5 (very useful).
    pub rating: i32,
    /// Optional comment, at most 2,000 characters.
    pub comment: Option<String>,
    /// Per improvement item: helpful or not (at most one entry per item).
    #[graphql(default)]
    pub items: Vec<ItemFeedbackInput>,
}

/// Whether one improvement item was helpful.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct ItemFeedbackInput {
    /// The item's position in the report's `improvements` (0-based).
    pub position: i32,
    /// Helpful or not.
    pub helpful: bool,
}
