//! API keys for GraphQL consumers (`apiKeys`, `createApiKey`, `revokeApiKey`; managers and
//! admins). The secret is returned once, at creation.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Api, ApiError};

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scope {
    /// Read consultations, reports and progress.
    ConsultationsRead,
    /// Upload and re-analyse consultations.
    ConsultationsWrite,
    /// Read KPIs.
    KpisRead,
}

impl Scope {
    /// Every scope, in the order the form lists them.
    pub const ALL: [Self; 3] = [
        Self::ConsultationsRead,
        Self::ConsultationsWrite,
        Self::KpisRead,
    ];

    /// The scope's name in the API documentation (`consultations:read`, …).
    pub fn label(self) -> &'static str {
        match self {
            Self::ConsultationsRead => "consultations:read",
            Self::ConsultationsWrite => "consultations:write",
            Self::KpisRead => "kpis:read",
        }
    }

    /// The GraphQL enum value (also used as an element id suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConsultationsRead => "CONSULTATIONS_READ",
            Self::ConsultationsWrite => "CONSULTATIONS_WRITE",
            Self::KpisRead => "KPIS_READ",
        }
    }
}

/// An API key's record (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Key id.
    pub id: String,
    /// Label.
    pub name: String,
    /// Visible prefix of the key, to recognise it.
    pub prefix: String,
    /// What the key may do.
    pub scopes: Vec<Scope>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Last use (RFC 3339).
    pub last_used_at: Option<String>,
    /// When it was revoked (RFC 3339).
    pub revoked_at: Option<String>,
    /// The user the key acts for.
    pub user_id: String,
}

/// A new key with its secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    /// The secret to send as `Authorization: Bearer <secret>`.
    pub secret: String,
    /// The key's record.
    pub api_key: ApiKey,
}

const KEY_FIELDS: &str = "id name prefix scopes createdAt lastUsedAt revokedAt userId";

/// API keys: all for admins, their own for managers.
pub async fn list_api_keys(api: Api) -> Result<Vec<ApiKey>, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        api_keys: Vec<ApiKey>,
    }
    let query = format!("query {{ apiKeys {{ {KEY_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.api_keys)
}

/// Creates a key acting for the caller.
pub async fn create_api_key(
    api: Api,
    name: &str,
    scopes: &[Scope],
) -> Result<CreatedApiKey, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        create_api_key: CreatedApiKey,
    }
    let query = format!(
        "mutation($name: String!, $scopes: [Scope!]!) {{ createApiKey(name: $name, scopes: $scopes) {{ secret apiKey {{ {KEY_FIELDS} }} }} }}"
    );
    let data: Data = api
        .graphql(&query, json!({ "name": name, "scopes": scopes }))
        .await?;
    Ok(data.create_api_key)
}

/// Revokes a key.
pub async fn revoke_api_key(api: Api, id: &str) -> Result<ApiKey, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        revoke_api_key: ApiKey,
    }
    let query = format!("mutation($id: ID!) {{ revokeApiKey(id: $id) {{ {KEY_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({ "id": id })).await?;
    Ok(data.revoke_api_key)
}
