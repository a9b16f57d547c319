//! Realistic data for the load harness: 10 teams of one manager and 19 counselors, and any number
//! of consultations spread over the last 90 days (Korean office hours), each with the rows a real
//! analysis leaves behind — transcript, report (produced by the real offline analyzer), improvement
//! items, job, progress events, storage and activity events — and ratings for one in five.
//!
//! Rows are written with multi-row inserts in transactions of a few thousand consultations, the same
//! way on SQLite and PostgreSQL.

use std::time::Instant;

use anyhow::{Context, Result};
use coach_app::entity::{
    activity_events, analyses, consultations, feedback, improvement_items, job_events, jobs,
    storage_events, teams, transcripts, users,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait,
};
use shared::report::Report;
use shared::transcript::Turn;

const DAY_MS: i64 = 86_400_000;
/// The size of a seeded organisation.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Teams, each with one manager.
    pub teams: usize,
    /// Counselors per team.
    pub counselors_per_team: usize,
    /// Consultations over the last 90 days.
    pub consultations: usize,
}

impl Spec {
    /// The organisation: 200 users (10 teams of a manager and 19 counselors).
    #[must_use]
    pub fn standard(consultations: usize) -> Self {
        Self {
            teams: 10,
            counselors_per_team: 19,
            consultations,
        }
    }
}
/// The password of every seeded user.
pub const PASSWORD: &str = "load-test-password-2026";
const KIND_TEAM: u64 = 0x7ea;
const KIND_USER: u64 = 0x05e;
const KIND_CONSULTATION: u64 = 0xc0;
const KIND_ANALYSIS: u64 = 0xa1;
const KIND_ITEM: u64 = 0x17e;
const KIND_JOB: u64 = 0x10b;
const KIND_FEEDBACK: u64 = 0xfb;

/// A deterministic UUID for the `n`th seeded row of a kind.
fn id(kind: u64, n: usize) -> String {
    uuid::Uuid::from_u64_pair(kind, n as u64).to_string()
}

/// Consultations written per transaction.
const BATCH: usize = 2_000;
/// Rows per multi-row insert (well under SQLite's 32,766 bound parameters for the widest table).
const ROWS_PER_INSERT: usize = 500;

/// A seeded user.
#[derive(Debug, Clone)]
pub struct SeededUser {
    /// User id.
    pub id: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Team index (0-based).
    pub team: usize,
    /// Team id.
    pub team_id: String,
    /// Whether the user is the team's manager.
    pub manager: bool,
}

/// What was seeded: the users, and per counselor the ids of their completed consultations.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// Every seeded user, managers first in each team.
    pub users: Vec<SeededUser>,
    /// Completed consultations per user index (empty for managers).
    pub completed: Vec<Vec<String>>,
    /// Consultations written.
    pub consultations: usize,
    /// Seconds the seeding took.
    pub seconds: f64,
}

/// A conversation the seed reuses: its transcript text, turns and real report.
#[derive(Clone)]
pub struct Template {
    /// The transcript as uploaded (`상담원: …` lines).
    pub text: String,
    turns_json: String,
    report: Report,
    report_json: String,
}

/// The project's own sample consultations (the analyzer's fixtures), as uploadable transcripts.
fn base_conversations() -> Vec<String> {
    let mut texts: Vec<String> = [
        include_str!("../../../backend/analyzer/fixtures/ko_delivery_polite.txt"),
        include_str!("../../../backend/analyzer/fixtures/ko_delivery_rude.txt"),
        include_str!("../../../backend/analyzer/fixtures/ko_refund_filler.txt"),
        include_str!("../../../backend/analyzer/fixtures/ko_card_loss_timed.txt"),
        include_str!("../../../backend/analyzer/fixtures/en_double_charge.txt"),
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    let pairs = include_str!("../../../backend/analyzer/fixtures/ko_polite_rude_pairs.jsonl");
    for line in pairs.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(conversation) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let lines: Vec<String> = conversation["turns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|turn| {
                let speaker = if turn["speaker"] == "agent" {
                    "상담원"
                } else {
                    "고객"
                };
                format!("{speaker}: {}", turn["text"].as_str().unwrap_or_default())
            })
            .collect();
        if !lines.is_empty() {
            texts.push(lines.join("\n"));
        }
    }
    texts
}

