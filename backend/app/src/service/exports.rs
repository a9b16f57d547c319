//! Report exports and share links (KPI sheet §5 활용도: downloads and shares are recorded as
//! activity).
//!
//! * A report exports as Markdown, PDF (Korean text in an embedded font subset) or JSON, with its
//!   redacted transcript. Whoever may read the consultation may export it.
//! * A share link lets someone without an account read one report, read-only, until it expires
//!   (1 hour to 30 days) or is revoked. Only the token's SHA-256 is stored; the token is shown once.
//!   A shared report carries no title and no names: the report and the redacted transcript only.

pub mod document;
pub mod markdown;
pub mod pdf;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use shared::errors::ErrorCode;
use shared::inputs::ShareLifetime;
use shared::transcript::Turn;

use crate::auth::{Viewer, hash_secret, random_hex};
use crate::entity::{consultations, share_links};
use crate::error::catalogue;
use crate::error::{UserFacingError, internal_message};
use crate::service::activity::{ActivityKind, track};
use crate::service::consultations::{get_consultation, latest_analysis, transcript_turns};
use crate::service::report_access::{ReportError, report_of, wraps_report_error};
pub use document::ReportDocument;
pub use pdf::PdfFonts;
use shared::clock::now_ms;
use shared::language::Language;

/// Why an export or share link failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The report could not be acted on.
    #[error(transparent)]
    Report(ReportError),
    /// No live share link has this token or id.
    #[error("share link not found")]
    LinkNotFound,
    /// The share link expired.
    #[error("share link expired")]
    LinkExpired,
    /// The share link was revoked.
    #[error("share link revoked")]
    LinkRevoked,
    /// No font for PDFs is installed.
    #[error("no font for PDF exports")]
    NoFont,
    /// Rendering failed.
    #[error("render: {0}")]
    Render(String),
}

wraps_report_error!(ExportError);

impl From<pdf::PdfError> for ExportError {
    fn from(error: pdf::PdfError) -> Self {
        match error {
            pdf::PdfError::NoFont => Self::NoFont,
            pdf::PdfError::Render(e) => Self::Render(e),
        }
    }
}

impl UserFacingError for ExportError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Report(e) => e.code(),
            Self::LinkNotFound => ErrorCode::NotFound,
            Self::LinkExpired => ErrorCode::ShareLinkExpired,
            Self::LinkRevoked => ErrorCode::ShareLinkRevoked,
            Self::NoFont => ErrorCode::ExportUnavailable,
            Self::Render(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Report(e) => e.user_message(lang),
            Self::LinkNotFound => lang
                .pick(
                    "공유 링크를 찾을 수 없습니다. 주소를 다시 확인해 주세요.",
                    "Share link not found. Check the address.",
                )
                .to_owned(),
            Self::LinkExpired => catalogue::message(self.code(), lang).to_owned(),
            Self::LinkRevoked => catalogue::message(self.code(), lang).to_owned(),
            Self::NoFont => catalogue::message(self.code(), lang).to_owned(),
            Self::Render(_) => internal_message(lang),
        }
    }
}

/// The file formats a report exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CommonMark.
    Markdown,
    /// PDF (A4).
    Pdf,
    /// The report and transcript as JSON.
    Json,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Pdf => "pdf",
            Self::Json => "json",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Json => "application/json",
        }
    }
}

/// An exported file.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// A safe file name (`consultation-report-<id>.pdf`).
    pub file_name: String,
    /// Its media type.
    pub media_type: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What exporting needs besides the database.
#[derive(Debug, Clone)]
pub struct ExportDeps<'a> {
    /// PDF fonts.
    pub fonts: &'a PdfFonts,
    /// Offset of the times shown, minutes.
    pub utc_offset_minutes: i32,
}

