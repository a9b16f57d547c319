//! The processing stages of one consultation: decode → transcribe (parse turns) → redact PII →
//! analyse → store. Each stage records a progress event. Every write of an attempt — the status
//! change, each stage event, and the result with the `completed` event and the job's completion in
//! one transaction — is fenced by the attempt number, so a worker that lost its lease can never
//! overwrite or add to a newer attempt's work.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Set, TransactionTrait,
};
use shared::progress::Stage;
use shared::report::Report;

use super::progress::{StageUpdate, insert_event};
use super::queue::{self, ClaimedJob, FinalStatus};
use super::worker::WorkerContext;
use crate::analysis::AnalysisError;
use crate::analysis::redact::redact_turns;
use crate::clock::now_ms;
use crate::entity::{analyses, consultations, improvement_items, transcripts};
use crate::ingest::IngestError;
use crate::ingest::text::decode_text;
use crate::ingest::transcript::parse_transcript_with;
use crate::service::files::fetch_file;
use crate::service::kpi::daycache;
use crate::service::kpi::followups::baseline_for;
use crate::storage::StorageError;
use crate::telemetry::metrics::StageTimer;

/// Why processing a consultation failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The file could not be read as a transcript.
    #[error("ingest: {0}")]
    Ingest(#[from] IngestError),
    /// The analyzer failed.
    #[error("analysis: {0}")]
    Analysis(#[from] AnalysisError),
    /// The stored file could not be read (transient).
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// The database failed (transient).
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// The consultation row is gone.
    #[error("consultation not found")]
    ConsultationMissing,
    /// Another attempt took over this job; this attempt's result was discarded.
    #[error("lease lost to a newer attempt")]
    LeaseLost,
    /// The job kept failing.
    #[error("attempts exhausted")]
    AttemptsExhausted,
    /// A blocking task panicked or was cancelled.
    #[error("analysis task failed: {0}")]
    Task(String),
}

impl PipelineError {
    /// Stable failure code stored on the consultation.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Ingest(e) => e.code(),
            Self::Analysis(e) => e.code(),
            Self::Storage(_) => "STORAGE_UNAVAILABLE",
            Self::Db(_) | Self::Task(_) | Self::LeaseLost => "INTERNAL",
            Self::ConsultationMissing => "NOT_FOUND",
            Self::AttemptsExhausted => "PROCESSING_FAILED",
        }
    }

    /// Whether another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Storage(_) | Self::Db(_) | Self::Task(_))
    }
}

/// Records a stage event, fenced by the attempt (a worker that lost its lease writes nothing and
/// stops with [`PipelineError::LeaseLost`]), renews the lease and publishes the event.
///
/// The fence is the first statement of the transaction: on PostgreSQL its row lock on the job
/// serialises the event numbering of that consultation; on SQLite the transaction starts by
/// writing (see DESIGN-DECISIONS "SQLite transactions write first").
async fn emit(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    update: StageUpdate,
) -> Result<(), PipelineError> {
    emit_stage(ctx, job, update, None).await
}

/// [`emit`], and when `processing_since` is given, in the same transaction, marks the
/// consultation `processing` since then.
async fn emit_stage(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    update: StageUpdate,
    processing_since: Option<i64>,
) -> Result<(), PipelineError> {
    let now = now_ms();
    let txn = begin_fenced(ctx, job, now).await?;
    if let Some(started) = processing_since {
        consultations::Entity::update_many()
            .col_expr(
                consultations::Column::Status,
                shared::consultation::ConsultationStatus::Processing
                    .as_str()
                    .into(),
            )
            .col_expr(consultations::Column::ProcessingStartedAt, started.into())
            .filter(consultations::Column::Id.eq(job.consultation_id.as_str()))
            .exec(&txn)
            .await?;
    }
    let event = insert_event(&txn, &ctx.bus, &job.consultation_id, update, now).await?;
    txn.commit().await?;
    ctx.bus.publish(event);
    Ok(())
}

/// Begins a transaction whose first statement renews this attempt's lease, or fails with
/// [`PipelineError::LeaseLost`] when the attempt no longer holds the job.
async fn begin_fenced(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    now: i64,
) -> Result<DatabaseTransaction, PipelineError> {
    let txn = ctx.db.begin().await?;
    if !queue::heartbeat(&txn, job, now, ctx.lease_ms()).await? {
        txn.rollback().await?;
        return Err(PipelineError::LeaseLost);
    }
    Ok(txn)
}

