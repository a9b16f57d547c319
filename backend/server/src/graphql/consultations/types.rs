//! GraphQL types of the consultations domain.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use shared::consultation::{ConsultationStatus, FileType};
use shared::progress::Stage;
use shared::report::Report;
use shared::transcript::Turn;

use crate::graphql::context::{lang, map_err, state, viewer};
use crate::graphql::cost;
use crate::graphql::disputes::types::ItemDispute;
use crate::graphql::feedback::types::AnalysisFeedback;
use crate::graphql::sharing::types::ShareLink;
use coach_app::entity::{analyses, consultations, transcripts};
use coach_app::error::catalogue::failure_texts;
use coach_app::events::ProgressEvent as DomainEvent;
use coach_app::service::activity::{ActivityKind, track};
use coach_app::service::consultations::{
    ConsultationError, ConsultationParts, latest_analysis, progress_events, report_of,
    transcript_details, turns_of,
};
use coach_app::service::disputes::{disputes_of, owner_acknowledgement};
use coach_app::service::exports::list_share_links;
use coach_app::service::feedback::ratings_of;
use shared::clock::to_datetime;
use shared::language::Language;

/// An uploaded consultation. Only ever built for a viewer allowed to read it; a detail's latest
/// analysis and transcript may come read with it.
#[derive(Debug, Clone)]
pub struct Consultation(pub consultations::Model, Option<ConsultationParts>);

impl From<consultations::Model> for Consultation {
    fn from(row: consultations::Model) -> Self {
        Self(row, None)
    }
}

impl Consultation {
    /// A consultation whose report and transcript fields use `parts` instead of reading them.
    pub fn with_parts(row: consultations::Model, parts: ConsultationParts) -> Self {
        Self(row, Some(parts))
    }

    /// The latest analysis row: the one read with the consultation, or read now.
    async fn analysis_row(&self, ctx: &Context<'_>) -> Result<Option<analyses::Model>> {
        match &self.1 {
            Some(parts) => Ok(parts.latest_analysis.clone()),
            None => latest_analysis(&state(ctx)?.db, &self.0.id)
                .await
                .map_err(ConsultationError::from)
                .map_err(map_err(ctx)),
        }
    }

    /// The transcript row: the one read with the consultation, or read now.
    async fn transcript_row(&self, ctx: &Context<'_>) -> Result<Option<transcripts::Model>> {
        match &self.1 {
            Some(parts) => Ok(parts.transcript.clone()),
            None => transcript_details(&state(ctx)?.db, &self.0.id)
                .await
                .map_err(map_err(ctx)),
        }
    }
}

/// How long a recording address stays valid.
const RECORDING_URL_TTL_SECS: i64 = 15 * 60;

#[Object]
impl Consultation {
    /// Consultation id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Text, audio or video.
    async fn file_type(&self) -> FileType {
        FileType::from_db(&self.0.file_type).unwrap_or(FileType::Text)
    }

    /// Lifecycle status.
    async fn status(&self) -> ConsultationStatus {
        ConsultationStatus::from_db(&self.0.status).unwrap_or(ConsultationStatus::Failed)
    }

    /// Size of the uploaded file in bytes.
    async fn byte_size(&self) -> i64 {
        self.0.byte_size
    }

    /// SHA-256 of the uploaded file (hex).
    async fn source_sha256(&self) -> &str {
        &self.0.source_sha256
    }

    /// The consultation this one re-analyses (same file uploaded again, or `reanalyze`).
    async fn reanalysis_of(&self) -> Option<ID> {
        self.0.reanalysis_of.clone().map(ID)
    }

    /// Detected language of the conversation, once analysed.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }

