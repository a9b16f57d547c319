//! GraphQL of the KPIs: `kpis(range, teamId, counselorId)`, `kpi(id, range, …)`, and the weekly
//! report (`weeklyReports`, `weeklyReport`, `generateWeeklyReport`).

pub mod mutation;
pub mod query;
pub mod types;
