//! Subscriptions of the consultations domain.

use std::time::Duration;

use async_graphql::{Context, ID, Result, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::types::ProgressEvent;
use crate::graphql::context::{lang, map_err, state, viewer_with};
use coach_app::service::consultations::{get_consultation, progress_events};
use shared::access::ApiScope;

/// How long a subscriber waits for a live event before re-reading the stored ones.
const IDLE_REREAD: Duration = Duration::from_secs(5);

/// Consultation subscriptions.
#[derive(Default)]
pub struct ConsultationSubscription;

#[Subscription]
impl ConsultationSubscription {
    /// Progress of a consultation's analysis: first every stored event with `seq > afterSeq`, then
    /// live events; the stream completes after `COMPLETED` or `FAILED`. Reconnect with the last
    /// `seq` seen to miss nothing.
    async fn analysis_progress(
        &self,
        ctx: &Context<'_>,
        consultation_id: ID,
        #[graphql(default = 0, validator(minimum = 0))] after_seq: i32,
    ) -> Result<impl Stream<Item = ProgressEvent> + use<>> {
        let viewer = viewer_with(ctx, ApiScope::ConsultationsRead)?;
        let state = state(ctx)?.clone();
        let lang = lang(ctx);
        get_consultation(&state.db, &viewer, &consultation_id)
            .await
            .map_err(map_err(ctx))?;
        // Subscribe before reading the stored events so nothing falls between the two.
        let mut live = state.bus.subscribe();
        let id = consultation_id.0;
        Ok(async_stream::stream! {
            let mut last = after_seq;
            let mut finished = false;
            let mut replay = true;
            while !finished {
                if replay {
                    replay = false;
                    match progress_events(&state.db, &id, last).await {
                        Ok(events) => {
                            for event in events {
                                last = event.seq;
                                finished = event.stage.is_terminal();
                                yield ProgressEvent::localized(event, lang);
                                if finished {
                                    break;
                                }
                            }
                        }
                        Err(error) => {
                            // Keep the subscription: the next quiet period or live event
                            // re-reads, so a database outage never loses the terminal event.
                            tracing::warn!(%error, "could not replay progress events; will re-read");
                        }
                    }
                    continue;
                }
                let received = match tokio::time::timeout(IDLE_REREAD, live.recv()).await {
                    Ok(received) => received,
                    Err(_) => {
                        // Quiet for a while: re-read the table in case a notification from
                        // another process was lost (e.g. while its listener reconnected).
                        replay = true;
                        continue;
                    }
                };
                match received {
                    Ok(event) if event.consultation_id == id && event.seq > last => {
                        if event.seq > last + 1 {
                            // A gap: read what is stored instead of guessing.
                            replay = true;
                            continue;
                        }
                        last = event.seq;
                        finished = event.stage.is_terminal();
                        yield ProgressEvent::localized(event, lang);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => replay = true,
                    Err(RecvError::Closed) => break,
                }
            }
        })
    }
}
