//! Keeps the statements a KPI board runs on every view (those of the days not settled yet; the
//! settled ones come from `kpi_day_cache`) on indexes that hold every column they read (issue
//! 11). Measured on 100,000 consultations on SQLite, the three live days of each of ten teams'
//! boards, mean per statement: 6.8 ms in all → 2.8 ms.
//!
//! * **`consultations`**: the per-day uploads, outcomes, processing and waiting times also read
//!   `completed_at`, `processing_started_at` and `reanalysis_of`, so each of the team's
//!   consultations was read from the table (1.3 → 0.3 ms). `idx_consultations_owner_list_kpi`
//!   adds them to the list's covering index (its prefix, which the list keeps using), and
//!   `idx_consultations_created_kpi` `(created_at, owner_id, file_type, status, …)` does the same
//!   for everyone's board in place of `idx_consultations_created`.
//! * **`consultations.used_at`**: when the report was first downloaded or shared, stamped by
//!   activity tracking and filled for stored rows by [`crate::kpi_columns::fill_report_use`].
//!   보고서 활용률 looked for such an event of each completed consultation (one index probe each:
//!   1.9 ms per board on PostgreSQL, the largest of its statements); it now counts the column,
//!   which `idx_consultations_owner_completed_used` and `idx_consultations_completed_used` hold
//!   in place of the indexes they extend.
//! * **`improvement_items`**: the coaching follow-ups read `settled_at`, `followed` and
//!   `improved` of every item flagged in the window (1.3 → 0.2 ms):
//!   `idx_improvement_items_owner_flagged_kpi` and `idx_improvement_items_flagged_kpi` replace the
//!   indexes that were their prefixes.
//! * **`feedback`**: `idx_feedback_updated_kpi` `(updated_at, user_id, rating)` in place of
//!   `idx_feedback_updated_at` (1.1 → 0.1 ms, with the next one).
//! * **`users`**: `idx_users_team`. Every team-scoped statement lists the team's members; without
//!   it SQLite scanned the users, or built an automatic index for each statement.
//!
//! Status changes already updated the consultation indexes (they hold `status`), and an item's
//! settlement already updated `idx_improvement_items_settled`: the wider entries add no writes
//! but the first download of each report.

use sea_orm_migration::prelude::*;

use crate::support::{Widening, create_index, drop_index, narrow_indexes, widen_indexes};

/// Adds `consultations.used_at`, widens the indexes of the KPI board's live-day statements and
/// indexes users by team.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000001_cover_kpi_live_days"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Consultations {
    Table,
    Id,
    OwnerId,
    Title,
    FileType,
    Status,
    CreatedAt,
    ProcessingStartedAt,
    CompletedAt,
    ReanalysisOf,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImprovementItems {
    Table,
    OwnerId,
    FlaggedAt,
    SettledAt,
    Followed,
    Improved,
}

#[derive(DeriveIden, Clone, Copy)]
enum Feedback {
    Table,
    UserId,
    Rating,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    TeamId,
}

/// What the per-day consultation statement reads besides the leading columns.
const CONSULTATION_FIGURES: [Consultations; 3] = [
    Consultations::CompletedAt,
    Consultations::ProcessingStartedAt,
    Consultations::ReanalysisOf,
];

/// What the coaching statement reads of an item besides the leading columns.
const FOLLOW_UP: [ImprovementItems; 3] = [
    ImprovementItems::SettledAt,
    ImprovementItems::Followed,
    ImprovementItems::Improved,
];

/// The consultation indexes: the report-use ones of `m20261203_000001_add_kpi_covering_indexes`
/// gain `used_at`, the list's (`m20261202_000001_add_list_index`) and the upload-time one the
/// per-day figures.
fn consultation_indexes() -> [Widening<Consultations>; 4] {
    use Consultations::*;
    [
        Widening::by(
            "idx_consultations_owner_completed",
            "idx_consultations_owner_completed_used",
            &[OwnerId, CompletedAt, Status, Id],
            &[UsedAt],
        ),
        Widening::by(
            "idx_consultations_completed_status",
            "idx_consultations_completed_used",
            &[CompletedAt, Status, OwnerId, Id],
            &[UsedAt],
        ),
        Widening::by(
            "idx_consultations_owner_list",
            "idx_consultations_owner_list_kpi",
            &[OwnerId, CreatedAt, Id, Status, FileType, Title],
            &CONSULTATION_FIGURES,
        ),
        Widening::by(
            "idx_consultations_created",
            "idx_consultations_created_kpi",
            &[CreatedAt],
            &[
                [OwnerId, FileType, Status].as_slice(),
                &CONSULTATION_FIGURES,
            ]
            .concat(),
        ),
    ]
}

/// The improvement-item indexes gain what the coaching statement reads.
fn item_indexes() -> [Widening<ImprovementItems>; 2] {
    use ImprovementItems::*;
    [
        Widening::by(
            "idx_improvement_items_owner_flagged",
            "idx_improvement_items_owner_flagged_kpi",
            &[OwnerId, FlaggedAt],
            &FOLLOW_UP,
        ),
        Widening::by(
            "idx_improvement_items_flagged",
            "idx_improvement_items_flagged_kpi",
            &[FlaggedAt],
            &FOLLOW_UP,
        ),
    ]
}

/// The feedback index gains who rated and how.
fn feedback_indexes() -> [Widening<Feedback>; 1] {
    [Widening::by(
        "idx_feedback_updated_at",
        "idx_feedback_updated_kpi",
        &[Feedback::UpdatedAt],
        &[Feedback::UserId, Feedback::Rating],
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Consultations::Table)
                    .add_column(ColumnDef::new(Consultations::UsedAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        crate::kpi_columns::fill_report_use(manager.get_connection()).await?;
        widen_indexes(manager, Consultations::Table, &consultation_indexes()).await?;
        widen_indexes(manager, ImprovementItems::Table, &item_indexes()).await?;
        widen_indexes(manager, Feedback::Table, &feedback_indexes()).await?;
        create_index(manager, "idx_users_team", Users::Table, &[Users::TeamId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager, "idx_users_team", Users::Table).await?;
        narrow_indexes(manager, Feedback::Table, &feedback_indexes()).await?;
        narrow_indexes(manager, ImprovementItems::Table, &item_indexes()).await?;
        narrow_indexes(manager, Consultations::Table, &consultation_indexes()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Consultations::Table)
                    .drop_column(Consultations::UsedAt)
                    .to_owned(),
            )
            .await
    }
}
