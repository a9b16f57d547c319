//! The `share_links` table: read-only links to a report, stored by the token's SHA-256.

use sea_orm::entity::prelude::*;

/// One row of `share_links`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_links")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The shared consultation.
    pub consultation_id: String,
    /// Who created the link.
    pub created_by: String,
    /// Hex SHA-256 of the link's token (the token itself is shown once and never stored).
    pub token_hash: String,
    /// Created, epoch ms.
    pub created_at: i64,
    /// The link stops working at this moment, epoch ms.
    pub expires_at: i64,
    /// Revoked, epoch ms.
    pub revoked_at: Option<i64>,
    /// How often the link was opened.
    pub view_count: i32,
    /// Last opened, epoch ms.
    pub last_viewed_at: Option<i64>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
