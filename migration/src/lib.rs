//! Database migrations, applied in order by `consult-coach migrate` and at start-up.
//!
//! Every timestamp column is `BIGINT` milliseconds since the Unix epoch (UTC): the same arithmetic
//! (`completed_at - created_at`, day buckets) then works unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

pub mod kpi_columns;
mod m20261125_000001_create_core_tables;
mod m20261125_000002_create_storage_events;
mod m20261125_000003_create_accounts;
mod m20261125_000004_create_llm_calls;
mod m20261128_000001_add_transcript_details;
mod m20261128_000002_create_feedback;
mod m20261128_000003_create_surveys;
mod m20261129_000001_create_kpi_sources;
mod m20261129_000002_create_backups;
mod m20261129_000003_create_weekly_reports;
mod m20261129_000004_create_security_incidents;
mod m20261129_000005_add_kpi_followups;
mod m20261129_000006_create_server_rollups;
mod m20261130_000001_create_kpi_day_cache;
mod m20261201_000001_create_sharing_and_disputes;
mod m20261202_000001_add_list_index;
mod m20261203_000001_add_kpi_covering_indexes;
mod m20261204_000001_cover_kpi_live_days;
mod m20261205_000001_create_storage_rollups;
mod support;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_core_tables::Migration),
            Box::new(m20261125_000002_create_storage_events::Migration),
            Box::new(m20261125_000003_create_accounts::Migration),
            Box::new(m20261125_000004_create_llm_calls::Migration),
            Box::new(m20261128_000001_add_transcript_details::Migration),
            Box::new(m20261128_000002_create_feedback::Migration),
            Box::new(m20261128_000003_create_surveys::Migration),
            Box::new(m20261129_000001_create_kpi_sources::Migration),
            Box::new(m20261129_000002_create_backups::Migration),
            Box::new(m20261129_000003_create_weekly_reports::Migration),
            Box::new(m20261129_000004_create_security_incidents::Migration),
            Box::new(m20261129_000005_add_kpi_followups::Migration),
            Box::new(m20261129_000006_create_server_rollups::Migration),
            Box::new(m20261130_000001_create_kpi_day_cache::Migration),
            Box::new(m20261201_000001_create_sharing_and_disputes::Migration),
            Box::new(m20261202_000001_add_list_index::Migration),
            Box::new(m20261203_000001_add_kpi_covering_indexes::Migration),
            Box::new(m20261204_000001_cover_kpi_live_days::Migration),
            Box::new(m20261205_000001_create_storage_rollups::Migration),
        ]
    }
}
