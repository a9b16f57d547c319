//! Reads the product's records into per-day [`DayRecord`]s (additive [`Tally`]s plus each day's
//! distinct uploaders, sessions and sizes), one grouped statement per table, and the few figures
//! that span the whole range ([`Facts`]: first uploads, range sessions, audits).
//!
//! Day records of settled days are cached by [`super::daycache`]; this module always reads the
//! tables.
//!
//! Days are counted in the configured UTC offset: `day = (at + offset) / 86 400 000`. The
//! statements are the same SQL on SQLite and PostgreSQL: epoch-millisecond columns, integers from
//! our own code inlined (day bounds and windows: a bound range made PostgreSQL's generic plan walk
//! the whole period's index, see docs/DESIGN-DECISIONS.md), the team and counselor ids bound as
//! values, and every sum that PostgreSQL would return as `NUMERIC` cast to `DOUBLE PRECISION`.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult, Statement, Value};

use crate::db::statement;
use serde::{Deserialize, Serialize};

use super::tally::{Mean, Tally, file_type_index};

/// Milliseconds per day.
pub const DAY_MS: i64 = 86_400_000;

/// The days looked at before the range, for the rolling weekly and monthly figures.
pub const LOOKBACK_DAYS: i64 = 29;

/// The categories, as column prefixes, in the order of [`Tally::category_change_pct`].
const CATEGORIES: [&str; 3] = ["attitude", "problem_solving", "communication"];

/// Length of a `server_rollups` bucket: 15 minutes, so buckets never straddle a KPI day.
pub const ROLLUP_BUCKET_MS: i64 = 900_000;

/// The sums of server samples, the same over raw samples and when rolling them up.
const SAMPLE_SUMS: &str = "CAST(SUM(requests) AS BIGINT) AS requests, \
   CAST(SUM(request_errors) AS BIGINT) AS errors, \
   CAST(SUM(request_ms_sum) AS DOUBLE PRECISION) AS request_ms, \
   CAST(SUM(ws_attempts) AS BIGINT) AS ws_attempts, CAST(SUM(ws_acked) AS BIGINT) AS ws_acked, \
   COUNT(DISTINCT CASE WHEN role = 'serve' AND health_ok > 0 THEN (at - 1) / 60000 END) AS up_minutes, \
   CAST(SUM(cpu_pct) AS DOUBLE PRECISION) AS cpu, COUNT(cpu_pct) AS cpu_n, \
   CAST(SUM(CASE WHEN mem_total_bytes > 0 THEN rss_bytes * 100.0 / mem_total_bytes END) AS DOUBLE PRECISION) AS mem, \
   SUM(CASE WHEN mem_total_bytes > 0 AND rss_bytes IS NOT NULL THEN 1 ELSE 0 END) AS mem_n, \
   CAST(SUM(queue_length) AS DOUBLE PRECISION) AS queue, COUNT(queue_length) AS queue_n, \
   MAX(db_bytes) AS db_bytes, MAX(queue_bytes) AS queue_bytes";

