//! Mutations of the consultations domain.

use async_graphql::{Context, Object, Result, Upload};

use super::types::Consultation;
use crate::graphql::context::{map_err, state, viewer};
use crate::service::consultations::{NewUpload, UploadDeps, accept_upload};

/// Consultation mutations.
#[derive(Default)]
pub struct ConsultationMutation;

#[Object]
impl ConsultationMutation {
    /// Uploads a consultation file (GraphQL multipart request) and queues its analysis. Follow the
    /// analysis with the `analysisProgress` subscription.
    async fn upload_consultation(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        #[graphql(validator(max_length = 200))] title: Option<String>,
    ) -> Result<Consultation> {
        let viewer = viewer(ctx)?;
        let state = state(ctx)?;
        let value = file.value(ctx)?;
        let upload = NewUpload {
            file: value.content,
            filename: value.filename,
            content_type: value.content_type,
            title,
        };
        let deps = UploadDeps {
            db: &state.db,
            storage: &state.storage,
            queue: &state.queue,
            bus: &state.bus,
            max_upload_bytes: state.max_upload_bytes,
            max_attempts: state.max_attempts,
        };
        let row = accept_upload(deps, &viewer, upload)
            .await
            .map_err(map_err(ctx))?;
        Ok(Consultation(row))
    }
}
