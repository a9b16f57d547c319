//! Consultations: upload, list, detail with report and transcript, live progress.

pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;
