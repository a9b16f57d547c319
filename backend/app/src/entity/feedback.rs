//! The `feedback` table: one rating per user and analysis.

use sea_orm::entity::prelude::*;

/// One row of `feedback`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The rated analysis.
    pub analysis_id: String,
    /// Its consultation (for ownership checks and listing).
    pub consultation_id: String,
    /// Who rated.
    pub user_id: String,
    /// 1-5.
    pub rating: i16,
    /// Optional comment.
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// First rated, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
