//! Queries of the auth domain.

use async_graphql::{Context, Object, Result};

use super::types::User;
use crate::graphql::context::{map_err, state, viewer};
use coach_app::error::AccessError;
use coach_app::service::users::find_active_user;

/// Auth queries.
#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        let viewer = viewer(ctx)?;
        let db = &state(ctx)?.db;
        let user = find_active_user(db, &viewer.user_id)
            .await
            .map_err(|e| map_err(ctx)(coach_app::service::users::UserError::Db(e)))?
            .ok_or_else(|| map_err(ctx)(AccessError::Unauthenticated))?;
        Ok(user.into())
    }
}
