//! The `analyses` table.

use sea_orm::entity::prelude::*;

/// One row of `analyses`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "analyses")]
pub struct Model {
    /// Primary key (UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The analysed consultation.
    pub consultation_id: String,
    /// The consultation's owner, so that KPI statements choose a team's analyses from an index;
    /// absent only on rows stored or imported without it (see
    /// `migration::kpi_columns::fill_analysis_owners`).
    pub owner_id: Option<String>,
    /// 1 for the first analysis, increasing with re-analysis.
    pub version: i32,
    /// `local`, `gemini` or `openai`.
    pub analyzer: String,
    /// LLM model, when one was used.
    pub model: Option<String>,
    /// The `shared::report::Report` as JSON.
    #[sea_orm(column_type = "Text")]
    pub report: String,
    /// Overall score 0-100.
    pub overall_score: i16,
    /// Attitude score 0-100.
    pub attitude_score: i16,
    /// Problem-solving score 0-100.
    pub problem_solving_score: i16,
    /// Communication score 0-100.
    pub communication_score: i16,
    /// Number of improvement items.
    pub improvement_count: i16,
    /// Characters of coaching text.
    pub result_chars: i32,
    /// Creation time, epoch ms.
    pub created_at: i64,
    /// How many of the three categories the report explains (category coverage KPI); absent for
    /// analyses stored before it was recorded.
    pub covered_categories: Option<i16>,
    /// The counselor's baseline (average overall score of their first five analyses), on every
    /// analysis after those five.
    pub baseline_score: Option<f64>,
    /// The counselor's attitude baseline, likewise.
    pub baseline_attitude: Option<f64>,
    /// The counselor's problem-solving baseline, likewise.
    pub baseline_problem_solving: Option<f64>,
    /// The counselor's communication baseline, likewise.
    pub baseline_communication: Option<f64>,
}

/// Relations are joined explicitly in services.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
