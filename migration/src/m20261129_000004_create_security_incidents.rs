//! `security_incidents`: secrets the scanner found in logs or stored error messages (never the
//! secret itself, only which one) — the source of the key-exposure KPI.

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Creates `security_incidents`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_create_security_incidents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |name: SecurityIncidents, len: u32| {
            ColumnDef::new(name).string_len(len).not_null().to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SecurityIncidents::Table)
                    .col(text(SecurityIncidents::Id, 36).primary_key())
                    .col(
                        ColumnDef::new(SecurityIncidents::At)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(SecurityIncidents::Kind, 32))
                    .col(text(SecurityIncidents::Source, 32))
                    .col(text(SecurityIncidents::Detail, 128))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_security_incidents_at",
            SecurityIncidents::Table,
            &[SecurityIncidents::At],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SecurityIncidents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum SecurityIncidents {
    Table,
    Id,
    At,
    Kind,
    Source,
    Detail,
}
