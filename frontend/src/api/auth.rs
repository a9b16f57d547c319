//! Authentication calls: `login` and `me`, and the user types they return.

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::inputs::{Email, Password};

use super::{Api, ApiError};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Uploads and reviews their own consultations.
    Counselor,
    /// Reviews a team's consultations.
    Manager,
    /// Administers the installation.
    Admin,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id (UUID).
    pub id: String,
    /// Login e-mail address.
    pub email: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Preferred locale (`ko` or `en`).
    pub locale: String,
}

/// What a successful login returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginPayload {
    /// Bearer token for the `Authorization` header and the WebSocket `connection_init`.
    pub access_token: String,
    /// When the token expires (RFC 3339).
    pub expires_at: String,
    /// The user.
    pub user: User,
}

const USER_FIELDS: &str = "id email displayName role locale";

/// Exchanges an e-mail address and password for an access token.
pub async fn login(api: Api, email: &Email, password: &Password) -> Result<LoginPayload, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        login: LoginPayload,
    }
    let query = format!(
        "mutation($email: String!, $password: String!) {{ login(email: $email, password: $password) {{ accessToken expiresAt user {{ {USER_FIELDS} }} }} }}"
    );
    let data: Data = api
        .graphql(
            &query,
            json!({ "email": email.as_str(), "password": password.expose() }),
        )
        .await?;
    Ok(data.login)
}

/// The signed-in user.
pub async fn me(api: Api) -> Result<User, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        me: User,
    }
    let query = format!("query {{ me {{ {USER_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.me)
}
