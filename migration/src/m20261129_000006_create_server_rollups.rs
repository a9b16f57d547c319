//! `server_rollups`: `server_samples` added up per 15 minutes (every UTC offset in use is a
//! multiple of 15 minutes, so buckets never straddle a KPI day), so the system KPIs over long
//! ranges read a few rows per hour instead of one per process and minute.

use sea_orm_migration::prelude::*;

use crate::support::counter;

/// Creates `server_rollups`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000006_create_server_rollups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let measure = |name: ServerRollups| {
            ColumnDef::new(name)
                .double()
                .not_null()
                .default(0.0)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(ServerRollups::Table)
                    .col(
                        ColumnDef::new(ServerRollups::BucketStart)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(counter(ServerRollups::Requests))
                    .col(counter(ServerRollups::RequestErrors))
                    .col(counter(ServerRollups::RequestMsSum))
                    .col(counter(ServerRollups::WsAttempts))
                    .col(counter(ServerRollups::WsAcked))
                    .col(counter(ServerRollups::UpMinutes))
                    .col(measure(ServerRollups::CpuSum))
                    .col(counter(ServerRollups::CpuN))
                    .col(measure(ServerRollups::MemSum))
                    .col(counter(ServerRollups::MemN))
                    .col(measure(ServerRollups::QueueSum))
                    .col(counter(ServerRollups::QueueN))
                    .col(ColumnDef::new(ServerRollups::DbBytes).big_integer().null())
                    .col(
                        ColumnDef::new(ServerRollups::QueueBytes)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServerRollups::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServerRollups {
    Table,
    BucketStart,
    Requests,
    RequestErrors,
    RequestMsSum,
    WsAttempts,
    WsAcked,
    UpMinutes,
    CpuSum,
    CpuN,
    MemSum,
    MemN,
    QueueSum,
    QueueN,
    DbBytes,
    QueueBytes,
}
