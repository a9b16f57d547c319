//! The `improvement_items` table.

use sea_orm::entity::prelude::*;

/// One row of `improvement_items`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "improvement_items")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The analysis it belongs to.
    pub analysis_id: String,
    /// Rank within the report (0 = most impactful).
    pub position: i16,
    /// Category code.
    pub category: String,
    /// Stable rule code.
    pub code: String,
    /// `high`, `medium` or `low`.
    pub priority: String,
    /// The counselor it was flagged for.
    pub owner_id: Option<String>,
    /// When it was flagged (the analysis' time), epoch ms.
    pub flagged_at: Option<i64>,
    /// The analysis' score in the item's category.
    pub flagged_score: Option<i16>,
    /// When its follow-up was decided (its coaching window had passed), epoch ms.
    pub settled_at: Option<i64>,
    /// Whether a later consultation of the counselor came within the window.
    pub followed: Option<bool>,
    /// Whether it improved: followed, and not triggered again or the category score rose.
    pub improved: Option<bool>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