/// Adds up the server samples of every closed 15-minute bucket not rolled up yet (closed: ended
/// a minute before `now_ms`); returns the buckets written. Idempotent, so several servers may
/// run it at once.
pub async fn roll_up_samples<C: ConnectionTrait>(conn: &C, now_ms: i64) -> Result<u64, DbErr> {
    let b = ROLLUP_BUCKET_MS;
    // A sample is stored at the end of its interval: it belongs to the millisecond before.
    let Some((start, end)) =
        unrolled(conn, "server_rollups", "server_samples", "at - 1", now_ms).await?
    else {
        return Ok(0);
    };
    let sql = format!(
        "INSERT INTO server_rollups (bucket_start, requests, request_errors, request_ms_sum, \
           ws_attempts, ws_acked, up_minutes, cpu_sum, cpu_n, mem_sum, mem_n, queue_sum, queue_n, \
           db_bytes, queue_bytes) \
         SELECT bucket, requests, errors, CAST(request_ms AS BIGINT), ws_attempts, ws_acked, up_minutes, \
           COALESCE(cpu, 0), cpu_n, COALESCE(mem, 0), mem_n, COALESCE(queue, 0), queue_n, db_bytes, queue_bytes \
         FROM (SELECT ((at - 1) / {b}) * {b} AS bucket, {SAMPLE_SUMS} FROM server_samples \
           WHERE at > {start} AND at <= {end} GROUP BY ((at - 1) / {b}) * {b}) sums WHERE true \
         ON CONFLICT (bucket_start) DO NOTHING"
    );
    Ok(conn
        .execute(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .rows_affected())
}

/// Counts the storage events of every closed 15-minute bucket not rolled up yet, per operation
/// (closed: ended a minute before `now_ms`); returns the rows written. Idempotent, so several
/// servers may run it at once. Raw events stay: the rollups only spare the KPI board reading them.
pub async fn roll_up_storage<C: ConnectionTrait>(conn: &C, now_ms: i64) -> Result<u64, DbErr> {
    let b = ROLLUP_BUCKET_MS;
    let Some((start, end)) =
        unrolled(conn, "storage_rollups", "storage_events", "at", now_ms).await?
    else {
        return Ok(0);
    };
    let sql = format!(
        "INSERT INTO storage_rollups (bucket_start, op, events, succeeded) \
         SELECT bucket, op, n, ok \
         FROM (SELECT (at / {b}) * {b} AS bucket, op, COUNT(*) AS n, \
             SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS ok FROM storage_events \
           WHERE at >= {start} AND at < {end} GROUP BY (at / {b}) * {b}, op) sums WHERE true \
         ON CONFLICT (bucket_start, op) DO NOTHING"
    );
    Ok(conn
        .execute(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .rows_affected())
}

/// The closed buckets a rollup table still lacks, `[start, end)`: from the end of its newest
/// bucket (or the bucket of the first raw row, whose time is `moment`) to the last bucket that
/// ended a minute before `now_ms`; `None` when there is nothing to add up.
async fn unrolled<C: ConnectionTrait>(
    conn: &C,
    rollups: &str,
    raw: &str,
    moment: &str,
    now_ms: i64,
) -> Result<Option<(i64, i64)>, DbErr> {
    let b = ROLLUP_BUCKET_MS;
    let start = match single(
        conn,
        &format!("SELECT MAX(bucket_start) AS v FROM {rollups}"),
        Vec::new(),
    )
    .await?
    {
        Some(last) => last + b,
        None => match single(
            conn,
            &format!("SELECT MIN({moment}) AS v FROM {raw}"),
            Vec::new(),
        )
        .await?
        {
            Some(first) => first.div_euclid(b) * b,
            None => return Ok(None),
        },
    };
    let end = (now_ms - 60_000).div_euclid(b) * b;
    Ok((end > start).then_some((start, end)))
}

/// The integer `v` of a one-row statement, `None` when it is null.
async fn single<C: ConnectionTrait>(
    conn: &C,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<i64>, DbErr> {
    match rows(conn, sql.to_owned(), values).await?.first() {
        Some(row) => row.try_get::<Option<i64>>("", "v"),
        None => Ok(None),
    }
}

/// Where a rollup table's buckets end within `[from, to)`: the end of its last bucket before
/// `to`, held within the range. The rollups count before it, the raw rows from it.
fn rolled_until(rollups: &str, from: i64, to: i64) -> String {
    format!(
        "(SELECT CASE WHEN last IS NULL OR last < {from} THEN {from} \
           WHEN last > {to} THEN {to} ELSE last END \
         FROM (SELECT MAX(bucket_start) + {ROLLUP_BUCKET_MS} AS last FROM {rollups} \
           WHERE bucket_start < {to}) r)"
    )
}

/// Deletes raw server samples older than `keep_ms` that are rolled up already; the first serve
/// sample stays (uptime is counted from it). Returns the rows deleted.
pub async fn prune_samples<C: ConnectionTrait>(
    conn: &C,
    now_ms: i64,
    keep_ms: i64,
) -> Result<u64, DbErr> {
    let Some(rolled_until) = single(
        conn,
        "SELECT MAX(bucket_start) AS v FROM server_rollups",
        Vec::new(),
    )
    .await?
    .map(|last| last + ROLLUP_BUCKET_MS) else {
        return Ok(0);
    };
    let cutoff = (now_ms - keep_ms).min(rolled_until);
    let sql = format!(
        "DELETE FROM server_samples WHERE at <= {cutoff} AND id NOT IN \
           (SELECT id FROM (SELECT id FROM server_samples WHERE role = 'serve' ORDER BY at, id LIMIT 1) first_sample)"
    );
    Ok(conn
        .execute(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .rows_affected())
}

/// A range of whole days in the configured offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day (days since the epoch, in the offset).
    pub first_day: i64,
    /// Last day, inclusive.
    pub last_day: i64,
    /// The offset from UTC, ms.
    pub offset_ms: i64,
}

impl Window {
    /// When `day` starts, epoch ms.
    pub fn day_start(&self, day: i64) -> i64 {
        day * DAY_MS - self.offset_ms
    }

    /// Start of the range, epoch ms.
    pub fn from_ms(&self) -> i64 {
        self.day_start(self.first_day)
    }

    /// End of the range (exclusive), epoch ms.
    pub fn to_ms(&self) -> i64 {
        self.day_start(self.last_day + 1)
    }

    /// Number of days.
    pub fn days(&self) -> i64 {
        self.last_day - self.first_day + 1
    }

    fn day_of(&self, column: &str) -> String {
        format!("(({column} + {}) / {DAY_MS})", self.offset_ms)
    }
}

/// Whose records count: everyone's, a team's or one counselor's. Ids are validated UUIDs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KpiScope {
    /// Members of this team.
    pub team_id: Option<String>,
    /// This user only.
    pub user_id: Option<String>,
}

/// A condition with its bound values: ` AND <column> = ?` and the id, or nothing.
#[derive(Debug, Clone, Default)]
struct Filter {
    sql: String,
    values: Vec<Value>,
}

impl KpiScope {
    /// ` AND <column> …` restricting a user-id column to the scope, or nothing; the ids are bound,
    /// never written into the statement.
    fn users(&self, column: &str) -> Filter {
        match (&self.user_id, &self.team_id) {
            (Some(user), _) => Filter {
                sql: format!(" AND {column} = ?"),
                values: vec![user.clone().into()],
            },
            (None, Some(team)) => Filter {
                sql: format!(" AND {column} IN (SELECT id FROM users WHERE team_id = ?)"),
                values: vec![team.clone().into()],
            },
            (None, None) => Filter::default(),
        }
    }

    /// Whether the whole organisation is in scope.
    pub fn is_everyone(&self) -> bool {
        self.user_id.is_none() && self.team_id.is_none()
    }
}

/// One day's figures for one scope: what [`super::daycache`] stores per settled day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayRecord {
    /// The additive figures.
    pub tally: Tally,
    /// Who uploaded that day.
    pub uploaders: Vec<String>,
    /// Upload events and distinct upload sessions that day.
    pub sessions: (i64, i64),
    /// Largest sampled database size that day, bytes.
    pub db_bytes: Option<i64>,
    /// Largest sampled size of the queue's tables that day, bytes.
    pub queue_bytes: Option<i64>,
    /// Consultations stored by the end of the day (created before it ended).
    pub files_through: i64,
}

/// The figures that span a whole range and are read fresh every time.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Each uploader's first upload day (before the range's end).
    pub first_upload_day: HashMap<String, i64>,
    /// When the first serve process sample was taken, epoch ms.
    pub first_sample_ms: Option<i64>,
    /// Recorded dependency audits before the range's end: (when, vulnerabilities).
    pub audits: Vec<(i64, i64)>,
}