/// Analyses the sample conversations and variants of them (without their first or last lines,
/// so greetings and closings come and go) with the real offline analyzer.
pub fn templates() -> Result<Vec<Template>> {
    let mut out = Vec::new();
    for text in base_conversations() {
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let variants = [
            lines.clone(),
            lines.iter().skip(1).copied().collect(),
            lines
                .iter()
                .take(lines.len().saturating_sub(2))
                .copied()
                .collect(),
        ];
        for variant in variants.iter().filter(|v| v.len() >= 4) {
            let text = variant.join("\n");
            let report = consult_coach::cli::analyze_transcript_bytes(text.as_bytes())
                .map_err(|e| anyhow::anyhow!(e.describe()))?;
            let decoded = coach_analyzer::ingest::text::decode_text(text.as_bytes())?;
            let mut turns: Vec<Turn> =
                coach_analyzer::ingest::transcript::parse_transcript(&decoded.text)?.turns;
            coach_analyzer::redact::redact_turns(&mut turns);
            out.push(Template {
                turns_json: serde_json::to_string(&turns)?,
                report_json: serde_json::to_string(&report)?,
                report,
                text,
            });
        }
    }
    anyhow::ensure!(!out.is_empty(), "no sample conversations to seed from");
    Ok(out)
}

/// The seeded organisation's users (without writing them).
#[must_use]
pub fn organisation(spec: &Spec) -> Vec<SeededUser> {
    let mut users = Vec::new();
    for team in 0..spec.teams {
        users.push(SeededUser {
            id: id(KIND_USER, users.len()),
            email: format!("t{team}-manager@load.example"),
            team,
            team_id: id(KIND_TEAM, team),
            manager: true,
        });
        for c in 0..spec.counselors_per_team {
            users.push(SeededUser {
                id: id(KIND_USER, users.len()),
                email: format!("t{team}-c{c}@load.example"),
                team,
                team_id: id(KIND_TEAM, team),
                manager: false,
            });
        }
    }
    users
}

