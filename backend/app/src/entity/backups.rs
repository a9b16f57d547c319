//! The `backups` table.

use sea_orm::entity::prelude::*;

/// One database backup.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "backups")]
pub struct Model {
    /// Identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// When it started, epoch ms.
    pub at: i64,
    /// `sqlite` (`VACUUM INTO`) or `postgres` (`pg_dump`).
    pub kind: String,
    /// `scheduled` or `manual`.
    pub trigger: String,
    /// The file's name in the backup directory.
    pub file_name: String,
    /// Its size, bytes (0 when it failed).
    pub bytes: i64,
    /// How long it took, ms.
    pub duration_ms: i64,
    /// Whether it worked.
    pub ok: bool,
    /// Why it failed (never contains credentials).
    pub error: Option<String>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