/// Renders a document in a format (CPU-bound for PDFs: runs on the blocking pool).
async fn render(
    doc: ReportDocument,
    format: ExportFormat,
    lang: Language,
    fonts: &PdfFonts,
    name_stem: &str,
) -> Result<ExportFile, ExportError> {
    let bytes = match format {
        ExportFormat::Json => serde_json::to_vec_pretty(&serde_json::json!({
            "title": doc.title,
            "fileType": doc.file_type,
            "uploadedAt": shared::clock::to_datetime(doc.uploaded_at),
            "analysedAt": doc.analysed_at.map(shared::clock::to_datetime),
            "report": doc.report,
            "transcript": doc.turns,
        }))
        .map_err(|e| ExportError::Render(e.to_string()))?,
        ExportFormat::Markdown => markdown::render(&document::build(&doc, lang)).into_bytes(),
        ExportFormat::Pdf => {
            let fonts = fonts.clone();
            let title = lang
                .pick("상담 분석 보고서", "Consultation analysis report")
                .to_owned();
            let language = lang.pick("ko", "en");
            tokio::task::spawn_blocking(move || {
                pdf::render(&document::build(&doc, lang), &fonts, &title, language)
            })
            .await
            .map_err(|e| ExportError::Render(e.to_string()))??
        }
    };
    Ok(ExportFile {
        file_name: format!("{name_stem}.{}", format.extension()),
        media_type: format.media_type(),
        bytes,
    })
}

async fn load_document(
    db: &DatabaseConnection,
    consultation: &consultations::Model,
    with_title: bool,
    utc_offset_minutes: i32,
) -> Result<ReportDocument, ExportError> {
    let report = report_of(db, consultation.clone()).await?.report;
    let turns: Vec<Turn> = transcript_turns(db, &consultation.id).await?;
    Ok(ReportDocument {
        title: with_title.then(|| consultation.title.clone()),
        uploaded_at: consultation.created_at,
        analysed_at: consultation.completed_at,
        file_type: consultation.file_type.clone(),
        report,
        turns,
        utc_offset_minutes,
    })
}

/// Exports the latest report of a consultation the viewer may read, and records the download.
///
/// Errors: `NOT_FOUND` when the viewer cannot read it, `NOT_ANALYSED` before its analysis
/// completes, `EXPORT_UNAVAILABLE` for a PDF when no Korean font is installed.
#[tracing::instrument(skip_all, fields(consultation = consultation_id, format = ?format))]
pub async fn export_report(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
    format: ExportFormat,
    lang: Language,
    deps: ExportDeps<'_>,
) -> Result<ExportFile, ExportError> {
    let consultation = get_consultation(db, viewer, consultation_id).await?;
    let doc = load_document(db, &consultation, true, deps.utc_offset_minutes).await?;
    let file = render(
        doc,
        format,
        lang,
        deps.fonts,
        &format!("consultation-report-{}", consultation.id),
    )
    .await?;
    track(db, viewer, ActivityKind::Download, Some(&consultation.id)).await;
    Ok(file)
}

/// A share link as listed (its token is never stored, so never listed).
#[derive(Debug, Clone)]
pub struct ShareLinkView {
    /// The row.
    pub link: share_links::Model,
    /// Whether the viewer created it.
    pub mine: bool,
}

/// A share link just created, with the token (shown this once).
#[derive(Debug, Clone)]
pub struct NewShareLink {
    /// The stored link.
    pub link: share_links::Model,
    /// The secret token of the URL `/share/<token>`.
    pub token: String,
}

/// Creates a share link to a consultation the viewer may read, valid for `lifetime`, and records
/// the share.
#[tracing::instrument(skip_all, fields(consultation = consultation_id))]
pub async fn create_share_link(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
    lifetime: ShareLifetime,
) -> Result<NewShareLink, ExportError> {
    let consultation = get_consultation(db, viewer, consultation_id).await?;
    // Only analysed consultations have a report to share (no need to parse it here).
    if latest_analysis(db, &consultation.id).await?.is_none() {
        return Err(ReportError::NotAnalysed.into());
    }
    let token = random_hex(32);
    let now = now_ms();
    let link = share_links::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        consultation_id: Set(consultation.id.clone()),
        created_by: Set(viewer.user_id.clone()),
        token_hash: Set(hash_secret(&token)),
        created_at: Set(now),
        expires_at: Set(now + lifetime.as_millis()),
        revoked_at: Set(None),
        view_count: Set(0),
        last_viewed_at: Set(None),
    }
    .insert(db)
    .await?;
    track(db, viewer, ActivityKind::Share, Some(&consultation.id)).await;
    tracing::info!(link = %link.id, "share link created");
    Ok(NewShareLink { link, token })
}

