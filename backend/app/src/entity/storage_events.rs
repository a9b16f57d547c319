//! The `storage_events` table.

use sea_orm::entity::prelude::*;

/// One upload to or download from object storage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "storage_events")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `upload` or `download`.
    pub op: String,
    /// `local` or `s3`.
    pub backend: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// Bytes moved.
    pub bytes: i64,
    /// Duration in milliseconds.
    pub latency_ms: i64,
    /// The failure, when it failed (never contains credentials).
    pub error: Option<String>,
    /// When, epoch ms.
    pub at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
