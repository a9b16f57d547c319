//! GraphQL of coaching over time: `coachingTrend(range, counselorId)` (the personal trend page) and
//! `teamOverview(range, teamId)` (managers' team overview).

pub mod query;
pub mod types;
