//! The `consultations` table.

use sea_orm::entity::prelude::*;

/// One row of `consultations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultations")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The uploading user.
    pub owner_id: String,
    /// Title shown in lists.
    pub title: String,
    /// `text`, `audio` or `video`.
    pub file_type: String,
    /// `pending`, `processing`, `completed` or `failed`.
    pub status: String,
    /// SHA-256 of the uploaded bytes, hex.
    pub source_sha256: String,
    /// Generated storage key of the uploaded file.
    pub storage_key: String,
    /// Size of the upload in bytes.
    pub byte_size: i64,
    /// Detected MIME type.
    pub mime: String,
    /// The client file name (display only; never used as a path).
    pub original_name: String,
    /// Detected language.
    pub language: Option<String>,
    /// Upload time, epoch ms.
    pub created_at: i64,
    /// When a worker first started it, epoch ms.
    pub processing_started_at: Option<i64>,
    /// When it reached a terminal status, epoch ms.
    pub completed_at: Option<i64>,
    /// Stable error code when failed.
    pub failure_code: Option<String>,
    /// The consultation this one re-analyses.
    pub reanalysis_of: Option<String>,
    /// When its report was first downloaded or shared, epoch ms (보고서 활용률).
    pub used_at: Option<i64>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
