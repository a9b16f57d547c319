//! Mutations of acknowledgements and disputes.

use async_graphql::{Context, ID, Object, Result};
use shared::inputs::{DisputeReason, FeedbackComment};

use super::types::{ItemDispute, ResolveDisputeInput};
use crate::graphql::context::to_graphql_error;
use crate::graphql::context::{lang, map_err, state, viewer_with};
use coach_app::service::disputes::{acknowledge_report, dispute_item, resolve_dispute};
use shared::access::ApiScope;
use shared::clock::to_datetime;

/// Dispute mutations.
#[derive(Default)]
pub struct DisputeMutation;

#[Object]
impl DisputeMutation {
    /// Confirms that the viewer read the latest report of one of their own consultations; returns
    /// when (the first time, if acknowledged before).
    async fn acknowledge_report(
        &self,
        ctx: &Context<'_>,
        consultation_id: ID,
    ) -> Result<chrono::DateTime<chrono::Utc>> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let ack = acknowledge_report(&state(ctx)?.db, &viewer, &consultation_id)
            .await
            .map_err(map_err(ctx))?;
        Ok(to_datetime(ack.created_at))
    }

    /// Disputes one improvement item (its 0-based `position`) of the latest report of one of the
    /// viewer's own consultations, with a reason (5-1,000 characters). Disputing the same item
    /// again while it is open replaces the reason.
    async fn dispute_item(
        &self,
        ctx: &Context<'_>,
        consultation_id: ID,
        position: i32,
        reason: String,
    ) -> Result<ItemDispute> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let reason = DisputeReason::parse(&reason).map_err(|e| to_graphql_error(e, lang(ctx)))?;
        Ok(
            dispute_item(&state(ctx)?.db, &viewer, &consultation_id, position, reason)
                .await
                .map_err(map_err(ctx))?
                .into(),
        )
    }

    /// Accepts or rejects an open dispute of a counselor the viewer manages (managers of the
    /// counselor's team, admins).
    async fn resolve_dispute(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ResolveDisputeInput,
    ) -> Result<ItemDispute> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let note = FeedbackComment::parse(input.note.as_deref())
            .map_err(|e| to_graphql_error(e, lang(ctx)))?;
        Ok(
            resolve_dispute(&state(ctx)?.db, &viewer, &id, input.accept, note)
                .await
                .map_err(map_err(ctx))?
                .into(),
        )
    }
}
