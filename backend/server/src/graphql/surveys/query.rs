//! Queries of manager surveys.

use async_graphql::{Context, Object, Result};

use super::types::{Survey, SurveyStatus};
use crate::graphql::context::{map_err, state, viewer};
use coach_app::service::surveys::{my_surveys, survey_status};
use shared::clock::now_ms;

/// Survey queries.
#[derive(Default)]
pub struct SurveyQuery;

#[Object]
impl SurveyQuery {
    /// The current survey period and whether the signed-in manager still has to answer (managers
    /// only).
    async fn survey_status(&self, ctx: &Context<'_>) -> Result<SurveyStatus> {
        let viewer = viewer(ctx)?;
        let state = state(ctx)?;
        let status = survey_status(&state.db, &viewer, state.survey_period, now_ms())
            .await
            .map_err(map_err(ctx))?;
        Ok(SurveyStatus {
            period: status.period,
            due: status.answer.is_none(),
            current: status.answer.map(Survey::from),
        })
    }

    /// The signed-in manager's answers, newest period first (managers only).
    async fn my_surveys(&self, ctx: &Context<'_>) -> Result<Vec<Survey>> {
        let viewer = viewer(ctx)?;
        Ok(my_surveys(&state(ctx)?.db, &viewer)
            .await
            .map_err(map_err(ctx))?
            .into_iter()
            .map(Survey::from)
            .collect())
    }
}
