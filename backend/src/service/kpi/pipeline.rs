//! Processing KPIs (sheet §2.1) and the job queue (§2.3), from `consultations` and `jobs`:
//!
//! * 평균 분석 처리 시간 — average `completed_at − created_at` of completed consultations, per file
//!   type (text, audio, video have separate targets);
//! * 분석 성공률 / 실패율 — completed (failed) over finished consultations; those still queued or
//!   processing are not decided yet and are counted apart;
//! * 처리 대기 시간 — average `processing_started_at − created_at` (the first attempt's start, so a
//!   retried job's wait is not hidden);
//! * 작업 큐 길이 — jobs waiting now (the sheet's "Celery queue length"), and the oldest one's age.
//!
//! The range is `[from_ms, to_ms)` on `created_at` (upload time). The statements are the same SQL
//! on SQLite and PostgreSQL (epoch-millisecond columns, see DESIGN-DECISIONS).

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Figures of the consultations of one file type uploaded in the range.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTypeFigures {
    /// `text`, `audio` or `video`.
    pub file_type: String,
    /// Uploads.
    pub uploads: i64,
    /// Completed.
    pub completed: i64,
    /// Failed for good.
    pub failed: i64,
    /// Average upload → completion of the completed ones, in milliseconds.
    pub avg_processing_ms: Option<f64>,
    /// Average upload → first processing start, in milliseconds.
    pub avg_queue_wait_ms: Option<f64>,
}

/// Processing and queue figures over a range.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineFigures {
    /// Per file type, in the order text, audio, video (types without uploads are left out).
    pub by_file_type: Vec<FileTypeFigures>,
    /// Jobs waiting to run now (queued, whether due or backing off before a retry).
    pub queue_length: i64,
    /// Age of the oldest waiting job now, in milliseconds.
    pub oldest_queued_age_ms: Option<i64>,
}

impl PipelineFigures {
    /// All uploads in the range.
    pub fn uploads(&self) -> i64 {
        self.by_file_type.iter().map(|f| f.uploads).sum()
    }

    fn finished(&self) -> (i64, i64) {
        self.by_file_type
            .iter()
            .fold((0, 0), |(c, f), t| (c + t.completed, f + t.failed))
    }

    /// 분석 성공률: completed over finished (completed + failed), 0..=1; `None` before any finished.
    pub fn success_rate(&self) -> Option<f64> {
        let (completed, failed) = self.finished();
        let finished = completed + failed;
        (finished > 0).then(|| completed as f64 / finished as f64)
    }

    /// 분석 실패율: failed over finished, 0..=1.
    pub fn failure_rate(&self) -> Option<f64> {
        self.success_rate().map(|rate| 1.0 - rate)
    }

    /// 처리 대기 시간 over every file type, weighted by uploads that started.
    pub fn avg_queue_wait_ms(&self) -> Option<f64> {
        weighted_mean(
            self.by_file_type
                .iter()
                .filter_map(|f| f.avg_queue_wait_ms.map(|ms| (ms, f.completed + f.failed))),
        )
    }
}

fn weighted_mean(values: impl Iterator<Item = (f64, i64)>) -> Option<f64> {
    let (sum, weight) = values
        .filter(|(_, w)| *w > 0)
        .fold((0.0, 0i64), |(s, n), (v, w)| (s + v * w as f64, n + w));
    (weight > 0).then(|| sum / weight as f64)
}

/// Computes [`PipelineFigures`] for consultations uploaded in `[from_ms, to_ms)`; the queue
/// figures are as of `now_ms`.
#[tracing::instrument(skip(conn))]
pub async fn pipeline_figures<C: ConnectionTrait>(
    conn: &C,
    from_ms: i64,
    to_ms: i64,
    now_ms: i64,
) -> Result<PipelineFigures, DbErr> {
    let backend = conn.get_database_backend();
    // Integers from our own code, inlined: one statement text for both databases.
    let per_type = format!(
        "SELECT file_type, COUNT(*) AS uploads, \
           SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed, \
           SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed, \
           CAST(AVG(CASE WHEN status = 'completed' THEN completed_at - created_at END) AS DOUBLE PRECISION) AS avg_processing, \
           CAST(AVG(processing_started_at - created_at) AS DOUBLE PRECISION) AS avg_wait \
         FROM consultations WHERE created_at >= {from_ms} AND created_at < {to_ms} \
         GROUP BY file_type"
    );
    let mut by_file_type = Vec::new();
    for row in conn
        .query_all(Statement::from_string(backend, per_type))
        .await?
    {
        by_file_type.push(FileTypeFigures {
            file_type: row.try_get("", "file_type")?,
            uploads: row.try_get("", "uploads")?,
            completed: row.try_get::<Option<i64>>("", "completed")?.unwrap_or(0),
            failed: row.try_get::<Option<i64>>("", "failed")?.unwrap_or(0),
            avg_processing_ms: row.try_get("", "avg_processing")?,
            avg_queue_wait_ms: row.try_get("", "avg_wait")?,
        });
    }
    by_file_type.sort_by_key(|f| match f.file_type.as_str() {
        "text" => 0,
        "audio" => 1,
        "video" => 2,
        _ => 3,
    });
    let queue = conn
        .query_one(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs WHERE status = 'queued'",
        ))
        .await?;
    let (queue_length, oldest) = match queue {
        Some(row) => (
            row.try_get::<i64>("", "n")?,
            row.try_get::<Option<i64>>("", "oldest")?,
        ),
        None => (0, None),
    };
    Ok(PipelineFigures {
        by_file_type,
        queue_length,
        oldest_queued_age_ms: oldest.map(|at| (now_ms - at).max(0)),
    })
}
