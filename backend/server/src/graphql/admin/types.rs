//! GraphQL types of the administration domain.

use async_graphql::{ID, InputObject, SimpleObject};

use coach_app::entity::{api_keys, backups, teams};
use coach_app::service::api_keys::parse_scopes;
use shared::access::{ApiScope, Role};
use shared::clock::to_datetime;

/// A team of counselors with its managers.
#[derive(SimpleObject, Debug, Clone)]
pub struct Team {
    /// Team id.
    pub id: ID,
    /// Unique name.
    pub name: String,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<teams::Model> for Team {
    fn from(t: teams::Model) -> Self {
        Self {
            id: ID(t.id),
            name: t.name,
            created_at: to_datetime(t.created_at),
        }
    }
}

/// An API key (the secret itself is shown only once, at creation).
#[derive(SimpleObject, Debug, Clone)]
pub struct ApiKey {
    /// Key id.
    pub id: ID,
    /// Label.
    pub name: String,
    /// Visible prefix of the key (`cck_…`), to recognise it.
    pub prefix: String,
    /// What the key may do.
    pub scopes: Vec<ApiScope>,
    /// The user the key acts for.
    pub user_id: ID,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last use (recorded at most once a minute).
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<api_keys::Model> for ApiKey {
    fn from(k: api_keys::Model) -> Self {
        Self {
            id: ID(k.id),
            name: k.name,
            prefix: k.prefix,
            scopes: parse_scopes(&k.scopes),
            user_id: ID(k.user_id),
            created_at: to_datetime(k.created_at),
            last_used_at: k.last_used_at.map(to_datetime),
            revoked_at: k.revoked_at.map(to_datetime),
        }
    }
}

/// A newly created API key with its secret.
#[derive(SimpleObject, Debug, Clone)]
pub struct CreatedApiKey {
    /// The key's record.
    pub api_key: ApiKey,
    /// The secret to send as `Authorization: Bearer <secret>`; shown only now.
    pub secret: String,
}

/// A user an admin creates.
#[derive(InputObject, Debug)]
pub struct CreateUserInput {
    /// Login e-mail.
    pub email: String,
    /// Initial password (12-128 characters).
    pub password: String,
    /// Display name.
    #[graphql(default)]
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Team.
    pub team_id: Option<ID>,
}

/// Changes an admin makes to a user; omitted fields stay as they are.
#[derive(InputObject, Debug, Default)]
pub struct UpdateUserInput {
    /// New role.
    pub role: Option<Role>,
    /// Activate (`true`) or deactivate (`false`); deactivation ends the user's sessions.
    pub active: Option<bool>,
    /// Move to this team.
    pub team_id: Option<ID>,
    /// Remove from any team.
    #[graphql(default)]
    pub clear_team: bool,
}

/// A database backup.
#[derive(SimpleObject, Debug, Clone)]
pub struct Backup {
    /// Identifier.
    pub id: ID,
    /// When it started.
    pub at: chrono::DateTime<chrono::Utc>,
    /// `sqlite` or `postgres`.
    pub kind: String,
    /// `scheduled` or `manual`.
    pub trigger: String,
    /// The file's name in the backup directory.
    pub file_name: String,
    /// Its size in bytes (0 when it failed).
    pub bytes: i64,
    /// How long it took, milliseconds.
    pub duration_ms: i64,
    /// Whether it worked.
    pub ok: bool,
    /// Why it failed.
    pub error: Option<String>,
}

impl From<backups::Model> for Backup {
    fn from(b: backups::Model) -> Self {
        Self {
            id: ID(b.id),
            at: to_datetime(b.at),
            kind: b.kind,
            trigger: b.trigger,
            file_name: b.file_name,
            bytes: b.bytes,
            duration_ms: b.duration_ms,
            ok: b.ok,
            error: b.error,
        }
    }
}
