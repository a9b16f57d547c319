//! Analyses and what they are made of: the stored transcript of a consultation, each analysis
//! (one version per run) and its improvement items, with the derived columns the coaching KPIs
//! read ([`followups`]). The only writer of `transcripts`, `analyses` and `improvement_items`.

pub mod followups;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};
use shared::report::Report;

use crate::entity::{analyses, consultations, improvement_items, transcripts};
use followups::baseline_for;

/// A consultation's turns as the pipeline read them, to store.
#[derive(Debug, Clone)]
pub struct NewTranscript {
    /// The redacted turns as JSON.
    pub turns_json: String,
    /// `upload` or `stt`.
    pub source: &'static str,
    /// The transcript format, or `speech`.
    pub format: String,
    /// The text encoding of an uploaded file.
    pub encoding: Option<String>,
    /// How speakers were told apart.
    pub speaker_mapping: String,
    /// Characters replaced while decoding.
    pub replaced_chars: usize,
}

/// Why a result could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// The report could not be encoded.
    #[error("encoding the report: {0}")]
    Encode(String),
}

/// Stores a consultation's transcript (replacing an earlier one) and a new analysis version with
/// its items, inside the caller's transaction.
///
/// Errors: [`StoreError`].
pub async fn store_result<C: ConnectionTrait>(
    conn: &C,
    consultation: &consultations::Model,
    transcript: NewTranscript,
    report: &Report,
    now: i64,
) -> Result<(), StoreError> {
    transcripts::Entity::delete_by_id(consultation.id.clone())
        .exec(conn)
        .await?;
    let pii_total: u32 = report.pii.iter().map(|p| p.count).sum();
    transcripts::ActiveModel {
        consultation_id: Set(consultation.id.clone()),
        turns: Set(transcript.turns_json),
        source: Set(transcript.source.to_owned()),
        format: Set(transcript.format),
        encoding: Set(transcript.encoding),
        pii_redactions: Set(i32::try_from(pii_total).unwrap_or(i32::MAX)),
        speaker_mapping: Set(transcript.speaker_mapping),
        replaced_chars: Set(i32::try_from(transcript.replaced_chars).unwrap_or(i32::MAX)),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    let version = next_version(conn, &consultation.id).await?;
    let baseline = baseline_for(conn, &consultation.owner_id).await?;
    let analysis_id = uuid::Uuid::now_v7().to_string();
    let report_json =
        serde_json::to_string(report).map_err(|e| StoreError::Encode(e.to_string()))?;
    let score = |s: u8| i16::from(s);
    analyses::ActiveModel {
        id: Set(analysis_id.clone()),
        consultation_id: Set(consultation.id.clone()),
        owner_id: Set(Some(consultation.owner_id.clone())),
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
    .insert(conn)
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
        .insert(conn)
        .await?;
    }
    Ok(())
}

async fn next_version<C: ConnectionTrait>(conn: &C, consultation_id: &str) -> Result<i32, DbErr> {
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
