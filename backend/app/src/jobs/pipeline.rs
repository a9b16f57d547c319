//! The processing stages of one consultation: decode → transcribe (parse turns) → redact PII →
//! analyse → store. Each stage records a progress event. Every write of an attempt — the status
//! change, each stage event, and the result with the `completed` event and the job's completion in
//! one transaction — is fenced by the attempt number, so a worker that lost its lease can never
//! overwrite or add to a newer attempt's work.

use sea_orm::{DatabaseTransaction, DbErr, TransactionTrait};
use shared::consultation::FileType;
use shared::errors::ErrorCode;
use shared::progress::Stage;
use shared::report::Report;

use super::context::WorkerContext;
use crate::entity::consultations;
use crate::events::StageUpdate;
use crate::service;
use crate::service::analyses::NewTranscript;
use crate::service::files::{fetch_file, fetch_to_temp_file};
use crate::service::queue::{self, ClaimedJob, FinalStatus};
use crate::storage::StorageError;
use crate::telemetry::metrics::StageTimer;
use coach_analyzer::AnalysisError;
use coach_analyzer::ingest::IngestError;
use coach_analyzer::ingest::text::decode_text;
use coach_analyzer::ingest::transcript::parse_transcript_with;
use coach_analyzer::redact::redact_turns;
use coach_engines::speech::{SpeechError, Transcription};
use shared::clock::now_ms;

/// Why processing a consultation failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The file could not be read as a transcript.
    #[error("ingest: {0}")]
    Ingest(#[from] IngestError),
    /// The analyzer failed.
    #[error("analysis: {0}")]
    Analysis(#[from] AnalysisError),
    /// The recording could not be transcribed.
    #[error("speech: {0}")]
    Speech(#[from] SpeechError),
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
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Ingest(e) => e.code(),
            Self::Analysis(e) => e.code(),
            Self::Speech(e) => e.code(),
            Self::Storage(_) => ErrorCode::StorageUnavailable,
            Self::Db(_) | Self::Task(_) | Self::LeaseLost => ErrorCode::Internal,
            Self::ConsultationMissing => ErrorCode::NotFound,
            Self::AttemptsExhausted => ErrorCode::ProcessingFailed,
        }
    }

    /// Whether another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Storage(_) | Self::Db(_) | Self::Task(_) => true,
            Self::Speech(e) => e.is_retryable(),
            _ => false,
        }
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
        service::consultations::mark_processing(&txn, &job.consultation_id, started).await?;
    }
    let event = queue::insert_event(&txn, &ctx.bus, &job.consultation_id, update, now).await?;
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
    let consultation = service::consultations::find(&ctx.db, &job.consultation_id)
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
    let is_recording = matches!(
        FileType::from_db(&consultation.file_type),
        Some(FileType::Audio | FileType::Video)
    );
    let (mut turns, read) = if is_recording {
        let file = fetch_to_temp_file(&ctx.db, &ctx.storage, &consultation.storage_key).await?;
        let transcription = transcribe(ctx, job, &consultation, file, &mut timer).await?;
        let read = TranscriptSource::Speech {
            assignment: transcription.assignment.as_str(),
            timing: transcription.timing.clone(),
            engine: transcription.engine.clone(),
        };
        (transcription.turns, read)
    } else {
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
        let read = TranscriptSource::Text {
            format: parsed.format,
            encoding: decoded.encoding,
            speaker_mapping: parsed.speaker_mapping,
            replaced_chars: decoded.replaced_chars,
        };
        (parsed.turns, read)
    };

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

    if let TranscriptSource::Speech {
        timing,
        engine,
        assignment,
    } = &read
    {
        report.metrics.audio = Some(audio_metrics(timing, engine, assignment));
    }
    let turns_json =
        serde_json::to_string(&turns).map_err(|e| PipelineError::Task(e.to_string()))?;
    let stored = match read {
        TranscriptSource::Text {
            format,
            encoding,
            speaker_mapping,
            replaced_chars,
        } => NewTranscript {
            turns_json,
            source: "upload",
            format: format.to_owned(),
            encoding: Some(encoding.to_owned()),
            speaker_mapping: speaker_mapping.to_owned(),
            replaced_chars,
        },
        TranscriptSource::Speech { assignment, .. } => NewTranscript {
            turns_json,
            source: "stt",
            format: "speech".to_owned(),
            encoding: None,
            speaker_mapping: assignment.to_owned(),
            replaced_chars: 0,
        },
    };
    timer.next("storing");
    store_result(ctx, job, &consultation, stored, &report).await?;
    timer.finish();
    Ok(())
}

/// How the turns were obtained.
enum TranscriptSource {
    /// A transcript file.
    Text {
        format: &'static str,
        encoding: &'static str,
        speaker_mapping: &'static str,
        replaced_chars: usize,
    },
    /// Speech-to-text of a recording.
    Speech {
        assignment: &'static str,
        timing: coach_engines::speech::vad::Timing,
        engine: (String, String),
    },
}

