//! Users and teams: creation, authentication, administration (role, team, deactivation), own
//! password and language, and the first-start admin.

use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use secrecy::{ExposeSecret, SecretString};
use shared::errors::ErrorCode;
use shared::inputs::{Email, InputError, Password};

use crate::auth::Viewer;
use crate::auth::limits::LoginLimiter;
use crate::auth::passwords::{HashError, hash_password, verify_password};
use crate::entity::{teams, users};
use crate::error::catalogue;
use crate::error::{AccessError, UserFacingError, internal_message};
use shared::access::Role;
use shared::clock::now_ms;
use shared::language::Language;

/// Errors of the users service.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Unknown e-mail, wrong password or deactivated account (indistinguishable on purpose).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The e-mail is already registered.
    #[error("e-mail already registered")]
    EmailTaken,
    /// Too many sign-in attempts: try again after this many seconds.
    #[error("too many sign-in attempts")]
    TooManyAttempts(u64),
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No such user or team (or not visible).
    #[error("not found")]
    NotFound,
    /// The team name is taken.
    #[error("team name taken")]
    TeamTaken,
    /// Self sign-up is disabled on this server.
    #[error("sign-up disabled")]
    SignupDisabled,
    /// An admin cannot demote or deactivate themselves (the server would lose its last admin).
    #[error("cannot change own admin account")]
    SelfLockout,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for UserError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Input(e) => e.code(),
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::TooManyAttempts(_) => ErrorCode::TooManyAttempts,
            Self::Access(e) => e.code(),
            Self::NotFound => ErrorCode::NotFound,
            Self::TeamTaken => ErrorCode::TeamNameTaken,
            Self::SignupDisabled => ErrorCode::SignupDisabled,
            Self::SelfLockout => ErrorCode::BadUserInput,
            Self::Hash(_) | Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::InvalidCredentials => catalogue::message(self.code(), lang).to_owned(),
            Self::EmailTaken => catalogue::message(self.code(), lang).to_owned(),
            Self::TooManyAttempts(secs) => match lang {
                Language::Ko => {
                    format!("로그인 시도가 너무 많습니다. {secs}초 후에 다시 시도해 주세요.")
                }
                Language::En => format!("Too many sign-in attempts. Try again in {secs} seconds."),
            },
            Self::Access(e) => e.user_message(lang),
            Self::NotFound => lang
                .pick(
                    "사용자 또는 팀을 찾을 수 없습니다.",
                    "User or team not found.",
                )
                .to_owned(),
            Self::TeamTaken => catalogue::message(self.code(), lang).to_owned(),
            Self::SignupDisabled => catalogue::message(self.code(), lang).to_owned(),
            Self::SelfLockout => lang
                .pick(
                    "자신의 관리자 권한을 해제하거나 계정을 비활성화할 수 없습니다.",
                    "You cannot remove your own admin role or deactivate yourself.",
                )
                .to_owned(),
            Self::Hash(_) | Self::Db(_) => internal_message(lang),
        }
    }
}

/// A user to create.
#[derive(Debug)]
pub struct NewUser {
    /// Login e-mail.
    pub email: Email,
    /// Display name.
    pub display_name: String,
    /// Initial password.
    pub password: Password,
    /// Role.
    pub role: Role,
    /// Team.
    pub team_id: Option<String>,
}

/// The viewer a user row authenticates as within a session.
pub fn viewer_of(user: &users::Model, session_id: &str) -> Viewer {
    Viewer {
        user_id: user.id.clone(),
        role: Role::from_db(&user.role).unwrap_or(Role::Counselor),
        team_id: user.team_id.clone(),
        session_id: session_id.to_owned(),
        scopes: None,
    }
}

