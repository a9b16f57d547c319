//! Running a task every so often: first after a delay (zero: at start), then after every
//! interval, until shutdown. Each task decides for itself whether anything is due, so a restart
//! never repeats or skips work.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Runs `task` after `first` and then every `every`, until `shutdown`.
pub fn spawn_periodic<F, Fut>(
    first: Duration,
    every: Duration,
    shutdown: CancellationToken,
    task: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(first) => {}
        }
        loop {
            task().await;
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(every) => {}
            }
        }
    })
}
