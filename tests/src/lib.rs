//! Test support: [`spawn_app`] starts a real server on port 0 with a fresh database (SQLite file in a
//! temporary directory, or a new PostgreSQL database on the server named by `TEST_DATABASE_URL`) and
//! returns a [`TestApp`] with helpers that speak GraphQL over HTTP and WebSocket like a client would.
//!
//! Tests are written once and run on both databases with [`db_tests!`].

#![expect(
    clippy::missing_panics_doc,
    reason = "test support panics with clear messages by design"
)]

pub mod app;
pub mod assertions;
pub mod client;
pub mod load;
pub mod material;
pub mod postgres;
pub mod processes;
pub mod s3;
pub mod synth;

pub use app::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Db, TestApp, spawn_app, spawn_app_with, spawn_app_with_s3,
    test_settings,
};
pub use assertions::{error_code, kpi_of, kpi_today};
pub use client::{UploadFile, WsClient, upload_form};
pub use material::{eval_dir, eval_path, spec_dir, spec_path, workspace_root};
pub use postgres::{PrivatePostgres, fresh_postgres_url};
pub use processes::{
    Memory, WorkerProcess, free_port, memory_kb, proc_field, resident_kb, run_node, server_binary,
};
pub use s3::{list_s3_keys, use_fresh_s3_bucket};