/// Runs every stage for a claimed job and stores the result.
#[tracing::instrument(skip_all, fields(consultation = %job.consultation_id))]
pub async fn process(ctx: &WorkerContext, job: &ClaimedJob) -> Result<(), PipelineError> {
    let consultation = consultations::Entity::find_by_id(job.consultation_id.clone())
        .one(&ctx.db)
        .await?
        .ok_or(PipelineError::ConsultationMissing)?;
    let id = consultation.id.as_str();
    // The first attempt's start is kept: queue wait is created → first processing start.
    let started = consultation.processing_started_at.unwrap_or_else(now_ms);
    emit_stage(
        ctx,
        job,
        StageUpdate::new(
            Stage::Decoding,
            10,
            "파일을 읽는 중입니다",
            "Reading the file",
        ),
        Some(started),
    )
    .await?;
    let mut timer = StageTimer::start(Stage::Decoding.as_str());
    let bytes = fetch_file(&ctx.db, &ctx.storage, &consultation.storage_key).await?;
    let decoded = decode_text(&bytes)?;

    let (warning_ko, warning_en) = replaced_warning(decoded.replaced_chars);
    timer.next(Stage::Transcribing.as_str());
    emit(
        ctx,
        job,
        StageUpdate::new(
            Stage::Transcribing,
            30,
            format!(
                "대화를 발화 단위로 나누는 중입니다 ({}){warning_ko}",
                decoded.encoding
            ),
            format!(
                "Splitting the conversation into turns ({}){warning_en}",
                decoded.encoding
            ),
        ),
    )
    .await?;
    let parsed = parse_transcript_with(&decoded.text, &ctx.aliases)?;
    let mut turns = parsed.turns;

    timer.next(Stage::Redacting.as_str());
    emit(
        ctx,
        job,
        StageUpdate::new(
            Stage::Redacting,
            55,
            format!("발화 {}개에서 개인정보를 가리는 중입니다", turns.len()),
            format!("Redacting personal information in {} turns", turns.len()),
        ),
    )
    .await?;
    let pii = redact_turns(&mut turns);

    timer.next(Stage::Analyzing.as_str());
    emit(
        ctx,
        job,
        StageUpdate::new(
            Stage::Analyzing,
            75,
            "상담 내용을 분석하는 중입니다",
            "Analysing the consultation",
        ),
    )
    .await?;
    let analyzer = ctx.analyzer.clone();
    let analysed_turns = turns.clone();
    let mut report = tokio::task::spawn_blocking(move || analyzer.analyze(&analysed_turns, pii))
        .await
        .map_err(|e| PipelineError::Task(e.to_string()))??;
    if let Some(refiner) = &ctx.refiner {
        emit(
            ctx,
            job,
            StageUpdate::new(
                Stage::Analyzing,
                85,
                format!(
                    "AI 모델({})로 분석 결과를 다듬는 중입니다",
                    refiner.provider_name()
                ),
                format!(
                    "Refining the analysis with the AI model ({})",
                    refiner.provider_name()
                ),
            ),
        )
        .await?;
        report = refiner.refine(id, &turns, report).await;
    }

    let stored = StoredTranscript {
        turns_json: serde_json::to_string(&turns)
            .map_err(|e| PipelineError::Task(e.to_string()))?,
        format: parsed.format.to_owned(),
        encoding: decoded.encoding.to_owned(),
        speaker_mapping: parsed.speaker_mapping.to_owned(),
        replaced_chars: decoded.replaced_chars,
    };
    timer.next("storing");
    store_result(ctx, job, &consultation, stored, &report).await?;
    timer.finish();
    Ok(())
}

struct StoredTranscript {
    turns_json: String,
    format: String,
    encoding: String,
    speaker_mapping: String,
    replaced_chars: usize,
}

/// The warning added to the progress message (Korean, English) when decoding replaced invalid
/// bytes; empty when none were.
fn replaced_warning(replaced: usize) -> (String, String) {
    match replaced {
        0 => (String::new(), String::new()),
        1 => (
            " — 읽을 수 없는 문자 1개를 �로 바꾸었습니다".to_owned(),
            " — 1 unreadable character was replaced with �".to_owned(),
        ),
        n => (
            format!(" — 읽을 수 없는 문자 {n}개를 �로 바꾸었습니다"),
            format!(" — {n} unreadable characters were replaced with �"),
        ),
    }
}

