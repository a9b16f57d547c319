//! Queries of coaching over time.

use async_graphql::{Context, ID, Object, Result};
use shared::inputs::DayRange;

use super::types::{CoachingTrend, CounselorOverview};
use crate::graphql::context::{map_err, state, viewer_with};
use crate::graphql::cost;
use crate::graphql::kpi::types::DayRangeInput;
use coach_app::service::coaching::{CoachingError, team_overview, trend};
use shared::access::ApiScope;

/// Coaching queries.
#[derive(Default)]
pub struct CoachingQuery;

fn day_range(ctx: &Context<'_>, range: &DayRangeInput) -> Result<DayRange> {
    DayRange::parse(&range.from, &range.to).map_err(|e| map_err(ctx)(CoachingError::from(e)))
}

#[Object]
impl CoachingQuery {
    /// A counselor's scores over `range` (the latest analysis of each consultation uploaded in
    /// it) and the improvement items that recur. Without `counselorId`, the viewer's own.
    /// Counselors may read only their own; managers their team's members; admins anyone (API
    /// keys need `consultations:read` and a `counselorId`).
    #[graphql(complexity = "cost::ranged(cost::COACHING_TREND, &range, child_complexity)")]
    async fn coaching_trend(
        &self,
        ctx: &Context<'_>,
        range: DayRangeInput,
        counselor_id: Option<ID>,
    ) -> Result<CoachingTrend> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        let state = state(ctx)?;
        let range = day_range(ctx, &range)?;
        let found = trend(
            &state.db,
            &viewer,
            counselor_id.as_ref().map(|id| id.as_str()),
            &range,
            state.kpi.utc_offset_minutes,
        )
        .await
        .map_err(map_err(ctx))?;
        Ok(found.into())
    }

    /// Every counselor of a team over `range`: analysed consultations, mean and change of scores,
    /// latest activity and recurring items, most active first. Managers see their own team;
    /// admins a chosen `teamId` or every counselor (API keys need `kpis:read`).
    #[graphql(complexity = "cost::ranged(cost::TEAM_OVERVIEW, &range, child_complexity)")]
    async fn team_overview(
        &self,
        ctx: &Context<'_>,
        range: DayRangeInput,
        team_id: Option<ID>,
    ) -> Result<Vec<CounselorOverview>> {
        let viewer = viewer_with(ctx, ApiScope::KpisRead)?;
        let state = state(ctx)?;
        let range = day_range(ctx, &range)?;
        let overview = team_overview(
            &state.db,
            &viewer,
            team_id.as_ref().map(|id| id.as_str()),
            &range,
            state.kpi.utc_offset_minutes,
        )
        .await
        .map_err(map_err(ctx))?;
        Ok(overview.into_iter().map(Into::into).collect())
    }
}
