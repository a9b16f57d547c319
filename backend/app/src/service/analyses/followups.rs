//! The derived columns behind 상담 품질 점수 개선 and 코칭 효과성, kept up to date so the KPIs read
//! them with range aggregates:
//!
//! * a new analysis carries its counselor's baseline ([`baseline_for`]): the average overall
//!   score of their first five analyses, once they have five;
//! * each improvement item carries its counselor, flag time and flagged category score, and once
//!   its coaching window has passed, [`settle_followups`] decides it: *followed* when the
//!   counselor had another (not re-analysed) consultation analysed within the window, *improved*
//!   when followed and none of those triggered its code again or their average score in its
//!   category was higher. `serve` settles due items every ten minutes.

use migration::kpi_columns::BASELINE_ANALYSES;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

use crate::db::statement;
use crate::service::kpi::daycache;

/// Items decided per statement (a large backlog is settled in several).
const SETTLE_BATCH: u64 = 2_000;

/// A counselor's baselines: the average scores of their first five analyses.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Baselines {
    /// Overall score.
    pub overall: Option<f64>,
    /// Attitude.
    pub attitude: Option<f64>,
    /// Problem solving.
    pub problem_solving: Option<f64>,
    /// Communication.
    pub communication: Option<f64>,
}

/// The baselines of `owner_id` for an analysis stored now, when they have at least five
/// analyses (none otherwise).
pub async fn baseline_for<C: ConnectionTrait>(
    conn: &C,
    owner_id: &str,
) -> Result<Baselines, DbErr> {
    let average = |column: &str| {
        format!("CAST(AVG(CAST({column} AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS {column}")
    };
    let row = conn
        .query_one(statement(
            conn.get_database_backend(),
            &format!(
                "SELECT COUNT(*) AS n, {}, {}, {}, {} FROM ( \
                   SELECT a.overall_score, a.attitude_score, a.problem_solving_score, a.communication_score \
                   FROM analyses a JOIN consultations c ON c.id = a.consultation_id \
                   WHERE c.owner_id = ? ORDER BY a.created_at, a.id LIMIT {BASELINE_ANALYSES}) first_ones",
                average("overall_score"),
                average("attitude_score"),
                average("problem_solving_score"),
                average("communication_score"),
            ),
            vec![owner_id.into()],
        ))
        .await?;
    let Some(row) = row.filter(|r| r.try_get::<i64>("", "n").ok() == Some(BASELINE_ANALYSES))
    else {
        return Ok(Baselines::default());
    };
    let get = |column: &str| row.try_get::<Option<f64>>("", column).ok().flatten();
    Ok(Baselines {
        overall: get("overall_score"),
        attitude: get("attitude_score"),
        problem_solving: get("problem_solving_score"),
        communication: get("communication_score"),
    })
}

/// Decides up to one batch of items whose window (`window_ms` after their flag) ended before
/// `now_ms`; returns how many were decided.
pub async fn settle_batch<C: ConnectionTrait>(
    conn: &C,
    now_ms: i64,
    window_ms: i64,
) -> Result<u64, DbErr> {
    let later = |a: &str, c: &str| {
        format!(
            "{c}.owner_id = improvement_items.owner_id AND {c}.reanalysis_of IS NULL \
             AND {a}.consultation_id <> (SELECT consultation_id FROM analyses WHERE id = improvement_items.analysis_id) \
             AND {a}.created_at > improvement_items.flagged_at \
             AND {a}.created_at <= improvement_items.flagged_at + {window_ms}"
        )
    };
    let followed = format!(
        "EXISTS (SELECT 1 FROM analyses a JOIN consultations c ON c.id = a.consultation_id WHERE {})",
        later("a", "c")
    );
    let recurred = format!(
        "EXISTS (SELECT 1 FROM improvement_items i2 JOIN analyses a2 ON a2.id = i2.analysis_id \
           JOIN consultations c2 ON c2.id = a2.consultation_id \
           WHERE i2.code = improvement_items.code AND {})",
        later("a2", "c2")
    );
    let rose = format!(
        "COALESCE((SELECT AVG(CAST(CASE improvement_items.category WHEN 'attitude' THEN a3.attitude_score \
             WHEN 'problem_solving' THEN a3.problem_solving_score ELSE a3.communication_score END AS DOUBLE PRECISION)) \
           FROM analyses a3 JOIN consultations c3 ON c3.id = a3.consultation_id WHERE {}), 0) > improvement_items.flagged_score",
        later("a3", "c3")
    );
    let sql = format!(
        "UPDATE improvement_items SET settled_at = {now_ms}, \
           followed = {followed}, \
           improved = ({followed}) AND (NOT {recurred} OR {rose}) \
         WHERE id IN (SELECT id FROM improvement_items WHERE settled_at IS NULL \
           AND flagged_at IS NOT NULL AND flagged_at + {window_ms} < {now_ms} LIMIT {SETTLE_BATCH})"
    );
    Ok(conn
        .execute(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .rows_affected())
}

/// Decides every item whose window has passed by `now_ms`.
pub async fn settle_followups<C: ConnectionTrait>(
    conn: &C,
    now_ms: i64,
    window_ms: i64,
) -> Result<u64, DbErr> {
    let mut total = 0;
    loop {
        let decided = settle_batch(conn, now_ms, window_ms).await?;
        total += decided;
        if decided < SETTLE_BATCH {
            break;
        }
    }
    if total > 0 {
        // Decided late (the server was down when windows ended): settled days changed.
        let earliest = conn
            .query_one(Statement::from_string(
                conn.get_database_backend(),
                format!("SELECT MIN(flagged_at) AS first FROM improvement_items WHERE settled_at = {now_ms}"),
            ))
            .await?
            .and_then(|r| r.try_get::<Option<i64>>("", "first").ok().flatten());
        if let Some(first) = earliest
            && first + window_ms < now_ms - daycache::SETTLE_MS
        {
            daycache::invalidate_since(conn, first + window_ms).await?;
        }
    }
    Ok(total)
}

/// Recomputes every derived KPI column from the records (after an import or a correction by
/// hand, `consult-coach kpi rebuild`): owners, report use, baselines and flags with the
/// migrations' own SQL, then decides the follow-ups due now and clears the KPI day cache. Returns
/// the follow-ups decided and the cached days cleared.
///
/// Errors: the database's.
pub async fn rebuild_derived_columns(
    db: &DatabaseConnection,
    window_ms: i64,
) -> Result<(u64, u64), DbErr> {
    migration::kpi_columns::fill_analysis_owners(db).await?;
    migration::kpi_columns::fill_report_use(db).await?;
    migration::kpi_columns::rebuild(db).await?;
    let decided = settle_followups(db, shared::clock::now_ms(), window_ms).await?;
    let cleared = daycache::clear(db).await?;
    Ok((decided, cleared))
}

/// Settles the follow-ups due now, logging the outcome (the periodic task's body).
pub async fn settle_due(db: &DatabaseConnection, window_ms: i64) {
    match settle_followups(db, shared::clock::now_ms(), window_ms).await {
        Ok(0) => {}
        Ok(decided) => tracing::info!(decided, "coaching follow-ups decided"),
        Err(error) => tracing::warn!(%error, "coaching follow-ups not decided"),
    }
}
