//! The job runner: workers claim queued consultations from [`crate::service::queue`], keep their
//! lease alive and run the [`pipeline`] (decode → transcribe → redact → analyse), whose results
//! the services store in a transaction fenced by the attempt.

pub mod context;
pub mod pipeline;
pub mod worker;

pub use context::WorkerContext;
pub use worker::spawn_workers;
