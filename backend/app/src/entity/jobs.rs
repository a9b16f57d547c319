//! The `jobs` table.

use sea_orm::entity::prelude::*;

/// One row of `jobs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation the job processes.
    pub consultation_id: String,
    /// Job kind (`analyze`).
    pub kind: String,
    /// `queued`, `running`, `done` or `dead`.
    pub status: String,
    /// Attempts started so far; the current attempt number fences the final write.
    pub attempts: i32,
    /// Attempts before the job is dead-lettered.
    pub max_attempts: i32,
    /// Earliest time to run, epoch ms.
    pub run_at: i64,
    /// Worker holding the lease.
    pub locked_by: Option<String>,
    /// Lease expiry, epoch ms.
    pub lease_expires_at: Option<i64>,
    /// Last failure, for operators.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// Creation time, epoch ms.
    pub created_at: i64,
    /// Last change, epoch ms.
    pub updated_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
