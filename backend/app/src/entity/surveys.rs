//! The `surveys` table: one manager survey per manager and period.

use sea_orm::entity::prelude::*;

/// One row of `surveys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "surveys")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The manager who answered.
    pub manager_id: String,
    /// The period answered for: `2026-11` (monthly) or `2026-Q4` (quarterly).
    pub period: String,
    /// Satisfaction with the analyses, 1-5.
    pub satisfaction: i16,
    /// Would recommend, 0-10.
    pub nps: i16,
    /// Estimated time saved against manual review, percent.
    pub time_saved_pct: i16,
    /// Perceived consultation quality, 1-5.
    pub quality_score: i16,
    /// Optional comment.
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// First answered, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
