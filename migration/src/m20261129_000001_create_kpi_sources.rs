//! The records behind the KPIs that do not come from consultations:
//!
//! * `server_samples`: every `serve` and `worker` process writes one row per sampling interval
//!   with its request, error and subscription counters, database health checks, CPU and memory,
//!   and (serve only) the job queue's length and the database's size — the sources of the API
//!   response time, error rate, uptime, subscription, queue and resource KPIs;
//! * `security_audits`: dependency audits recorded by `consult-coach audit record` (the
//!   vulnerabilities KPI);
//! * `analyses.covered_categories`: how many of the three categories an analysis explains (the
//!   category-coverage KPI);
//! * indexes for range queries on analyses and completions, follow-ups of improvement codes, and
//!   downloads and shares of a consultation.

use sea_orm_migration::prelude::*;

use crate::support::{counter, create_index, drop_index};

/// Creates the KPI source tables and columns.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_create_kpi_sources"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServerSamples::Table)
                    .col(
                        ColumnDef::new(ServerSamples::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ServerSamples::ProcessId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ServerSamples::Role)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ServerSamples::At).big_integer().not_null())
                    .col(counter(ServerSamples::IntervalMs))
                    .col(counter(ServerSamples::Requests))
                    .col(counter(ServerSamples::RequestErrors))
                    .col(counter(ServerSamples::RequestMsSum))
                    .col(counter(ServerSamples::WsAttempts))
                    .col(counter(ServerSamples::WsAcked))
                    .col(counter(ServerSamples::HealthChecks))
                    .col(counter(ServerSamples::HealthOk))
                    .col(ColumnDef::new(ServerSamples::CpuPct).double().null())
                    .col(ColumnDef::new(ServerSamples::RssBytes).big_integer().null())
                    .col(
                        ColumnDef::new(ServerSamples::MemTotalBytes)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ServerSamples::QueueLength)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(ServerSamples::DbBytes).big_integer().null())
                    .col(
                        ColumnDef::new(ServerSamples::QueueBytes)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_server_samples_at",
            ServerSamples::Table,
            &[ServerSamples::At],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(SecurityAudits::Table)
                    .col(
                        ColumnDef::new(SecurityAudits::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SecurityAudits::At).big_integer().not_null())
                    .col(
                        ColumnDef::new(SecurityAudits::Tool)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SecurityAudits::Advisories)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SecurityAudits::Details).text().null())
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_security_audits_at",
            SecurityAudits::Table,
            &[SecurityAudits::At],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Analyses::Table)
                    .add_column(
                        ColumnDef::new(Analyses::CoveredCategories)
                            .small_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_analyses_created",
            Analyses::Table,
            &[Analyses::CreatedAt],
        )
        .await?;
        create_index(
            manager,
            "idx_improvement_items_code",
            ImprovementItems::Table,
            &[ImprovementItems::Code, ImprovementItems::AnalysisId],
        )
        .await?;
        create_index(
            manager,
            "idx_consultations_completed",
            Consultations::Table,
            &[Consultations::CompletedAt],
        )
        .await?;
        create_index(
            manager,
            "idx_activity_events_consultation",
            ActivityEvents::Table,
            &[ActivityEvents::ConsultationId, ActivityEvents::Kind],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(
            manager,
            "idx_activity_events_consultation",
            ActivityEvents::Table,
        )
        .await?;
        drop_index(manager, "idx_consultations_completed", Consultations::Table).await?;
        drop_index(
            manager,
            "idx_improvement_items_code",
            ImprovementItems::Table,
        )
        .await?;
        drop_index(manager, "idx_analyses_created", Analyses::Table).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Analyses::Table)
                    .drop_column(Analyses::CoveredCategories)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(SecurityAudits::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ServerSamples::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServerSamples {
    Table,
    Id,
    ProcessId,
    Role,
    At,
    IntervalMs,
    Requests,
    RequestErrors,
    RequestMsSum,
    WsAttempts,
    WsAcked,
    HealthChecks,
    HealthOk,
    CpuPct,
    RssBytes,
    MemTotalBytes,
    QueueLength,
    DbBytes,
    QueueBytes,
}

#[derive(DeriveIden, Clone, Copy)]
enum SecurityAudits {
    Table,
    Id,
    At,
    Tool,
    Advisories,
    Details,
}

#[derive(DeriveIden, Clone, Copy)]
enum Analyses {
    Table,
    CoveredCategories,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImprovementItems {
    Table,
    Code,
    AnalysisId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Consultations {
    Table,
    CompletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityEvents {
    Table,
    ConsultationId,
    Kind,
}
