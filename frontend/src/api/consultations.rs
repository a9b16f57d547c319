//! Consultation calls: the list, one consultation with its report and transcript, and the upload
//! (GraphQL multipart request with upload progress).

use serde::Deserialize;
use serde_json::json;
use shared::consultation::{ConsultationStatus, FileType};
use shared::inputs::Title;
use shared::report::Report;
use shared::transcript::Turn;
use wasm_bindgen::JsValue;

use super::progress::{EVENT_FIELDS, ProgressEvent};
use super::{Api, ApiError, Body, codes};

pub use shared::report::GRAPHQL_FRAGMENT as REPORT_FRAGMENT;

const SUMMARY_FIELDS: &str = "id title fileType status byteSize createdAt";

/// A row of the consultation list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationSummary {
    /// Consultation id (UUID).
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind of uploaded file.
    pub file_type: FileType,
    /// Lifecycle status.
    pub status: ConsultationStatus,
    /// Size of the uploaded file.
    pub byte_size: u64,
    /// Upload time (RFC 3339).
    pub created_at: String,
}

/// One consultation with its progress events, report and transcript.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consultation {
    /// Consultation id (UUID).
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind of uploaded file.
    pub file_type: FileType,
    /// Lifecycle status.
    pub status: ConsultationStatus,
    /// Size of the uploaded file.
    pub byte_size: u64,
    /// Upload time (RFC 3339).
    pub created_at: String,
    /// When a worker started (RFC 3339).
    pub processing_started_at: Option<String>,
    /// When the analysis finished (RFC 3339).
    pub completed_at: Option<String>,
    /// Stable failure code, when failed.
    pub failure_code: Option<String>,
    /// Localised failure message, when failed.
    pub failure_message: Option<String>,
    /// Progress events so far, by `seq`.
    pub events: Vec<ProgressEvent>,
    /// The report, once completed.
    pub report: Option<Report>,
    /// The (redacted) transcript.
    pub transcript: Vec<Turn>,
    /// For recordings: where the player loads the file (`/media/<token>`, 15 minutes).
    #[serde(default)]
    pub recording_url: Option<String>,
}

/// Which consultations the list shows (blank fields: no restriction).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Part of the title.
    pub search: String,
    /// Only this kind of file.
    pub file_type: Option<FileType>,
    /// Only this status.
    pub status: Option<ConsultationStatus>,
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`).
    pub to: String,
}

impl ListFilter {
    fn to_json(&self) -> serde_json::Value {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        json!({
            "search": text(&self.search),
            "fileType": self.file_type,
            "status": self.status,
            "from": text(&self.from),
            "to": text(&self.to),
        })
    }
}

/// A page of the list and how many consultations match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    /// The rows, newest first.
    pub rows: Vec<ConsultationSummary>,
    /// How many match the filter.
    pub total: u64,
}

/// Lists the user's consultations that pass the filter, newest first.
pub async fn list_consultations(
    api: Api,
    filter: &ListFilter,
    limit: u32,
    offset: u32,
) -> Result<ListPage, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        consultations: Vec<ConsultationSummary>,
        consultation_count: u64,
    }
    let query = format!(
        "query($f: ConsultationFilterInput, $limit: Int, $offset: Int) {{ consultations(filter: $f, limit: $limit, offset: $offset) {{ {SUMMARY_FIELDS} }} consultationCount(filter: $f) }}"
    );
    let data: Data = api
        .graphql(
            &query,
            json!({ "f": filter.to_json(), "limit": limit, "offset": offset }),
        )
        .await?;
    Ok(ListPage {
        rows: data.consultations,
        total: data.consultation_count,
    })
}

/// Fetches one consultation with everything the detail page shows.
pub async fn fetch_consultation(api: Api, id: &str) -> Result<Consultation, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        consultation: Consultation,
    }
    let query = format!(
        "query($id: ID!) {{ consultation(id: $id) {{ {SUMMARY_FIELDS} processingStartedAt completedAt failureCode failureMessage events {{ {EVENT_FIELDS} }} report {{ ...ReportFields }} transcript {{ speaker startMs endMs text }} recordingUrl }} }}\n{REPORT_FRAGMENT}"
    );
    let data: Data = api.graphql(&query, json!({ "id": id })).await?;
    Ok(data.consultation)
}

/// Uploads a file as a new consultation (GraphQL multipart request) and returns its id;
/// `language` is the language spoken in a recording (ISO 639-1; `None`: the server's default);
/// `on_progress(sent, total)` reports bytes sent.
pub async fn upload_consultation(
    api: Api,
    file: &web_sys::File,
    title: Option<&Title>,
    language: Option<&str>,
    on_progress: impl FnMut(f64, f64) + 'static,
) -> Result<String, ApiError> {
    #[derive(Deserialize)]
    struct Uploaded {
        id: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        upload_consultation: Uploaded,
    }
    let operations = json!({
        "query": "mutation($file: Upload!, $title: String, $language: String) { uploadConsultation(file: $file, title: $title, language: $language) { id } }",
        "variables": { "file": null, "title": title.map(Title::as_str), "language": language },
    });
    let form = build_form(&operations.to_string(), file)
        .map_err(|_| ApiError::new(codes::BAD_RESPONSE, ""))?;
    let data: Data = api
        .post(Body::Multipart(form), Some(Box::new(on_progress)))
        .await?;
    Ok(data.upload_consultation.id)
}

fn build_form(operations: &str, file: &web_sys::File) -> Result<web_sys::FormData, JsValue> {
    let form = web_sys::FormData::new()?;
    form.append_with_str("operations", operations)?;
    form.append_with_str("map", r#"{"0":["variables.file"]}"#)?;
    form.append_with_blob_and_filename("0", file, &file.name())?;
    Ok(form)
}