/// Everything the KPIs are computed from.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Per-day figures, including the lookback days before the range.
    pub days: BTreeMap<i64, Tally>,
    /// Distinct uploaders per day, including the lookback days.
    pub uploaders: BTreeMap<i64, HashSet<String>>,
    /// Each uploader's first upload day (before the range's end).
    pub first_upload_day: HashMap<String, i64>,
    /// Upload events and distinct upload sessions per day.
    pub day_sessions: BTreeMap<i64, (i64, i64)>,
    /// Consultations stored before the range.
    pub files_before: i64,
    /// When the first serve process sample was taken, epoch ms.
    pub first_sample_ms: Option<i64>,
    /// Largest sampled database size per day, bytes.
    pub db_bytes: BTreeMap<i64, i64>,
    /// Largest sampled size of the queue's tables per day, bytes.
    pub queue_bytes: BTreeMap<i64, i64>,
    /// Recorded dependency audits before the range's end: (when, vulnerabilities).
    pub audits: Vec<(i64, i64)>,
}

/// Statements slower than this are logged as warnings, with their start.
const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_millis(100);

async fn rows<C: ConnectionTrait>(
    conn: &C,
    sql: String,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, DbErr> {
    let started = std::time::Instant::now();
    let head: String = sql.chars().take(160).collect();
    let rows = conn
        .query_all(statement(conn.get_database_backend(), &sql, values))
        .await;
    let elapsed = started.elapsed();
    if elapsed >= SLOW_STATEMENT {
        tracing::warn!(
            elapsed_ms = elapsed.as_millis(),
            statement = %head,
            "slow KPI statement"
        );
    }
    rows
}

fn int(row: &QueryResult, column: &str) -> Result<i64, DbErr> {
    Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0))
}

fn float(row: &QueryResult, column: &str) -> Result<f64, DbErr> {
    Ok(row.try_get::<Option<f64>>("", column)?.unwrap_or(0.0))
}

fn mean(row: &QueryResult, sum: &str, n: &str) -> Result<Mean, DbErr> {
    Ok(Mean {
        sum: float(row, sum)?,
        n: int(row, n)?,
    })
}

/// Reads every day of `window` for `scope` from the tables; `coaching_window_ms` is how long
/// after a flagged item later consultations decide whether it improved; `files_base` is the
/// number of consultations stored before the window when the caller knows it (else counted).
/// Every day of the window gets a record, empty ones included.
#[tracing::instrument(skip(conn))]
pub async fn read_days<C: ConnectionTrait>(
    conn: &C,
    window: Window,
    scope: &KpiScope,
    coaching_window_ms: i64,
    files_base: Option<i64>,
) -> Result<BTreeMap<i64, DayRecord>, DbErr> {
    let mut days: Days = (window.first_day..=window.last_day)
        .map(|day| (day, DayRecord::default()))
        .collect();
    let reader = Reader {
        conn,
        window,
        scope,
    };
    reader.consultations(&mut days).await?;
    reader.analyses(&mut days).await?;
    reader.coaching(coaching_window_ms, &mut days).await?;
    reader.feedback_and_surveys(&mut days).await?;
    reader.llm_and_storage(&mut days).await?;
    reader.activity(&mut days).await?;
    reader.samples(&mut days).await?;
    reader.security(&mut days).await?;
    // Every statement bounds its days to the window; nothing else belongs to it.
    days.retain(|day, _| (window.first_day..=window.last_day).contains(day));
    let mut stored = match files_base {
        Some(base) => base,
        None => reader.files_before().await?,
    };
    for record in days.values_mut() {
        stored += record.tally.all_uploads();
        record.files_through = stored;
    }
    Ok(days)
}

