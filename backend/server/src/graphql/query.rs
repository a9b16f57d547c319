//! The root query: the per-domain query objects merged.

use async_graphql::MergedObject;

use super::admin::query::AdminQuery;
use super::auth::query::AuthQuery;
use super::coaching::query::CoachingQuery;
use super::consultations::query::ConsultationQuery;
use super::disputes::query::DisputeQuery;
use super::kpi::query::KpiQuery;
use super::sharing::query::SharingQuery;
use super::surveys::query::SurveyQuery;

/// Root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    AuthQuery,
    ConsultationQuery,
    DisputeQuery,
    SharingQuery,
    SurveyQuery,
    KpiQuery,
    CoachingQuery,
    AdminQuery,
);
