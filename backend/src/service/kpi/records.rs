//! KPIs read straight off the product's records over `[from_ms, to_ms)`:
//!
//! * analysis quality (sheet §3.1, §4.1) from `analyses`, `consultations` and `feedback`: average
//!   result length, the share of analyses with improvement items and their average number, the
//!   re-analysis rate, and counselors' average rating;
//! * AI API efficiency (§3.2) from `llm_calls`: HTTP success rate, retry rate, average latency,
//!   calls per day;
//! * storage (§5.1) from `storage_events`: upload and download success rates;
//! * managers' surveys (§3.1, §4.1, §4.2) from `surveys`: satisfaction, NPS, time saved, perceived
//!   quality.
//!
//! Statements are the same SQL on SQLite and PostgreSQL (epoch-millisecond columns; averages cast
//! to `DOUBLE PRECISION`, which PostgreSQL would otherwise return as `NUMERIC`).

use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement};

/// Analysis-quality figures.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisFigures {
    /// Analyses stored in the range.
    pub analyses: i64,
    /// Average `result_chars` (분석 결과 길이).
    pub avg_result_chars: Option<f64>,
    /// Analyses with at least one improvement item.
    pub with_improvements: i64,
    /// Average improvement items per analysis (평균 개선 항목 수).
    pub avg_improvement_items: Option<f64>,
    /// Uploads in the range.
    pub uploads: i64,
    /// Of those, re-analyses (same file again, or `reanalyze`).
    pub reanalyses: i64,
    /// Ratings given or changed in the range.
    pub ratings: i64,
    /// Their average, 1-5 (사용자 만족도).
    pub avg_rating: Option<f64>,
}

impl AnalysisFigures {
    /// 개선 사항 도출률, percent.
    pub fn improvement_derivation_rate(&self) -> Option<f64> {
        percent(self.with_improvements, self.analyses)
    }

    /// 재분석 요청률, percent.
    pub fn reanalysis_rate(&self) -> Option<f64> {
        percent(self.reanalyses, self.uploads)
    }
}

/// AI API figures.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmFigures {
    /// Calls started in the range.
    pub calls: i64,
    /// Calls answered with HTTP 2xx (an answer that then failed validation still counts).
    pub http_ok: i64,
    /// Calls that needed at least one retry.
    pub retried: i64,
    /// Average latency, retries and waits included, in milliseconds.
    pub avg_latency_ms: Option<f64>,
}

impl LlmFigures {
    /// API 호출 성공률, percent.
    pub fn success_rate(&self) -> Option<f64> {
        percent(self.http_ok, self.calls)
    }

    /// API 재시도율, percent.
    pub fn retry_rate(&self) -> Option<f64> {
        percent(self.retried, self.calls)
    }

    /// 일일 API 호출 수 over a range of `days` days.
    pub fn calls_per_day(&self, days: f64) -> Option<f64> {
        (days > 0.0).then(|| self.calls as f64 / days)
    }
}

/// Storage figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageFigures {
    /// Uploads to storage.
    pub uploads: i64,
    /// Of those, successful.
    pub uploads_ok: i64,
    /// Downloads from storage.
    pub downloads: i64,
    /// Of those, successful.
    pub downloads_ok: i64,
}

impl StorageFigures {
    /// 업로드 성공률, percent.
    pub fn upload_success_rate(&self) -> Option<f64> {
        percent(self.uploads_ok, self.uploads)
    }

    /// 파일 다운로드 성공률, percent.
    pub fn download_success_rate(&self) -> Option<f64> {
        percent(self.downloads_ok, self.downloads)
    }
}

/// Survey figures (answers given or changed in the range).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyFigures {
    /// Answers.
    pub answers: i64,
    /// Average satisfaction, 1-5.
    pub avg_satisfaction: Option<f64>,
    /// Average would-recommend answer, 0-10 (the sheet's "7/10 이상").
    pub avg_nps_answer: Option<f64>,
    /// Answers of 9-10.
    pub promoters: i64,
    /// Answers of 0-6.
    pub detractors: i64,
    /// Average time saved, percent.
    pub avg_time_saved_pct: Option<f64>,
    /// Average perceived quality, 1-5.
    pub avg_quality: Option<f64>,
}

impl SurveyFigures {
    /// The net promoter score, -100..=100 (promoters minus detractors, in percent).
    pub fn net_promoter_score(&self) -> Option<f64> {
        percent(self.promoters - self.detractors, self.answers)
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

async fn one_row<C: ConnectionTrait>(conn: &C, sql: String) -> Result<QueryResult, DbErr> {
    conn.query_one(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("aggregate".into()))
}

fn count(row: &QueryResult, column: &str) -> Result<i64, DbErr> {
    Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0))
}

