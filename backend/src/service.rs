//! Business rules, one module per domain. Services take a database connection, enforce ownership
//! and return their own error enum (mapped to GraphQL codes once, in [`crate::error`]).

pub mod activity;
pub mod api_keys;
pub mod backups;
pub mod consultations;
pub mod disputes;
pub mod exports;
pub mod feedback;
pub mod files;
pub mod kpi;
pub mod report_access;
pub mod reports;
pub mod security;
pub mod sessions;
pub mod surveys;
pub mod system;
pub mod users;
