//! GraphQL types of exports and share links.

use async_graphql::{Enum, ID, SimpleObject};
use base64::Engine;
use shared::report::Report;
use shared::transcript::Turn;

use coach_app::service::exports::{ExportFile, NewShareLink, ShareLinkView, SharedReport};
use shared::clock::to_datetime;

/// The file formats a report exports to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "coach_app::service::exports::ExportFormat")]
pub enum ReportFormat {
    /// Markdown (`.md`).
    Markdown,
    /// PDF (`.pdf`, A4, Korean text embedded).
    Pdf,
    /// JSON (`.json`): the report and the redacted transcript.
    Json,
}

/// An exported report file.
#[derive(SimpleObject, Debug, Clone)]
pub struct ReportExport {
    /// A file name to save it under.
    pub file_name: String,
    /// Its media type (`application/pdf` …).
    pub media_type: String,
    /// Its size in bytes.
    pub byte_size: i64,
    /// Its contents, base64-encoded.
    pub content_base64: String,
}

impl From<ExportFile> for ReportExport {
    fn from(file: ExportFile) -> Self {
        Self {
            file_name: file.file_name,
            media_type: file.media_type.to_owned(),
            byte_size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            content_base64: base64::engine::general_purpose::STANDARD.encode(&file.bytes),
        }
    }
}

/// A share link (its secret token is shown only once, when it is created).
#[derive(SimpleObject, Debug, Clone)]
pub struct ShareLink {
    /// Identifier (for revoking).
    pub id: ID,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// When it was revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether it still works (neither revoked nor expired).
    pub active: bool,
    /// How often it was opened.
    pub view_count: i32,
    /// When it was last opened.
    pub last_viewed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether the viewer created it.
    pub mine: bool,
}

impl From<ShareLinkView> for ShareLink {
    fn from(view: ShareLinkView) -> Self {
        let link = view.link;
        Self {
            id: ID(link.id),
            created_at: to_datetime(link.created_at),
            expires_at: to_datetime(link.expires_at),
            revoked_at: link.revoked_at.map(to_datetime),
            active: link.revoked_at.is_none() && link.expires_at > shared::clock::now_ms(),
            view_count: link.view_count,
            last_viewed_at: link.last_viewed_at.map(to_datetime),
            mine: view.mine,
        }
    }
}

/// A share link just created.
#[derive(SimpleObject, Debug, Clone)]
pub struct CreatedShareLink {
    /// The link.
    pub link: ShareLink,
    /// The secret token; shown this once.
    pub token: String,
    /// The web app's path that opens the report: `/share/<token>`.
    pub path: String,
}

impl From<NewShareLink> for CreatedShareLink {
    fn from(new: NewShareLink) -> Self {
        Self {
            path: format!("/share/{}", new.token),
            token: new.token,
            link: ShareLinkView {
                link: new.link,
                mine: true,
            }
            .into(),
        }
    }
}

/// A report opened through a share link: no title, no names, the redacted transcript only.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "SharedReport")]
pub struct SharedReportView {
    /// `text`, `audio` or `video`.
    pub file_type: String,
    /// When the consultation was uploaded.
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    /// When it was analysed.
    pub analysed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the link stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The report.
    pub report: Report,
    /// The redacted transcript.
    pub transcript: Vec<Turn>,
}

impl From<SharedReport> for SharedReportView {
    fn from(shared: SharedReport) -> Self {
        let doc = shared.document;
        Self {
            file_type: doc.file_type,
            uploaded_at: to_datetime(doc.uploaded_at),
            analysed_at: doc.analysed_at.map(to_datetime),
            expires_at: to_datetime(shared.link.expires_at),
            report: doc.report,
            transcript: doc.turns,
        }
    }
}
