//! Mutations of analysis feedback.

use async_graphql::{Context, ID, Object, Result};
use shared::inputs::{FeedbackComment, Rating};

use super::types::{AnalysisFeedback, RateAnalysisInput};
use crate::graphql::context::to_graphql_error;
use crate::graphql::context::{lang, map_err, state, viewer_with};
use coach_app::service::feedback::{NewRating, rate_analysis};
use shared::access::ApiScope;

/// Feedback mutations.
#[derive(Default)]
pub struct FeedbackMutation;

#[Object]
impl FeedbackMutation {
    /// Rates the latest analysis of one of the viewer's own consultations (1-5, an optional
    /// comment, and per improvement item whether it helped). Rating again replaces the rating.
    async fn rate_analysis(
        &self,
        ctx: &Context<'_>,
        consultation_id: ID,
        #[graphql(validator(custom = "ItemCount"))] input: RateAnalysisInput,
    ) -> Result<AnalysisFeedback> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let parsed = Rating::parse(i64::from(input.rating))
            .and_then(|rating| {
                FeedbackComment::parse(input.comment.as_deref()).map(|comment| NewRating {
                    rating,
                    comment,
                    items: input
                        .items
                        .iter()
                        .map(|i| (i.position, i.helpful))
                        .collect(),
                })
            })
            .map_err(|e| to_graphql_error(e, lang(ctx)))?;
        let view = rate_analysis(&state(ctx)?.db, &viewer, &consultation_id, parsed)
            .await
            .map_err(map_err(ctx))?;
        Ok(view.into())
    }
}

/// Caps the item judgements of one rating (a report has at most 5 items).
struct ItemCount;

impl async_graphql::CustomValidator<RateAnalysisInput> for ItemCount {
    fn check(
        &self,
        value: &RateAnalysisInput,
    ) -> Result<(), async_graphql::InputValueError<RateAnalysisInput>> {
        if value.items.len() > 10 {
            return Err(async_graphql::InputValueError::custom(
                "at most 10 item judgements",
            ));
        }
        Ok(())
    }
}
