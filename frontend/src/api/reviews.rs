//! What people do with a finished report: rate it, acknowledge it, dispute its items, export it
//! and share it; managers' dispute inbox; the public shared report.

use serde::Deserialize;
use serde_json::json;
use shared::report::Report;
use shared::transcript::Turn;

use super::consultations::REPORT_FRAGMENT;
use super::{Api, ApiError};

/// A file format a report exports to (the GraphQL `ReportFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Markdown.
    Markdown,
    /// PDF.
    Pdf,
    /// JSON.
    Json,
}

impl ExportFormat {
    /// Every format, in the order the buttons show them.
    pub const ALL: [Self; 3] = [Self::Pdf, Self::Markdown, Self::Json];

    /// The GraphQL enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Markdown => "MARKDOWN",
            Self::Pdf => "PDF",
            Self::Json => "JSON",
        }
    }
}

/// An exported file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportExport {
    /// File name to save it under.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Base64 contents.
    pub content_base64: String,
}

/// A share link (without its token, which is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareLink {
    /// Identifier.
    pub id: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Stops working (RFC 3339).
    pub expires_at: String,
    /// Whether it still works.
    pub active: bool,
    /// Times opened.
    pub view_count: u32,
    /// Whether the viewer created it.
    pub mine: bool,
}

const SHARE_LINK_FIELDS: &str = "id createdAt expiresAt active viewCount mine";

/// A share link just created, with its secret path.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedShareLink {
    /// The link.
    pub link: ShareLink,
    /// `/share/<token>`.
    pub path: String,
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisputeStatus {
    /// Waiting for review.
    Open,
    /// The item was not deserved.
    Accepted,
    /// The item stands.
    Rejected,
}

impl DisputeStatus {
    /// The GraphQL enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::Accepted => "ACCEPTED",
            Self::Rejected => "REJECTED",
        }
    }
}

/// A counselor's objection to an improvement item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDispute {
    /// Identifier.
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// Its title.
    pub consultation_title: String,
    /// The item's 0-based position.
    pub position: u32,
    /// The item's title.
    pub item_title: String,
    /// Why.
    pub reason: String,
    /// Who disputed it (display name).
    pub counselor: String,
    /// Who disputed it (user id).
    pub counselor_id: String,
    /// Where it stands.
    pub status: DisputeStatus,
    /// The reviewer's note.
    pub resolution: Option<String>,
    /// Who reviewed it.
    pub resolved_by: Option<String>,
    /// Raised (RFC 3339).
    pub created_at: String,
}

const DISPUTE_FIELDS: &str = "id consultationId consultationTitle position itemTitle reason counselor counselorId status resolution resolvedBy createdAt";

/// One item's helpfulness in a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ItemHelpful {
    /// 0-based position.
    pub position: u32,
    /// Helpful or not.
    pub helpful: bool,
}

/// A rating of the analysis.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Rating {
    /// 1-5.
    pub rating: u8,
    /// Optional comment.
    pub comment: Option<String>,
    /// Per-item judgements.
    pub items: Vec<ItemHelpful>,
    /// Who rated.
    pub author: String,
    /// Whether the viewer rated.
    pub mine: bool,
}

const RATING_FIELDS: &str = "rating comment items { position helpful } author mine";

/// Everything about a consultation's report beyond the report itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Responses {
    /// Whether the viewer uploaded it.
    pub mine: bool,
    /// When the owner acknowledged it (RFC 3339).
    pub acknowledged_at: Option<String>,
    /// The owner's disputes.
    pub disputes: Vec<ItemDispute>,
    /// Ratings.
    pub feedback: Vec<Rating>,
    /// Share links.
    pub share_links: Vec<ShareLink>,
}

/// Fetches the responses to a consultation's report.
pub async fn fetch_responses(api: Api, id: &str) -> Result<Responses, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        consultation: Responses,
    }
    let query = format!(
        "query($id: ID!) {{ consultation(id: $id) {{ mine acknowledgedAt disputes {{ {DISPUTE_FIELDS} }} feedback {{ {RATING_FIELDS} }} shareLinks {{ {SHARE_LINK_FIELDS} }} }} }}"
    );
    let data: Data = api.graphql(&query, json!({ "id": id })).await?;
    Ok(data.consultation)
}

/// Rates the analysis (replacing an earlier rating).
pub async fn rate_analysis(
    api: Api,
    id: &str,
    rating: u8,
    comment: Option<&str>,
    items: &[ItemHelpful],
) -> Result<Rating, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        rate_analysis: Rating,
    }
    let items: Vec<_> = items
        .iter()
        .map(|i| json!({ "position": i.position, "helpful": i.helpful }))
        .collect();
    let query = format!(
        "mutation($id: ID!, $input: RateAnalysisInput!) {{ rateAnalysis(consultationId: $id, input: $input) {{ {RATING_FIELDS} }} }}"
    );
    let data: Data = api
        .graphql(
            &query,
            json!({ "id": id, "input": { "rating": rating, "comment": comment, "items": items } }),
        )
        .await?;
    Ok(data.rate_analysis)
}

