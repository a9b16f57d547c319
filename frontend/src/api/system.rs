//! The administrator's view of the running system: engines in use and database backups.

use serde::Deserialize;
use serde_json::json;

pub use shared::system::SystemStatus;

use super::{Api, ApiError};

/// One backup attempt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    /// Identifier.
    pub id: String,
    /// When (RFC 3339).
    pub at: String,
    /// `scheduled` or `manual`.
    pub trigger: String,
    /// The file written.
    pub file_name: String,
    /// Its size.
    pub bytes: u64,
    /// How long it took.
    pub duration_ms: u64,
    /// Whether it worked.
    pub ok: bool,
    /// Why it failed.
    pub error: Option<String>,
}

const BACKUP_FIELDS: &str = "id at trigger fileName bytes durationMs ok error";

/// The status and the latest backups.
pub async fn fetch_system(api: Api) -> Result<(SystemStatus, Vec<Backup>), ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        system_status: SystemStatus,
        backups: Vec<Backup>,
    }
    let query = format!(
        "{{ systemStatus {{ version database storage analyzer model providerHost providerKeyConfigured speechToText workers pdfFontAvailable }} backups(limit: 20) {{ {BACKUP_FIELDS} }} }}"
    );
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok((data.system_status, data.backups))
}

/// Backs the database up now.
pub async fn run_backup(api: Api) -> Result<Backup, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        run_backup: Backup,
    }
    let query = format!("mutation {{ runBackup {{ {BACKUP_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.run_backup)
}
