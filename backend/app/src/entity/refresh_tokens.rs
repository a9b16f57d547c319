//! The `refresh_tokens` table.

use sea_orm::entity::prelude::*;

/// One row of `refresh_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The user.
    pub user_id: String,
    /// The login this token descends from; revoked together on reuse or logout.
    pub family_id: String,
    /// SHA-256 (hex) of the token; the token itself is never stored.
    pub token_hash: String,
    /// The token this one replaced.
    pub rotated_from: Option<String>,
    /// Issued, epoch ms.
    pub created_at: i64,
    /// Expiry, epoch ms.
    pub expires_at: i64,
    /// When it was exchanged for a new one (a second use is a reuse).
    pub used_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
