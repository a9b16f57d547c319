//! The durable job pipeline: a queue table with leases and fenced completion ([`queue`]), a pool of
//! workers woken in-process and by polling ([`worker`]), the processing stages ([`pipeline`]) and the
//! progress events every stage emits ([`progress`]), shared across processes on PostgreSQL through
//! `LISTEN/NOTIFY` ([`notify`]), and periodic housekeeping ([`periodic`]).

pub mod notify;
pub mod periodic;
pub mod pipeline;
pub mod progress;
pub mod queue;
pub mod worker;

pub use progress::{ProgressBus, ProgressEvent};
pub use queue::JobQueue;
pub use worker::{WorkerContext, spawn_workers};
