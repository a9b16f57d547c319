//! Queries of the consultations domain.

use async_graphql::{Context, ID, Object, Result};

use shared::inputs::{DayBounds, SearchTerm};

use super::types::{Consultation, ConsultationFilterInput};
use crate::graphql::context::to_graphql_error;
use crate::graphql::context::{lang, map_err, state, viewer_with};
use crate::graphql::cost;
use coach_app::service::consultations::{
    ConsultationFilter, count_consultations, get_consultation, get_consultation_with_parts,
    list_consultations,
};
use shared::access::ApiScope;

/// Validates a list filter (days are counted in the KPI time zone, as everywhere in the app).
fn parse_filter(
    ctx: &Context<'_>,
    input: Option<ConsultationFilterInput>,
) -> Result<ConsultationFilter> {
    let input = input.unwrap_or_default();
    let search = SearchTerm::parse(input.search.as_deref());
    let days = DayBounds::parse(input.from.as_deref(), input.to.as_deref());
    match (search, days) {
        (Ok(search), Ok(days)) => Ok(ConsultationFilter::new(
            search,
            input.file_type,
            input.status,
            days,
            state(ctx)?.kpi.utc_offset_minutes,
        )),
        (Err(e), _) | (_, Err(e)) => Err(to_graphql_error(e, lang(ctx))),
    }
}

/// Consultation queries.
#[derive(Default)]
pub struct ConsultationQuery;

#[Object]
impl ConsultationQuery {
    /// Consultations visible to the caller (own; a manager's team; all for admins), newest
    /// first, optionally filtered.
    #[graphql(complexity = "cost::list(limit, 100, child_complexity)")]
    async fn consultations(
        &self,
        ctx: &Context<'_>,
        filter: Option<ConsultationFilterInput>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] limit: i32,
        #[graphql(default = 0, validator(minimum = 0, maximum = 1_000_000))] offset: i32,
    ) -> Result<Vec<Consultation>> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        let filter = parse_filter(ctx, filter)?;
        let rows = list_consultations(
            &state(ctx)?.db,
            &viewer,
            &filter,
            u64::try_from(limit).unwrap_or(20),
            u64::try_from(offset).unwrap_or(0),
        )
        .await
        .map_err(map_err(ctx))?;
        Ok(rows.into_iter().map(Consultation::from).collect())
    }

    /// How many consultations `consultations` would list with this filter (for pagination).
    #[graphql(complexity = "cost::QUERY")]
    async fn consultation_count(
        &self,
        ctx: &Context<'_>,
        filter: Option<ConsultationFilterInput>,
    ) -> Result<i64> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        let filter = parse_filter(ctx, filter)?;
        let count = count_consultations(&state(ctx)?.db, &viewer, &filter)
            .await
            .map_err(map_err(ctx))?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }

    /// One consultation; `NOT_FOUND` when it does not exist or is not visible to the caller.
    #[graphql(complexity = "cost::with_children(cost::QUERY, child_complexity)")]
    async fn consultation(&self, ctx: &Context<'_>, id: ID) -> Result<Consultation> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        let db = &state(ctx)?.db;
        let wanted = ctx.look_ahead();
        if ["report", "transcript", "transcriptInfo"]
            .into_iter()
            .any(|field| wanted.field(field).exists())
        {
            let (row, parts) = get_consultation_with_parts(db, &viewer, &id)
                .await
                .map_err(map_err(ctx))?;
            return Ok(Consultation::with_parts(row, parts));
        }
        let row = get_consultation(db, &viewer, &id)
            .await
            .map_err(map_err(ctx))?;
        Ok(Consultation::from(row))
    }
}
