//! Consultations: accepting uploads (file + row + queued job in one transaction), listing and
//! reading them under the ownership rules, and their transcripts, reports and events.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set,
    TransactionTrait,
    sea_query::{Expr, Func, LikeExpr},
};
use shared::consultation::{ConsultationStatus, FileType};
use shared::errors::ErrorCode;
use shared::inputs::{DayBounds, InputError, SearchTerm, Title};
use shared::progress::Stage;
use shared::report::Report;
use shared::transcript::Turn;

use crate::auth::Viewer;
use crate::entity::{analyses, consultations, transcripts, users};
use crate::error::{AccessError, UserFacingError, internal_message};
use crate::events::{JobQueue, ProgressBus, ProgressEvent, StageUpdate};
use crate::service::files::store_upload;
use crate::service::kpi::daycache;
use crate::service::queue::{self, insert_event, list_events};
use crate::storage::{Storage, StorageError, generate_key};
use coach_analyzer::ingest::IngestError;
use shared::access::Role;
use shared::clock::now_ms;
use shared::language::Language;

/// Errors of the consultations service.
#[derive(Debug, thiserror::Error)]
pub enum ConsultationError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Not allowed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The uploaded file is empty.
    #[error("empty file")]
    EmptyFile,
    /// The uploaded file exceeds the limit.
    #[error("file larger than {limit} bytes")]
    FileTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not a supported consultation format.
    #[error("unsupported file type {detected}")]
    UnsupportedFileType {
        /// What the content looks like.
        detected: String,
    },
    /// No such consultation, or not visible to the caller (indistinguishable on purpose).
    #[error("consultation not found")]
    NotFound,
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// A stored report could not be read.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl UserFacingError for ConsultationError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Input(e) => e.code(),
            Self::Access(e) => e.code(),
            Self::EmptyFile => ErrorCode::EmptyFile,
            Self::FileTooLarge { .. } => ErrorCode::FileTooLarge,
            Self::UnsupportedFileType { .. } => ErrorCode::UnsupportedFileType,
            Self::NotFound => ErrorCode::NotFound,
            Self::Storage(_) | Self::Db(_) | Self::Corrupt(_) => ErrorCode::Internal,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Input(e) => e.user_message(lang),
            Self::Access(e) => e.user_message(lang),
            Self::EmptyFile => lang
                .pick(
                    "빈 파일입니다. 내용이 있는 파일을 올려 주세요.",
                    "The file is empty.",
                )
                .to_owned(),
            Self::FileTooLarge { limit } => {
                let mib = limit / (1024 * 1024);
                match lang {
                    Language::Ko => {
                        format!("파일이 너무 큽니다. 최대 {mib} MiB까지 올릴 수 있습니다.")
                    }
                    Language::En => format!("The file is too large. The limit is {mib} MiB."),
                }
            }
            Self::UnsupportedFileType { detected }
                if coach_analyzer::ingest::sniff::is_supported_media(detected) =>
            {
                match lang {
                    Language::Ko => format!(
                        "음성·영상 파일({detected})입니다. 이 서버에서는 음성 인식이 꺼져 있습니다(speech.engine = none). 상담 대화 텍스트(.txt, .srt, .vtt, .json, .csv)를 올려 주세요."
                    ),
                    Language::En => format!(
                        "This is an audio/video file ({detected}), but speech recognition is switched off on this server (speech.engine = none). Please upload a consultation transcript (.txt, .srt, .vtt, .json, .csv)."
                    ),
                }
            }
            Self::UnsupportedFileType { detected } => match lang {
                Language::Ko => format!(
                    "지원하지 않는 파일 형식입니다 ({detected}). 상담 대화 텍스트(.txt, .srt, .vtt, .json, .csv)를 올려 주세요."
                ),
                Language::En => format!(
                    "Unsupported file type ({detected}). Please upload a consultation transcript (.txt, .srt, .vtt, .json, .csv)."
                ),
            },
            Self::NotFound => lang
                .pick("상담을 찾을 수 없습니다.", "Consultation not found.")
                .to_owned(),
            Self::Storage(_) | Self::Db(_) | Self::Corrupt(_) => internal_message(lang),
        }
    }
}

