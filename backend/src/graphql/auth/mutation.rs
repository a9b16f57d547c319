//! Mutations of the auth domain.

use async_graphql::{Context, Object, Result};

use super::types::LoginPayload;
use crate::clock::{now_ms, to_datetime};
use crate::graphql::context::{map_err, state};
use crate::service::users::{UserError, authenticate, viewer_of};

/// Auth mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in with e-mail and password and returns a short-lived access token.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<LoginPayload> {
        let state = state(ctx)?;
        let user = authenticate(&state.db, &email, &password)
            .await
            .map_err(map_err(ctx))?;
        let (access_token, expires_at) = state
            .tokens
            .issue(&viewer_of(&user), now_ms() / 1000)
            .map_err(|_| map_err(ctx)(UserError::InvalidCredentials))?;
        Ok(LoginPayload {
            access_token,
            expires_at: to_datetime(expires_at * 1000),
            user: user.into(),
        })
    }
}
