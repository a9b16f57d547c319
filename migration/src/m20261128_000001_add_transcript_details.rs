//! `transcripts.speaker_mapping` (how speakers were attributed: `labels`, `first_speaker`,
//! `none`) and `transcripts.replaced_chars` (invalid byte sequences replaced while decoding), so a
//! report can say how its speaker roles were found and warn about damaged text.

use sea_orm_migration::prelude::*;

/// Adds the two columns (SQLite alters one column per statement).
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000001_add_transcript_details"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Transcripts::Table)
                    .add_column(
                        ColumnDef::new(Transcripts::SpeakerMapping)
                            .string_len(16)
                            .not_null()
                            .default("labels"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Transcripts::Table)
                    .add_column(
                        ColumnDef::new(Transcripts::ReplacedChars)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Transcripts::ReplacedChars, Transcripts::SpeakerMapping] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Transcripts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Transcripts {
    Table,
    SpeakerMapping,
    ReplacedChars,
}
