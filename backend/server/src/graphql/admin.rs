//! Administration: users, teams and API keys (admins; managers see their team and their own keys).

pub mod mutation;
pub mod query;
pub mod types;
