//! The `api_keys` table.

use sea_orm::entity::prelude::*;

/// One row of `api_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Label given by its creator.
    pub name: String,
    /// Visible prefix (`cck_xxxxxxxx`), shown in lists.
    pub prefix: String,
    /// SHA-256 (hex) of the whole key.
    pub key_hash: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// The user it acts for (its creator).
    pub user_id: String,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last successful use, epoch ms.
    pub last_used_at: Option<i64>,
    /// Revocation time, epoch ms.
    pub revoked_at: Option<i64>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
