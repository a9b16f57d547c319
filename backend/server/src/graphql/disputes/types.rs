//! GraphQL types of disputes.

use async_graphql::{Enum, ID, InputObject, SimpleObject};

use coach_app::service::disputes::{DisputeStatus as Status, DisputeView};
use shared::clock::to_datetime;

/// Where a dispute stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "coach_app::service::disputes::DisputeStatus")]
pub enum DisputeStatus {
    /// Waiting for a manager's review.
    Open,
    /// The manager agreed that the item was not deserved.
    Accepted,
    /// The manager kept the item.
    Rejected,
}

/// A counselor's objection to one improvement item.
#[derive(SimpleObject, Debug, Clone)]
pub struct ItemDispute {
    /// Identifier.
    pub id: ID,
    /// The consultation.
    pub consultation_id: ID,
    /// The consultation's title.
    pub consultation_title: String,
    /// The item's position in the report's `improvements` (0-based).
    pub position: i32,
    /// The item's stable code.
    pub code: String,
    /// The item's title.
    pub item_title: String,
    /// The counselor's reason.
    pub reason: String,
    /// Who disputed it (display name).
    pub counselor: String,
    /// Who disputed it (user id).
    pub counselor_id: ID,
    /// Where it stands.
    pub status: DisputeStatus,
    /// The reviewer's note.
    pub resolution: Option<String>,
    /// Who reviewed it.
    pub resolved_by: Option<String>,
    /// When it was reviewed.
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it was raised.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<DisputeView> for ItemDispute {
    fn from(view: DisputeView) -> Self {
        let d = view.dispute;
        Self {
            id: ID(d.id),
            consultation_id: ID(d.consultation_id),
            consultation_title: view.consultation_title,
            position: i32::from(d.position),
            code: d.code,
            item_title: d.item_title,
            reason: d.reason,
            counselor: view.counselor,
            counselor_id: ID(d.user_id),
            status: Status::from_db(&d.status).into(),
            resolution: d.resolution,
            resolved_by: view.resolver,
            resolved_at: d.resolved_at.map(to_datetime),
            created_at: to_datetime(d.created_at),
        }
    }
}

/// A manager's decision on a dispute.
#[derive(InputObject, Debug, Clone)]
pub struct ResolveDisputeInput {
    /// `true`: the item was not deserved; `false`: it stands.
    pub accept: bool,
    /// An optional note for the counselor, at most 2,000 characters.
    pub note: Option<String>,
}
