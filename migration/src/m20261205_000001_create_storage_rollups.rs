//! `storage_rollups`: `storage_events` counted per 15 minutes and operation, the way
//! `server_rollups` adds up server samples. The storage KPIs are the organisation's, so every
//! team's board read the same thousands of raw events of its live days (2 ms of each board on
//! PostgreSQL); it now reads a few rows per hour and the events of the last minutes.

use sea_orm_migration::prelude::*;

use crate::support::counter;

/// Creates `storage_rollups`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000001_create_storage_rollups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StorageRollups::Table)
                    .col(
                        ColumnDef::new(StorageRollups::BucketStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(StorageRollups::Op).string_len(16).not_null())
                    .col(counter(StorageRollups::Events))
                    .col(counter(StorageRollups::Succeeded))
                    .primary_key(
                        Index::create()
                            .col(StorageRollups::BucketStart)
                            .col(StorageRollups::Op),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StorageRollups::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum StorageRollups {
    Table,
    BucketStart,
    Op,
    Events,
    Succeeded,
}
