//! `storage_events`: every upload to and download from object storage with its outcome, size and
//! latency (the storage KPIs), and an index to find earlier uploads of the same file by an owner
//! (re-analysis).

use sea_orm_migration::prelude::*;

/// Creates `storage_events` and the consultations hash index.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_create_storage_events"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StorageEvents::Table)
                    .col(
                        ColumnDef::new(StorageEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(StorageEvents::Op).string_len(16).not_null())
                    .col(
                        ColumnDef::new(StorageEvents::Backend)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(StorageEvents::Ok).boolean().not_null())
                    .col(
                        ColumnDef::new(StorageEvents::Bytes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StorageEvents::LatencyMs)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(StorageEvents::Error).string_len(500).null())
                    .col(ColumnDef::new(StorageEvents::At).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_storage_events_at")
                    .table(StorageEvents::Table)
                    .col(StorageEvents::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consultations_owner_sha256")
                    .table(Consultations::Table)
                    .col(Consultations::OwnerId)
                    .col(Consultations::SourceSha256)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_consultations_owner_sha256")
                    .table(Consultations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(StorageEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StorageEvents {
    Table,
    Id,
    Op,
    Backend,
    Ok,
    Bytes,
    LatencyMs,
    Error,
    At,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    OwnerId,
    SourceSha256,
}
