//! Queries of the administration domain.

use async_graphql::{Context, Object, Result};

use super::types::{ApiKey, Backup, Team};
use crate::graphql::auth::types::User;
use crate::graphql::context::{map_err, state, viewer};
use crate::service::api_keys::list_api_keys;
use crate::service::backups::list_backups;
use crate::service::users::{list_teams, list_users};

/// Administration queries.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Users: all for admins, the team for managers (`FORBIDDEN` for counselors).
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let viewer = viewer(ctx)?;
        let rows = list_users(&state(ctx)?.db, &viewer)
            .await
            .map_err(map_err(ctx))?;
        Ok(rows.into_iter().map(User::from).collect())
    }

    /// Teams: all for admins, one's own for everyone else.
    async fn teams(&self, ctx: &Context<'_>) -> Result<Vec<Team>> {
        let viewer = viewer(ctx)?;
        let rows = list_teams(&state(ctx)?.db, &viewer)
            .await
            .map_err(map_err(ctx))?;
        Ok(rows.into_iter().map(Team::from).collect())
    }

    /// API keys: all for admins, their own for managers (`FORBIDDEN` for counselors).
    async fn api_keys(&self, ctx: &Context<'_>) -> Result<Vec<ApiKey>> {
        let viewer = viewer(ctx)?;
        let rows = list_api_keys(&state(ctx)?.db, &viewer)
            .await
            .map_err(map_err(ctx))?;
        Ok(rows.into_iter().map(ApiKey::from).collect())
    }

    /// The most recent database backups, newest first (admins only; at most 200).
    async fn backups(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<Backup>> {
        let viewer = viewer(ctx)?;
        let rows = list_backups(
            &state(ctx)?.db,
            &viewer,
            u64::try_from(limit.max(1)).unwrap_or(1),
        )
        .await
        .map_err(map_err(ctx))?;
        Ok(rows.into_iter().map(Backup::from).collect())
    }
}