/// Reads the figures spanning the whole `window` for `scope`.
#[tracing::instrument(skip(conn))]
pub async fn read_facts<C: ConnectionTrait>(
    conn: &C,
    window: Window,
    scope: &KpiScope,
) -> Result<Facts, DbErr> {
    let reader = Reader {
        conn,
        window,
        scope,
    };
    let mut facts = Facts::default();
    reader.first_uploads(&mut facts).await?;
    reader.first_sample(&mut facts).await?;
    reader.audits(&mut facts).await?;
    Ok(facts)
}

impl Records {
    /// Puts day records (which must cover the day before `window` and the lookback days) and the
    /// range's facts together for [`super::evaluate`].
    pub fn assemble(days: BTreeMap<i64, DayRecord>, facts: Facts, window: Window) -> Self {
        let files_before = days
            .range(..window.first_day)
            .next_back()
            .map_or(0, |(_, d)| d.files_through);
        let mut records = Self {
            first_upload_day: facts.first_upload_day,
            first_sample_ms: facts.first_sample_ms,
            audits: facts.audits,
            files_before,
            ..Self::default()
        };
        for (day, record) in days {
            if !record.uploaders.is_empty() {
                records
                    .uploaders
                    .insert(day, record.uploaders.into_iter().collect());
            }
            if record.sessions != (0, 0) {
                records.day_sessions.insert(day, record.sessions);
            }
            if let Some(bytes) = record.db_bytes {
                records.db_bytes.insert(day, bytes);
            }
            if let Some(bytes) = record.queue_bytes {
                records.queue_bytes.insert(day, bytes);
            }
            records.days.insert(day, record.tally);
        }
        records
    }
}

/// Day records by day.
type Days = BTreeMap<i64, DayRecord>;

/// The record of a row's `day` column.
fn day_of_row<'d>(days: &'d mut Days, row: &QueryResult) -> Result<&'d mut DayRecord, DbErr> {
    Ok(days.entry(int(row, "day")?).or_default())
}

/// The tally of a row's `day` column.
fn tally_of<'d>(days: &'d mut Days, row: &QueryResult) -> Result<&'d mut Tally, DbErr> {
    Ok(&mut day_of_row(days, row)?.tally)
}

/// Keeps the larger of a known size and a new one.
fn keep_max(known: &mut Option<i64>, bytes: i64) {
    *known = Some(known.map_or(bytes, |k| k.max(bytes)));
}

/// Reads one scope's records over one window.
struct Reader<'a, C> {
    conn: &'a C,
    window: Window,
    scope: &'a KpiScope,
}

