//! `surveys`: a manager's periodic answers (satisfaction 1-5, NPS 0-10, time saved vs manual review
//! in percent, perceived consultation quality 1-5, comment), one per manager and period — the
//! sources of the satisfaction, NPS, time-saved and quality KPIs.

use sea_orm_migration::prelude::*;

/// Creates `surveys`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_create_surveys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let score = |name: Surveys| ColumnDef::new(name).small_integer().not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Surveys::Table)
                    .col(
                        ColumnDef::new(Surveys::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Surveys::ManagerId).string_len(36).not_null())
                    .col(ColumnDef::new(Surveys::Period).string_len(16).not_null())
                    .col(score(Surveys::Satisfaction))
                    .col(score(Surveys::Nps))
                    .col(score(Surveys::TimeSavedPct))
                    .col(score(Surveys::QualityScore))
                    .col(ColumnDef::new(Surveys::Comment).text().null())
                    .col(ColumnDef::new(Surveys::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Surveys::UpdatedAt).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Surveys::Table, Surveys::ManagerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_surveys_manager_period")
                    .table(Surveys::Table)
                    .col(Surveys::ManagerId)
                    .col(Surveys::Period)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Surveys::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Surveys {
    Table,
    Id,
    ManagerId,
    Period,
    Satisfaction,
    Nps,
    TimeSavedPct,
    QualityScore,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
