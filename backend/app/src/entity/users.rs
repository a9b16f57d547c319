//! The `users` table.

use sea_orm::entity::prelude::*;

/// One row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Normalised login e-mail.
    pub email: String,
    /// Name shown in the app.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// `counselor`, `manager` or `admin`.
    pub role: String,
    /// Team membership.
    pub team_id: Option<String>,
    /// `ko` or `en`.
    pub locale: String,
    /// Deactivated users cannot log in.
    pub active: bool,
    /// Creation time, epoch ms.
    pub created_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
