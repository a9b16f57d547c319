//! API keys for GraphQL consumers (call-centre platforms): created by managers and admins with
//! scopes, shown once, stored as a SHA-256 hash with a visible prefix, revocable, last use recorded.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use shared::errors::ErrorCode;

use crate::auth::{Viewer, hash_secret, random_hex};
use crate::entity::{api_keys, users};
use crate::error::{AccessError, UserFacingError, internal_message};
use shared::access::{ApiScope, Role};
use shared::clock::now_ms;
use shared::language::Language;

/// Errors of the API-key service.
#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Bad name or no scopes.
    #[error("invalid API key input: {0}")]
    Input(&'static str),
    /// No such key (or not visible).
    #[error("API key not found")]
    NotFound,
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for ApiKeyError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Access(e) => e.code(),
            Self::Input(_) => ErrorCode::BadUserInput,
            Self::NotFound => ErrorCode::NotFound,
            Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Access(e) => e.user_message(lang),
            Self::Input(_) => lang
                .pick(
                    "API 키 이름(1-100자)과 하나 이상의 권한 범위를 입력해 주세요.",
                    "Give the API key a name (1-100 characters) and at least one scope.",
                )
                .to_owned(),
            Self::NotFound => lang
                .pick("API 키를 찾을 수 없습니다.", "API key not found.")
                .to_owned(),
            Self::Db(_) => internal_message(lang),
        }
    }
}

/// Prefix that marks API keys (and tells them apart from access tokens).
pub const KEY_PREFIX: &str = "cck_";

/// Parses stored space-separated scopes.
pub fn parse_scopes(stored: &str) -> Vec<ApiScope> {
    stored
        .split_whitespace()
        .filter_map(ApiScope::from_db)
        .collect()
}

/// Creates a key acting for `viewer` (a manager or admin) and returns it with the secret, shown once.
#[tracing::instrument(skip_all, fields(user = %viewer.user_id))]
pub async fn create_api_key(
    db: &DatabaseConnection,
    viewer: &Viewer,
    name: &str,
    scopes: &[ApiScope],
) -> Result<(api_keys::Model, String), ApiKeyError> {
    if !viewer.is_manager_or_admin() || viewer.scopes.is_some() {
        return Err(AccessError::Forbidden.into());
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiKeyError::Input("name"));
    }
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(ApiKeyError::Input("scopes"));
    }
    let prefix = format!("{KEY_PREFIX}{}", random_hex(4));
    let key = format!("{prefix}_{}", random_hex(32));
    let row = api_keys::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        name: Set(name.to_owned()),
        prefix: Set(prefix),
        key_hash: Set(hash_secret(&key)),
        scopes: Set(scopes
            .iter()
            .map(|s| s.db_name())
            .collect::<Vec<_>>()
            .join(" ")),
        user_id: Set(viewer.user_id.clone()),
        created_at: Set(now_ms()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((row, key))
}

/// Keys visible to the viewer: all for admins, their own for managers.
pub async fn list_api_keys(
    db: &DatabaseConnection,
    viewer: &Viewer,
) -> Result<Vec<api_keys::Model>, ApiKeyError> {
    if viewer.scopes.is_some() {
        return Err(AccessError::Forbidden.into());
    }
    let mut query = api_keys::Entity::find().order_by_desc(api_keys::Column::CreatedAt);
    match viewer.role {
        Role::Admin => {}
        Role::Manager => query = query.filter(api_keys::Column::UserId.eq(viewer.user_id.clone())),
        Role::Counselor => return Err(AccessError::Forbidden.into()),
    }
    Ok(query.all(db).await?)
}

/// Revokes a key (admins any, managers their own).
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<api_keys::Model, ApiKeyError> {
    if !viewer.is_manager_or_admin() || viewer.scopes.is_some() {
        return Err(AccessError::Forbidden.into());
    }
    let row = api_keys::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|k| viewer.role == Role::Admin || k.user_id == viewer.user_id)
        .ok_or(ApiKeyError::NotFound)?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let mut active: api_keys::ActiveModel = row.into();
    active.revoked_at = Set(Some(now_ms()));
    Ok(active.update(db).await?)
}

/// Resolves a presented key to the viewer it acts as, or `None` when it is unknown, revoked or its
/// user is inactive. Records the use (at most once a minute per key).
pub async fn authenticate_api_key(
    db: &DatabaseConnection,
    presented: &str,
) -> Result<Option<Viewer>, DbErr> {
    let Some(prefix) = presented.get(..KEY_PREFIX.len() + 8) else {
        return Ok(None);
    };
    let Some(row) = api_keys::Entity::find()
        .filter(api_keys::Column::Prefix.eq(prefix))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.revoked_at.is_some() || row.key_hash != hash_secret(presented) {
        return Ok(None);
    }
    let Some(user) = users::Entity::find_by_id(row.user_id.clone())
        .one(db)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    let now = now_ms();
    if row.last_used_at.is_none_or(|t| now - t > 60_000) {
        api_keys::Entity::update_many()
            .col_expr(api_keys::Column::LastUsedAt, Some(now).into())
            .filter(api_keys::Column::Id.eq(row.id.clone()))
            .exec(db)
            .await?;
    }
    Ok(Some(Viewer {
        user_id: user.id,
        role: Role::from_db(&user.role).unwrap_or(Role::Counselor),
        team_id: user.team_id,
        session_id: row.id,
        scopes: Some(parse_scopes(&row.scopes)),
    }))
}
