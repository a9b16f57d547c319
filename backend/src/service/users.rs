//! Users: creation, authentication and the first-start admin.

use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use secrecy::{ExposeSecret, SecretString};
use shared::inputs::{Email, InputError, Password};

use crate::auth::passwords::{HashError, hash_password, verify_password};
use crate::auth::{Role, Viewer};
use crate::clock::now_ms;
use crate::entity::users;
use crate::error::{Lang, UserFacingError, internal_message};

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
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for UserError {
    fn code(&self) -> &'static str {
        match self {
            Self::Input(e) => e.code(),
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::EmailTaken => "EMAIL_TAKEN",
            Self::Hash(_) | Self::Db(_) => "INTERNAL",
        }
    }

    fn user_message(&self, lang: Lang) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::InvalidCredentials => lang
                .pick(
                    "이메일 또는 비밀번호가 올바르지 않습니다.",
                    "The e-mail or password is incorrect.",
                )
                .to_owned(),
            Self::EmailTaken => lang
                .pick(
                    "이미 등록된 이메일입니다.",
                    "This e-mail is already registered.",
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

/// The viewer a user row authenticates as.
pub fn viewer_of(user: &users::Model) -> Viewer {
    Viewer {
        user_id: user.id.clone(),
        role: Role::from_db(&user.role).unwrap_or(Role::Counselor),
        team_id: user.team_id.clone(),
    }
}

/// Creates a user with an argon2id password hash.
#[tracing::instrument(skip_all, fields(role = new.role.as_str()))]
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
        role: Set(new.role.as_str().to_owned()),
        team_id: Set(new.team_id),
        locale: Set("ko".into()),
        active: Set(true),
        created_at: Set(now_ms()),
    }
    .insert(db)
    .await?)
}

/// Checks an e-mail and password; unknown users take as long as known ones.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
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
        .filter(users::Column::Role.eq(Role::Admin.as_str()))
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