/// Seconds with one decimal.
fn seconds(ms: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let s = ms as f64 / 1000.0;
    (s * 10.0).round() / 10.0
}

/// The report's audio block from the recording's own timing.
fn audio_metrics(
    timing: &coach_engines::speech::vad::Timing,
    engine: &(String, String),
    assignment: &str,
) -> shared::report::AudioMetrics {
    shared::report::AudioMetrics {
        duration_s: seconds(timing.duration_ms),
        agent_talk_s: seconds(timing.agent_talk_ms),
        customer_talk_s: timing.customer_talk_ms.map(seconds),
        dead_air_s: seconds(timing.dead_air_ms),
        longest_silence_s: seconds(timing.longest_silence_ms),
        overlap_s: timing.overlap_ms.map(seconds),
        agent_interruptions: timing.agent_interruptions,
        customer_interruptions: timing.customer_interruptions,
        speakers_by_channel: assignment == "channels",
        engine: engine.0.clone(),
        model: engine.1.clone(),
    }
}

/// The file extension a recording's media type usually has (a hint for the demuxer).
fn media_extension(mime: &str) -> Option<&'static str> {
    Some(match mime {
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/mpeg" => "mp3",
        "audio/mp4" | "video/mp4" | "audio/3gpp" | "video/3gpp" => "mp4",
        "video/quicktime" => "mov",
        "audio/aac" => "aac",
        "audio/flac" => "flac",
        "audio/ogg" | "audio/opus" | "video/ogg" => "ogg",
        "audio/webm" | "video/webm" => "webm",
        "audio/x-matroska" | "video/x-matroska" => "mkv",
        _ => return None,
    })
}

/// Decodes and transcribes a recording, reporting the transcription's percent as it goes (each
/// report also renews the job's lease; one is sent at least every 15 s).
async fn transcribe(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    consultation: &consultations::Model,
    file: std::fs::File,
    timer: &mut StageTimer,
) -> Result<Transcription, PipelineError> {
    let extension = media_extension(&consultation.mime).map(str::to_owned);
    let audio = ctx.speech.decode_file(file, extension).await?;
    let transcriber = ctx.speech.transcriber().await?;
    let language = consultation
        .language
        .clone()
        .filter(|l| shared::language::is_language_code(l))
        .unwrap_or_else(|| ctx.speech.default_language().to_owned());
    timer.next(Stage::Transcribing.as_str());
    let minutes = audio.duration_ms() as f64 / 60_000.0;
    let transcribing = |percent: u8| {
        StageUpdate::new(
            Stage::Transcribing,
            20 + u8::try_from(u16::from(percent.min(100)) * 35 / 100).unwrap_or(35),
            format!("음성을 텍스트로 바꾸는 중입니다 ({minutes:.1}분 녹음, {percent}%)"),
            format!("Transcribing the recording ({minutes:.1} min, {percent}%)"),
        )
    };
    emit(ctx, job, transcribing(0)).await?;
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicU8::new(0));
    let work = transcriber.transcribe(audio, &language, Some(&consultation.id), progress.clone());
    tokio::pin!(work);
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(2));
    let (mut reported, mut reported_at) = (0u8, tokio::time::Instant::now());
    loop {
        tokio::select! {
            done = &mut work => return Ok(done?),
            _ = ticker.tick() => {
                let now = progress.load(std::sync::atomic::Ordering::Relaxed);
                if now != reported || reported_at.elapsed() >= std::time::Duration::from_secs(15) {
                    emit(ctx, job, transcribing(now)).await?;
                    (reported, reported_at) = (now, tokio::time::Instant::now());
                }
            }
        }
    }
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

/// Stores the transcript and the analysis, completes the consultation and the job and records
/// the `completed` event, in one transaction fenced by the attempt.
async fn store_result(
    ctx: &WorkerContext,
    job: &ClaimedJob,
    consultation: &consultations::Model,
    transcript: NewTranscript,
    report: &Report,
) -> Result<(), PipelineError> {
    let now = now_ms();
    let txn = ctx.db.begin().await?;
    service::analyses::store_result(&txn, consultation, transcript, report, now)
        .await
        .map_err(|e| match e {
            service::analyses::StoreError::Db(db) => PipelineError::Db(db),
            service::analyses::StoreError::Encode(message) => PipelineError::Task(message),
        })?;
    service::consultations::mark_completed(&txn, consultation, &report.language, now).await?;
    let event = queue::insert_event(
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
    service::consultations::mark_failed(&txn, &job.consultation_id, code.as_str(), now).await?;
    let (ko, en) = crate::error::catalogue::texts(code);
    let event = queue::insert_event(
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
