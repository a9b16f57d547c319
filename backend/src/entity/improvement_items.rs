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
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
