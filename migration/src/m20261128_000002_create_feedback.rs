//! `feedback`: a counselor's rating (1-5) and comment on an analysis, one per user and analysis
//! (editable), and `item_feedback`: whether each improvement item was helpful. The sources of the
//! user-satisfaction KPI and of per-item usefulness.

use sea_orm_migration::prelude::*;

/// Creates `feedback` and `item_feedback`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_create_feedback"
    }
}

fn text_id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Feedback::Table)
                    .col(text_id(Feedback::Id).primary_key().to_owned())
                    .col(text_id(Feedback::AnalysisId))
                    .col(text_id(Feedback::ConsultationId))
                    .col(text_id(Feedback::UserId))
                    .col(ColumnDef::new(Feedback::Rating).small_integer().not_null())
                    .col(ColumnDef::new(Feedback::Comment).text().null())
                    .col(ColumnDef::new(Feedback::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Feedback::UpdatedAt).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Feedback::Table, Feedback::AnalysisId)
                            .to(Analyses::Table, Analyses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Feedback::Table, Feedback::ConsultationId)
                            .to(Consultations::Table, Consultations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Feedback::Table, Feedback::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_feedback_analysis_user")
                    .table(Feedback::Table)
                    .col(Feedback::AnalysisId)
                    .col(Feedback::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_feedback_updated_at")
                    .table(Feedback::Table)
                    .col(Feedback::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ItemFeedback::Table)
                    .col(text_id(ItemFeedback::FeedbackId))
                    .col(
                        ColumnDef::new(ItemFeedback::Position)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ItemFeedback::Code).string_len(64).not_null())
                    .col(ColumnDef::new(ItemFeedback::Helpful).boolean().not_null())
                    .primary_key(
                        Index::create()
                            .col(ItemFeedback::FeedbackId)
                            .col(ItemFeedback::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ItemFeedback::Table, ItemFeedback::FeedbackId)
                            .to(Feedback::Table, Feedback::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ItemFeedback::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Feedback::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    AnalysisId,
    ConsultationId,
    UserId,
    Rating,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ItemFeedback {
    Table,
    FeedbackId,
    Position,
    Code,
    Helpful,
}

#[derive(DeriveIden)]
enum Analyses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
