//! The root query: the per-domain query objects merged.

use async_graphql::MergedObject;

use super::admin::query::AdminQuery;
use super::auth::query::AuthQuery;
use super::consultations::query::ConsultationQuery;
use super::kpi::query::KpiQuery;
use super::surveys::query::SurveyQuery;

/// Root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    AuthQuery,
    ConsultationQuery,
    SurveyQuery,
    KpiQuery,
    AdminQuery,
);
