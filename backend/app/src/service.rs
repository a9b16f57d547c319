//! Business rules, one module per domain. Services take a database connection, enforce ownership
//! and return their own error enum (mapped to GraphQL codes once, in [`crate::error`]).

pub mod activity;
pub mod analyses;
pub mod api_keys;
pub mod backups;
pub mod coaching;
pub mod consultations;
pub mod disputes;
pub mod exports;
pub mod feedback;
pub mod files;
pub mod kpi;
pub mod llm_calls;
pub mod queue;
pub mod report_access;
pub mod reports;
pub mod security;
pub mod sessions;
pub mod surveys;
pub mod system;
pub mod users;

/// A UUID given as an id argument (`field` names it in the error), in its canonical form.
///
/// Errors: an [`shared::inputs::InputError`] for anything that is not a UUID.
pub fn parse_id(raw: &str, field: &'static str) -> Result<String, shared::inputs::InputError> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|id| id.to_string())
        .map_err(|_| shared::inputs::InputError {
            field,
            message_ko: "올바른 ID가 아닙니다.".into(),
            message_en: "This is not a valid id.".into(),
        })
}
