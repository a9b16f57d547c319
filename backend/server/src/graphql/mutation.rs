//! The root mutation: the per-domain mutation objects merged.

use async_graphql::MergedObject;

use super::admin::mutation::AdminMutation;
use super::auth::mutation::AuthMutation;
use super::consultations::mutation::ConsultationMutation;
use super::disputes::mutation::DisputeMutation;
use super::feedback::mutation::FeedbackMutation;
use super::kpi::mutation::KpiMutation;
use super::sharing::mutation::SharingMutation;
use super::surveys::mutation::SurveyMutation;

/// Root mutation type.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    ConsultationMutation,
    FeedbackMutation,
    DisputeMutation,
    SharingMutation,
    SurveyMutation,
    KpiMutation,
    AdminMutation,
);
