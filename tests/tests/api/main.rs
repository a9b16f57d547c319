//! Black-box API tests through `spawn_app()`, each on SQLite and on PostgreSQL.

mod auth;
mod consultations;
mod http;
mod progress;
mod schema;
