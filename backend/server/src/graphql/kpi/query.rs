//! Queries of the KPIs.

use async_graphql::{Context, ID, Object, Result};
use shared::inputs::DayRange;

use super::types::{DayRangeInput, KpiBoard, KpiResult, WeeklyReport};
use crate::graphql::context::{lang, map_err, state, viewer, viewer_with};
use crate::graphql::cost;
use coach_app::service::kpi::{KpiError, KpiQuery as Query, kpi_board};
use coach_app::service::reports::{find_report, list_reports};
use shared::access::ApiScope;
use shared::clock::now_ms;

/// KPI queries.
#[derive(Default)]
pub struct KpiQuery;

impl KpiQuery {
    async fn board(
        ctx: &Context<'_>,
        range: DayRangeInput,
        team_id: Option<ID>,
        counselor_id: Option<ID>,
    ) -> Result<(coach_app::service::kpi::KpiBoard, Option<f64>)> {
        let viewer = viewer_with(ctx, ApiScope::KpisRead)?;
        let state = state(ctx)?;
        let range =
            DayRange::parse(&range.from, &range.to).map_err(|e| map_err(ctx)(KpiError::from(e)))?;
        let board = kpi_board(
            &state.db,
            &state.kpi,
            &viewer,
            Query {
                range,
                team_id: team_id.map(|id| id.0),
                counselor_id: counselor_id.map(|id| id.0),
            },
            now_ms(),
        )
        .await
        .map_err(map_err(ctx))?;
        Ok((board, state.kpi.llm_daily_quota.map(|q| q as f64)))
    }
}

#[Object]
impl KpiQuery {
    /// Every KPI of the sheet over `range`, each with its value, target, status and daily
    /// series (managers and admins; API keys need `kpis:read`). `teamId` or `counselorId`
    /// restrict the KPIs that describe people's work; a manager may ask about their own team.
    #[graphql(complexity = "cost::ranged(cost::KPI_BOARD, &range, child_complexity)")]
    async fn kpis(
        &self,
        ctx: &Context<'_>,
        range: DayRangeInput,
        team_id: Option<ID>,
        counselor_id: Option<ID>,
    ) -> Result<KpiBoard> {
        let (board, quota) = Self::board(ctx, range, team_id, counselor_id).await?;
        Ok(KpiBoard::from_board(board, quota))
    }

    /// One KPI by id over `range` (same rules as `kpis`).
    #[graphql(complexity = "cost::ranged(cost::KPI_BOARD, &range, child_complexity)")]
    async fn kpi(
        &self,
        ctx: &Context<'_>,
        id: String,
        range: DayRangeInput,
        team_id: Option<ID>,
        counselor_id: Option<ID>,
    ) -> Result<KpiResult> {
        if shared::kpi::kpi(&id).is_none() {
            return Err(map_err(ctx)(KpiError::UnknownKpi(
                id.chars().take(64).collect(),
            )));
        }
        let (board, quota) = Self::board(ctx, range, team_id, counselor_id).await?;
        let window = board.window;
        board
            .outcomes
            .into_iter()
            .find(|o| o.kpi.id == id)
            .map(|o| KpiResult::from_outcome(o, window, quota))
            .ok_or_else(|| map_err(ctx)(KpiError::UnknownKpi(id)))
    }

    /// Stored weekly KPI reports, newest week first (managers and admins; API keys need
    /// `kpis:read`).
    #[graphql(complexity = "cost::list(limit, 104, child_complexity)")]
    async fn weekly_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 12)] limit: i32,
    ) -> Result<Vec<WeeklyReport>> {
        let viewer = viewer(ctx)?;
        let rows = list_reports(
            &state(ctx)?.db,
            &viewer,
            u64::try_from(limit.max(1)).unwrap_or(1),
        )
        .await
        .map_err(map_err(ctx))?;
        let lang = lang(ctx);
        Ok(rows
            .into_iter()
            .map(|r| WeeklyReport::from_row(r, lang))
            .collect())
    }

    /// The stored report of the week containing `weekOf` (`YYYY-MM-DD`).
    async fn weekly_report(&self, ctx: &Context<'_>, week_of: String) -> Result<WeeklyReport> {
        let viewer = viewer(ctx)?;
        let row = find_report(&state(ctx)?.db, &viewer, &week_of)
            .await
            .map_err(map_err(ctx))?;
        Ok(WeeklyReport::from_row(row, lang(ctx)))
    }
}
