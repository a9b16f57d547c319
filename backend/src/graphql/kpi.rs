//! GraphQL of the KPIs: `kpis(range, teamId, counselorId)` and `kpi(id, range, …)`.

pub mod query;
pub mod types;
