//! `weekly_reports`: the weekly KPI report (KPI sheet §8), one per week (its Monday), in Korean
//! and English Markdown.

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Creates `weekly_reports`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_create_weekly_reports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WeeklyReports::Table)
                    .col(
                        ColumnDef::new(WeeklyReports::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(WeeklyReports::WeekStart)
                            .string_len(10)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WeeklyReports::Trigger)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WeeklyReports::GeneratedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(WeeklyReports::MarkdownKo).text().not_null())
                    .col(ColumnDef::new(WeeklyReports::MarkdownEn).text().not_null())
                    .to_owned(),
            )
            .await?;
        let mut unique = Index::create();
        unique
            .name("idx_weekly_reports_week")
            .table(WeeklyReports::Table)
            .col(WeeklyReports::WeekStart)
            .unique();
        manager.create_index(unique.to_owned()).await?;
        create_index(
            manager,
            "idx_weekly_reports_generated",
            WeeklyReports::Table,
            &[WeeklyReports::GeneratedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WeeklyReports::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum WeeklyReports {
    Table,
    Id,
    WeekStart,
    Trigger,
    GeneratedAt,
    MarkdownKo,
    MarkdownEn,
}
