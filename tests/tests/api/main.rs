//! Black-box API tests through `spawn_app()`, each on SQLite and on PostgreSQL.

mod accounts;
mod auth;
mod authz;
mod backups;
mod coaching;
mod consultations;
mod faults;
mod feedback;
mod http;
mod ingest;
mod kpi;
mod llm;
mod load;
mod malformed;
mod metrics;
mod migrations;
mod progress;
mod query_cost;
mod reports;
mod schema;
mod session_cookie;
mod sharing;
mod storage;
mod surveys;
mod web;
