//! Authentication and own-account calls: `login`, `refreshSession`, `logout`, `me`,
//! `changePassword`, `setLocale`, and the user types they return.

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

impl Role {
    /// Every role, least privileged first.
    pub const ALL: [Self; 3] = [Self::Counselor, Self::Manager, Self::Admin];

    /// The GraphQL enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counselor => "COUNSELOR",
            Self::Manager => "MANAGER",
            Self::Admin => "ADMIN",
        }
    }

    /// Parses a GraphQL enum value.
    pub fn from_str_value(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Whether this role may manage API keys.
    pub fn manages_api_keys(self) -> bool {
        matches!(self, Self::Manager | Self::Admin)
    }

    /// Whether this role may read the KPI dashboard.
    pub fn reads_kpis(self) -> bool {
        matches!(self, Self::Manager | Self::Admin)
    }
}

/// A user account (the signed-in user, or a row of the admin's list).
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
    /// Team membership.
    #[serde(default)]
    pub team_id: Option<String>,
    /// Deactivated users cannot sign in.
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

/// What a successful login or refresh returns (the refresh token itself went into the session
/// cookie, which scripts cannot read).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginPayload {
    /// Bearer token for the `Authorization` header and the WebSocket `connection_init`.
    pub access_token: String,
    /// When the access token expires (RFC 3339, server clock).
    pub expires_at: String,
    /// When the session's refresh token expires (RFC 3339, server clock).
    pub refresh_expires_at: String,
    /// The user.
    pub user: User,
}

/// The fields selected for every user.
pub const USER_FIELDS: &str = "id email displayName role locale teamId active";

fn session_fields() -> String {
    format!("accessToken expiresAt refreshExpiresAt user {{ {USER_FIELDS} }}")
}

/// Exchanges an e-mail address and password for a session whose refresh token the server keeps
/// in the session cookie.
pub async fn login(api: Api, email: &Email, password: &Password) -> Result<LoginPayload, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        login: LoginPayload,
    }
    let query = format!(
        "mutation($email: String!, $password: String!) {{ login(email: $email, password: $password, refreshTokenIn: COOKIE) {{ {} }} }}",
        session_fields()
    );
    let data: Data = api
        .session_call(
            &query,
            json!({ "email": email.as_str(), "password": password.expose() }),
        )
        .await?;
    Ok(data.login)
}

/// Renews the session through its cookie: a new access token, and a new refresh token in the
/// cookie (the old one becomes invalid).
pub async fn refresh_session(api: Api) -> Result<LoginPayload, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        refresh_session: LoginPayload,
    }
    let query = format!("mutation {{ refreshSession {{ {} }} }}", session_fields());
    let data: Data = api.session_call(&query, json!({})).await?;
    Ok(data.refresh_session)
}

/// Ends the session on the server: the cookie's, or `refresh_token`'s (a token an earlier
/// version kept in `localStorage`).
pub async fn logout(api: Api, refresh_token: Option<&str>) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        logout: bool,
    }
    let data: Data = api
        .session_call(
            "mutation($token: String) { logout(refreshToken: $token) }",
            json!({ "token": refresh_token }),
        )
        .await?;
    Ok(data.logout)
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

/// Changes the signed-in user's password (their other sessions end).
pub async fn change_password(
    api: Api,
    current: &Password,
    new: &Password,
) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        change_password: bool,
    }
    let data: Data = api
        .graphql(
            "mutation($current: String!, $new: String!) { changePassword(currentPassword: $current, newPassword: $new) }",
            json!({ "current": current.expose(), "new": new.expose() }),
        )
        .await?;
    Ok(data.change_password)
}

/// Saves the signed-in user's language (`ko` or `en`) and returns the updated user.
pub async fn set_locale(api: Api, locale: &str) -> Result<User, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        set_locale: User,
    }
    let query =
        format!("mutation($locale: String!) {{ setLocale(locale: $locale) {{ {USER_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({ "locale": locale })).await?;
    Ok(data.set_locale)
}
