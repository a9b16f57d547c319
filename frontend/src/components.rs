//! Presentational widgets: they receive data and render it, reading only the language context.

pub mod choice_fields;
pub mod header;
pub mod improvement_item;
pub mod kpi_card;
pub mod kpi_trend;
pub mod report_view;
pub mod score_card;
pub mod score_trend;
pub mod stage_list;
pub mod status_badge;
pub mod transcript_view;