/// Acknowledges the report; returns when.
pub async fn acknowledge_report(api: Api, id: &str) -> Result<String, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        acknowledge_report: String,
    }
    let data: Data = api
        .graphql(
            "mutation($id: ID!) { acknowledgeReport(consultationId: $id) }",
            json!({ "id": id }),
        )
        .await?;
    Ok(data.acknowledge_report)
}

/// Disputes one improvement item.
pub async fn dispute_item(
    api: Api,
    id: &str,
    position: u32,
    reason: &str,
) -> Result<ItemDispute, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        dispute_item: ItemDispute,
    }
    let query = format!(
        "mutation($id: ID!, $p: Int!, $r: String!) {{ disputeItem(consultationId: $id, position: $p, reason: $r) {{ {DISPUTE_FIELDS} }} }}"
    );
    let data: Data = api
        .graphql(&query, json!({ "id": id, "p": position, "r": reason }))
        .await?;
    Ok(data.dispute_item)
}

/// The disputes the viewer may see, optionally in one status.
pub async fn list_disputes(
    api: Api,
    status: Option<DisputeStatus>,
) -> Result<Vec<ItemDispute>, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        disputes: Vec<ItemDispute>,
    }
    let query = format!(
        "query($s: DisputeStatus) {{ disputes(status: $s, first: 100) {{ {DISPUTE_FIELDS} }} }}"
    );
    let data: Data = api
        .graphql(&query, json!({ "s": status.map(DisputeStatus::as_str) }))
        .await?;
    Ok(data.disputes)
}

/// Accepts or rejects a dispute.
pub async fn resolve_dispute(
    api: Api,
    id: &str,
    accept: bool,
    note: Option<&str>,
) -> Result<ItemDispute, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        resolve_dispute: ItemDispute,
    }
    let query = format!(
        "mutation($id: ID!, $a: Boolean!, $n: String) {{ resolveDispute(id: $id, input: {{accept: $a, note: $n}}) {{ {DISPUTE_FIELDS} }} }}"
    );
    let data: Data = api
        .graphql(&query, json!({ "id": id, "a": accept, "n": note }))
        .await?;
    Ok(data.resolve_dispute)
}

/// Exports a consultation's report.
pub async fn export_report(
    api: Api,
    id: &str,
    format: ExportFormat,
) -> Result<ReportExport, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        export_report: ReportExport,
    }
    let data: Data = api
        .graphql(
            "mutation($id: ID!, $f: ReportFormat!) { exportReport(consultationId: $id, format: $f) { fileName mediaType contentBase64 } }",
            json!({ "id": id, "f": format.as_str() }),
        )
        .await?;
    Ok(data.export_report)
}

/// Exports the report behind a share link (no account).
pub async fn export_shared_report(
    api: Api,
    token: &str,
    format: ExportFormat,
) -> Result<ReportExport, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        export_shared_report: ReportExport,
    }
    let data: Data = api
        .graphql_anonymous(
            "mutation($t: String!, $f: ReportFormat!) { exportSharedReport(token: $t, format: $f) { fileName mediaType contentBase64 } }",
            json!({ "t": token, "f": format.as_str() }),
        )
        .await?;
    Ok(data.export_shared_report)
}

/// Creates a share link valid for `hours`.
pub async fn create_share_link(
    api: Api,
    id: &str,
    hours: u32,
) -> Result<CreatedShareLink, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        create_share_link: CreatedShareLink,
    }
    let query = format!(
        "mutation($id: ID!, $h: Int) {{ createShareLink(consultationId: $id, expiresInHours: $h) {{ path link {{ {SHARE_LINK_FIELDS} }} }} }}"
    );
    let data: Data = api.graphql(&query, json!({ "id": id, "h": hours })).await?;
    Ok(data.create_share_link)
}

/// Revokes a share link.
pub async fn revoke_share_link(api: Api, id: &str) -> Result<ShareLink, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        revoke_share_link: ShareLink,
    }
    let query =
        format!("mutation($id: ID!) {{ revokeShareLink(id: $id) {{ {SHARE_LINK_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({ "id": id })).await?;
    Ok(data.revoke_share_link)
}

/// A report opened through a share link.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedReport {
    /// Uploaded (RFC 3339).
    pub uploaded_at: String,
    /// Stops working (RFC 3339).
    pub expires_at: String,
    /// The report.
    pub report: Report,
    /// The redacted transcript.
    pub transcript: Vec<Turn>,
}

/// Opens a share link (no account).
pub async fn fetch_shared_report(api: Api, token: &str) -> Result<SharedReport, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        shared_report: SharedReport,
    }
    let query = format!(
        "query($t: String!) {{ sharedReport(token: $t) {{ uploadedAt expiresAt report {{ ...ReportFields }} transcript {{ speaker startMs endMs text }} }} }}\n{REPORT_FRAGMENT}"
    );
    let data: Data = api.graphql_anonymous(&query, json!({ "t": token })).await?;
    Ok(data.shared_report)
}
