//! Recomputes the derived KPI columns of [`crate::m20261129_000005_add_kpi_followups`] from the
//! records: each analysis' baseline scores and each improvement item's owner, flag time and
//! flagged category score; follow-up decisions are reset, to be settled again by the server.
//! Used by that migration for existing rows and by `consult-coach kpi rebuild` after records
//! were imported or corrected by hand. The same SQL on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// How many of a counselor's first analyses make their baseline.
pub const BASELINE_ANALYSES: i64 = 5;

/// Recomputes every derived KPI column.
pub async fn rebuild<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    fill_baselines(conn).await?;
    conn.execute_unprepared(
        "UPDATE improvement_items SET owner_id = c.owner_id, flagged_at = a.created_at, \
           flagged_score = CASE improvement_items.category WHEN 'attitude' THEN a.attitude_score \
             WHEN 'problem_solving' THEN a.problem_solving_score ELSE a.communication_score END, \
           settled_at = NULL, followed = NULL, improved = NULL \
         FROM analyses a JOIN consultations c ON c.id = a.consultation_id \
         WHERE a.id = improvement_items.analysis_id",
    )
    .await?;
    Ok(())
}

/// Recomputes each analysis' baseline scores (the averages of its counselor's first
/// [`BASELINE_ANALYSES`] analyses, on every later one).
pub async fn fill_baselines<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    let n = BASELINE_ANALYSES;
    let statements = [
        "UPDATE analyses SET baseline_score = NULL, baseline_attitude = NULL, \
           baseline_problem_solving = NULL, baseline_communication = NULL"
            .to_owned(),
        format!(
            "WITH ranked AS ( \
               SELECT a.id AS id, c.owner_id AS owner_id, a.overall_score AS score, \
                 a.attitude_score AS attitude, a.problem_solving_score AS problem_solving, \
                 a.communication_score AS communication, \
                 ROW_NUMBER() OVER (PARTITION BY c.owner_id ORDER BY a.created_at, a.id) AS rn \
               FROM analyses a JOIN consultations c ON c.id = a.consultation_id), \
             baseline AS ( \
               SELECT owner_id, AVG(CAST(score AS DOUBLE PRECISION)) AS base, \
                 AVG(CAST(attitude AS DOUBLE PRECISION)) AS attitude, \
                 AVG(CAST(problem_solving AS DOUBLE PRECISION)) AS problem_solving, \
                 AVG(CAST(communication AS DOUBLE PRECISION)) AS communication FROM ranked \
               WHERE rn <= {n} GROUP BY owner_id HAVING COUNT(*) = {n}) \
             UPDATE analyses SET baseline_score = b.base, baseline_attitude = b.attitude, \
               baseline_problem_solving = b.problem_solving, baseline_communication = b.communication \
             FROM ranked r JOIN baseline b ON b.owner_id = r.owner_id \
             WHERE r.id = analyses.id AND r.rn > {n}"
        ),
    ];
    for sql in statements {
        conn.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// Sets each analysis' `owner_id` to its consultation's owner, where it is missing (rows stored
/// before [`crate::m20261203_000001_add_kpi_covering_indexes`], or imported by hand).
pub async fn fill_analysis_owners<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    conn.execute_unprepared(
        "UPDATE analyses SET owner_id = c.owner_id FROM consultations c \
         WHERE c.id = analyses.consultation_id AND analyses.owner_id IS NULL",
    )
    .await?;
    Ok(())
}

/// Sets each consultation's `used_at` (the first download or share of its report) from the
/// activity events, where it is missing (rows stored before
/// [`crate::m20261204_000001_cover_kpi_live_days`], or imported by hand).
pub async fn fill_report_use<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    conn.execute_unprepared(
        "UPDATE consultations SET used_at = (SELECT MIN(e.at) FROM activity_events e \
           WHERE e.consultation_id = consultations.id AND e.kind IN ('download', 'share')) \
         WHERE used_at IS NULL AND EXISTS (SELECT 1 FROM activity_events e \
           WHERE e.consultation_id = consultations.id AND e.kind IN ('download', 'share'))",
    )
    .await?;
    Ok(())
}
