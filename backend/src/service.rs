//! Business rules, one module per domain. Services take a database connection, enforce ownership
//! and return their own error enum (mapped to GraphQL codes once, in [`crate::error`]).

pub mod consultations;
pub mod users;