/// Users visible to the viewer: everyone for admins, their team for managers.
pub async fn list_users(
    db: &DatabaseConnection,
    viewer: &Viewer,
) -> Result<Vec<users::Model>, UserError> {
    if viewer.scopes.is_some() {
        // API keys act on consultations and KPIs, never on accounts.
        return Err(AccessError::Forbidden.into());
    }
    let query = users::Entity::find().order_by_asc(users::Column::Email);
    let query = match viewer.role {
        Role::Admin => query,
        Role::Manager => match &viewer.team_id {
            Some(team) => query.filter(users::Column::TeamId.eq(team.clone())),
            None => query.filter(users::Column::Id.eq(viewer.user_id.clone())),
        },
        Role::Counselor => return Err(AccessError::Forbidden.into()),
    };
    Ok(query.all(db).await?)
}

/// Creates a user (admins only).
pub async fn admin_create_user(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: NewUser,
) -> Result<users::Model, UserError> {
    viewer.require_admin()?;
    if let Some(team) = &new.team_id {
        find_team(db, team).await?;
    }
    create_user(db, new).await
}

/// Changes to a user made by an admin; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct UserUpdate {
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// Move to a team (`Some(None)` removes from any team).
    pub team_id: Option<Option<String>>,
}

/// Re-roles, moves or (de)activates a user (admins only). Deactivation ends the user's sessions.
#[tracing::instrument(skip_all, fields(target = %id))]
pub async fn update_user(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: &str,
    update: UserUpdate,
) -> Result<users::Model, UserError> {
    viewer.require_admin()?;
    let user = users::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(UserError::NotFound)?;
    if user.id == viewer.user_id
        && (update.active == Some(false) || update.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(UserError::SelfLockout);
    }
    apply_user_update(db, user, update).await
}

/// Applies an update to a user row (shared by admins over GraphQL and operators on the CLI).
async fn apply_user_update(
    db: &DatabaseConnection,
    user: users::Model,
    update: UserUpdate,
) -> Result<users::Model, UserError> {
    if let Some(Some(team)) = &update.team_id {
        find_team(db, team).await?;
    }
    let moved = update
        .team_id
        .as_ref()
        .is_some_and(|team| *team != user.team_id);
    let mut active: users::ActiveModel = user.into();
    if let Some(role) = update.role {
        active.role = Set(role.db_name().to_owned());
    }
    if let Some(flag) = update.active {
        active.active = Set(flag);
    }
    if let Some(team) = update.team_id {
        active.team_id = Set(team);
    }
    let user = active.update(db).await?;
    crate::service::sessions::access::forget_user(&user.id);
    if moved {
        // Team KPIs follow current members: their cached days no longer hold.
        crate::service::kpi::daycache::invalidate_teams(db).await?;
    }
    if !user.active {
        crate::service::sessions::end_all_sessions(db, &user.id).await?;
    }
    Ok(user)
}

/// Updates a user found by e-mail, for the operator's command line (which has the database anyway).
pub async fn operator_update_user(
    db: &DatabaseConnection,
    email: &str,
    update: UserUpdate,
) -> Result<users::Model, UserError> {
    let email = Email::parse(email)?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or(UserError::NotFound)?;
    apply_user_update(db, user, update).await
}

/// Every user, for the operator's command line.
pub async fn operator_list_users(db: &DatabaseConnection) -> Result<Vec<users::Model>, UserError> {
    Ok(users::Entity::find()
        .order_by_asc(users::Column::Email)
        .all(db)
        .await?)
}

/// Changes the viewer's own password after checking the current one; other sessions end.
#[tracing::instrument(skip_all)]
pub async fn change_own_password(
    db: &DatabaseConnection,
    viewer: &Viewer,
    current: &str,
    new: &str,
) -> Result<(), UserError> {
    if viewer.scopes.is_some() {
        return Err(AccessError::Forbidden.into());
    }
    let new = Password::parse_new(new)?;
    let user = users::Entity::find_by_id(viewer.user_id.clone())
        .one(db)
        .await?
        .ok_or(UserError::NotFound)?;
    if !verify_password(current.to_owned(), Some(user.password_hash.clone())).await {
        return Err(UserError::InvalidCredentials);
    }
    let hash = hash_password(new.expose().to_owned()).await?;
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.update(db).await?;
    crate::service::sessions::end_sessions_except(db, &viewer.user_id, Some(&viewer.session_id))
        .await?;
    Ok(())
}

