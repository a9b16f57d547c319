//! SeaORM entities, one module per table. Nothing here derives GraphQL types (DESIGN §7.2).

pub mod analyses;
pub mod consultations;
pub mod improvement_items;
pub mod job_events;
pub mod jobs;
pub mod teams;
pub mod transcripts;
pub mod users;
