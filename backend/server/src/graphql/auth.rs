//! Sign-in and the current user.

pub mod cookie;
pub mod mutation;
pub mod query;
pub mod types;
