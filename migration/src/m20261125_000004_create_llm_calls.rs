//! `llm_calls`: every request made to an LLM or cloud speech provider, with its outcome, latency,
//! retries and token counts (the KPI sheet's API success rate, retry rate, response time and daily
//! call count).

use sea_orm_migration::prelude::*;

/// Creates `llm_calls`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000004_create_llm_calls"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LlmCalls::Table)
                    .col(
                        ColumnDef::new(LlmCalls::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LlmCalls::Provider).string_len(16).not_null())
                    .col(ColumnDef::new(LlmCalls::Model).string_len(200).not_null())
                    .col(ColumnDef::new(LlmCalls::Purpose).string_len(32).not_null())
                    .col(
                        ColumnDef::new(LlmCalls::ConsultationId)
                            .string_len(36)
                            .null(),
                    )
                    .col(ColumnDef::new(LlmCalls::StartedAt).big_integer().not_null())
                    .col(ColumnDef::new(LlmCalls::LatencyMs).big_integer().not_null())
                    .col(ColumnDef::new(LlmCalls::Status).string_len(32).not_null())
                    .col(ColumnDef::new(LlmCalls::HttpStatus).integer().null())
                    .col(ColumnDef::new(LlmCalls::Retries).integer().not_null())
                    .col(ColumnDef::new(LlmCalls::RetryReason).string_len(200).null())
                    .col(ColumnDef::new(LlmCalls::PromptTokens).integer().null())
                    .col(ColumnDef::new(LlmCalls::OutputTokens).integer().null())
                    .col(ColumnDef::new(LlmCalls::Error).string_len(500).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_llm_calls_started_at")
                    .table(LlmCalls::Table)
                    .col(LlmCalls::StartedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_llm_calls_consultation")
                    .table(LlmCalls::Table)
                    .col(LlmCalls::ConsultationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LlmCalls::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LlmCalls {
    Table,
    Id,
    Provider,
    Model,
    Purpose,
    ConsultationId,
    StartedAt,
    LatencyMs,
    Status,
    HttpStatus,
    Retries,
    RetryReason,
    PromptTokens,
    OutputTokens,
    Error,
}