/// Sets the viewer's language (`ko` or `en`).
pub async fn set_own_locale(
    db: &DatabaseConnection,
    viewer: &Viewer,
    locale: &str,
) -> Result<users::Model, UserError> {
    let locale = match locale.trim().to_ascii_lowercase().as_str() {
        "ko" => "ko",
        "en" => "en",
        _ => {
            return Err(UserError::Input(InputError {
                field: "locale",
                message_ko: "언어는 ko 또는 en만 선택할 수 있습니다.".into(),
                message_en: "The language must be ko or en.".into(),
            }));
        }
    };
    let user = users::Entity::find_by_id(viewer.user_id.clone())
        .one(db)
        .await?
        .ok_or(UserError::NotFound)?;
    let mut active: users::ActiveModel = user.into();
    active.locale = Set(locale.to_owned());
    Ok(active.update(db).await?)
}

async fn find_team(db: &DatabaseConnection, id: &str) -> Result<teams::Model, UserError> {
    teams::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(UserError::NotFound)
}

/// Teams visible to the viewer: all for admins, their own for others.
pub async fn list_teams(
    db: &DatabaseConnection,
    viewer: &Viewer,
) -> Result<Vec<teams::Model>, UserError> {
    let query = teams::Entity::find().order_by_asc(teams::Column::Name);
    Ok(match (viewer.role, &viewer.team_id) {
        (Role::Admin, _) => query.all(db).await?,
        (_, Some(team)) => {
            query
                .filter(teams::Column::Id.eq(team.clone()))
                .all(db)
                .await?
        }
        (_, None) => Vec::new(),
    })
}

/// Creates a team (admins only).
pub async fn create_team(
    db: &DatabaseConnection,
    viewer: &Viewer,
    name: &str,
) -> Result<teams::Model, UserError> {
    viewer.require_admin()?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(UserError::Input(InputError {
            field: "name",
            message_ko: "팀 이름은 1자 이상 100자 이하로 입력해 주세요.".into(),
            message_en: "Team names must be 1 to 100 characters.".into(),
        }));
    }
    if teams::Entity::find()
        .filter(teams::Column::Name.eq(name))
        .one(db)
        .await?
        .is_some()
    {
        return Err(UserError::TeamTaken);
    }
    Ok(teams::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        name: Set(name.to_owned()),
        created_at: Set(now_ms()),
    }
    .insert(db)
    .await?)
}

/// Self sign-up as a counselor, when the server allows it.
pub async fn sign_up(
    db: &DatabaseConnection,
    allowed: bool,
    email: &str,
    password: &str,
    display_name: &str,
) -> Result<users::Model, UserError> {
    if !allowed {
        return Err(UserError::SignupDisabled);
    }
    create_user(
        db,
        NewUser {
            email: Email::parse(email)?,
            display_name: display_name.to_owned(),
            password: Password::parse_new(password)?,
            role: Role::Counselor,
            team_id: None,
        },
    )
    .await
}

/// Creates a user with an argon2id password hash.
#[tracing::instrument(skip_all, fields(role = new.role.db_name()))]
pub async fn create_user(db: &DatabaseConnection, new: NewUser) -> Result<users::Model, UserError> {
    if users::Entity::find()
        .filter(users::Column::Email.eq(new.email.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(UserError::EmailTaken);
    }
    let hash = hash_password(new.password.expose().to_owned()).await?;
    let display_name: String = new.display_name.trim().chars().take(100).collect();
    let display_name = if display_name.is_empty() {
        new.email
            .as_str()
            .split('@')
            .next()
            .unwrap_or("user")
            .to_owned()
    } else {
        display_name
    };
    Ok(users::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(display_name),
        password_hash: Set(hash),
        role: Set(new.role.db_name().to_owned()),
        team_id: Set(new.team_id),
        locale: Set("ko".into()),
        active: Set(true),
        created_at: Set(now_ms()),
    }
    .insert(db)
    .await?)
}

