//! What the services acting on one consultation's latest report share (feedback, disputes,
//! exports): loading it for a viewer, finding an improvement item, and the failures of both
//! ([`ReportError`]), mapped once to codes and messages.

use sea_orm::{DatabaseConnection, DbErr};
use shared::errors::ErrorCode;
use shared::inputs::InputError;
use shared::report::{Improvement, Report};

use crate::auth::Viewer;
use crate::entity::{analyses, consultations};
use crate::error::catalogue;
use crate::error::{AccessError, UserFacingError, internal_message};
use crate::service::consultations::{ConsultationError, get_consultation, latest_analysis};
use shared::language::Language;

/// Why a consultation's report could not be acted on.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No such consultation for this viewer.
    #[error("consultation not found")]
    NotFound,
    /// The consultation has no analysis yet.
    #[error("not analysed yet")]
    NotAnalysed,
    /// An item position that the report does not have.
    #[error("no improvement item at position {0}")]
    UnknownItem(i32),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// A stored report could not be read.
    #[error("corrupt stored report: {0}")]
    Corrupt(String),
}

impl From<ConsultationError> for ReportError {
    fn from(error: ConsultationError) -> Self {
        match error {
            ConsultationError::Access(e) => Self::Access(e),
            ConsultationError::Db(e) => Self::Db(e),
            ConsultationError::Input(e) => Self::Input(e),
            ConsultationError::Corrupt(e) => Self::Corrupt(e),
            _ => Self::NotFound,
        }
    }
}

impl UserFacingError for ReportError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Input(e) => e.code(),
            Self::Access(e) => e.code(),
            Self::NotFound => ErrorCode::NotFound,
            Self::NotAnalysed => ErrorCode::NotAnalysed,
            Self::UnknownItem(_) => ErrorCode::BadUserInput,
            Self::Db(_) | Self::Corrupt(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::Access(e) => e.user_message(lang),
            Self::NotFound => lang
                .pick("상담을 찾을 수 없습니다.", "Consultation not found.")
                .to_owned(),
            Self::NotAnalysed => catalogue::message(self.code(), lang).to_owned(),
            // Positions as the API counts them (0-based).
            Self::UnknownItem(position) => match lang {
                Language::Ko => format!("{position}번 개선 항목이 없습니다."),
                Language::En => format!("There is no improvement item {position}."),
            },
            Self::Db(_) | Self::Corrupt(_) => internal_message(lang),
        }
    }
}

/// Implements the conversions `?` needs from the failures of [`ReportError`] into a service
/// error that wraps it as `Report(ReportError)`.
macro_rules! wraps_report_error {
    ($service_error:ty) => {
        impl From<$crate::service::report_access::ReportError> for $service_error {
            fn from(error: $crate::service::report_access::ReportError) -> Self {
                Self::Report(error)
            }
        }
        impl From<sea_orm::DbErr> for $service_error {
            fn from(error: sea_orm::DbErr) -> Self {
                Self::Report(error.into())
            }
        }
        impl From<$crate::service::consultations::ConsultationError> for $service_error {
            fn from(error: $crate::service::consultations::ConsultationError) -> Self {
                Self::Report(error.into())
            }
        }
        impl From<$crate::error::AccessError> for $service_error {
            fn from(error: $crate::error::AccessError) -> Self {
                Self::Report(error.into())
            }
        }
    };
}
pub(crate) use wraps_report_error;

/// A consultation with its latest analysis and report.
#[derive(Debug, Clone)]
pub struct LatestReport {
    /// The consultation.
    pub consultation: consultations::Model,
    /// Its latest analysis.
    pub analysis: analyses::Model,
    /// The analysis's report.
    pub report: Report,
}

/// Who may act on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acting {
    /// Whoever may read the consultation.
    Reader,
    /// Only its owner (others who may read it get `FORBIDDEN`).
    Owner,
}

/// The consultation's latest report, if the viewer may act on it.
///
/// Errors: `NOT_FOUND` when the viewer cannot read the consultation, `FORBIDDEN` when only the
/// owner may act and the viewer is not the owner, `NOT_ANALYSED` before the analysis completes.
pub async fn latest_report_for(
    db: &DatabaseConnection,
    viewer: &Viewer,
    consultation_id: &str,
    acting: Acting,
) -> Result<LatestReport, ReportError> {
    let consultation = get_consultation(db, viewer, consultation_id).await?;
    if acting == Acting::Owner && consultation.owner_id != viewer.user_id {
        return Err(AccessError::Forbidden.into());
    }
    report_of(db, consultation).await
}

/// The latest report of a consultation (call only after an access check).
pub async fn report_of(
    db: &DatabaseConnection,
    consultation: consultations::Model,
) -> Result<LatestReport, ReportError> {
    let analysis = latest_analysis(db, &consultation.id)
        .await?
        .ok_or(ReportError::NotAnalysed)?;
    let report: Report =
        serde_json::from_str(&analysis.report).map_err(|e| ReportError::Corrupt(e.to_string()))?;
    Ok(LatestReport {
        consultation,
        analysis,
        report,
    })
}

impl LatestReport {
    /// The improvement item at a 0-based position, with the position as stored.
    pub fn item(&self, position: i32) -> Result<(&Improvement, i16), ReportError> {
        let item = usize::try_from(position)
            .ok()
            .and_then(|p| self.report.improvements.get(p))
            .ok_or(ReportError::UnknownItem(position))?;
        let stored = i16::try_from(position).map_err(|_| ReportError::UnknownItem(position))?;
        Ok((item, stored))
    }
}