/// An uploaded file waiting to be accepted.
#[derive(Debug)]
pub struct NewUpload {
    /// The spooled upload.
    pub file: std::fs::File,
    /// Client file name (display only).
    pub filename: String,
    /// Client-declared content type.
    pub content_type: Option<String>,
    /// Title given by the user, if any.
    pub title: Option<String>,
    /// Language spoken in a recording (ISO 639-1), overriding `speech.language`.
    pub language: Option<String>,
}

/// The services an upload touches.
#[derive(Debug, Clone, Copy)]
pub struct UploadDeps<'a> {
    /// Database.
    pub db: &'a DatabaseConnection,
    /// Object storage.
    pub storage: &'a Storage,
    /// Wakes workers.
    pub queue: &'a JobQueue,
    /// Publishes the queued event.
    pub bus: &'a ProgressBus,
    /// Upload size limit in bytes.
    pub max_upload_bytes: u64,
    /// Whether recordings are accepted (speech-to-text is configured).
    pub accept_recordings: bool,
    /// Attempts per job.
    pub max_attempts: i32,
}

/// Accepts an upload: stores the file, then commits the consultation row, its `queued` event and
/// its job in one transaction. A failure after storing removes the stored file.
#[tracing::instrument(skip_all, fields(owner = %viewer.user_id))]
pub async fn accept_upload(
    deps: UploadDeps<'_>,
    viewer: &Viewer,
    upload: NewUpload,
) -> Result<consultations::Model, ConsultationError> {
    let title = match upload.title.as_deref() {
        Some(raw) if !raw.trim().is_empty() => Title::parse(raw)?,
        _ => Title::from_file_name(&upload.filename),
    };
    let declared_len = upload.file.metadata().map(|m| m.len()).unwrap_or(0);
    if declared_len > deps.max_upload_bytes {
        return Err(ConsultationError::FileTooLarge {
            limit: deps.max_upload_bytes,
        });
    }
    if declared_len == 0 {
        return Err(ConsultationError::EmptyFile);
    }
    let now = now_ms();
    let key = generate_key(now);
    let stored = store_upload(deps.db, deps.storage, &key, upload.file).await?;
    let discard = |err: ConsultationError| async {
        if let Err(e) = deps.storage.delete(&key).await {
            tracing::warn!(error = %e, "could not remove rejected upload");
        }
        err
    };
    if stored.bytes == 0 {
        return Err(discard(ConsultationError::EmptyFile).await);
    }
    if stored.bytes > deps.max_upload_bytes {
        return Err(discard(ConsultationError::FileTooLarge {
            limit: deps.max_upload_bytes,
        })
        .await);
    }
    let (file_type, mime) = match sniff_file_type(
        &stored.head,
        &upload.filename,
        upload.content_type.as_deref(),
        deps.accept_recordings,
    ) {
        Ok(found) => found,
        Err(e) => return Err(discard(e).await),
    };
    let original_name = upload
        .filename
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    let new = NewConsultation {
        owner_id: viewer.user_id.clone(),
        title,
        file_type,
        mime,
        storage_key: key.clone(),
        sha256: stored.sha256.clone(),
        bytes: stored.bytes,
        original_name,
        reanalysis_of: None,
        language: upload.language,
    };
    let result = enqueue_consultation(deps, new, now).await;
    match result {
        Ok((row, event)) => {
            deps.queue.wake();
            deps.bus.publish(event);
            Ok(row)
        }
        Err(e) => Err(discard(e).await),
    }
}

/// A consultation row about to be created.
struct NewConsultation {
    owner_id: String,
    title: Title,
    file_type: FileType,
    mime: String,
    storage_key: String,
    sha256: String,
    bytes: u64,
    original_name: String,
    /// Set for an explicit re-analysis; uploads find it by hash.
    reanalysis_of: Option<String>,
    /// The language spoken, when the upload names it (or the original's, for a re-analysis).
    language: Option<String>,
}

/// The first consultation of this owner with the same file hash (the root of its re-analyses).
async fn find_reanalysis_root<C: ConnectionTrait>(
    conn: &C,
    owner_id: &str,
    sha256: &str,
) -> Result<Option<String>, DbErr> {
    let earlier = consultations::Entity::find()
        .filter(consultations::Column::OwnerId.eq(owner_id))
        .filter(consultations::Column::SourceSha256.eq(sha256))
        .order_by_asc(consultations::Column::CreatedAt)
        .one(conn)
        .await?;
    Ok(earlier.map(|c| c.reanalysis_of.unwrap_or(c.id)))
}

