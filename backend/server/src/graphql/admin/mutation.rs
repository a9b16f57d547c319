//! Mutations of the administration domain.

use async_graphql::{Context, ID, Object, Result};
use shared::inputs::{Email, Password};

use super::types::{ApiKey, Backup, CreateUserInput, CreatedApiKey, Team, UpdateUserInput};
use crate::graphql::auth::types::User;
use crate::graphql::context::{map_err, state, viewer};
use crate::graphql::cost;
use coach_app::service::api_keys::{create_api_key, revoke_api_key};
use coach_app::service::backups::backup_now;
use coach_app::service::users::{
    NewUser, UserError, UserUpdate, admin_create_user, create_team, update_user,
};
use shared::access::ApiScope;

/// Administration mutations.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Creates a user (admins only).
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<User> {
        let viewer = viewer(ctx)?;
        let new = NewUser {
            email: Email::parse(&input.email).map_err(|e| map_err(ctx)(UserError::Input(e)))?,
            display_name: input.display_name,
            password: Password::parse_new(&input.password)
                .map_err(|e| map_err(ctx)(UserError::Input(e)))?,
            role: input.role,
            team_id: input.team_id.map(|id| id.0),
        };
        let user = admin_create_user(&state(ctx)?.db, &viewer, new)
            .await
            .map_err(map_err(ctx))?;
        Ok(user.into())
    }

    /// Changes a user's role, team or active state (admins only).
    async fn update_user(&self, ctx: &Context<'_>, id: ID, input: UpdateUserInput) -> Result<User> {
        let viewer = viewer(ctx)?;
        let update = UserUpdate {
            role: input.role,
            active: input.active,
            team_id: if input.clear_team {
                Some(None)
            } else {
                input.team_id.map(|t| Some(t.0))
            },
        };
        let user = update_user(&state(ctx)?.db, &viewer, &id, update)
            .await
            .map_err(map_err(ctx))?;
        Ok(user.into())
    }

    /// Creates a team (admins only).
    async fn create_team(&self, ctx: &Context<'_>, name: String) -> Result<Team> {
        let viewer = viewer(ctx)?;
        let team = create_team(&state(ctx)?.db, &viewer, &name)
            .await
            .map_err(map_err(ctx))?;
        Ok(team.into())
    }

    /// Creates an API key acting for the caller (managers and admins). The secret is returned once.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        name: String,
        scopes: Vec<ApiScope>,
    ) -> Result<CreatedApiKey> {
        let viewer = viewer(ctx)?;
        let (row, secret) = create_api_key(&state(ctx)?.db, &viewer, &name, &scopes)
            .await
            .map_err(map_err(ctx))?;
        Ok(CreatedApiKey {
            api_key: row.into(),
            secret,
        })
    }

    /// Revokes an API key (admins any, managers their own).
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> Result<ApiKey> {
        let viewer = viewer(ctx)?;
        let row = revoke_api_key(&state(ctx)?.db, &viewer, &id)
            .await
            .map_err(map_err(ctx))?;
        Ok(row.into())
    }

    /// Backs the database up now (admins only); the attempt appears in `backups` either way.
    #[graphql(complexity = "cost::with_children(cost::BACKUP, child_complexity)")]
    async fn run_backup(&self, ctx: &Context<'_>) -> Result<Backup> {
        let viewer = viewer(ctx)?;
        let state = state(ctx)?;
        let row = backup_now(&state.db, &viewer, &state.backup_plan)
            .await
            .map_err(map_err(ctx))?;
        Ok(row.into())
    }
}
