//! Queries of the consultations domain.

use async_graphql::{Context, ID, Object, Result};

use super::types::Consultation;
use crate::auth::Scope;
use crate::graphql::context::{map_err, state, viewer_with};
use crate::service::consultations::{get_consultation, list_consultations};

/// Consultation queries.
#[derive(Default)]
pub struct ConsultationQuery;

#[Object]
impl ConsultationQuery {
    /// Consultations visible to the caller (own; a manager's team; all for admins), newest first.
    async fn consultations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] limit: i32,
        #[graphql(default = 0, validator(minimum = 0, maximum = 1_000_000))] offset: i32,
    ) -> Result<Vec<Consultation>> {
        let viewer = viewer_with(ctx, Scope::ConsultationsRead)?;
        let rows = list_consultations(
            &state(ctx)?.db,
            &viewer,
            u64::try_from(limit).unwrap_or(20),
            u64::try_from(offset).unwrap_or(0),
        )
        .await
        .map_err(map_err(ctx))?;
        Ok(rows.into_iter().map(Consultation).collect())
    }

    /// One consultation; `NOT_FOUND` when it does not exist or is not visible to the caller.
    async fn consultation(&self, ctx: &Context<'_>, id: ID) -> Result<Consultation> {
        let viewer = viewer_with(ctx, Scope::ConsultationsRead)?;
        let row = get_consultation(&state(ctx)?.db, &viewer, &id)
            .await
            .map_err(map_err(ctx))?;
        Ok(Consultation(row))
    }
}