/// Inserts the row, its `queued` event and its job in one transaction.
async fn enqueue_consultation(
    deps: UploadDeps<'_>,
    new: NewConsultation,
    now: i64,
) -> Result<(consultations::Model, ProgressEvent), ConsultationError> {
    // Read before the transaction: a SQLite transaction that reads first and writes later cannot
    // wait for a busy writer (it fails at once), one that writes first can.
    let reanalysis_of = match new.reanalysis_of {
        Some(root) => Some(root),
        None => find_reanalysis_root(deps.db, &new.owner_id, &new.sha256).await?,
    };
    let txn = deps.db.begin().await?;
    let row = consultations::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        owner_id: Set(new.owner_id),
        title: Set(new.title.as_str().to_owned()),
        file_type: Set(new.file_type.as_str().to_owned()),
        status: Set(ConsultationStatus::Pending.as_str().to_owned()),
        source_sha256: Set(new.sha256),
        storage_key: Set(new.storage_key),
        byte_size: Set(i64::try_from(new.bytes).unwrap_or(i64::MAX)),
        mime: Set(new.mime),
        original_name: Set(new.original_name),
        language: Set(new.language),
        created_at: Set(now),
        processing_started_at: Set(None),
        completed_at: Set(None),
        failure_code: Set(None),
        reanalysis_of: Set(reanalysis_of),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let event = insert_event(
        &txn,
        deps.bus,
        &row.id,
        StageUpdate::new(
            Stage::Queued,
            0,
            "분석 대기열에 등록되었습니다",
            "Queued for analysis",
        ),
        now,
    )
    .await?;
    queue::enqueue(&txn, deps.queue, &row.id, deps.max_attempts, now).await?;
    txn.commit().await?;
    Ok((row, event))
}

/// Queues a new analysis of an existing consultation's file (same stored file, new consultation
/// linked through `reanalysis_of`). Only the owner or an admin may ask for it.
#[tracing::instrument(skip_all, fields(consultation = %id))]
pub async fn reanalyze(
    deps: UploadDeps<'_>,
    viewer: &Viewer,
    id: &str,
) -> Result<consultations::Model, ConsultationError> {
    let original = get_consultation(deps.db, viewer, id).await?;
    if original.owner_id != viewer.user_id && viewer.role != Role::Admin {
        return Err(AccessError::Forbidden.into());
    }
    let new = NewConsultation {
        owner_id: original.owner_id.clone(),
        title: Title::parse(&original.title)
            .unwrap_or_else(|_| Title::from_file_name(&original.original_name)),
        file_type: FileType::from_db(&original.file_type).unwrap_or(FileType::Text),
        mime: original.mime.clone(),
        storage_key: original.storage_key.clone(),
        sha256: original.source_sha256.clone(),
        bytes: u64::try_from(original.byte_size).unwrap_or(0),
        original_name: original.original_name.clone(),
        reanalysis_of: Some(
            original
                .reanalysis_of
                .clone()
                .unwrap_or(original.id.clone()),
        ),
        language: original.language.clone(),
    };
    let (row, event) = enqueue_consultation(deps, new, now_ms()).await?;
    deps.queue.wake();
    deps.bus.publish(event);
    Ok(row)
}

/// Decides the file type from the content's first bytes (the extension is never trusted).
///
/// Audio and video are recognised but refused until their processing is enabled: the error names
/// the detected type (`audio/mpeg`), and its message says media analysis is not enabled yet.
fn sniff_file_type(
    head: &[u8],
    file_name: &str,
    declared_mime: Option<&str>,
    accept_recordings: bool,
) -> Result<(FileType, String), ConsultationError> {
    // The client's file name and declared type are hints: content decides, and text claiming to
    // be audio, video or another binary format is refused, naming both.
    match coach_analyzer::ingest::sniff::detect(head, file_name, declared_mime) {
        Ok(found) if found.file_type == FileType::Text => Ok((FileType::Text, found.mime)),
        Ok(found) if accept_recordings => Ok((found.file_type, found.mime)),
        Ok(found) => Err(ConsultationError::UnsupportedFileType {
            detected: found.mime,
        }),
        // A head of whitespace only: the whole file decides later.
        Err(IngestError::Empty) => Ok((FileType::Text, "text/plain".into())),
        Err(IngestError::UnsupportedType {
            detected,
            claimed: Some(claimed),
        }) => Err(ConsultationError::UnsupportedFileType {
            detected: format!("{detected} ≠ {claimed}"),
        }),
        Err(IngestError::UnsupportedType { detected, .. }) => {
            Err(ConsultationError::UnsupportedFileType { detected })
        }
        Err(_) => Err(ConsultationError::UnsupportedFileType {
            detected: "application/octet-stream".into(),
        }),
    }
}

