//! GraphQL types of the auth domain.

use async_graphql::{ID, SimpleObject};

use coach_app::entity::users;
use shared::access::Role;

/// A user account.
#[derive(SimpleObject, Debug, Clone)]
pub struct User {
    /// User id.
    pub id: ID,
    /// Login e-mail.
    pub email: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Preferred language (`ko` or `en`).
    pub locale: String,
    /// Team membership.
    pub team_id: Option<ID>,
    /// Deactivated users cannot sign in.
    pub active: bool,
}

impl From<users::Model> for User {
    fn from(u: users::Model) -> Self {
        Self {
            id: ID(u.id),
            email: u.email,
            display_name: u.display_name,
            role: Role::from_db(&u.role).unwrap_or(Role::Counselor),
            locale: u.locale,
            team_id: u.team_id.map(ID),
            active: u.active,
        }
    }
}

/// The result of a successful sign-in or session refresh.
#[derive(SimpleObject, Debug, Clone)]
pub struct LoginPayload {
    /// Bearer token for the `Authorization` header and the WebSocket `connection_init` payload
    /// (valid for at most 15 minutes).
    pub access_token: String,
    /// When the access token expires.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// One-time token for `refreshSession`; every refresh returns a new one and invalidates this.
    /// Empty when the token went into the session cookie (`refreshTokenIn: COOKIE`).
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: chrono::DateTime<chrono::Utc>,
    /// The signed-in user.
    pub user: User,
}
