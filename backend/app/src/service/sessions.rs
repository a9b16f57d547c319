//! Sessions: rotating refresh tokens grouped in families.
//!
//! A login starts a family and returns its first refresh token. Each refresh exchanges the presented
//! token for a new one in the same family (the old one is marked used). Presenting a used or revoked
//! token again is treated as theft: the whole family is revoked. Logout revokes the family. Only the
//! SHA-256 of a token is stored. [`access`] checks on every request that an access token's
//! session and user still stand.

pub mod access;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use shared::errors::ErrorCode;

use crate::auth::{hash_secret, random_hex};
use crate::entity::{refresh_tokens, users};
use crate::error::catalogue;
use crate::error::{UserFacingError, internal_message};
use shared::clock::now_ms;
use shared::language::Language;

/// Why a refresh token was refused.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Unknown, expired or revoked token, or a deactivated user.
    #[error("invalid refresh token")]
    Invalid,
    /// A token was used twice: the family was revoked.
    #[error("refresh token reused; session revoked")]
    Reused,
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl UserFacingError for SessionError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid | Self::Reused => ErrorCode::Unauthenticated,
            Self::Db(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Invalid | Self::Reused => catalogue::message(self.code(), lang).to_owned(),
            Self::Db(_) => internal_message(lang),
        }
    }
}

/// A refresh token handed to the client (shown once; only its hash is stored).
#[derive(Debug, Clone)]
pub struct IssuedRefresh {
    /// The token.
    pub token: String,
    /// Its family (the session id in access tokens).
    pub family_id: String,
    /// Expiry, epoch ms.
    pub expires_at: i64,
}

fn new_token() -> String {
    format!("ccr_{}", random_hex(32))
}

async fn insert_token<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: &str,
    family_id: &str,
    rotated_from: Option<String>,
    ttl_ms: i64,
    now: i64,
) -> Result<IssuedRefresh, DbErr> {
    let token = new_token();
    let expires_at = now + ttl_ms;
    refresh_tokens::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        user_id: Set(user_id.to_owned()),
        family_id: Set(family_id.to_owned()),
        token_hash: Set(hash_secret(&token)),
        rotated_from: Set(rotated_from),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(IssuedRefresh {
        token,
        family_id: family_id.to_owned(),
        expires_at,
    })
}

/// Starts a new session family for a user who just signed in.
pub async fn start_session(
    db: &DatabaseConnection,
    user_id: &str,
    ttl_ms: i64,
) -> Result<IssuedRefresh, DbErr> {
    let family = uuid::Uuid::now_v7().to_string();
    insert_token(db, user_id, &family, None, ttl_ms, now_ms()).await
}

/// Revokes every token of a family.
async fn revoke_family<C: sea_orm::ConnectionTrait>(
    conn: &C,
    family_id: &str,
    now: i64,
) -> Result<(), DbErr> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Some(now).into())
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    // A family is one user's: forget what the access check cached about them.
    if let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .one(conn)
        .await?
    {
        access::forget_user(&token.user_id);
    }
    Ok(())
}

/// Exchanges a refresh token for a new one; returns the (active) user and the new token.
#[tracing::instrument(skip_all)]
pub async fn rotate_session(
    db: &DatabaseConnection,
    presented: &str,
    ttl_ms: i64,
) -> Result<(users::Model, IssuedRefresh), SessionError> {
    let now = now_ms();
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_secret(presented)))
        .one(db)
        .await?
        .ok_or(SessionError::Invalid)?;
    if row.used_at.is_some() {
        tracing::warn!(family = %row.family_id, user = %row.user_id, "refresh token reuse; revoking the session");
        revoke_family(db, &row.family_id, now).await?;
        return Err(SessionError::Reused);
    }
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(SessionError::Invalid);
    }
    let user = users::Entity::find_by_id(row.user_id.clone())
        .one(db)
        .await?
        .filter(|u| u.active)
        .ok_or(SessionError::Invalid)?;
    let txn = db.begin().await?;
    // Mark used only if still unused: two concurrent refreshes with one token cannot both win.
    let marked = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Some(now).into())
        .filter(refresh_tokens::Column::Id.eq(row.id.clone()))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        txn.rollback().await?;
        revoke_family(db, &row.family_id, now).await?;
        return Err(SessionError::Reused);
    }
    let issued = insert_token(&txn, &user.id, &row.family_id, Some(row.id), ttl_ms, now).await?;
    txn.commit().await?;
    Ok((user, issued))
}

/// Ends the session a refresh token belongs to (unknown tokens are ignored).
#[tracing::instrument(skip_all)]
pub async fn end_session(db: &DatabaseConnection, presented: &str) -> Result<(), SessionError> {
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_secret(presented)))
        .one(db)
        .await?;
    if let Some(row) = row {
        revoke_family(db, &row.family_id, now_ms()).await?;
    }
    Ok(())
}

/// Revokes every session of a user (deactivation).
///
/// Errors: the database's.
pub async fn end_all_sessions(db: &DatabaseConnection, user_id: &str) -> Result<(), DbErr> {
    end_sessions_except(db, user_id, None).await
}

/// Revokes every session of a user but `keep` (a password change keeps the session that made
/// it).
///
/// Errors: the database's.
pub async fn end_sessions_except(
    db: &DatabaseConnection,
    user_id: &str,
    keep: Option<&str>,
) -> Result<(), DbErr> {
    let mut update = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Some(now_ms()).into())
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null());
    if let Some(family) = keep {
        update = update.filter(refresh_tokens::Column::FamilyId.ne(family));
    }
    update.exec(db).await?;
    access::forget_user(user_id);
    Ok(())
}

/// Records a sign-in attempt and its outcome (`ok`, `invalid`, `limited` …): the login KPIs and
/// the audit read these.
///
/// Errors: the database's.
pub async fn record_login_attempt<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    ip: std::net::IpAddr,
    outcome: &str,
) -> Result<(), DbErr> {
    crate::entity::login_attempts::ActiveModel {
        email: Set(email.trim().to_lowercase().chars().take(254).collect()),
        ip: Set(ip.to_string()),
        outcome: Set(outcome.to_owned()),
        at: Set(shared::clock::now_ms()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
