//! Consult Coach server library.
//!
//! Architecture (see `DESIGN.md`): the GraphQL edge ([`graphql`]) is thin and calls the business
//! rules in [`service`], which own the database through the SeaORM entities in [`entity`]. Uploads
//! become a stored file plus a consultation row and a durable job committed in one transaction; the
//! [`jobs`] workers run the pipeline ([`ingest`] → redaction → [`analysis`]) and publish progress
//! events that subscribers receive live. [`llm`] providers optionally refine the local report. [`startup`] wires it all into an actix-web server.

pub mod analysis;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod entity;
pub mod error;
pub mod graphql;
pub mod ingest;
pub mod jobs;
pub mod llm;
pub mod service;
pub mod speech;
pub mod startup;
pub mod storage;
pub mod telemetry;