impl<C: ConnectionTrait> Reader<'_, C> {
    async fn consultations(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w, scope) = (self.conn, self.window, self.scope);
        let (from, to) = (w.from_ms(), w.to_ms());
        let filter = scope.users("owner_id");
        let sql = format!(
            "SELECT {day} AS day, file_type, COUNT(*) AS uploads, \
               SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed, \
               SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed, \
               CAST(SUM(CASE WHEN status = 'completed' THEN completed_at - created_at END) AS DOUBLE PRECISION) AS processing, \
               SUM(CASE WHEN status = 'completed' AND completed_at IS NOT NULL THEN 1 ELSE 0 END) AS processing_n, \
               CAST(SUM(processing_started_at - created_at) AS DOUBLE PRECISION) AS wait, \
               COUNT(processing_started_at) AS wait_n, \
               SUM(CASE WHEN reanalysis_of IS NOT NULL THEN 1 ELSE 0 END) AS reanalyses \
             FROM consultations WHERE created_at >= {from} AND created_at < {to}{users} \
             GROUP BY {day}, file_type",
            day = w.day_of("created_at"),
            users = filter.sql,
        );
        for row in rows(conn, sql, filter.values).await? {
            let file_type: String = row.try_get("", "file_type")?;
            let Some(i) = file_type_index(&file_type) else {
                continue;
            };
            let tally = tally_of(days, &row)?;
            tally.uploads[i] += int(&row, "uploads")?;
            tally.completed[i] += int(&row, "completed")?;
            tally.failed[i] += int(&row, "failed")?;
            tally.processing_ms[i] += mean(&row, "processing", "processing_n")?;
            tally.queue_wait_ms += mean(&row, "wait", "wait_n")?;
            tally.reanalyses += int(&row, "reanalyses")?;
        }
        // Reports used: downloaded or shared at least once (`used_at`, stamped by the first).
        let filter = scope.users("c.owner_id");
        let sql = format!(
            "SELECT {day} AS day, COUNT(*) AS completed, COUNT(c.used_at) AS used \
             FROM consultations c WHERE c.status = 'completed' AND c.completed_at >= {from} \
               AND c.completed_at < {to}{users} GROUP BY {day}",
            day = w.day_of("c.completed_at"),
            users = filter.sql,
        );
        for row in rows(conn, sql, filter.values).await? {
            let tally = tally_of(days, &row)?;
            tally.completed_reports += int(&row, "completed")?;
            tally.utilised_reports += int(&row, "used")?;
        }
        Ok(())
    }

    /// Consultations stored before the window.
    async fn files_before(&self) -> Result<i64, DbErr> {
        let filter = self.scope.users("owner_id");
        let sql = format!(
            "SELECT COUNT(*) AS v FROM consultations WHERE created_at < {}{}",
            self.window.from_ms(),
            filter.sql,
        );
        Ok(single(self.conn, &sql, filter.values).await?.unwrap_or(0))
    }

    /// Per-day analyses and, for each analysis after a counselor's first five, its change against
    /// their baseline (the average overall score of those five, stored with the analysis): 상담
    /// 품질 점수 개선. One statement that reads only a covering index (`idx_analyses_kpi`, or
    /// `idx_analyses_owner_kpi` for a scope, on the analysis' own `owner_id`): the table's rows
    /// hold the report JSON, whose overflow pages SQLite would otherwise follow for each analysis.
    async fn analyses(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w, scope) = (self.conn, self.window, self.scope);
        let filter = scope.users("a.owner_id");
        let sql = format!(
            "SELECT {day} AS day, COUNT(*) AS analyses, \
               CAST(SUM(a.result_chars) AS DOUBLE PRECISION) AS chars, \
               SUM(CASE WHEN a.improvement_count > 0 THEN 1 ELSE 0 END) AS with_items, \
               CAST(SUM(a.improvement_count) AS DOUBLE PRECISION) AS items, \
               COUNT(a.covered_categories) AS coverage_known, \
               SUM(CASE WHEN a.covered_categories = 3 THEN 1 ELSE 0 END) AS covered_all, \
               CAST(SUM(CASE WHEN a.baseline_score > 0 \
                 THEN (a.overall_score - a.baseline_score) * 100.0 / a.baseline_score END) \
                 AS DOUBLE PRECISION) AS change, \
               COUNT(CASE WHEN a.baseline_score > 0 THEN 1 END) AS changes, {categories} \
             FROM analyses a \
             WHERE a.created_at >= {from} AND a.created_at < {to}{owned} GROUP BY {day}",
            day = w.day_of("a.created_at"),
            from = w.from_ms(),
            to = w.to_ms(),
            owned = filter.sql,
            categories = CATEGORIES
                .iter()
                .map(|c| {
                    let known = format!("a.baseline_score > 0 AND a.baseline_{c} > 0");
                    format!(
                        "CAST(SUM(CASE WHEN {known} THEN (a.{c}_score - a.baseline_{c}) * 100.0 / a.baseline_{c} END) \
                         AS DOUBLE PRECISION) AS {c}_change, COUNT(CASE WHEN {known} THEN 1 END) AS {c}_n"
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        );
        for row in rows(conn, sql, filter.values).await? {
            let tally = tally_of(days, &row)?;
            let analyses = int(&row, "analyses")?;
            tally.analyses += analyses;
            tally.result_chars += Mean {
                sum: float(&row, "chars")?,
                n: analyses,
            };
            tally.with_improvements += int(&row, "with_items")?;
            tally.improvement_items += Mean {
                sum: float(&row, "items")?,
                n: analyses,
            };
            tally.coverage_known += int(&row, "coverage_known")?;
            tally.covered_all += int(&row, "covered_all")?;
            tally.score_change_pct += mean(&row, "change", "changes")?;
            for (i, c) in CATEGORIES.iter().enumerate() {
                tally.category_change_pct[i] +=
                    mean(&row, &format!("{c}_change"), &format!("{c}_n"))?;
            }
        }
        Ok(())
    }

    /// Improvement items whose coaching window ended in the range, as decided by
    /// [`crate::service::analyses::followups::settle_followups`]: 코칭 효과성 on the day each window ended.
    async fn coaching(&self, window_ms: i64, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w, scope) = (self.conn, self.window, self.scope);
        let filter = scope.users("owner_id");
        let sql = format!(
            "SELECT {day} AS day, \
               SUM(CASE WHEN followed THEN 1 ELSE 0 END) AS followed, \
               SUM(CASE WHEN improved THEN 1 ELSE 0 END) AS improved \
             FROM improvement_items WHERE settled_at IS NOT NULL \
               AND flagged_at >= {from} AND flagged_at < {to}{users} GROUP BY {day}",
            day = w.day_of(&format!("(flagged_at + {window_ms})")),
            from = w.from_ms() - window_ms,
            to = w.to_ms() - window_ms,
            users = filter.sql,
        );
        for row in rows(conn, sql, filter.values).await? {
            let tally = tally_of(days, &row)?;
            tally.items_followed += int(&row, "followed")?;
            tally.items_improved += int(&row, "improved")?;
        }
        Ok(())
    }

    async fn feedback_and_surveys(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w, scope) = (self.conn, self.window, self.scope);
        let (from, to) = (w.from_ms(), w.to_ms());
        let filter = scope.users("user_id");
        let sql = format!(
            "SELECT {day} AS day, COUNT(*) AS n, CAST(SUM(rating) AS DOUBLE PRECISION) AS rating \
             FROM feedback WHERE updated_at >= {from} AND updated_at < {to}{users} GROUP BY {day}",
            day = w.day_of("updated_at"),
            users = filter.sql,
        );
        for row in rows(conn, sql, filter.values).await? {
            tally_of(days, &row)?.rating += mean(&row, "rating", "n")?;
        }
        // A counselor's own figures have no survey: surveys are managers' answers about their team.
        if scope.user_id.is_some() {
            return Ok(());
        }
        let filter = scope.users("manager_id");
        let sql = format!(
            "SELECT {day} AS day, COUNT(*) AS n, \
               CAST(SUM(satisfaction) AS DOUBLE PRECISION) AS satisfaction, \
               CAST(SUM(nps) AS DOUBLE PRECISION) AS nps, \
               SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS promoters, \
               SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS detractors, \
               CAST(SUM(time_saved_pct) AS DOUBLE PRECISION) AS time_saved, \
               CAST(SUM(quality_score) AS DOUBLE PRECISION) AS quality \
             FROM surveys WHERE updated_at >= {from} AND updated_at < {to}{users} GROUP BY {day}",
            day = w.day_of("updated_at"),
            users = filter.sql,
        );
        for row in rows(conn, sql, filter.values).await? {
            let tally = tally_of(days, &row)?;
            tally.survey_satisfaction += mean(&row, "satisfaction", "n")?;
            tally.survey_nps += mean(&row, "nps", "n")?;
            tally.promoters += int(&row, "promoters")?;
            tally.detractors += int(&row, "detractors")?;
            tally.survey_time_saved += mean(&row, "time_saved", "n")?;
            tally.survey_quality += mean(&row, "quality", "n")?;
        }
        Ok(())
    }

    async fn llm_and_storage(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w, scope) = (self.conn, self.window, self.scope);
        let (from, to) = (w.from_ms(), w.to_ms());
        let filter = scope.users("c.owner_id");
        let consultations = if scope.is_everyone() {
            String::new()
        } else {
            format!(
                " AND EXISTS (SELECT 1 FROM consultations c WHERE c.id = llm_calls.consultation_id{})",
                filter.sql
            )
        };
        let sql = format!(
            "SELECT {day} AS day, COUNT(*) AS calls, \
               SUM(CASE WHEN http_status >= 200 AND http_status < 300 THEN 1 ELSE 0 END) AS ok, \
               SUM(CASE WHEN retries > 0 THEN 1 ELSE 0 END) AS retried, \
               CAST(SUM(latency_ms) AS DOUBLE PRECISION) AS latency, COUNT(latency_ms) AS latency_n \
             FROM llm_calls WHERE started_at >= {from} AND started_at < {to}{consultations} \
             GROUP BY {day}",
            day = w.day_of("started_at"),
        );
        for row in rows(conn, sql, filter.values).await? {
            let tally = tally_of(days, &row)?;
            tally.llm_calls += int(&row, "calls")?;
            tally.llm_ok += int(&row, "ok")?;
            tally.llm_retried += int(&row, "retried")?;
            tally.llm_latency_ms += mean(&row, "latency", "latency_n")?;
        }
        // The rollups up to where they end, then the raw events; grouped by operation too (one
        // conditional sum per row instead of four). A day may have a row from each part.
        let rolled_until = rolled_until("storage_rollups", from, to);
        let sql = format!(
            "SELECT {bucket_day} AS day, op, CAST(SUM(events) AS BIGINT) AS n, \
               CAST(SUM(succeeded) AS BIGINT) AS ok FROM storage_rollups \
             WHERE bucket_start >= {from} AND bucket_start < {rolled_until} GROUP BY {bucket_day}, op \
             UNION ALL \
             SELECT {day} AS day, op, COUNT(*) AS n, SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS ok \
             FROM storage_events WHERE at >= {rolled_until} AND at < {to} GROUP BY {day}, op",
            bucket_day = w.day_of("bucket_start"),
            day = w.day_of("at"),
        );
        for row in rows(conn, sql, Vec::new()).await? {
            let op: String = row.try_get("", "op")?;
            let (n, ok) = (int(&row, "n")?, int(&row, "ok")?);
            let tally = tally_of(days, &row)?;
            match op.as_str() {
                "upload" => {
                    tally.storage_uploads += n;
                    tally.storage_uploads_ok += ok;
                }
                "download" => {
                    tally.storage_downloads += n;
                    tally.storage_downloads_ok += ok;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Each day's uploaders, uploads and distinct upload sessions, from one statement grouped by
    /// day and uploader. A session belongs to one user (it is their login's token family or
    /// their API key), so the distinct sessions of a day are the sum of its uploaders'.
    async fn activity(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w, scope) = (self.conn, self.window, self.scope);
        let filter = scope.users("user_id");
        let sql = format!(
            "SELECT {day} AS day, user_id, COUNT(*) AS uploads, \
               COUNT(DISTINCT session_id) AS sessions FROM activity_events \
             WHERE kind = 'upload' AND at >= {from} AND at < {to}{users} GROUP BY {day}, user_id",
            day = w.day_of("at"),
            from = w.from_ms(),
            to = w.to_ms(),
            users = filter.sql,
        );
        // Uploaders in id order per day (as cached).
        let mut found = Vec::new();
        for row in rows(conn, sql, filter.values).await? {
            let day = int(&row, "day")?;
            let user: String = row.try_get("", "user_id")?;
            found.push((day, user, int(&row, "uploads")?, int(&row, "sessions")?));
        }
        found.sort_unstable();
        for (day, user, uploads, sessions) in found {
            let record = days.entry(day).or_default();
            record.uploaders.push(user);
            record.sessions.0 += uploads;
            record.sessions.1 += sessions;
        }
        Ok(())
    }

    /// Each uploader's first upload before the window's end: one index lookup per user (on
    /// `activity_events (user_id, at)`) instead of grouping every upload ever made.
    async fn first_uploads(&self, facts: &mut Facts) -> Result<(), DbErr> {
        let w = self.window;
        let filter = self.scope.users("u.id");
        let sql = format!(
            "SELECT u.id AS user_id, (SELECT MIN(e.at) FROM activity_events e \
               WHERE e.user_id = u.id AND e.kind = 'upload' AND e.at < {to}) AS first_at \
             FROM users u WHERE 1 = 1{users}",
            to = w.to_ms(),
            users = filter.sql,
        );
        for row in rows(self.conn, sql, filter.values).await? {
            let user: String = row.try_get("", "user_id")?;
            if let Some(first) = row.try_get::<Option<i64>>("", "first_at")? {
                facts
                    .first_upload_day
                    .insert(user, (first + w.offset_ms).div_euclid(DAY_MS));
            }
        }
        Ok(())
    }

    /// Server samples: 15-minute rollups where they exist, the raw samples after them.
    async fn samples(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w) = (self.conn, self.window);
        let (from, to) = (w.from_ms(), w.to_ms());
        let rolled_until = rolled_until("server_rollups", from, to);
        let sql = format!(
            "SELECT {day} AS day, CAST(SUM(requests) AS BIGINT) AS requests, \
               CAST(SUM(request_errors) AS BIGINT) AS errors, \
               CAST(SUM(request_ms_sum) AS DOUBLE PRECISION) AS request_ms, \
               CAST(SUM(ws_attempts) AS BIGINT) AS ws_attempts, CAST(SUM(ws_acked) AS BIGINT) AS ws_acked, \
               CAST(SUM(up_minutes) AS BIGINT) AS up_minutes, \
               CAST(SUM(cpu_sum) AS DOUBLE PRECISION) AS cpu, CAST(SUM(cpu_n) AS BIGINT) AS cpu_n, \
               CAST(SUM(mem_sum) AS DOUBLE PRECISION) AS mem, CAST(SUM(mem_n) AS BIGINT) AS mem_n, \
               CAST(SUM(queue_sum) AS DOUBLE PRECISION) AS queue, CAST(SUM(queue_n) AS BIGINT) AS queue_n, \
               MAX(db_bytes) AS db_bytes, MAX(queue_bytes) AS queue_bytes \
             FROM server_rollups WHERE bucket_start >= {from} AND bucket_start < {rolled_until} \
             GROUP BY {day} \
             UNION ALL \
             SELECT {raw_day} AS day, {SAMPLE_SUMS} FROM server_samples \
             WHERE at > {rolled_until} AND at <= {to} GROUP BY {raw_day}",
            day = w.day_of("bucket_start"),
            // A sample is stored at the end of its interval: it belongs to the millisecond before.
            raw_day = w.day_of("(at - 1)"),
        );
        // A day may have a row from each part: the sums add up.
        for row in rows(conn, sql, Vec::new()).await? {
            let record = day_of_row(days, &row)?;
            if let Some(bytes) = row.try_get::<Option<i64>>("", "db_bytes")? {
                keep_max(&mut record.db_bytes, bytes);
            }
            if let Some(bytes) = row.try_get::<Option<i64>>("", "queue_bytes")? {
                keep_max(&mut record.queue_bytes, bytes);
            }
            let tally = &mut record.tally;
            tally.requests += int(&row, "requests")?;
            tally.request_errors += int(&row, "errors")?;
            tally.request_ms += float(&row, "request_ms")?;
            tally.ws_attempts += int(&row, "ws_attempts")?;
            tally.ws_acked += int(&row, "ws_acked")?;
            tally.up_minutes += int(&row, "up_minutes")?;
            tally.cpu_pct += mean(&row, "cpu", "cpu_n")?;
            tally.mem_pct += mean(&row, "mem", "mem_n")?;
            tally.queue_length += mean(&row, "queue", "queue_n")?;
        }
        Ok(())
    }

    /// When the first serve process sample was taken.
    async fn first_sample(&self, facts: &mut Facts) -> Result<(), DbErr> {
        facts.first_sample_ms = single(
            self.conn,
            "SELECT MIN(at) AS v FROM server_samples WHERE role = 'serve'",
            Vec::new(),
        )
        .await?;
        Ok(())
    }

    /// Successful backups and key exposures per day, in one statement.
    async fn security(&self, days: &mut Days) -> Result<(), DbErr> {
        let (conn, w) = (self.conn, self.window);
        let (from, to) = (w.from_ms(), w.to_ms());
        let sql = format!(
            "SELECT {day} AS day, SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS backups_ok, \
               0 AS key_exposures FROM backups WHERE at >= {from} AND at < {to} GROUP BY {day} \
             UNION ALL \
             SELECT {day} AS day, 0 AS backups_ok, COUNT(*) AS key_exposures \
             FROM security_incidents WHERE kind = 'key_exposure' AND at >= {from} AND at < {to} \
             GROUP BY {day}",
            day = w.day_of("at"),
        );
        for row in rows(conn, sql, Vec::new()).await? {
            let tally = tally_of(days, &row)?;
            tally.backups_ok += int(&row, "backups_ok")?;
            tally.key_exposures += int(&row, "key_exposures")?;
        }
        Ok(())
    }

    /// The dependency audits recorded before the window's end.
    async fn audits(&self, facts: &mut Facts) -> Result<(), DbErr> {
        let (conn, w) = (self.conn, self.window);
        let sql = format!(
            "SELECT at, advisories FROM security_audits WHERE at < {} ORDER BY at",
            w.to_ms()
        );
        for row in rows(conn, sql, Vec::new()).await? {
            let at: i64 = row.try_get("", "at")?;
            let advisories: i32 = row.try_get("", "advisories")?;
            facts.audits.push((at, i64::from(advisories)));
        }
        Ok(())
    }
}
/// Rolls up the closed quarter-hours of server samples (pruning raw samples older than
/// `keep_samples_ms`) and of storage events, logging failures (the periodic task's body).
pub async fn roll_up_due(db: &DatabaseConnection, keep_samples_ms: i64) {
    let now = shared::clock::now_ms();
    if let Err(error) = roll_up_samples(db, now).await {
        tracing::warn!(%error, "server samples not rolled up");
    } else if let Err(error) = prune_samples(db, now, keep_samples_ms).await {
        tracing::warn!(%error, "old server samples not pruned");
    }
    if let Err(error) = roll_up_storage(db, now).await {
        tracing::warn!(%error, "storage events not rolled up");
    }
}