    /// When it was uploaded.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        to_datetime(self.0.created_at)
    }

    /// When a worker started processing it.
    async fn processing_started_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.processing_started_at.map(to_datetime)
    }

    /// When it reached `COMPLETED` or `FAILED`.
    async fn completed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.completed_at.map(to_datetime)
    }

    /// Stable code of the failure, when failed.
    async fn failure_code(&self) -> Option<&str> {
        self.0.failure_code.as_deref()
    }

    /// The failure explained in the request's language, when failed.
    async fn failure_message(&self, ctx: &Context<'_>) -> Option<String> {
        let (ko, en) = failure_texts(self.0.failure_code.as_deref()?);
        Some(lang(ctx).pick(ko, en).to_owned())
    }

    /// Every progress event so far, in order.
    #[graphql(complexity = "cost::with_children(cost::QUERY, child_complexity)")]
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<ProgressEvent>> {
        let events = progress_events(&state(ctx)?.db, &self.0.id, 0)
            .await
            .map_err(map_err(ctx))?;
        let lang = lang(ctx);
        Ok(events
            .into_iter()
            .map(|e| ProgressEvent::localized(e, lang))
            .collect())
    }

    /// The latest analysis report, once completed. Reading it counts as a report view.
    #[graphql(complexity = "cost::with_children(cost::REPORT, child_complexity)")]
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<Report>> {
        let db = &state(ctx)?.db;
        let report = self
            .analysis_row(ctx)
            .await?
            .as_ref()
            .map(report_of)
            .transpose()
            .map_err(map_err(ctx))?;
        if report.is_some()
            && let Ok(viewer) = viewer(ctx)
        {
            track(db, &viewer, ActivityKind::View, Some(&self.0.id)).await;
        }
        Ok(report)
    }

    /// The redacted transcript turns, once processed.
    #[graphql(complexity = "cost::with_children(cost::TRANSCRIPT, child_complexity)")]
    async fn transcript(&self, ctx: &Context<'_>) -> Result<Vec<Turn>> {
        turns_of(self.transcript_row(ctx).await?.as_ref()).map_err(map_err(ctx))
    }

    /// Ratings of its analyses, newest first: the owner's, visible to whoever may read the
    /// consultation (the owner, their team's managers, admins).
    #[graphql(complexity = "cost::with_children(cost::QUERY, child_complexity)")]
    async fn feedback(&self, ctx: &Context<'_>) -> Result<Vec<AnalysisFeedback>> {
        let viewer = viewer(ctx)?;
        Ok(ratings_of(&state(ctx)?.db, &viewer, &self.0.id)
            .await
            .map_err(map_err(ctx))?
            .into_iter()
            .map(AnalysisFeedback::from)
            .collect())
    }

    /// Whether the viewer uploaded it (only its owner rates, acknowledges and disputes).
    async fn mine(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(viewer(ctx)?.user_id == self.0.owner_id)
    }

    /// When the owner acknowledged reading the latest report.
    #[graphql(complexity = "cost::QUERY")]
    async fn acknowledged_at(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        Ok(owner_acknowledgement(&state(ctx)?.db, &self.0)
            .await
            .map_err(map_err(ctx))?
            .map(|a| to_datetime(a.created_at)))
    }

    /// The owner's disputes of the latest report's improvement items, in item order.
    #[graphql(complexity = "cost::with_children(cost::QUERY, child_complexity)")]
    async fn disputes(&self, ctx: &Context<'_>) -> Result<Vec<ItemDispute>> {
        let viewer = viewer(ctx)?;
        Ok(disputes_of(&state(ctx)?.db, &viewer, &self.0.id)
            .await
            .map_err(map_err(ctx))?
            .into_iter()
            .map(ItemDispute::from)
            .collect())
    }

    /// Share links to its report, newest first (tokens are never shown again).
    #[graphql(complexity = "cost::with_children(cost::QUERY, child_complexity)")]
    async fn share_links(&self, ctx: &Context<'_>) -> Result<Vec<ShareLink>> {
        let viewer = viewer(ctx)?;
        Ok(list_share_links(&state(ctx)?.db, &viewer, &self.0.id)
            .await
            .map_err(map_err(ctx))?
            .into_iter()
            .map(ShareLink::from)
            .collect())
    }

    /// For audio and video consultations: the address of the recording (`/media/<token>`), valid
    /// for 15 minutes; players may seek in it (HTTP ranges). `null` for transcripts.
    async fn recording_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if !matches!(
            FileType::from_db(&self.0.file_type),
            Some(FileType::Audio | FileType::Video)
        ) {
            return Ok(None);
        }
        let now = shared::clock::now_ms() / 1000;
        let token = state(ctx)?
            .tokens
            .issue_media(&self.0.id, now, RECORDING_URL_TTL_SECS)
            .map_err(|_| async_graphql::Error::new("INTERNAL"))?;
        Ok(Some(format!("/media/{token}")))
    }

    /// How the uploaded file was read (format, encoding, how speakers were attributed, damaged
    /// characters), once processed.
    #[graphql(complexity = "cost::with_children(cost::TRANSCRIPT, child_complexity)")]
    async fn transcript_info(&self, ctx: &Context<'_>) -> Result<Option<TranscriptInfo>> {
        Ok(self.transcript_row(ctx).await?.map(TranscriptInfo::from))
    }
}