/// A consultation by id, whoever owns it (the job pipeline's read).
///
/// Errors: the database's.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: &str,
) -> Result<Option<consultations::Model>, DbErr> {
    consultations::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await
}

/// Marks a consultation `processing` since `started` (inside the pipeline's fenced transaction).
///
/// Errors: the database's.
pub async fn mark_processing<C: ConnectionTrait>(
    conn: &C,
    id: &str,
    started: i64,
) -> Result<(), DbErr> {
    consultations::Entity::update_many()
        .col_expr(
            consultations::Column::Status,
            ConsultationStatus::Processing.as_str().into(),
        )
        .col_expr(consultations::Column::ProcessingStartedAt, started.into())
        .filter(consultations::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Marks a consultation `completed` in `language` at `now` and forgets the KPI days it changes (a
/// job finishing long after its upload, or completed again, changes settled days).
///
/// Errors: the database's.
pub async fn mark_completed<C: ConnectionTrait>(
    conn: &C,
    consultation: &consultations::Model,
    language: &str,
    now: i64,
) -> Result<(), DbErr> {
    consultations::Entity::update_many()
        .col_expr(
            consultations::Column::Status,
            ConsultationStatus::Completed.as_str().into(),
        )
        .col_expr(consultations::Column::CompletedAt, now.into())
        .col_expr(consultations::Column::Language, language.into())
        .col_expr(
            consultations::Column::FailureCode,
            Option::<String>::None.into(),
        )
        .filter(consultations::Column::Id.eq(consultation.id.clone()))
        .exec(conn)
        .await?;
    daycache::invalidate_at(conn, consultation.created_at, now).await?;
    if let Some(before) = consultation.completed_at {
        daycache::invalidate_at(conn, before, now).await?;
    }
    Ok(())
}

/// Marks a consultation `failed` with `code` at `now` and forgets the KPI days it changes.
///
/// Errors: the database's.
pub async fn mark_failed<C: ConnectionTrait>(
    conn: &C,
    id: &str,
    code: &str,
    now: i64,
) -> Result<(), DbErr> {
    if let Some(failed) = find(conn, id).await? {
        daycache::invalidate_at(conn, failed.created_at, now).await?;
        if let Some(before) = failed.completed_at {
            daycache::invalidate_at(conn, before, now).await?;
        }
    }
    consultations::Entity::update_many()
        .col_expr(
            consultations::Column::Status,
            ConsultationStatus::Failed.as_str().into(),
        )
        .col_expr(consultations::Column::CompletedAt, now.into())
        .col_expr(
            consultations::Column::FailureCode,
            Some(code.to_owned()).into(),
        )
        .filter(consultations::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stamps the first download or share of a consultation's report (`used_at`, which the
/// 보고서 활용률 KPI counts) and forgets the cached KPI day of its completion, which may be
/// settled. Later downloads change nothing.
///
/// Errors: the database's.
pub async fn mark_used<C: ConnectionTrait>(conn: &C, id: &str, now: i64) -> Result<(), DbErr> {
    let Some(consultation) = consultations::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    if consultation.used_at.is_some() {
        return Ok(());
    }
    consultations::Entity::update_many()
        .col_expr(consultations::Column::UsedAt, now.into())
        .filter(consultations::Column::Id.eq(id))
        .filter(consultations::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if let Some(completed_at) = consultation.completed_at {
        daycache::invalidate_at(conn, completed_at, now).await?;
    }
    Ok(())
}

/// The consultation with its owner's team, if the viewer may see it.
#[tracing::instrument(skip_all, fields(consultation = %id))]
pub async fn get_consultation(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<consultations::Model, ConsultationError> {
    let row = consultations::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(ConsultationError::NotFound)?;
    visible_to(db, viewer, row).await
}

/// What a consultation's detail shows besides the row itself.
#[derive(Debug, Clone, Default)]
pub struct ConsultationParts {
    /// The latest (highest version) analysis, once there is one.
    pub latest_analysis: Option<analyses::Model>,
    /// The stored transcript, once processed.
    pub transcript: Option<transcripts::Model>,
}

/// [`get_consultation`] with its latest analysis and its transcript, read in the same statement:
/// a detail view shows all three, and each statement costs a round trip.
#[tracing::instrument(skip_all, fields(consultation = %id))]
pub async fn get_consultation_with_parts(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<(consultations::Model, ConsultationParts), ConsultationError> {
    let mut select = consultations::Entity::find_by_id(id.to_owned())
        .select_also(transcripts::Entity)
        .select_also(analyses::Entity);
    QueryTrait::query(&mut select)
        .left_join(
            transcripts::Entity,
            Expr::col((transcripts::Entity, transcripts::Column::ConsultationId))
                .equals((consultations::Entity, consultations::Column::Id)),
        )
        .left_join(
            analyses::Entity,
            Expr::col((analyses::Entity, analyses::Column::ConsultationId))
                .equals((consultations::Entity, consultations::Column::Id)),
        );
    // One row per analysis version; the highest comes first.
    let (row, transcript, latest_analysis) = select
        .order_by_desc(analyses::Column::Version)
        .one(db)
        .await?
        .ok_or(ConsultationError::NotFound)?;
    let row = visible_to(db, viewer, row).await?;
    Ok((
        row,
        ConsultationParts {
            latest_analysis,
            transcript,
        },
    ))
}

/// The row if the viewer may see it (theirs, an admin, or their team's for a manager);
/// `NotFound` otherwise, so that others' consultations cannot be told from missing ones.
async fn visible_to(
    db: &DatabaseConnection,
    viewer: &Viewer,
    row: consultations::Model,
) -> Result<consultations::Model, ConsultationError> {
    if row.owner_id == viewer.user_id || viewer.role == Role::Admin {
        return Ok(row);
    }
    let owner_team = users::Entity::find_by_id(row.owner_id.clone())
        .one(db)
        .await?
        .and_then(|u| u.team_id);
    if viewer.can_read_owned_by(&row.owner_id, owner_team.as_deref()) {
        Ok(row)
    } else {
        Err(ConsultationError::NotFound)
    }
}

/// The condition on an owner column that keeps the rows the viewer may read: their own for
/// counselors, their own and their team's for managers, `None` (everything) for admins.
pub async fn owned_by_visible<C: ColumnTrait>(
    db: &DatabaseConnection,
    viewer: &Viewer,
    owner: C,
) -> Result<Option<Condition>, DbErr> {
    match viewer.role {
        Role::Admin => Ok(None),
        Role::Counselor => Ok(Some(Condition::all().add(owner.eq(viewer.user_id.clone())))),
        Role::Manager => {
            // One `IN` list, the manager among the members: `owner = me OR owner IN (team)`
            // made PostgreSQL combine two bitmaps and read every row of the team from the table
            // (a team's count 3 → 17 ms) instead of scanning the covering index alone.
            let mut owners: Vec<String> = match &viewer.team_id {
                Some(team) => {
                    users::Entity::find()
                        .select_only()
                        .column(users::Column::Id)
                        .filter(users::Column::TeamId.eq(team.clone()))
                        .into_tuple()
                        .all(db)
                        .await?
                }
                None => Vec::new(),
            };
            if !owners.contains(&viewer.user_id) {
                owners.push(viewer.user_id.clone());
            }
            Ok(Some(Condition::all().add(owner.is_in(owners))))
        }
    }
}

/// Which consultations a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsultationFilter {
    /// Part of the title (case-insensitive).
    pub search: Option<String>,
    /// Only this kind of file.
    pub file_type: Option<FileType>,
    /// Only this status.
    pub status: Option<ConsultationStatus>,
    /// Uploaded at or after this moment, epoch ms.
    pub from_ms: Option<i64>,
    /// Uploaded before this moment, epoch ms.
    pub until_ms: Option<i64>,
}

impl ConsultationFilter {
    /// A filter from validated inputs; days are counted at `utc_offset_minutes`.
    pub fn new(
        search: Option<SearchTerm>,
        file_type: Option<FileType>,
        status: Option<ConsultationStatus>,
        days: DayBounds,
        utc_offset_minutes: i32,
    ) -> Self {
        let start_of = |day: chrono::NaiveDate| {
            day.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis()
                - i64::from(utc_offset_minutes) * 60_000
        };
        Self {
            search: search.map(|s| s.as_str().to_owned()),
            file_type,
            status,
            from_ms: days.from.map(start_of),
            until_ms: days.to.map(|d| start_of(d) + 86_400_000),
        }
    }

    fn apply(&self, mut query: Select<consultations::Entity>) -> Select<consultations::Entity> {
        if let Some(search) = &self.search {
            let escaped: String = search
                .to_lowercase()
                .chars()
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            query = query.filter(
                Expr::expr(Func::lower(Expr::col(consultations::Column::Title)))
                    .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
            );
        }
        if let Some(file_type) = self.file_type {
            query = query.filter(consultations::Column::FileType.eq(file_type.as_str()));
        }
        if let Some(status) = self.status {
            query = query.filter(consultations::Column::Status.eq(status.as_str()));
        }
        // The day bounds are written into the statement instead of bound: PostgreSQL's generic
        // plan of a bound range guessed a few rows and walked the period's `created_at` index for
        // a team's count (3 → 35 ms); written out, each range gets a plan for its values.
        let created = || Expr::col((consultations::Entity, consultations::Column::CreatedAt));
        if let Some(from) = self.from_ms {
            query = query.filter(created().gte(Expr::cust(from.to_string())));
        }
        if let Some(until) = self.until_ms {
            query = query.filter(created().lt(Expr::cust(until.to_string())));
        }
        query
    }
}

/// The consultations visible to the viewer that pass the filter.
async fn visible_consultations(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &ConsultationFilter,
) -> Result<Select<consultations::Entity>, DbErr> {
    let mut query = consultations::Entity::find();
    if let Some(visible) = owned_by_visible(db, viewer, consultations::Column::OwnerId).await? {
        query = query.filter(visible);
    }
    Ok(filter.apply(query))
}

/// Consultations visible to the viewer that pass the filter, newest first.
#[tracing::instrument(skip_all)]
pub async fn list_consultations(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &ConsultationFilter,
    limit: u64,
    offset: u64,
) -> Result<Vec<consultations::Model>, ConsultationError> {
    // The page's ids are chosen from the covering index `idx_consultations_owner_list_kpi` alone;
    // only those rows are read from the table (a team's list no longer reads every row it sorts).
    let page = visible_consultations(db, viewer, filter)
        .await?
        .select_only()
        .column(consultations::Column::Id)
        .order_by_desc(consultations::Column::CreatedAt)
        .order_by_desc(consultations::Column::Id)
        .limit(limit)
        .offset(offset)
        .into_query();
    Ok(consultations::Entity::find()
        .filter(consultations::Column::Id.in_subquery(page))
        .order_by_desc(consultations::Column::CreatedAt)
        .order_by_desc(consultations::Column::Id)
        .all(db)
        .await?)
}

/// How many consultations visible to the viewer pass the filter.
#[tracing::instrument(skip_all)]
pub async fn count_consultations(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &ConsultationFilter,
) -> Result<u64, ConsultationError> {
    Ok(visible_consultations(db, viewer, filter)
        .await?
        .count(db)
        .await?)
}

/// The report an analysis row stores.
pub fn report_of(analysis: &analyses::Model) -> Result<Report, ConsultationError> {
    serde_json::from_str(&analysis.report).map_err(|e| ConsultationError::Corrupt(e.to_string()))
}

/// The latest (highest version) analysis row (call only after an ownership check).
pub async fn latest_analysis(
    db: &DatabaseConnection,
    consultation_id: &str,
) -> Result<Option<analyses::Model>, DbErr> {
    analyses::Entity::find()
        .filter(analyses::Column::ConsultationId.eq(consultation_id))
        .order_by_desc(analyses::Column::Version)
        .one(db)
        .await
}

/// The redacted transcript turns (call only after an ownership check).
pub async fn transcript_turns(
    db: &DatabaseConnection,
    consultation_id: &str,
) -> Result<Vec<Turn>, ConsultationError> {
    turns_of(transcript_details(db, consultation_id).await?.as_ref())
}

/// The redacted turns a transcript row stores; none before the transcript is.
pub fn turns_of(transcript: Option<&transcripts::Model>) -> Result<Vec<Turn>, ConsultationError> {
    match transcript {
        Some(r) => {
            serde_json::from_str(&r.turns).map_err(|e| ConsultationError::Corrupt(e.to_string()))
        }
        None => Ok(Vec::new()),
    }
}

/// How a stored transcript was read (call only after an ownership check); `None` before it is.
pub async fn transcript_details(
    db: &DatabaseConnection,
    consultation_id: &str,
) -> Result<Option<transcripts::Model>, ConsultationError> {
    Ok(transcripts::Entity::find_by_id(consultation_id.to_owned())
        .one(db)
        .await?)
}

/// Stored progress events after `after_seq` (call only after an ownership check).
pub async fn progress_events(
    db: &DatabaseConnection,
    consultation_id: &str,
    after_seq: i32,
) -> Result<Vec<ProgressEvent>, ConsultationError> {
    Ok(list_events(db, consultation_id, after_seq).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::fixtures::{exec, insert_consultation, insert_counselor, memory_db};

    fn viewer(user: &str, role: Role) -> Viewer {
        Viewer {
            user_id: user.into(),
            role,
            team_id: None,
            session_id: "s".into(),
            scopes: None,
        }
    }

    /// Two counselors; `c1` (u1's) has a transcript and analyses 1 and 2, `c2` (u1's) nothing yet.
    async fn db_with_consultations() -> DatabaseConnection {
        let db = memory_db().await;
        for user in ["u1", "u2"] {
            insert_counselor(&db, user).await;
        }
        for id in ["c1", "c2"] {
            insert_consultation(&db, id, "u1", None).await;
        }
        exec(
            &db,
            "INSERT INTO transcripts (consultation_id, turns, source, format, pii_redactions, \
             created_at) VALUES ('c1', '[]', 'upload', 'plain', 0, 0)",
        )
        .await;
        for version in [2, 1] {
            exec(
                &db,
                &format!(
                    "INSERT INTO analyses (id, consultation_id, version, analyzer, report, \
                     overall_score, attitude_score, problem_solving_score, communication_score, \
                     improvement_count, result_chars, created_at) \
                     VALUES ('a{version}', 'c1', {version}, 'local', '{{}}', 50, 50, 50, 50, 3, \
                     100, {version})"
                ),
            )
            .await;
        }
        db
    }

    #[tokio::test]
    async fn a_detail_reads_the_latest_analysis_and_the_transcript_with_the_consultation() {
        let db = db_with_consultations().await;
        let (row, parts) = get_consultation_with_parts(&db, &viewer("u1", Role::Counselor), "c1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(row.id, "c1");
        assert_eq!(parts.latest_analysis.map(|a| a.version), Some(2));
        assert_eq!(
            parts.transcript.map(|t| t.consultation_id).as_deref(),
            Some("c1")
        );

        let (_, parts) = get_consultation_with_parts(&db, &viewer("u1", Role::Counselor), "c2")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(parts.latest_analysis.is_none() && parts.transcript.is_none());
    }

    #[tokio::test]
    async fn another_counselors_detail_is_not_found_and_an_admin_reads_it() {
        let db = db_with_consultations().await;
        let other = get_consultation_with_parts(&db, &viewer("u2", Role::Counselor), "c1").await;
        assert!(
            matches!(other, Err(ConsultationError::NotFound)),
            "{other:?}"
        );
        let missing = get_consultation_with_parts(&db, &viewer("u1", Role::Counselor), "c9").await;
        assert!(
            matches!(missing, Err(ConsultationError::NotFound)),
            "{missing:?}"
        );
        let admin = get_consultation_with_parts(&db, &viewer("u9", Role::Admin), "c1").await;
        assert!(admin.is_ok(), "{admin:?}");
    }
}