/// Writes the organisation and its consultations ending at `now_ms`; deterministic for a spec,
/// so with `write` false it only tells what an earlier seed of the same spec wrote.
pub async fn seed(
    db: &DatabaseConnection,
    spec: &Spec,
    now_ms: i64,
    write: bool,
) -> Result<Seeded> {
    let count = spec.consultations;
    let started = Instant::now();
    let templates = tokio::task::spawn_blocking(templates).await??;
    let password_hash = coach_app::auth::passwords::hash_password(PASSWORD.to_owned()).await?;
    let users = organisation(spec);
    if write {
        write_organisation(db, spec, &users, &password_hash, now_ms).await?;
    }
    let counselors: Vec<usize> = (0..users.len()).filter(|&i| !users[i].manager).collect();
    let mut completed = vec![Vec::new(); users.len()];
    let mut rng = StdRng::seed_from_u64(20_261_129);
    let mut written = 0;
    while written < count {
        let n = BATCH.min(count - written);
        let rows = (written..written + n).map(|number| {
            let owner = counselors[rng.gen_range(0..counselors.len())];
            let template = &templates[rng.gen_range(0..templates.len())];
            let row = Row::generate(&mut rng, number, &users[owner], template, now_ms);
            if row.completed {
                completed[owner].push(row.id.clone());
            }
            row
        });
        let batch: Vec<Row> = rows.collect();
        if write {
            write_batch(db, &batch).await?;
        }
        written += n;
    }
    if write {
        // Each counselor's baselines, as the pipeline stores them on every analysis after their
        // first five (상담 품질 점수 개선 reads them).
        migration::kpi_columns::fill_baselines(db).await?;
        // The quarter-hours of storage events a running server would have rolled up.
        coach_app::service::kpi::sources::roll_up_storage(db, now_ms).await?;
        // What autovacuum would have done over the 90 days: without it PostgreSQL plans the
        // first minutes' statements with no statistics (a team's report use took 20 ms instead
        // of 0.3, joining every completed consultation to the team) and reads the heap where
        // an index holds everything. SQLite's server gathers its own at start (`db::migrate`).
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("VACUUM ANALYZE").await?;
        }
    }
    Ok(Seeded {
        users,
        completed,
        consultations: count,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes the teams and users.
async fn write_organisation(
    db: &DatabaseConnection,
    spec: &Spec,
    users: &[SeededUser],
    password_hash: &str,
    now_ms: i64,
) -> Result<()> {
    let txn = db.begin().await?;
    insert_chunked(
        &txn,
        (0..spec.teams)
            .map(|t| teams::ActiveModel {
                id: Set(id(KIND_TEAM, t)),
                name: Set(format!("상담 {}팀", t + 1)),
                created_at: Set(now_ms - 120 * DAY_MS),
            })
            .collect(),
    )
    .await?;
    insert_chunked(
        &txn,
        users
            .iter()
            .enumerate()
            .map(|(i, u)| users::ActiveModel {
                id: Set(u.id.clone()),
                email: Set(u.email.clone()),
                display_name: Set(if u.manager {
                    format!("{}팀 매니저", u.team + 1)
                } else {
                    format!("상담원 {i:03}")
                }),
                password_hash: Set(password_hash.to_owned()),
                role: Set(if u.manager { "manager" } else { "counselor" }.to_owned()),
                team_id: Set(Some(u.team_id.clone())),
                locale: Set("ko".to_owned()),
                active: Set(true),
                created_at: Set(now_ms - 120 * DAY_MS),
            })
            .collect(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One generated consultation and what its analysis left behind.
struct Row<'a> {
    id: String,
    owner: &'a str,
    number: usize,
    template: &'a Template,
    file_type: &'static str,
    created_at: i64,
    started_at: i64,
    completed_at: i64,
    completed: bool,
    byte_size: i64,
    viewed_at: Option<i64>,
    downloaded: bool,
    rating: Option<i16>,
    followed: bool,
    improved: bool,
}

impl<'a> Row<'a> {
    /// When the report was downloaded (30 s after it was viewed), if it was.
    fn downloaded_at(&self) -> Option<i64> {
        self.viewed_at
            .filter(|_| self.downloaded)
            .map(|at| at + 30_000)
    }

    fn generate(
        rng: &mut StdRng,
        number: usize,
        owner: &'a SeededUser,
        template: &'a Template,
        now_ms: i64,
    ) -> Self {
        // A working day in the last 90 days, 09:00-18:00 Korea time (00:00-09:00 UTC).
        let day = (now_ms / DAY_MS) - rng.gen_range(0..90);
        let mut created_at = day * DAY_MS + rng.gen_range(0..9 * 3_600_000);
        if created_at > now_ms - 60_000 {
            created_at -= DAY_MS;
        }
        let file_type = match rng.gen_range(0..100) {
            0..70 => "text",
            70..95 => "audio",
            _ => "video",
        };
        let byte_size = match file_type {
            "text" => i64::try_from(template.text.len()).unwrap_or(i64::MAX),
            "audio" => rng.gen_range(500_000..6_000_000),
            _ => rng.gen_range(5_000_000..60_000_000),
        };
        let started_at = created_at + rng.gen_range(5..400);
        let work = if file_type == "text" {
            rng.gen_range(20..400)
        } else {
            rng.gen_range(8_000..90_000)
        };
        let completed = rng.gen_range(0..100) >= 3;
        Self {
            id: id(KIND_CONSULTATION, number),
            owner: &owner.id,
            number,
            template,
            file_type,
            created_at,
            started_at,
            completed_at: started_at + work,
            completed,
            byte_size,
            viewed_at: (completed && rng.gen_range(0..10) < 8)
                .then(|| started_at + work + rng.gen_range(60_000..86_400_000)),
            downloaded: rng.gen_range(0..10) == 0,
            rating: (completed && rng.gen_range(0..5) == 0).then(|| match rng.gen_range(0..10) {
                0 => 2,
                1..3 => 3,
                3..7 => 4,
                _ => 5,
            }),
            followed: rng.gen_range(0..10) < 7,
            improved: rng.gen_range(0..10) < 6,
        }
    }

    fn mime(&self) -> &'static str {
        match self.file_type {
            "text" => "text/plain",
            "audio" => "audio/wav",
            _ => "video/mp4",
        }
    }
}

/// Writes one batch of consultations with everything that belongs to them, in one transaction.
async fn write_batch(db: &DatabaseConnection, rows: &[Row<'_>]) -> Result<()> {
    let txn = db.begin().await?;
    insert_chunked(
        &txn,
        rows.iter()
            .map(|r| consultations::ActiveModel {
                id: Set(r.id.clone()),
                owner_id: Set(r.owner.to_owned()),
                title: Set(format!("{} 상담 #{}", r.template.report.language, r.number)),
                file_type: Set(r.file_type.to_owned()),
                status: Set(if r.completed { "completed" } else { "failed" }.to_owned()),
                source_sha256: Set(format!("{:064x}", r.number)),
                storage_key: Set(format!("seed/{}", r.id)),
                byte_size: Set(r.byte_size),
                mime: Set(r.mime().to_owned()),
                original_name: Set(format!("consultation-{}.txt", r.number)),
                language: Set(Some(r.template.report.language.clone())),
                created_at: Set(r.created_at),
                processing_started_at: Set(Some(r.started_at)),
                completed_at: Set(Some(r.completed_at)),
                failure_code: Set((!r.completed).then(|| "NO_TURNS_FOUND".to_owned())),
                reanalysis_of: Set(None),
                used_at: Set(r.downloaded_at()),
            })
            .collect(),
    )
    .await?;
    let done: Vec<&Row<'_>> = rows.iter().filter(|r| r.completed).collect();
    insert_chunked(
        &txn,
        done.iter()
            .map(|r| transcripts::ActiveModel {
                consultation_id: Set(r.id.clone()),
                turns: Set(r.template.turns_json.clone()),
                source: Set("upload".to_owned()),
                format: Set("labelled".to_owned()),
                encoding: Set(Some("UTF-8".to_owned())),
                pii_redactions: Set(0),
                speaker_mapping: Set("labels".to_owned()),
                replaced_chars: Set(0),
                created_at: Set(r.completed_at),
            })
            .collect(),
    )
    .await?;
    let score = |s: u8| i16::from(s);
    insert_chunked(
        &txn,
        done.iter()
            .map(|r| {
                let report = &r.template.report;
                analyses::ActiveModel {
                    id: Set(analysis_id(r.number)),
                    consultation_id: Set(r.id.clone()),
                    owner_id: Set(Some(r.owner.to_owned())),
                    version: Set(1),
                    analyzer: Set(report.analyzer.name.clone()),
                    model: Set(report.analyzer.model.clone()),
                    report: Set(r.template.report_json.clone()),
                    overall_score: Set(score(report.scores.overall.score)),
                    attitude_score: Set(score(report.scores.attitude.score)),
                    problem_solving_score: Set(score(report.scores.problem_solving.score)),
                    communication_score: Set(score(report.scores.communication.score)),
                    improvement_count: Set(
                        i16::try_from(report.improvements.len()).unwrap_or(i16::MAX)
                    ),
                    result_chars: Set(i32::try_from(report.result_chars()).unwrap_or(i32::MAX)),
                    created_at: Set(r.completed_at),
                    covered_categories: Set(Some(i16::from(report.covered_categories()))),
                    baseline_score: Set(None),
                    baseline_attitude: Set(None),
                    baseline_problem_solving: Set(None),
                    baseline_communication: Set(None),
                }
            })
            .collect(),
    )
    .await?;
    let settle_after = 30 * DAY_MS;
    let now = shared::clock::now_ms();
    insert_chunked(
        &txn,
        done.iter()
            .flat_map(|r| {
                let report = &r.template.report;
                report
                    .improvements
                    .iter()
                    .enumerate()
                    .map(move |(position, item)| {
                        let settled = r.completed_at + settle_after < now;
                        improvement_items::ActiveModel {
                            id: Set(id(KIND_ITEM << 8 | position as u64, r.number)),
                            analysis_id: Set(analysis_id(r.number)),
                            position: Set(i16::try_from(position).unwrap_or(i16::MAX)),
                            category: Set(item.category.as_str().to_owned()),
                            code: Set(item.code.clone()),
                            priority: Set(item.priority.as_str().to_owned()),
                            owner_id: Set(Some(r.owner.to_owned())),
                            flagged_at: Set(Some(r.completed_at)),
                            flagged_score: Set(Some(score(report.scores.of(item.category).score))),
                            settled_at: Set(settled.then_some(r.completed_at + settle_after)),
                            followed: Set(settled.then_some(r.followed)),
                            improved: Set(settled.then_some(r.improved)),
                        }
                    })
            })
            .collect(),
    )
    .await?;
    insert_chunked(
        &txn,
        rows.iter()
            .map(|r| jobs::ActiveModel {
                id: Set(id(KIND_JOB, r.number)),
                consultation_id: Set(r.id.clone()),
                kind: Set("analyze".to_owned()),
                status: Set(if r.completed { "done" } else { "dead" }.to_owned()),
                attempts: Set(1),
                max_attempts: Set(3),
                run_at: Set(r.created_at),
                locked_by: Set(None),
                lease_expires_at: Set(None),
                last_error: Set((!r.completed).then(|| "NO_TURNS_FOUND".to_owned())),
                created_at: Set(r.created_at),
                updated_at: Set(r.completed_at),
            })
            .collect(),
    )
    .await?;
    insert_chunked(&txn, rows.iter().flat_map(progress_events).collect()).await?;
    insert_chunked(
        &txn,
        // The upload into storage, and the worker reading it back to analyse it.
        rows.iter()
            .flat_map(|r| {
                [("upload", r.created_at), ("download", r.started_at)].map(|(op, at)| {
                    storage_events::ActiveModel {
                        id: NotSet,
                        op: Set(op.to_owned()),
                        backend: Set("local".to_owned()),
                        ok: Set(true),
                        bytes: Set(r.byte_size),
                        latency_ms: Set(1 + r.byte_size / 20_000_000),
                        error: Set(None),
                        at: Set(at),
                    }
                })
            })
            .collect(),
    )
    .await?;
    insert_chunked(&txn, rows.iter().flat_map(activity).collect()).await?;
    insert_chunked(
        &txn,
        done.iter()
            .filter_map(|r| {
                let rating = r.rating?;
                let at = r.viewed_at.unwrap_or(r.completed_at) + 60_000;
                Some(feedback::ActiveModel {
                    id: Set(id(KIND_FEEDBACK, r.number)),
                    analysis_id: Set(analysis_id(r.number)),
                    consultation_id: Set(r.id.clone()),
                    user_id: Set(r.owner.to_owned()),
                    rating: Set(rating),
                    comment: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                })
            })
            .collect(),
    )
    .await?;
    txn.commit().await.context("committing a seed batch")?;
    Ok(())
}

fn analysis_id(number: usize) -> String {
    id(KIND_ANALYSIS, number)
}

/// The progress events a finished job leaves: every stage to `completed`, or to `failed`.
fn progress_events(r: &Row<'_>) -> Vec<job_events::ActiveModel> {
    let stages: &[(&str, i16, &str, &str)] = if r.completed {
        &[
            ("queued", 0, "분석 대기 중입니다", "Waiting for analysis"),
            ("decoding", 10, "파일을 읽는 중입니다", "Reading the file"),
            (
                "transcribing",
                30,
                "대화를 발화 단위로 나누는 중입니다",
                "Splitting the conversation into turns",
            ),
            (
                "redacting",
                55,
                "개인정보를 가리는 중입니다",
                "Redacting personal information",
            ),
            (
                "analyzing",
                75,
                "상담 내용을 분석하는 중입니다",
                "Analysing the consultation",
            ),
            (
                "completed",
                100,
                "분석이 완료되었습니다",
                "Analysis complete",
            ),
        ]
    } else {
        &[
            ("queued", 0, "분석 대기 중입니다", "Waiting for analysis"),
            ("decoding", 10, "파일을 읽는 중입니다", "Reading the file"),
            (
                "failed",
                100,
                "대화 내용을 찾을 수 없습니다",
                "No conversation turns were found",
            ),
        ]
    };
    let span = (r.completed_at - r.created_at).max(1);
    let last = i64::try_from(stages.len()).unwrap_or(1);
    stages
        .iter()
        .zip(1..)
        .map(|(&(stage, percent, ko, en), seq)| job_events::ActiveModel {
            id: NotSet,
            consultation_id: Set(r.id.clone()),
            seq: Set(seq),
            stage: Set(stage.to_owned()),
            percent: Set(Some(percent)),
            message: Set(ko.to_owned()),
            message_en: Set(en.to_owned()),
            at: Set(r.created_at + span * i64::from(seq - 1) / (last - 1).max(1)),
        })
        .collect()
}

/// Upload, report views, downloads and ratings, as the activity KPIs count them.
fn activity(r: &Row<'_>) -> Vec<activity_events::ActiveModel> {
    let session = format!("{}-{}", r.owner, r.created_at / 3_600_000);
    let event = |kind: &str, at: i64| activity_events::ActiveModel {
        id: NotSet,
        user_id: Set(r.owner.to_owned()),
        session_id: Set(session.clone()),
        kind: Set(kind.to_owned()),
        consultation_id: Set(Some(r.id.clone())),
        at: Set(at),
    };
    let mut events = vec![event("upload", r.created_at)];
    if let Some(at) = r.viewed_at {
        events.push(event("view", at));
        if let Some(at) = r.downloaded_at() {
            events.push(event("download", at));
        }
        if r.rating.is_some() {
            events.push(event("feedback", at + 60_000));
        }
    }
    events
}

/// Inserts rows in multi-row statements of [`ROWS_PER_INSERT`].
async fn insert_chunked<A, C>(conn: &C, rows: Vec<A>) -> Result<()>
where
    A: sea_orm::ActiveModelTrait,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    C: sea_orm::ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
