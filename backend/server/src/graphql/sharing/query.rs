//! Queries of share links.

use async_graphql::{Context, Object, Result};

use super::types::SharedReportView;
use crate::graphql::context::{map_err, state};
use crate::graphql::cost;
use coach_app::service::exports::open_shared_report;

/// Share-link queries.
#[derive(Default)]
pub struct SharingQuery;

#[Object]
impl SharingQuery {
    /// The report behind a share link; needs no account. Fails with `NOT_FOUND` for an unknown
    /// token, `SHARE_LINK_EXPIRED` or `SHARE_LINK_REVOKED`. Each read counts as a view of the link.
    #[graphql(complexity = "cost::with_children(cost::SHARED_REPORT, child_complexity)")]
    async fn shared_report(&self, ctx: &Context<'_>, token: String) -> Result<SharedReportView> {
        let state = state(ctx)?;
        Ok(
            open_shared_report(&state.db, &token, state.kpi.utc_offset_minutes)
                .await
                .map_err(map_err(ctx))?
                .into(),
        )
    }
}