/// Signs in with e-mail and password from `ip`, within the login limits
/// ([`crate::auth::limits`]): the attempt counts against the (address, account) pair and the
/// account, and an attempt on an account that does not exist also against the address. Every
/// attempt is recorded with its outcome (`ok`, `failed`, `limited`).
///
/// Errors: [`UserError::TooManyAttempts`] when a budget is spent; [`UserError::InvalidCredentials`]
/// for an unknown e-mail, a wrong password or a deactivated account, alike.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    db: &DatabaseConnection,
    limiter: &LoginLimiter,
    ip: std::net::IpAddr,
    email: &str,
    password: &str,
) -> Result<users::Model, UserError> {
    let account = email.trim().to_lowercase();
    let limited = |wait: std::time::Duration| UserError::TooManyAttempts(wait.as_secs().max(1));
    let outcome = match limiter.check(ip, &account) {
        Err(wait) => Err(limited(wait)),
        Ok(()) => match check_credentials(db, email, password).await {
            Err(UserError::InvalidCredentials) if !account_exists(db, &account).await? => {
                match limiter.check_unknown(ip) {
                    Err(wait) => Err(limited(wait)),
                    Ok(()) => Err(UserError::InvalidCredentials),
                }
            }
            other => other,
        },
    };
    let recorded = match &outcome {
        Ok(_) => Some("ok"),
        Err(UserError::InvalidCredentials) => Some("failed"),
        Err(UserError::TooManyAttempts(_)) => Some("limited"),
        Err(_) => None,
    };
    if let Some(kind) = recorded
        && let Err(error) =
            crate::service::sessions::record_login_attempt(db, &account, ip, kind).await
    {
        tracing::warn!(%error, "could not record a login attempt");
    }
    outcome
}

async fn account_exists(db: &DatabaseConnection, account: &str) -> Result<bool, UserError> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(account))
        .one(db)
        .await?
        .is_some())
}

/// The active user with these credentials.
async fn check_credentials(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<users::Model, UserError> {
    let email = Email::parse(email)?;
    let password = Password::parse_existing(password)?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(password.expose().to_owned(), hash).await;
    match user {
        Some(user) if ok && user.active => Ok(user),
        _ => Err(UserError::InvalidCredentials),
    }
}

/// Finds an active user by id.
pub async fn find_active_user(
    db: &DatabaseConnection,
    id: &str,
) -> Result<Option<users::Model>, DbErr> {
    Ok(users::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|u| u.active))
}

/// The admin created on first start, with the password to print once when it was generated.
#[derive(Debug)]
pub struct InitialAdmin {
    /// Login e-mail.
    pub email: String,
    /// The generated password (`None` when it came from the configuration).
    pub generated_password: Option<SecretString>,
}

/// Creates the first admin when there is no admin yet.
#[tracing::instrument(skip_all)]
pub async fn ensure_admin(
    db: &DatabaseConnection,
    email: &str,
    configured_password: Option<&SecretString>,
) -> Result<Option<InitialAdmin>, UserError> {
    let exists = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin.db_name()))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(None);
    }
    let (password, generated) = match configured_password {
        Some(p) => (p.expose_secret().to_owned(), false),
        None => (generate_password(), true),
    };
    create_user(
        db,
        NewUser {
            email: Email::parse(email)?,
            display_name: "관리자".into(),
            password: Password::parse_new(&password)?,
            role: Role::Admin,
            team_id: None,
        },
    )
    .await?;
    Ok(Some(InitialAdmin {
        email: email.to_owned(),
        generated_password: generated.then(|| SecretString::from(password)),
    }))
}

/// A random 20-character password from an unambiguous alphabet.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}
