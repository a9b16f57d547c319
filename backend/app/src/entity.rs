//! SeaORM entities, one module per table. Nothing here derives GraphQL types (ARCHITECTURE §9.2).

pub mod acknowledgements;
pub mod activity_events;
pub mod analyses;
pub mod api_keys;
pub mod backups;
pub mod consultations;
pub mod feedback;
pub mod improvement_items;
pub mod item_disputes;
pub mod item_feedback;
pub mod job_events;
pub mod jobs;
pub mod llm_calls;
pub mod login_attempts;
pub mod refresh_tokens;
pub mod security_audits;
pub mod security_incidents;
pub mod server_samples;
pub mod share_links;
pub mod storage_events;
pub mod surveys;
pub mod teams;
pub mod transcripts;
pub mod users;
pub mod weekly_reports;
