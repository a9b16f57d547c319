//! `kpi_day_cache`: the KPI figures of one settled day (ended two days ago or earlier) for one
//! scope (everyone, a team, a counselor) and UTC offset, so a board over a long range reads one
//! row per day instead of scanning every table again. `day_start`/`day_end` (epoch ms) let a
//! late change to a settled day delete exactly the rows covering it, whatever the offset.
//!
//! Also indexes `activity_events (kind, at)`: downloads and shares (utilisation) are found by
//! kind, which without it meant a scan of every activity event on each board; and
//! `improvement_items (settled_at)`: the follow-up settlement finds the undecided items and, to
//! invalidate late-decided days, the ones it just decided, by it.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, drop_index};

/// Creates `kpi_day_cache`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000001_create_kpi_day_cache"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KpiDayCache::Table)
                    .col(ColumnDef::new(KpiDayCache::Scope).string_len(48).not_null())
                    .col(
                        ColumnDef::new(KpiDayCache::OffsetMinutes)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(KpiDayCache::Day).big_integer().not_null())
                    .col(
                        ColumnDef::new(KpiDayCache::DayStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(KpiDayCache::DayEnd).big_integer().not_null())
                    .col(ColumnDef::new(KpiDayCache::Record).text().not_null())
                    .col(
                        ColumnDef::new(KpiDayCache::ComputedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(KpiDayCache::Scope)
                            .col(KpiDayCache::OffsetMinutes)
                            .col(KpiDayCache::Day),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_kpi_day_cache_start",
            KpiDayCache::Table,
            &[KpiDayCache::DayStart],
        )
        .await?;
        create_index(
            manager,
            "idx_activity_events_kind_at",
            ActivityEvents::Table,
            &[ActivityEvents::Kind, ActivityEvents::At],
        )
        .await?;
        create_index(
            manager,
            "idx_improvement_items_settled",
            ImprovementItems::Table,
            &[ImprovementItems::SettledAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(
            manager,
            "idx_improvement_items_settled",
            ImprovementItems::Table,
        )
        .await?;
        drop_index(
            manager,
            "idx_activity_events_kind_at",
            ActivityEvents::Table,
        )
        .await?;
        drop_index(manager, "idx_kpi_day_cache_start", KpiDayCache::Table).await?;
        manager
            .drop_table(Table::drop().table(KpiDayCache::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum KpiDayCache {
    Table,
    Scope,
    OffsetMinutes,
    Day,
    DayStart,
    DayEnd,
    Record,
    ComputedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityEvents {
    Table,
    Kind,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImprovementItems {
    Table,
    SettledAt,
}
