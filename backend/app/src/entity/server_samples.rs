//! The `server_samples` table.

use sea_orm::entity::prelude::*;

/// One sampling interval of one `serve` or `worker` process.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "server_samples")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The process (host name, pid and start time).
    pub process_id: String,
    /// `serve` or `worker`.
    pub role: String,
    /// End of the interval, epoch ms (aligned to the interval).
    pub at: i64,
    /// Length of the interval, ms.
    pub interval_ms: i64,
    /// API requests answered in the interval.
    pub requests: i64,
    /// Of those, server errors.
    pub request_errors: i64,
    /// Their total duration, ms.
    pub request_ms_sum: i64,
    /// Subscription connections upgraded.
    pub ws_attempts: i64,
    /// Subscription connections acknowledged.
    pub ws_acked: i64,
    /// Database health checks made (including those of intervals that could not be stored).
    pub health_checks: i64,
    /// Of those, answered.
    pub health_ok: i64,
    /// The process's CPU use over the interval, percent of the machine's CPUs.
    pub cpu_pct: Option<f64>,
    /// Resident memory, bytes.
    pub rss_bytes: Option<i64>,
    /// The machine's memory, bytes.
    pub mem_total_bytes: Option<i64>,
    /// Jobs waiting (serve processes only).
    pub queue_length: Option<i64>,
    /// Database size, bytes (serve processes only).
    pub db_bytes: Option<i64>,
    /// Size of the job queue's tables, bytes (serve processes only, when measurable).
    pub queue_bytes: Option<i64>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
