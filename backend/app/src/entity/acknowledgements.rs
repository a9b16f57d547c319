//! The `acknowledgements` table: a counselor confirmed reading an analysis, once per analysis.

use sea_orm::entity::prelude::*;

/// One row of `acknowledgements`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "acknowledgements")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The acknowledged analysis.
    pub analysis_id: String,
    /// Its consultation.
    pub consultation_id: String,
    /// Who acknowledged.
    pub user_id: String,
    /// When, epoch ms.
    pub created_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
