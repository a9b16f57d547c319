//! Derived columns that keep the slow KPIs cheap to read over large ranges:
//!
//! * `analyses.baseline_score` and `baseline_attitude`, `baseline_problem_solving`,
//!   `baseline_communication`: the counselor's baselines (the average scores of their first five
//!   analyses) on every later analysis — 상담 품질 점수 개선 becomes a range average;
//! * `improvement_items.owner_id`, `flagged_at`, `flagged_score` (the item's category score when
//!   flagged), and `settled_at`, `followed`, `improved`: each item's follow-up, decided once its
//!   coaching window has passed — 코칭 효과성 becomes a range count.
//!
//! Existing rows are filled by [`crate::kpi_columns::rebuild`].

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Adds the derived KPI columns.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_add_kpi_followups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            (
                Analyses::Table.into_iden(),
                ColumnDef::new(Analyses::BaselineScore)
                    .double()
                    .null()
                    .to_owned(),
            ),
            (
                Analyses::Table.into_iden(),
                ColumnDef::new(Analyses::BaselineAttitude)
                    .double()
                    .null()
                    .to_owned(),
            ),
            (
                Analyses::Table.into_iden(),
                ColumnDef::new(Analyses::BaselineProblemSolving)
                    .double()
                    .null()
                    .to_owned(),
            ),
            (
                Analyses::Table.into_iden(),
                ColumnDef::new(Analyses::BaselineCommunication)
                    .double()
                    .null()
                    .to_owned(),
            ),
            (
                ImprovementItems::Table.into_iden(),
                ColumnDef::new(ImprovementItems::OwnerId)
                    .string_len(36)
                    .null()
                    .to_owned(),
            ),
            (
                ImprovementItems::Table.into_iden(),
                ColumnDef::new(ImprovementItems::FlaggedAt)
                    .big_integer()
                    .null()
                    .to_owned(),
            ),
            (
                ImprovementItems::Table.into_iden(),
                ColumnDef::new(ImprovementItems::FlaggedScore)
                    .small_integer()
                    .null()
                    .to_owned(),
            ),
            (
                ImprovementItems::Table.into_iden(),
                ColumnDef::new(ImprovementItems::SettledAt)
                    .big_integer()
                    .null()
                    .to_owned(),
            ),
            (
                ImprovementItems::Table.into_iden(),
                ColumnDef::new(ImprovementItems::Followed)
                    .boolean()
                    .null()
                    .to_owned(),
            ),
            (
                ImprovementItems::Table.into_iden(),
                ColumnDef::new(ImprovementItems::Improved)
                    .boolean()
                    .null()
                    .to_owned(),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        create_index(
            manager,
            "idx_improvement_items_flagged",
            ImprovementItems::Table,
            &[ImprovementItems::FlaggedAt],
        )
        .await?;
        create_index(
            manager,
            "idx_improvement_items_owner_flagged",
            ImprovementItems::Table,
            &[ImprovementItems::OwnerId, ImprovementItems::FlaggedAt],
        )
        .await?;
        crate::kpi_columns::rebuild(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_improvement_items_owner_flagged",
            "idx_improvement_items_flagged",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(ImprovementItems::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            ImprovementItems::Improved,
            ImprovementItems::Followed,
            ImprovementItems::SettledAt,
            ImprovementItems::FlaggedScore,
            ImprovementItems::FlaggedAt,
            ImprovementItems::OwnerId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImprovementItems::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Analyses::BaselineCommunication,
            Analyses::BaselineProblemSolving,
            Analyses::BaselineAttitude,
            Analyses::BaselineScore,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Analyses::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Analyses {
    Table,
    BaselineScore,
    BaselineAttitude,
    BaselineProblemSolving,
    BaselineCommunication,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImprovementItems {
    Table,
    OwnerId,
    FlaggedAt,
    FlaggedScore,
    SettledAt,
    Followed,
    Improved,
}
