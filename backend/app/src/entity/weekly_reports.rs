//! The `weekly_reports` table.

use sea_orm::entity::prelude::*;

/// One week's KPI report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "weekly_reports")]
pub struct Model {
    /// Identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The week's Monday, `YYYY-MM-DD` (unique).
    pub week_start: String,
    /// `scheduled` or `manual`.
    pub trigger: String,
    /// When it was (last) written, epoch ms.
    pub generated_at: i64,
    /// The report in Korean Markdown.
    pub markdown_ko: String,
    /// The report in English Markdown.
    pub markdown_en: String,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
