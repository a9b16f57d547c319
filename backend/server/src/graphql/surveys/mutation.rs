//! Mutations of manager surveys.

use async_graphql::{Context, Object, Result};

use super::types::{Survey, SurveyInput};
use crate::graphql::context::to_graphql_error;
use crate::graphql::context::{lang, map_err, state, viewer};
use coach_app::service::surveys::{SurveyAnswers, submit_survey};
use shared::clock::now_ms;

/// Survey mutations.
#[derive(Default)]
pub struct SurveyMutation;

#[Object]
impl SurveyMutation {
    /// Answers the current period's survey (managers only); answering again in the same period
    /// replaces the answer.
    async fn submit_survey(&self, ctx: &Context<'_>, input: SurveyInput) -> Result<Survey> {
        let viewer = viewer(ctx)?;
        let state = state(ctx)?;
        let answers = SurveyAnswers::parse(
            i64::from(input.satisfaction),
            i64::from(input.nps),
            i64::from(input.time_saved_pct),
            i64::from(input.quality_score),
            input.comment.as_deref(),
        )
        .map_err(|e| to_graphql_error(e, lang(ctx)))?;
        let row = submit_survey(&state.db, &viewer, state.survey_period, answers, now_ms())
            .await
            .map_err(map_err(ctx))?;
        Ok(row.into())
    }
}
