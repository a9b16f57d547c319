//! The `activity_events` table.

use sea_orm::entity::prelude::*;

/// One row of `activity_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_events")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user.
    pub user_id: String,
    /// The session (a login/refresh family split by 30 idle minutes).
    pub session_id: String,
    /// `login`, `upload`, `view`, `download`, `share` or `feedback`.
    pub kind: String,
    /// The consultation involved, if any.
    pub consultation_id: Option<String>,
    /// When, epoch ms.
    pub at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