/// The share links of a consultation the viewer may read, newest first.
pub async fn list_share_links(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
) -> Result<Vec<ShareLinkView>, ExportError> {
    let consultation = get_consultation(db, viewer, consultation_id).await?;
    Ok(share_links::Entity::find()
        .filter(share_links::Column::ConsultationId.eq(consultation.id))
        .order_by_desc(share_links::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|link| ShareLinkView {
            mine: link.created_by == viewer.user_id,
            link,
        })
        .collect())
}

/// Revokes a share link of a consultation the viewer may read (revoking twice is harmless).
#[tracing::instrument(skip_all, fields(link = link_id))]
pub async fn revoke_share_link(
    db: &DatabaseConnection,
    viewer: &Viewer,
    link_id: &str,
) -> Result<ShareLinkView, ExportError> {
    let link = share_links::Entity::find_by_id(link_id.to_owned())
        .one(db)
        .await?
        .ok_or(ExportError::LinkNotFound)?;
    get_consultation(db, viewer, &link.consultation_id).await?;
    let link = if link.revoked_at.is_none() {
        let mut active: share_links::ActiveModel = link.into();
        active.revoked_at = Set(Some(now_ms()));
        active.update(db).await?
    } else {
        link
    };
    tracing::info!("share link revoked");
    Ok(ShareLinkView {
        mine: link.created_by == viewer.user_id,
        link,
    })
}

/// The live link of a token, or why it does not work.
async fn open_link(
    db: &DatabaseConnection,
    token: &str,
) -> Result<share_links::Model, ExportError> {
    // Tokens are 64 hex digits; anything else cannot match and is not worth a query.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ExportError::LinkNotFound);
    }
    let link = share_links::Entity::find()
        .filter(share_links::Column::TokenHash.eq(hash_secret(&token.to_ascii_lowercase())))
        .one(db)
        .await?
        .ok_or(ExportError::LinkNotFound)?;
    if link.revoked_at.is_some() {
        return Err(ExportError::LinkRevoked);
    }
    if link.expires_at <= now_ms() {
        return Err(ExportError::LinkExpired);
    }
    Ok(link)
}

/// The live link of a token and its report, without the title.
async fn shared_document(
    db: &DatabaseConnection,
    token: &str,
    utc_offset_minutes: i32,
) -> Result<(share_links::Model, ReportDocument), ExportError> {
    let link = open_link(db, token).await?;
    let consultation = consultations::Entity::find_by_id(link.consultation_id.clone())
        .one(db)
        .await?
        .ok_or(ExportError::LinkNotFound)?;
    let document = load_document(db, &consultation, false, utc_offset_minutes).await?;
    Ok((link, document))
}

/// A report opened through a share link.
#[derive(Debug, Clone)]
pub struct SharedReport {
    /// The link.
    pub link: share_links::Model,
    /// The report and redacted transcript, without the title.
    pub document: ReportDocument,
}

/// Opens a share link (no account needed) and counts the view.
#[tracing::instrument(skip_all)]
pub async fn open_shared_report(
    db: &DatabaseConnection,
    token: &str,
    utc_offset_minutes: i32,
) -> Result<SharedReport, ExportError> {
    let (link, document) = shared_document(db, token, utc_offset_minutes).await?;
    share_links::Entity::update_many()
        .col_expr(
            share_links::Column::ViewCount,
            Expr::col(share_links::Column::ViewCount).add(1),
        )
        .col_expr(share_links::Column::LastViewedAt, Expr::value(now_ms()))
        .filter(share_links::Column::Id.eq(link.id.clone()))
        .exec(db)
        .await?;
    Ok(SharedReport { link, document })
}

/// Exports a report opened through a share link (no title, as on the shared page).
pub async fn export_shared_report(
    db: &DatabaseConnection,
    token: &str,
    format: ExportFormat,
    lang: Language,
    deps: ExportDeps<'_>,
) -> Result<ExportFile, ExportError> {
    let (_, doc) = shared_document(db, token, deps.utc_offset_minutes).await?;
    render(doc, format, lang, deps.fonts, "shared-consultation-report").await
}
