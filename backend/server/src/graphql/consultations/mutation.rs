//! Mutations of the consultations domain.

use async_graphql::{Context, ID, Object, Result, Upload};

use super::types::Consultation;
use crate::graphql::context::GqlState;
use crate::graphql::context::{map_err, state, viewer_with};
use coach_app::service::activity::{ActivityKind, track};
use coach_app::service::consultations::{NewUpload, UploadDeps, accept_upload, reanalyze};
use shared::access::ApiScope;

/// Consultation mutations.
#[derive(Default)]
pub struct ConsultationMutation;

#[Object]
impl ConsultationMutation {
    /// Uploads a consultation file (GraphQL multipart request) and queues its analysis. Follow the
    /// analysis with the `analysisProgress` subscription. `language` is the language spoken in a
    /// recording (ISO 639-1: `ko`, `en` …; default: the server's `speech.language`).
    async fn upload_consultation(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        #[graphql(validator(max_length = 200))] title: Option<String>,
        #[graphql(validator(regex = "^[a-z]{2}$"))] language: Option<String>,
    ) -> Result<Consultation> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let state = state(ctx)?;
        let value = file.value(ctx)?;
        let upload = NewUpload {
            file: value.content,
            filename: value.filename,
            content_type: value.content_type,
            title,
            language,
        };
        let row = accept_upload(upload_deps(state), &viewer, upload)
            .await
            .map_err(map_err(ctx))?;
        track(&state.db, &viewer, ActivityKind::Upload, Some(&row.id)).await;
        Ok(Consultation::from(row))
    }

    /// Queues a fresh analysis of a consultation's file (owner or admin). The new consultation is
    /// linked to the original through `reanalysisOf`; follow it with `analysisProgress`.
    async fn reanalyze(&self, ctx: &Context<'_>, consultation_id: ID) -> Result<Consultation> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsWrite)?;
        let state = state(ctx)?;
        let row = reanalyze(upload_deps(state), &viewer, &consultation_id)
            .await
            .map_err(map_err(ctx))?;
        Ok(Consultation::from(row))
    }
}

fn upload_deps(state: &GqlState) -> UploadDeps<'_> {
    UploadDeps {
        db: &state.db,
        storage: &state.storage,
        queue: &state.queue,
        bus: &state.bus,
        max_upload_bytes: state.max_upload_bytes,
        accept_recordings: state.accept_recordings,
        max_attempts: state.max_attempts,
    }
}
