//! The `teams` table.

use sea_orm::entity::prelude::*;

/// One row of `teams`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Unique team name.
    pub name: String,
    /// Creation time, epoch ms.
    pub created_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
