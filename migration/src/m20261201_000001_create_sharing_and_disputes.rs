//! `share_links`: read-only links to a report for people without an account (only the token's
//! SHA-256 is stored), with expiry and revocation; `acknowledgements`: a counselor's "I have read
//! this report"; `item_disputes`: a counselor's objection to one improvement item, with a reason,
//! which a manager accepts or rejects.

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Creates `share_links`, `acknowledgements` and `item_disputes`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_create_sharing_and_disputes"
    }
}

fn id_col<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().to_owned()
}

fn cascade<T: IntoIden + Clone + 'static, C: IntoIden + 'static, R: IntoIden + 'static>(
    table: T,
    column: C,
    to: R,
    to_column: Id,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ShareLinks::Table)
                    .col(id_col(ShareLinks::Id).primary_key().to_owned())
                    .col(id_col(ShareLinks::ConsultationId))
                    .col(id_col(ShareLinks::CreatedBy))
                    .col(
                        ColumnDef::new(ShareLinks::TokenHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ShareLinks::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ShareLinks::ExpiresAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ShareLinks::RevokedAt).big_integer().null())
                    .col(
                        ColumnDef::new(ShareLinks::ViewCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(ShareLinks::LastViewedAt)
                            .big_integer()
                            .null(),
                    )
                    .foreign_key(&mut cascade(
                        ShareLinks::Table,
                        ShareLinks::ConsultationId,
                        Consultations::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut cascade(
                        ShareLinks::Table,
                        ShareLinks::CreatedBy,
                        Users::Table,
                        Id::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut token = Index::create();
        token
            .name("idx_share_links_token")
            .table(ShareLinks::Table)
            .col(ShareLinks::TokenHash)
            .unique();
        manager.create_index(token.to_owned()).await?;
        create_index(
            manager,
            "idx_share_links_consultation",
            ShareLinks::Table,
            &[ShareLinks::ConsultationId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Acknowledgements::Table)
                    .col(id_col(Acknowledgements::Id).primary_key().to_owned())
                    .col(id_col(Acknowledgements::AnalysisId))
                    .col(id_col(Acknowledgements::ConsultationId))
                    .col(id_col(Acknowledgements::UserId))
                    .col(
                        ColumnDef::new(Acknowledgements::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(
                        Acknowledgements::Table,
                        Acknowledgements::AnalysisId,
                        Analyses::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut cascade(
                        Acknowledgements::Table,
                        Acknowledgements::ConsultationId,
                        Consultations::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut cascade(
                        Acknowledgements::Table,
                        Acknowledgements::UserId,
                        Users::Table,
                        Id::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut one = Index::create();
        one.name("idx_acknowledgements_analysis_user")
            .table(Acknowledgements::Table)
            .col(Acknowledgements::AnalysisId)
            .col(Acknowledgements::UserId)
            .unique();
        manager.create_index(one.to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(ItemDisputes::Table)
                    .col(id_col(ItemDisputes::Id).primary_key().to_owned())
                    .col(id_col(ItemDisputes::AnalysisId))
                    .col(id_col(ItemDisputes::ConsultationId))
                    .col(id_col(ItemDisputes::UserId))
                    .col(
                        ColumnDef::new(ItemDisputes::Position)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ItemDisputes::Code).string_len(64).not_null())
                    .col(
                        ColumnDef::new(ItemDisputes::ItemTitle)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ItemDisputes::Reason).text().not_null())
                    .col(
                        ColumnDef::new(ItemDisputes::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ItemDisputes::Resolution).text().null())
                    .col(
                        ColumnDef::new(ItemDisputes::ResolvedBy)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ItemDisputes::ResolvedAt)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ItemDisputes::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(
                        ItemDisputes::Table,
                        ItemDisputes::AnalysisId,
                        Analyses::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut cascade(
                        ItemDisputes::Table,
                        ItemDisputes::ConsultationId,
                        Consultations::Table,
                        Id::Id,
                    ))
                    .foreign_key(&mut cascade(
                        ItemDisputes::Table,
                        ItemDisputes::UserId,
                        Users::Table,
                        Id::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut item = Index::create();
        item.name("idx_item_disputes_analysis_position")
            .table(ItemDisputes::Table)
            .col(ItemDisputes::AnalysisId)
            .col(ItemDisputes::Position)
            .unique();
        manager.create_index(item.to_owned()).await?;
        create_index(
            manager,
            "idx_item_disputes_status_created",
            ItemDisputes::Table,
            &[ItemDisputes::Status, ItemDisputes::CreatedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ItemDisputes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Acknowledgements::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ShareLinks::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ShareLinks {
    Table,
    Id,
    ConsultationId,
    CreatedBy,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    ViewCount,
    LastViewedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Acknowledgements {
    Table,
    Id,
    AnalysisId,
    ConsultationId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ItemDisputes {
    Table,
    Id,
    AnalysisId,
    ConsultationId,
    UserId,
    Position,
    Code,
    ItemTitle,
    Reason,
    Status,
    Resolution,
    ResolvedBy,
    ResolvedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Analyses {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Consultations {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Id {
    Id,
}
