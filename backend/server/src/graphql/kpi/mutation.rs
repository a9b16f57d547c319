//! Mutations of the KPIs: the weekly report on demand.

use async_graphql::{Context, Object, Result};

use super::types::WeeklyReport;
use crate::graphql::context::{lang, map_err, state, viewer};
use crate::graphql::cost;
use coach_app::service::reports::generate_on_request;
use shared::clock::now_ms;

/// KPI mutations.
#[derive(Default)]
pub struct KpiMutation;

#[Object]
impl KpiMutation {
    /// (Re)writes the weekly KPI report of the week containing `weekOf` (`YYYY-MM-DD`; default:
    /// the last complete week) with the current figures (managers and admins, signed in).
    #[graphql(complexity = "cost::with_children(cost::WEEKLY_REPORT, child_complexity)")]
    async fn generate_weekly_report(
        &self,
        ctx: &Context<'_>,
        week_of: Option<String>,
    ) -> Result<WeeklyReport> {
        let viewer = viewer(ctx)?;
        let state = state(ctx)?;
        let row = generate_on_request(&state.db, &viewer, &state.kpi, week_of.as_deref(), now_ms())
            .await
            .map_err(map_err(ctx))?;
        Ok(WeeklyReport::from_row(row, lang(ctx)))
    }
}
