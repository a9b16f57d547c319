//! `backups`: one row per database backup, made by the daily schedule or `consult-coach backup`
//! (when, which file, how big, whether it worked) — the source of the backup-frequency KPI.

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Creates `backups`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_create_backups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Backups::Table)
                    .col(
                        ColumnDef::new(Backups::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Backups::At).big_integer().not_null())
                    .col(ColumnDef::new(Backups::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Backups::Trigger).string_len(16).not_null())
                    .col(ColumnDef::new(Backups::FileName).string_len(255).not_null())
                    .col(ColumnDef::new(Backups::Bytes).big_integer().not_null())
                    .col(ColumnDef::new(Backups::DurationMs).big_integer().not_null())
                    .col(ColumnDef::new(Backups::Ok).boolean().not_null())
                    .col(ColumnDef::new(Backups::Error).text().null())
                    .to_owned(),
            )
            .await?;
        create_index(manager, "idx_backups_at", Backups::Table, &[Backups::At]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Backups::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Backups {
    Table,
    Id,
    At,
    Kind,
    Trigger,
    FileName,
    Bytes,
    DurationMs,
    Ok,
    Error,
}
