//! Queries of disputes.

use async_graphql::{Context, Object, Result};

use super::types::{DisputeStatus, ItemDispute};
use crate::graphql::context::{map_err, state, viewer_with};
use crate::graphql::cost;
use coach_app::service::disputes::list_disputes;
use shared::access::ApiScope;

/// Dispute queries.
#[derive(Default)]
pub struct DisputeQuery;

#[Object]
impl DisputeQuery {
    /// Disputes the viewer may see, newest first: a counselor's own, a manager's team's, every
    /// one for admins; optionally only those in one status (`first` 1-100, default 50).
    #[graphql(complexity = "cost::list(first, 100, child_complexity)")]
    async fn disputes(
        &self,
        ctx: &Context<'_>,
        status: Option<DisputeStatus>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 100))] first: i32,
        #[graphql(default = 0, validator(minimum = 0, maximum = 1_000_000))] offset: i32,
    ) -> Result<Vec<ItemDispute>> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        Ok(list_disputes(
            &state(ctx)?.db,
            &viewer,
            status.map(Into::into),
            u64::try_from(first).unwrap_or(50),
            u64::try_from(offset).unwrap_or(0),
        )
        .await
        .map_err(map_err(ctx))?
        .into_iter()
        .map(ItemDispute::from)
        .collect())
    }
}