/// One process's sample of an interval, to store (see the sampler in `crate::tasks`).
#[derive(Debug, Clone)]
pub struct NewSample {
    /// `host:pid:start`.
    pub process_id: String,
    /// `serve` or `worker`.
    pub role: &'static str,
    /// End of the interval, epoch ms.
    pub at: i64,
    /// Length of the interval, ms.
    pub interval_ms: i64,
    /// API requests.
    pub requests: i64,
    /// API requests that failed with a server error.
    pub request_errors: i64,
    /// Sum of the requests' durations, ms.
    pub request_ms_sum: i64,
    /// Subscription connections attempted.
    pub ws_attempts: i64,
    /// Subscription connections acknowledged.
    pub ws_acked: i64,
    /// Database health checks.
    pub health_checks: i64,
    /// Of which answered.
    pub health_ok: i64,
    /// The process's CPU use, percent of the machine.
    pub cpu_pct: Option<f64>,
    /// Resident memory, bytes.
    pub rss_bytes: Option<i64>,
    /// The machine's memory, bytes.
    pub mem_total_bytes: Option<i64>,
    /// Jobs waiting.
    pub queue_length: Option<i64>,
    /// Size of the database, bytes.
    pub db_bytes: Option<i64>,
    /// Size of the queue's tables, bytes.
    pub queue_bytes: Option<i64>,
}

/// Stores one sample.
///
/// Errors: the database's.
pub async fn record_sample(db: &DatabaseConnection, sample: NewSample) -> Result<(), DbErr> {
    use sea_orm::{ActiveModelTrait, Set};
    crate::entity::server_samples::ActiveModel {
        process_id: Set(sample.process_id),
        role: Set(sample.role.to_owned()),
        at: Set(sample.at),
        interval_ms: Set(sample.interval_ms),
        requests: Set(sample.requests),
        request_errors: Set(sample.request_errors),
        request_ms_sum: Set(sample.request_ms_sum),
        ws_attempts: Set(sample.ws_attempts),
        ws_acked: Set(sample.ws_acked),
        health_checks: Set(sample.health_checks),
        health_ok: Set(sample.health_ok),
        cpu_pct: Set(sample.cpu_pct),
        rss_bytes: Set(sample.rss_bytes),
        mem_total_bytes: Set(sample.mem_total_bytes),
        queue_length: Set(sample.queue_length),
        db_bytes: Set(sample.db_bytes),
        queue_bytes: Set(sample.queue_bytes),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
