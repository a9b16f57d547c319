//! Moving consultation files in and out of object storage, recording each transfer's outcome, size
//! and latency in `storage_events` (the source of the storage success-rate KPIs).

use std::time::Instant;

use bytes::Bytes;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use crate::entity::storage_events;
use crate::storage::{Storage, StorageError, StoredObject};
use shared::clock::now_ms;

/// Which way a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferOp {
    /// Into storage.
    Upload,
    /// Out of storage.
    Download,
}

impl TransferOp {
    fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "upload",
            Self::Download => "download",
        }
    }
}

/// Records one transfer; a failure to record is logged, never raised.
async fn record_transfer(
    db: &DatabaseConnection,
    storage: &Storage,
    op: TransferOp,
    result: Result<u64, &StorageError>,
    started: Instant,
) {
    crate::telemetry::metrics::METRICS.storage_op(op.as_str(), result.is_ok(), started.elapsed());
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (ok, bytes, error) = match result {
        Ok(bytes) => (true, i64::try_from(bytes).unwrap_or(i64::MAX), None),
        Err(e) => (
            false,
            0,
            Some(
                crate::telemetry::secrets::scrub(&e.to_string(), "storage_events")
                    .chars()
                    .take(500)
                    .collect::<String>(),
            ),
        ),
    };
    let row = storage_events::ActiveModel {
        op: Set(op.as_str().to_owned()),
        backend: Set(storage.backend_name().to_owned()),
        ok: Set(ok),
        bytes: Set(bytes),
        latency_ms: Set(latency_ms),
        error: Set(error),
        at: Set(now_ms()),
        ..Default::default()
    };
    if let Err(error) = row.insert(db).await {
        tracing::warn!(%error, "could not record a storage event");
    }
}

/// Streams an uploaded file into storage under `key` and records the transfer.
#[tracing::instrument(skip_all, fields(key = %key))]
pub async fn store_upload(
    db: &DatabaseConnection,
    storage: &Storage,
    key: &str,
    file: std::fs::File,
) -> Result<StoredObject, StorageError> {
    let started = Instant::now();
    let result = storage.put_file(key, file).await;
    record_transfer(
        db,
        storage,
        TransferOp::Upload,
        result.as_ref().map(|s| s.bytes),
        started,
    )
    .await;
    result
}

/// Copies a stored file into an anonymous temporary file (deleted when dropped), positioned at its
/// start, and records the transfer: how the worker reads a recording, so a large video is decoded
/// from disk and never held whole in memory.
#[tracing::instrument(skip_all, fields(key = %key))]
pub async fn fetch_to_temp_file(
    db: &DatabaseConnection,
    storage: &Storage,
    key: &str,
) -> Result<std::fs::File, StorageError> {
    use std::io::Seek as _;
    let started = Instant::now();
    let result = async {
        let mut file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(std::io::Error::other)??;
        let mut writer = tokio::fs::File::from_std(file.try_clone()?);
        let size = storage.download(key, &mut writer).await?;
        file.rewind()?;
        Ok::<_, StorageError>((file, size))
    }
    .await;
    record_transfer(
        db,
        storage,
        TransferOp::Download,
        result.as_ref().map(|(_, size)| *size),
        started,
    )
    .await;
    result.map(|(file, _)| file)
}

/// Opens a stream of the bytes `range` (end exclusive) of a stored file, or all of it, and records
/// the transfer (the bytes asked for; the stream is the client's to read).
#[tracing::instrument(skip_all, fields(key = %key))]
pub async fn stream_file(
    db: &DatabaseConnection,
    storage: &Storage,
    key: &str,
    range: std::ops::Range<u64>,
) -> Result<futures_util::stream::BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
    let started = Instant::now();
    let length = range.end.saturating_sub(range.start);
    let result = storage.stream(key, Some(range)).await;
    record_transfer(
        db,
        storage,
        TransferOp::Download,
        result.as_ref().map(|_| length),
        started,
    )
    .await;
    result
}

/// Reads a stored file and records the transfer.
#[tracing::instrument(skip_all, fields(key = %key))]
pub async fn fetch_file(
    db: &DatabaseConnection,
    storage: &Storage,
    key: &str,
) -> Result<Bytes, StorageError> {
    let started = Instant::now();
    let result = storage.get(key).await;
    record_transfer(
        db,
        storage,
        TransferOp::Download,
        result.as_ref().map(|b| b.len() as u64),
        started,
    )
    .await;
    result
}
