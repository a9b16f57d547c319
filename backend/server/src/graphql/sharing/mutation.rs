//! Mutations of exports and share links.

use async_graphql::{Context, ID, Object, Result};
use shared::inputs::ShareLifetime;

use super::types::{CreatedShareLink, ReportExport, ReportFormat, ShareLink};
use crate::graphql::context::to_graphql_error;
use crate::graphql::context::{GqlState, lang, map_err, state, viewer_with};
use crate::graphql::cost;
use coach_app::service::exports::{
    ExportDeps, create_share_link, export_report, export_shared_report, revoke_share_link,
};
use shared::access::ApiScope;

/// Export and sharing mutations.
#[derive(Default)]
pub struct SharingMutation;

fn deps(state: &GqlState) -> ExportDeps<'_> {
    ExportDeps {
        fonts: &state.pdf_fonts,
        utc_offset_minutes: state.kpi.utc_offset_minutes,
    }
}

#[Object]
impl SharingMutation {
    /// Exports the latest report of a consultation the viewer may read as Markdown, PDF or JSON,
    /// in the request's language, with its redacted transcript. Counts as a download.
    #[graphql(complexity = "cost::with_children(cost::EXPORT, child_complexity)")]
    async fn export_report(
        &self,
        ctx: &Context<'_>,
        consultation_id: ID,
        format: ReportFormat,
    ) -> Result<ReportExport> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        let state = state(ctx)?;
        Ok(export_report(
            &state.db,
            &viewer,
            &consultation_id,
            format.into(),
            lang(ctx),
            deps(state),
        )
        .await
        .map_err(map_err(ctx))?
        .into())
    }

    /// Creates a read-only link to a consultation's report for someone without an account, valid
    /// for `expiresInHours` (1-720; none: 168, a week). The token is returned this once. Counts
    /// as a share.
    async fn create_share_link(
        &self,
        ctx: &Context<'_>,
        consultation_id: ID,
        expires_in_hours: Option<i32>,
    ) -> Result<CreatedShareLink> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let hours = expires_in_hours.map_or(i64::from(ShareLifetime::DEFAULT_HOURS), i64::from);
        let lifetime = ShareLifetime::parse(hours).map_err(|e| to_graphql_error(e, lang(ctx)))?;
        Ok(
            create_share_link(&state(ctx)?.db, &viewer, &consultation_id, lifetime)
                .await
                .map_err(map_err(ctx))?
                .into(),
        )
    }

    /// Revokes a share link of a consultation the viewer may read; it stops working at once.
    async fn revoke_share_link(&self, ctx: &Context<'_>, id: ID) -> Result<ShareLink> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        Ok(revoke_share_link(&state(ctx)?.db, &viewer, &id)
            .await
            .map_err(map_err(ctx))?
            .into())
    }

    /// Exports the report behind a share link (no account needed; no title, as on the shared
    /// page).
    #[graphql(complexity = "cost::with_children(cost::EXPORT, child_complexity)")]
    async fn export_shared_report(
        &self,
        ctx: &Context<'_>,
        token: String,
        format: ReportFormat,
    ) -> Result<ReportExport> {
        let state = state(ctx)?;
        Ok(
            export_shared_report(&state.db, &token, format.into(), lang(ctx), deps(state))
                .await
                .map_err(map_err(ctx))?
                .into(),
        )
    }
}