async fn store_result(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    consultation: &consultations::Model,
    transcript: StoredTranscript,
    report: &Report,
) -> Result<(), PipelineError> {
    let now = now_ms();
    let txn = ctx.db.begin().await?;
    transcripts::Entity::delete_by_id(consultation.id.clone())
        .exec(&txn)
        .await?;
    let pii_total: u32 = report.pii.iter().map(|p| p.count).sum();
    transcripts::ActiveModel {
        consultation_id: Set(consultation.id.clone()),
        turns: Set(transcript.turns_json),
        source: Set("upload".into()),
        format: Set(transcript.format),
        encoding: Set(Some(transcript.encoding)),
        pii_redactions: Set(i32::try_from(pii_total).unwrap_or(i32::MAX)),
        speaker_mapping: Set(transcript.speaker_mapping),
        replaced_chars: Set(i32::try_from(transcript.replaced_chars).unwrap_or(i32::MAX)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let version = next_analysis_version(&txn, &consultation.id).await?;
    let baseline = baseline_for(&txn, &consultation.owner_id).await?;
    let analysis_id = uuid::Uuid::now_v7().to_string();
    let report_json =
        serde_json::to_string(report).map_err(|e| PipelineError::Task(e.to_string()))?;
    let score = |s: u8| i16::from(s);
    analyses::ActiveModel {
        id: Set(analysis_id.clone()),
        consultation_id: Set(consultation.id.clone()),
        version: Set(version),
        analyzer: Set(report.analyzer.name.clone()),
        model: Set(report.analyzer.model.clone()),
        report: Set(report_json),
        overall_score: Set(score(report.scores.overall.score)),
        attitude_score: Set(score(report.scores.attitude.score)),
        problem_solving_score: Set(score(report.scores.problem_solving.score)),
        communication_score: Set(score(report.scores.communication.score)),
        improvement_count: Set(i16::try_from(report.improvements.len()).unwrap_or(i16::MAX)),
        result_chars: Set(i32::try_from(report.result_chars()).unwrap_or(i32::MAX)),
        covered_categories: Set(Some(i16::from(report.covered_categories()))),
        baseline_score: Set(baseline.overall),
        baseline_attitude: Set(baseline.attitude),
        baseline_problem_solving: Set(baseline.problem_solving),
        baseline_communication: Set(baseline.communication),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for (position, item) in report.improvements.iter().enumerate() {
        improvement_items::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            analysis_id: Set(analysis_id.clone()),
            position: Set(i16::try_from(position).unwrap_or(i16::MAX)),
            category: Set(item.category.as_str().to_owned()),
            code: Set(item.code.clone()),
            priority: Set(item.priority.as_str().to_owned()),
            owner_id: Set(Some(consultation.owner_id.clone())),
            flagged_at: Set(Some(now)),
            flagged_score: Set(Some(score(report.scores.of(item.category).score))),
            settled_at: Set(None),
            followed: Set(None),
            improved: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    consultations::Entity::update_many()
        .col_expr(
            consultations::Column::Status,
            shared::consultation::ConsultationStatus::Completed
                .as_str()
                .into(),
        )
        .col_expr(consultations::Column::CompletedAt, now.into())
        .col_expr(
            consultations::Column::Language,
            report.language.clone().into(),
        )
        .col_expr(
            consultations::Column::FailureCode,
            Option::<String>::None.into(),
        )
        .filter(consultations::Column::Id.eq(consultation.id.clone()))
        .exec(&txn)
        .await?;
    // A job finishing long after its upload (or completed again) changes settled KPI days.
    daycache::invalidate_at(&txn, consultation.created_at, now).await?;
    if let Some(before) = consultation.completed_at {
        daycache::invalidate_at(&txn, before, now).await?;
    }
    let event = insert_event(
        &txn,
        &ctx.bus,
        &consultation.id,
        StageUpdate::new(
            Stage::Completed,
            100,
            format!(
                "분석이 완료되었습니다 (종합 {}점)",
                report.scores.overall.score
            ),
            format!(
                "Analysis complete (overall {})",
                report.scores.overall.score
            ),
        ),
        now,
    )
    .await?;
    if !queue::finish(&txn, job, FinalStatus::Done, None, now).await? {
        txn.rollback().await?;
        return Err(PipelineError::LeaseLost);
    }
    txn.commit().await?;
    ctx.bus.publish(event);
    Ok(())
}

async fn next_analysis_version<C: ConnectionTrait>(
    conn: &C,
    consultation_id: &str,
) -> Result<i32, DbErr> {
    let max: Option<i32> = analyses::Entity::find()
        .select_only()
        .column_as(analyses::Column::Version.max(), "max_version")
        .filter(analyses::Column::ConsultationId.eq(consultation_id))
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// Marks the consultation failed with the error's code, dead-letters the job and emits `failed`,
/// all fenced by the attempt.
pub async fn record_failure(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    error: &PipelineError,
) -> Result<(), DbErr> {
    let now = now_ms();
    let code = error.code();
    let txn = ctx.db.begin().await?;
    if !queue::finish(&txn, job, FinalStatus::Dead, Some(&error.to_string()), now).await? {
        txn.rollback().await?;
        return Ok(());
    }
    if matches!(error, PipelineError::ConsultationMissing) {
        // Nothing left to mark or notify.
        return txn.commit().await;
    }
    if let Some(failed) = consultations::Entity::find_by_id(job.consultation_id.clone())
        .one(&txn)
        .await?
    {
        daycache::invalidate_at(&txn, failed.created_at, now).await?;
        if let Some(before) = failed.completed_at {
            daycache::invalidate_at(&txn, before, now).await?;
        }
    }
    consultations::Entity::update_many()
        .col_expr(
            consultations::Column::Status,
            shared::consultation::ConsultationStatus::Failed
                .as_str()
                .into(),
        )
        .col_expr(consultations::Column::CompletedAt, now.into())
        .col_expr(
            consultations::Column::FailureCode,
            Some(code.to_owned()).into(),
        )
        .filter(consultations::Column::Id.eq(job.consultation_id.clone()))
        .exec(&txn)
        .await?;
    let (ko, en) = crate::service::consultations::failure_message(code);
    let event = insert_event(
        &txn,
        &ctx.bus,
        &job.consultation_id,
        StageUpdate {
            stage: Stage::Failed,
            percent: None,
            message_ko: ko.to_owned(),
            message_en: en.to_owned(),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    ctx.bus.publish(event);
    Ok(())
}
