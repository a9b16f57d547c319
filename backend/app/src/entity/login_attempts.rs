//! The `login_attempts` table.

use sea_orm::entity::prelude::*;

/// One row of `login_attempts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The e-mail tried (normalised).
    pub email: String,
    /// Client address.
    pub ip: String,
    /// `ok`, `failed` or `limited`.
    pub outcome: String,
    /// When, epoch ms.
    pub at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