/// Computes [`AnalysisFigures`] over `[from_ms, to_ms)`.
#[tracing::instrument(skip(conn))]
pub async fn analysis_figures<C: ConnectionTrait>(
    conn: &C,
    from_ms: i64,
    to_ms: i64,
) -> Result<AnalysisFigures, DbErr> {
    // Bounds are integers from our own code, inlined: one statement text for both databases.
    let row = one_row(
        conn,
        format!(
            "SELECT \
               (SELECT COUNT(*) FROM analyses WHERE created_at >= {from_ms} AND created_at < {to_ms}) AS analyses, \
               (SELECT CAST(AVG(result_chars) AS DOUBLE PRECISION) FROM analyses WHERE created_at >= {from_ms} AND created_at < {to_ms}) AS avg_chars, \
               (SELECT COUNT(*) FROM analyses WHERE improvement_count > 0 AND created_at >= {from_ms} AND created_at < {to_ms}) AS with_items, \
               (SELECT CAST(AVG(improvement_count) AS DOUBLE PRECISION) FROM analyses WHERE created_at >= {from_ms} AND created_at < {to_ms}) AS avg_items, \
               (SELECT COUNT(*) FROM consultations WHERE created_at >= {from_ms} AND created_at < {to_ms}) AS uploads, \
               (SELECT COUNT(*) FROM consultations WHERE reanalysis_of IS NOT NULL AND created_at >= {from_ms} AND created_at < {to_ms}) AS reanalyses, \
               (SELECT COUNT(*) FROM feedback WHERE updated_at >= {from_ms} AND updated_at < {to_ms}) AS ratings, \
               (SELECT CAST(AVG(rating) AS DOUBLE PRECISION) FROM feedback WHERE updated_at >= {from_ms} AND updated_at < {to_ms}) AS avg_rating"
        ),
    )
    .await?;
    Ok(AnalysisFigures {
        analyses: count(&row, "analyses")?,
        avg_result_chars: row.try_get("", "avg_chars")?,
        with_improvements: count(&row, "with_items")?,
        avg_improvement_items: row.try_get("", "avg_items")?,
        uploads: count(&row, "uploads")?,
        reanalyses: count(&row, "reanalyses")?,
        ratings: count(&row, "ratings")?,
        avg_rating: row.try_get("", "avg_rating")?,
    })
}

/// Computes [`LlmFigures`] over `[from_ms, to_ms)`.
#[tracing::instrument(skip(conn))]
pub async fn llm_figures<C: ConnectionTrait>(
    conn: &C,
    from_ms: i64,
    to_ms: i64,
) -> Result<LlmFigures, DbErr> {
    let row = one_row(
        conn,
        format!(
            "SELECT COUNT(*) AS calls, \
               SUM(CASE WHEN http_status >= 200 AND http_status < 300 THEN 1 ELSE 0 END) AS http_ok, \
               SUM(CASE WHEN retries > 0 THEN 1 ELSE 0 END) AS retried, \
               CAST(AVG(latency_ms) AS DOUBLE PRECISION) AS avg_latency \
             FROM llm_calls WHERE started_at >= {from_ms} AND started_at < {to_ms}"
        ),
    )
    .await?;
    Ok(LlmFigures {
        calls: count(&row, "calls")?,
        http_ok: count(&row, "http_ok")?,
        retried: count(&row, "retried")?,
        avg_latency_ms: row.try_get("", "avg_latency")?,
    })
}

/// Computes [`StorageFigures`] over `[from_ms, to_ms)`.
#[tracing::instrument(skip(conn))]
pub async fn storage_figures<C: ConnectionTrait>(
    conn: &C,
    from_ms: i64,
    to_ms: i64,
) -> Result<StorageFigures, DbErr> {
    let row = one_row(
        conn,
        format!(
            "SELECT \
               SUM(CASE WHEN op = 'upload' THEN 1 ELSE 0 END) AS uploads, \
               SUM(CASE WHEN op = 'upload' AND ok THEN 1 ELSE 0 END) AS uploads_ok, \
               SUM(CASE WHEN op = 'download' THEN 1 ELSE 0 END) AS downloads, \
               SUM(CASE WHEN op = 'download' AND ok THEN 1 ELSE 0 END) AS downloads_ok \
             FROM storage_events WHERE at >= {from_ms} AND at < {to_ms}"
        ),
    )
    .await?;
    Ok(StorageFigures {
        uploads: count(&row, "uploads")?,
        uploads_ok: count(&row, "uploads_ok")?,
        downloads: count(&row, "downloads")?,
        downloads_ok: count(&row, "downloads_ok")?,
    })
}

/// Computes [`SurveyFigures`] over answers given or changed in `[from_ms, to_ms)`.
#[tracing::instrument(skip(conn))]
pub async fn survey_figures<C: ConnectionTrait>(
    conn: &C,
    from_ms: i64,
    to_ms: i64,
) -> Result<SurveyFigures, DbErr> {
    let row = one_row(
        conn,
        format!(
            "SELECT COUNT(*) AS answers, \
               CAST(AVG(satisfaction) AS DOUBLE PRECISION) AS satisfaction, \
               CAST(AVG(nps) AS DOUBLE PRECISION) AS nps, \
               SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS promoters, \
               SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS detractors, \
               CAST(AVG(time_saved_pct) AS DOUBLE PRECISION) AS time_saved, \
               CAST(AVG(quality_score) AS DOUBLE PRECISION) AS quality \
             FROM surveys WHERE updated_at >= {from_ms} AND updated_at < {to_ms}"
        ),
    )
    .await?;
    Ok(SurveyFigures {
        answers: count(&row, "answers")?,
        avg_satisfaction: row.try_get("", "satisfaction")?,
        avg_nps_answer: row.try_get("", "nps")?,
        promoters: count(&row, "promoters")?,
        detractors: count(&row, "detractors")?,
        avg_time_saved_pct: row.try_get("", "time_saved")?,
        avg_quality: row.try_get("", "quality")?,
    })
}
