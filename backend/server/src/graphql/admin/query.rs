//! Queries of the administration domain.

use async_graphql::{Context, Object, Result};

use shared::system::SystemStatus;

use super::types::{ApiKey, Backup, Team};
use crate::graphql::auth::types::User;
use crate::graphql::context::{map_err, state, viewer};
use crate::graphql::cost;
use coach_app::service::api_keys::list_api_keys;
use coach_app::service::backups::list_backups;
use coach_app::service::users::{list_teams, list_users};

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

    /// Which database, storage, analyzer and speech-to-text engine this server runs with (admins
    /// acting themselves only). Never shows a secret.
    async fn system_status(&self, ctx: &Context<'_>) -> Result<SystemStatus> {
        viewer(ctx)?.require_admin().map_err(map_err(ctx))?;
        let state = state(ctx)?;
        let info = state.system.clone();
        // The first check reads the font file: off the async runtime.
        let fonts = state.pdf_fonts.clone();
        let pdf_font_available = tokio::task::spawn_blocking(move || fonts.available())
            .await
            .unwrap_or(false);
        Ok(SystemStatus {
            version: info.version.to_owned(),
            database: info.database.to_owned(),
            storage: info.storage.to_owned(),
            analyzer: info.analyzer.to_owned(),
            model: info.model,
            provider_host: info.provider_host,
            provider_key_configured: info.provider_key_configured,
            speech_to_text: info.speech_to_text.clone(),
            workers: u32::try_from(info.workers).unwrap_or(u32::MAX),
            pdf_font_available,
        })
    }

    /// The most recent database backups, newest first (admins only; at most 200).
    #[graphql(complexity = "cost::list(limit, 200, child_complexity)")]
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
