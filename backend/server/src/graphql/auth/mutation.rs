//! Mutations of the auth domain: sign-in, session refresh and logout, sign-up, own password and
//! language.

use async_graphql::{Context, ErrorExtensions, Object, Result};

use super::cookie::{self, RefreshTokenIn};
use super::types::{LoginPayload, User};
use crate::graphql::context::{GqlState, client_ip, lang, map_err, state, viewer};
use coach_app::entity::users;
use coach_app::error::UserFacingError as _;
use coach_app::service::activity::{ActivityKind, track};
use coach_app::service::sessions::{
    IssuedRefresh, SessionError, end_session, rotate_session, start_session,
};
use coach_app::service::users::{
    UserError, change_own_password, set_own_locale, sign_in, sign_up, viewer_of,
};
use shared::clock::{now_ms, to_datetime};
use shared::language::Language;

/// Auth mutations.
#[derive(Default)]
pub struct AuthMutation;

fn session_payload(
    state: &GqlState,
    user: users::Model,
    refresh: IssuedRefresh,
) -> std::result::Result<LoginPayload, UserError> {
    let (access_token, expires_at) = state
        .tokens
        .issue(&viewer_of(&user, &refresh.family_id), now_ms() / 1000)
        .map_err(|_| UserError::InvalidCredentials)?;
    Ok(LoginPayload {
        access_token,
        expires_at: to_datetime(expires_at * 1000),
        refresh_token: refresh.token,
        refresh_expires_at: to_datetime(refresh.expires_at),
        user: user.into(),
    })
}

/// `TOO_MANY_ATTEMPTS` with the seconds to wait (`retryAfterSeconds`), for the sign-in form.
fn too_many_attempts(lang: Language, secs: u64) -> async_graphql::Error {
    let message =
        coach_app::error::UserFacingError::user_message(&UserError::TooManyAttempts(secs), lang);
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", shared::errors::ErrorCode::TooManyAttempts.as_str());
        ext.set("retryAfterSeconds", secs);
    })
}

#[Object]
impl AuthMutation {
    /// Signs in with e-mail and password. Returns a short-lived access token and a refresh token:
    /// in `refreshToken`, or with `refreshTokenIn: COOKIE` (browsers) in an `HttpOnly` cookie for
    /// `/graphql/session` instead. Attempts are limited per account, per account and address, and,
    /// for accounts that do not exist, per address (`TOO_MANY_ATTEMPTS` with `retryAfterSeconds`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        #[graphql(default)] refresh_token_in: RefreshTokenIn,
    ) -> Result<LoginPayload> {
        let state = state(ctx)?;
        let user = sign_in(
            &state.db,
            &state.login_limiter,
            client_ip(ctx),
            &email,
            &password,
        )
        .await
        .map_err(|e| match e {
            UserError::TooManyAttempts(secs) => too_many_attempts(lang(ctx), secs),
            other => map_err(ctx)(other),
        })?;
        let refresh = start_session(&state.db, &user.id, state.refresh_ttl_ms)
            .await
            .map_err(|e| map_err(ctx)(UserError::Db(e)))?;
        track(
            &state.db,
            &viewer_of(&user, &refresh.family_id),
            ActivityKind::Login,
            None,
        )
        .await;
        let payload = session_payload(state, user, refresh).map_err(map_err(ctx))?;
        Ok(cookie::deliver(ctx, payload, refresh_token_in))
    }

    /// Exchanges a refresh token for a new access token and a new refresh token. Using a refresh
    /// token twice ends the whole session (`UNAUTHENTICATED`). Without `refreshToken`, the
    /// session cookie's token is used (sent to `/graphql/session` only), and its successor is
    /// always a cookie again; `refreshTokenIn` chooses where the successor of a token given in
    /// `refreshToken` goes.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        refresh_token: Option<String>,
        #[graphql(default)] refresh_token_in: RefreshTokenIn,
    ) -> Result<LoginPayload> {
        let state = state(ctx)?;
        let (presented, successor_in) = match refresh_token {
            Some(token) => (token, refresh_token_in),
            None => match cookie::session_cookie(ctx).token {
                Some(token) => (token, RefreshTokenIn::Cookie),
                None => return Err(map_err(ctx)(SessionError::Invalid)),
            },
        };
        let rotated = rotate_session(&state.db, &presented, state.refresh_ttl_ms).await;
        let (user, refresh) = match rotated {
            Ok(rotated) => rotated,
            Err(error) => {
                if successor_in == RefreshTokenIn::Cookie && !error.is_internal() {
                    cookie::clear(ctx);
                }
                return Err(map_err(ctx)(error));
            }
        };
        let payload = session_payload(state, user, refresh).map_err(map_err(ctx))?;
        Ok(cookie::deliver(ctx, payload, successor_in))
    }

    /// Ends the session of a refresh token, and its access tokens stop working at once: the one
    /// given, else the session cookie's, whose cookie is removed. Without either there is nothing
    /// to end, and the answer is `true` too.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: Option<String>) -> Result<bool> {
        let state = state(ctx)?;
        let presented = match refresh_token {
            Some(token) => Some(token),
            None => {
                cookie::clear(ctx);
                cookie::session_cookie(ctx).token
            }
        };
        if let Some(token) = presented {
            end_session(&state.db, &token)
                .await
                .map_err(map_err::<SessionError>(ctx))?;
        }
        Ok(true)
    }

    /// Creates a counselor account, when the server allows self sign-up (`SIGNUP_DISABLED`
    /// otherwise). Sign in afterwards with `login`.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        #[graphql(default)] display_name: String,
    ) -> Result<User> {
        let state = state(ctx)?;
        let ip = client_ip(ctx);
        if let Err(wait) = state.login_limiter.check(ip, &email.trim().to_lowercase()) {
            return Err(too_many_attempts(lang(ctx), wait.as_secs().max(1)));
        }
        let user = sign_up(
            &state.db,
            state.allow_signup,
            &email,
            &password,
            &display_name,
        )
        .await
        .map_err(map_err(ctx))?;
        Ok(user.into())
    }

    /// Changes the signed-in user's password; their other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool> {
        let viewer = viewer(ctx)?;
        change_own_password(&state(ctx)?.db, &viewer, &current_password, &new_password)
            .await
            .map_err(map_err(ctx))?;
        Ok(true)
    }

    /// Sets the signed-in user's language (`ko` or `en`).
    async fn set_locale(&self, ctx: &Context<'_>, locale: String) -> Result<User> {
        let viewer = viewer(ctx)?;
        let user = set_own_locale(&state(ctx)?.db, &viewer, &locale)
            .await
            .map_err(map_err(ctx))?;
        Ok(user.into())
    }
}
