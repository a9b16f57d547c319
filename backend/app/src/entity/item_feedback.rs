//! The `item_feedback` table: whether an improvement item of a rated analysis was helpful.

use sea_orm::entity::prelude::*;

/// One row of `item_feedback`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "item_feedback")]
pub struct Model {
    /// The feedback it belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub feedback_id: String,
    /// The item's position in the report (0-based).
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i16,
    /// The item's stable code (coaching effectiveness is tracked by code).
    pub code: String,
    /// Helpful or not.
    pub helpful: bool,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