/// Which consultations a list shows (every field optional).
#[derive(async_graphql::InputObject, Debug, Clone, Default)]
pub struct ConsultationFilterInput {
    /// Part of the title (case-insensitive, at most 100 characters).
    pub search: Option<String>,
    /// Only this kind of file.
    pub file_type: Option<FileType>,
    /// Only this status.
    pub status: Option<ConsultationStatus>,
    /// Uploaded on or after this day (`YYYY-MM-DD`, in the KPI time zone).
    pub from: Option<String>,
    /// Uploaded on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
}

/// How speakers were attributed to the counselor and the customer.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SpeakerMapping {
    /// By their labels (상담원/고객, agent/customer and the configured aliases).
    Labels,
    /// Named speakers without known labels: the first one is taken as the counselor (unless the
    /// second opens like one). Check the roles in the transcript.
    FirstSpeaker,
    /// The file has no speaker information.
    None,
    /// A stereo recording: each party on their own channel (`speech.agent_channel`, default left
    /// = agent).
    Channels,
    /// A mono recording: speakers told apart by pauses, questions and counselor phrases (a
    /// heuristic). Check the roles in the transcript.
    VoiceHeuristic,
}

/// How an uploaded transcript was read.
#[derive(SimpleObject, Debug, Clone)]
pub struct TranscriptInfo {
    /// `upload` (a transcript file) or `stt` (speech-to-text of a recording).
    pub source: String,
    /// The recognised format: `labelled_text`, `srt`, `webvtt`, `json`, `jsonl`, `csv`,
    /// `kakaotalk`, or `speech` for a transcribed recording.
    pub format: String,
    /// The text encoding it was read as (`UTF-8`, `UTF-16LE`, `EUC-KR` …).
    pub encoding: Option<String>,
    /// How speakers were attributed.
    pub speaker_mapping: SpeakerMapping,
    /// Invalid byte sequences that were replaced with U+FFFD (a damaged or mis-encoded file when
    /// more than zero).
    pub replaced_characters: i32,
    /// Personal information items masked in the stored transcript.
    pub pii_redactions: i32,
}

impl From<transcripts::Model> for TranscriptInfo {
    fn from(row: transcripts::Model) -> Self {
        Self {
            source: row.source,
            format: row.format,
            encoding: row.encoding,
            speaker_mapping: match row.speaker_mapping.as_str() {
                "first_speaker" => SpeakerMapping::FirstSpeaker,
                "none" => SpeakerMapping::None,
                "channels" => SpeakerMapping::Channels,
                "voice_heuristic" => SpeakerMapping::VoiceHeuristic,
                _ => SpeakerMapping::Labels,
            },
            replaced_characters: row.replaced_chars,
            pii_redactions: row.pii_redactions,
        }
    }
}

/// A pipeline progress event.
#[derive(SimpleObject, Debug, Clone)]
pub struct ProgressEvent {
    /// Sequence number within the consultation, from 1; pass the last one seen as `afterSeq` to resume.
    pub seq: i32,
    /// The stage reached.
    pub stage: Stage,
    /// Percent complete, when known.
    pub percent: Option<i32>,
    /// What is happening, in the request's language.
    pub message: String,
    /// When it happened.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl ProgressEvent {
    /// Converts a domain event, picking the message language.
    pub fn localized(event: DomainEvent, lang: Language) -> Self {
        Self {
            seq: event.seq,
            stage: event.stage,
            percent: event.percent.map(i32::from),
            message: match lang {
                Language::Ko => event.message_ko,
                Language::En => event.message_en,
            },
            at: to_datetime(event.at_ms),
        }
    }
}
