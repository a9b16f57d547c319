//! Keeps the KPI, coaching and activity statements on indexes that hold every column they read
//! (issue 11). Measured on 100,000 consultations on SQLite, a team's 120 days (the KPI day cache's
//! warm-up) and a 30-day board:
//!
//! * **`analyses`**: each row holds its report's JSON (~5 KB) before the score columns, so every
//!   statement that read a score from the table followed the row's overflow pages (the per-day
//!   analyses: 230 ms for everyone, 400 ms for a team → 22 and 3 ms).
//!   - `analyses.owner_id`: the consultation's owner (which never changes), filled for existing
//!     rows by [`crate::kpi_columns::fill_analysis_owners`], so a team's analyses are chosen
//!     without looking up each one's consultation;
//!   - `idx_analyses_kpi` `(created_at, owner_id, …)` and `idx_analyses_owner_kpi`
//!     `(owner_id, created_at, …)`: every column the KPI statements read, for everyone and for a
//!     scope. The first replaces `idx_analyses_created`, its prefix;
//!   - `idx_analyses_trend` `(consultation_id, version, id, scores…, created_at)`: what coaching
//!     trends and the team overview read of each consultation's analyses.
//! * **`activity_events`**: `idx_activity_events_user_kind_at` `(user_id, kind, at, session_id)`
//!   for each user's first upload and a scope's uploaders and upload sessions (the planner took
//!   the upload-kind index and scanned every upload: 350-400 ms each → 1-6 ms), and
//!   `idx_activity_events_kind_at_user` `(kind, at, user_id, session_id)` for everyone's, in
//!   place of `idx_activity_events_kind_at`.
//! * **`consultations`**: `idx_consultations_owner_completed` `(owner_id, completed_at, status,
//!   id)` for a scope's completed reports and their use (470 → 56 ms), and
//!   `idx_consultations_completed_status` `(completed_at, status, owner_id, id)` for everyone's,
//!   in place of `idx_consultations_completed`.
//! * **`storage_events`**: `idx_storage_events_at_op` `(at, op, ok)` in place of
//!   `idx_storage_events_at` (150 → 74 ms).

use sea_orm_migration::prelude::*;

use crate::support::{create_index, drop_index, replace_index};

/// Adds `analyses.owner_id` and the covering indexes of the KPI, coaching and activity statements.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000001_add_kpi_covering_indexes"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Analyses {
    Table,
    Id,
    ConsultationId,
    Version,
    OwnerId,
    CreatedAt,
    ResultChars,
    ImprovementCount,
    CoveredCategories,
    OverallScore,
    AttitudeScore,
    ProblemSolvingScore,
    CommunicationScore,
    BaselineScore,
    BaselineAttitude,
    BaselineProblemSolving,
    BaselineCommunication,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityEvents {
    Table,
    UserId,
    Kind,
    At,
    SessionId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Consultations {
    Table,
    Id,
    OwnerId,
    CompletedAt,
    Status,
}

#[derive(DeriveIden, Clone, Copy)]
enum StorageEvents {
    Table,
    At,
    Op,
    Ok,
}

/// The columns the KPI statements read of an analysis, after the two leading ones.
const KPI_COLUMNS: [Analyses; 11] = [
    Analyses::ResultChars,
    Analyses::ImprovementCount,
    Analyses::CoveredCategories,
    Analyses::OverallScore,
    Analyses::AttitudeScore,
    Analyses::ProblemSolvingScore,
    Analyses::CommunicationScore,
    Analyses::BaselineScore,
    Analyses::BaselineAttitude,
    Analyses::BaselineProblemSolving,
    Analyses::BaselineCommunication,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Analyses::Table)
                    .add_column(ColumnDef::new(Analyses::OwnerId).string_len(36).null())
                    .to_owned(),
            )
            .await?;
        crate::kpi_columns::fill_analysis_owners(manager.get_connection()).await?;
        let leading = |first: Analyses, second: Analyses| {
            [first, second]
                .into_iter()
                .chain(KPI_COLUMNS)
                .collect::<Vec<_>>()
        };
        create_index(
            manager,
            "idx_analyses_kpi",
            Analyses::Table,
            &leading(Analyses::CreatedAt, Analyses::OwnerId),
        )
        .await?;
        create_index(
            manager,
            "idx_analyses_owner_kpi",
            Analyses::Table,
            &leading(Analyses::OwnerId, Analyses::CreatedAt),
        )
        .await?;
        create_index(
            manager,
            "idx_analyses_trend",
            Analyses::Table,
            &[
                Analyses::ConsultationId,
                Analyses::Version,
                Analyses::Id,
                Analyses::OverallScore,
                Analyses::AttitudeScore,
                Analyses::ProblemSolvingScore,
                Analyses::CommunicationScore,
                Analyses::CreatedAt,
            ],
        )
        .await?;
        drop_index(manager, "idx_analyses_created", Analyses::Table).await?;
        create_index(
            manager,
            "idx_activity_events_user_kind_at",
            ActivityEvents::Table,
            &[
                ActivityEvents::UserId,
                ActivityEvents::Kind,
                ActivityEvents::At,
                ActivityEvents::SessionId,
            ],
        )
        .await?;
        replace_index(
            manager,
            ActivityEvents::Table,
            "idx_activity_events_kind_at",
            "idx_activity_events_kind_at_user",
            &[
                ActivityEvents::Kind,
                ActivityEvents::At,
                ActivityEvents::UserId,
                ActivityEvents::SessionId,
            ],
        )
        .await?;
        create_index(
            manager,
            "idx_consultations_owner_completed",
            Consultations::Table,
            &[
                Consultations::OwnerId,
                Consultations::CompletedAt,
                Consultations::Status,
                Consultations::Id,
            ],
        )
        .await?;
        replace_index(
            manager,
            Consultations::Table,
            "idx_consultations_completed",
            "idx_consultations_completed_status",
            &[
                Consultations::CompletedAt,
                Consultations::Status,
                Consultations::OwnerId,
                Consultations::Id,
            ],
        )
        .await?;
        replace_index(
            manager,
            StorageEvents::Table,
            "idx_storage_events_at",
            "idx_storage_events_at_op",
            &[StorageEvents::At, StorageEvents::Op, StorageEvents::Ok],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_index(
            manager,
            StorageEvents::Table,
            "idx_storage_events_at_op",
            "idx_storage_events_at",
            &[StorageEvents::At],
        )
        .await?;
        replace_index(
            manager,
            Consultations::Table,
            "idx_consultations_completed_status",
            "idx_consultations_completed",
            &[Consultations::CompletedAt],
        )
        .await?;
        drop_index(
            manager,
            "idx_consultations_owner_completed",
            Consultations::Table,
        )
        .await?;
        replace_index(
            manager,
            ActivityEvents::Table,
            "idx_activity_events_kind_at_user",
            "idx_activity_events_kind_at",
            &[ActivityEvents::Kind, ActivityEvents::At],
        )
        .await?;
        drop_index(
            manager,
            "idx_activity_events_user_kind_at",
            ActivityEvents::Table,
        )
        .await?;
        create_index(
            manager,
            "idx_analyses_created",
            Analyses::Table,
            &[Analyses::CreatedAt],
        )
        .await?;
        for name in [
            "idx_analyses_trend",
            "idx_analyses_owner_kpi",
            "idx_analyses_kpi",
        ] {
            drop_index(manager, name, Analyses::Table).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Analyses::Table)
                    .drop_column(Analyses::OwnerId)
                    .to_owned(),
            )
            .await
    }
}
