//! The `transcripts` table.

use sea_orm::entity::prelude::*;

/// One row of `transcripts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transcripts")]
pub struct Model {
    /// The consultation (one transcript each).
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultation_id: String,
    /// JSON array of redacted `shared::transcript::Turn`.
    #[sea_orm(column_type = "Text")]
    pub turns: String,
    /// `upload` or `stt`.
    pub source: String,
    /// Detected transcript format.
    pub format: String,
    /// Detected text encoding.
    pub encoding: Option<String>,
    /// Number of PII items redacted.
    pub pii_redactions: i32,
    /// How speakers were attributed: `labels`, `first_speaker` or `none`.
    pub speaker_mapping: String,
    /// Invalid byte sequences replaced with U+FFFD while decoding.
    pub replaced_chars: i32,
    /// Creation time, epoch ms.
    pub created_at: i64,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
