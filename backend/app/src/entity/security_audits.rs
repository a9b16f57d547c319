//! The `security_audits` table.

use sea_orm::entity::prelude::*;

/// One recorded dependency audit (`consult-coach audit record`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_audits")]
pub struct Model {
    /// Identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// When it was recorded, epoch ms.
    pub at: i64,
    /// The tool that ran (`cargo-audit`, …).
    pub tool: String,
    /// Vulnerabilities it reported.
    pub advisories: i32,
    /// The advisories' ids, comma-separated.
    pub details: Option<String>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
