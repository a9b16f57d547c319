//! The `security_incidents` table.

use sea_orm::entity::prelude::*;

/// A secret found where it must not be.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_incidents")]
pub struct Model {
    /// Identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// When it was found, epoch ms.
    pub at: i64,
    /// `key_exposure`.
    pub kind: String,
    /// Where: `log`, `llm_calls`, `storage_events`.
    pub source: String,
    /// Which secret or key shape (never its value).
    pub detail: String,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
