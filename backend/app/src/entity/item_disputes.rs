//! The `item_disputes` table: a counselor's objection to one improvement item of an analysis.

use sea_orm::entity::prelude::*;

/// One row of `item_disputes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "item_disputes")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The disputed analysis.
    pub analysis_id: String,
    /// Its consultation.
    pub consultation_id: String,
    /// Who disputed (the consultation's owner).
    pub user_id: String,
    /// The item's position in the report's improvements (0-based).
    pub position: i16,
    /// The item's stable code.
    pub code: String,
    /// The item's title when it was disputed.
    pub item_title: String,
    /// Why.
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// `open`, `accepted` or `rejected`.
    pub status: String,
    /// The reviewer's note.
    #[sea_orm(column_type = "Text", nullable)]
    pub resolution: Option<String>,
    /// Who reviewed it.
    pub resolved_by: Option<String>,
    /// When it was reviewed, epoch ms.
    pub resolved_at: Option<i64>,
    /// When it was raised, epoch ms.
    pub created_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
