//! The `job_events` table.

use sea_orm::entity::prelude::*;

/// One row of `job_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_events")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The consultation.
    pub consultation_id: String,
    /// Per-consultation sequence number, from 1.
    pub seq: i32,
    /// Stage name.
    pub stage: String,
    /// Percent complete, when known.
    pub percent: Option<i16>,
    /// Korean message.
    pub message: String,
    /// English message.
    pub message_en: String,
    /// Event time, epoch ms.
    pub at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
