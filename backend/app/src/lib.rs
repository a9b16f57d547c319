//! Consult Coach's application core: everything between the API and the engines.
//!
//! * [`service`]: the business rules, one module per domain, and the only writers of the tables
//!   (`docs/ARCHITECTURE.md` lists which module owns which table).
//! * [`entity`]: the SeaORM entities, one per table; [`db`] connects, migrates and watches the
//!   database.
//! * [`jobs`]: the durable job runner — workers claim uploads and run the pipeline (ingest →
//!   redaction → analysis → the service that stores the result) — and [`tasks`], the background
//!   tasks of each process role, listed as data.
//! * [`auth`]: passwords, access tokens and the [`auth::Viewer`] every service checks.
//! * [`storage`]: the file store (a local directory or S3).
//! * [`config`]: the typed, layered settings of a process.
//! * [`telemetry`]: logging, metrics, the KPI sampler and the secret scanner.
//! * [`events`]: progress events and worker wake-ups, across processes on PostgreSQL.
//! * [`error`]: what every service error can tell a user.

pub mod auth;
pub mod config;
pub mod db;
pub mod entity;
pub mod error;
pub mod events;
pub mod jobs;
pub mod service;
pub mod storage;
pub mod tasks;
pub mod telemetry;
