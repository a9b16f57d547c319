//! The worker pool: each worker claims a job, keeps its lease alive while the pipeline runs, and
//! records the outcome. Workers wake immediately on in-process enqueues and poll for work queued by
//! other processes or due for retry.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use shared::clock::now_ms;

use super::context::WorkerContext;
use super::pipeline::{self, PipelineError};
use crate::service::queue::{self, ClaimedJob};

/// Starts `count` workers; they stop when `shutdown` is cancelled.
pub fn spawn_workers(
    ctx: WorkerContext,
    count: usize,
    shutdown: CancellationToken,
) -> Vec<JoinHandle<()>> {
    let process_id = uuid::Uuid::new_v4().simple().to_string();
    (0..count)
        .map(|n| {
            let ctx = ctx.clone();
            let shutdown = shutdown.clone();
            let worker_id = format!("{}-{n}", &process_id[..12.min(process_id.len())]);
            tokio::spawn(async move { run_worker(ctx, worker_id, shutdown).await })
        })
        .collect()
}

#[tracing::instrument(skip_all, fields(worker = %worker_id))]
async fn run_worker(ctx: WorkerContext, worker_id: String, shutdown: CancellationToken) {
    let lease_ms = ctx.lease_ms();
    let poll = Duration::from_millis(ctx.settings.poll_interval_ms);
    tracing::debug!("worker started");
    while !shutdown.is_cancelled() {
        match queue::claim(&ctx.db, &worker_id, now_ms(), lease_ms).await {
            Ok(Some(job)) => {
                let ctx = ctx.clone();
                run_job(ctx, job).await;
                // Look again at once: more may be waiting.
            }
            Ok(None) => {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = ctx.queue.woken() => {}
                    () = tokio::time::sleep(poll) => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "claiming a job failed; retrying");
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
    }
    tracing::debug!("worker stopped");
}

#[tracing::instrument(skip_all, fields(job = %job.id, consultation = %job.consultation_id, attempt = job.attempt))]
async fn run_job(ctx: WorkerContext, job: ClaimedJob) {
    let lease_ms = ctx.lease_ms();
    // Cancelled when the heartbeat finds the lease gone: the pipeline stops at once instead of
    // working for a result that its fenced writes would refuse anyway.
    let lease_lost = CancellationToken::new();
    let heartbeat = {
        let db = ctx.db.clone();
        let job = job.clone();
        let lease_lost = lease_lost.clone();
        let every = Duration::from_millis(u64::try_from(lease_ms / 3).unwrap_or(20_000));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match queue::heartbeat(&db, &job, now_ms(), lease_ms).await {
                    Ok(true) => {}
                    Ok(false) => {
                        lease_lost.cancel();
                        break;
                    }
                    Err(error) => tracing::warn!(%error, "heartbeat failed"),
                }
            }
        })
    };
    let outcome = if job.attempt > job.max_attempts {
        Err(PipelineError::AttemptsExhausted)
    } else {
        tokio::select! {
            outcome = pipeline::process(&ctx, &job) => outcome,
            () = lease_lost.cancelled() => Err(PipelineError::LeaseLost),
        }
    };
    heartbeat.abort();
    match outcome {
        Ok(()) => tracing::info!("job completed"),
        Err(PipelineError::LeaseLost) => tracing::warn!(
            "lease lost: a newer attempt took over this job, so this attempt's result was discarded"
        ),
        Err(error) => {
            let retry = error.is_retryable() && job.attempt < job.max_attempts;
            if retry {
                tracing::warn!(%error, "job failed; will retry");
                let run_at = now_ms() + queue::backoff_ms(job.attempt);
                if let Err(db_error) =
                    queue::retry_later(&ctx.db, &job, &error.to_string(), run_at, now_ms()).await
                {
                    tracing::error!(error = %db_error, "could not reschedule job; its lease will expire");
                }
            } else {
                tracing::warn!(%error, code = error.code().as_str(), "job failed for good");
                if let Err(db_error) = pipeline::record_failure(&ctx, &job, &error).await {
                    tracing::error!(error = %db_error, "could not record failure; its lease will expire");
                }
            }
        }
    }
}
