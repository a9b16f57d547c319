//! Daily rollups of the KPI sources: the [`DayRecord`] of every *settled* day (one that ended
//! [`SETTLE_MS`] or more ago) per scope and UTC offset, kept in `kpi_day_cache`. A board reads the
//! settled days from here, computes the missing ones once (and stores them), and reads only the
//! last two days and the range-wide [`Facts`] from the tables. Over a million consultations this
//! turns seconds of scanning into a few indexed reads.
//!
//! **Staying right.** A settled day's figures only change when something late lands on it, and
//! each such writer deletes the rows covering that moment with [`invalidate_at`] (or
//! [`invalidate_since`]):
//! * a job that finishes more than [`SETTLE_MS`] after its upload (processing time, success
//!   and failure count on the upload's day);
//! * a download or share of a report completed on a settled day (utilisation);
//! * coaching follow-ups decided late (the server was down when the window ended);
//! * a counselor moving to another team empties every team's rows ([`invalidate_teams`]);
//! * `consult-coach kpi rebuild` empties the whole cache.
//!
//! Every other source is stamped with the moment it is written (feedback, surveys, LLM calls,
//! storage events, activity, samples, backups, incidents), so it never lands on a settled day.
//! A change racing with a computation of the same day can still be cached stale; the next late
//! change or `kpi rebuild` corrects it.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait, Value};

use super::sources::{
    DAY_MS, DayRecord, KpiScope, LOOKBACK_DAYS, Records, Window, read_days, read_facts,
};
use crate::db::{statement, try_job_lock};

/// How long after its end a day is settled and may be cached.
pub const SETTLE_MS: i64 = 2 * DAY_MS;

/// Days the background warm-up keeps cached for everyone and for each team.
const WARM_DAYS_EVERYONE: i64 = 400;
const WARM_DAYS_TEAM: i64 = 120;

/// Advisory lock of the warm-up, so one of several servers does it.
const WARM_LOCK: i64 = 0x4b50_4957; // "KPIW"

/// The cache key of a scope.
fn scope_key(scope: &KpiScope) -> String {
    match (&scope.user_id, &scope.team_id) {
        (Some(user), _) => format!("user:{user}"),
        (None, Some(team)) => format!("team:{team}"),
        (None, None) => "all".to_owned(),
    }
}

/// The last day (in `offset_ms`) that is settled at `now_ms`: it ended [`SETTLE_MS`] ago or more.
pub fn last_settled_day(offset_ms: i64, now_ms: i64) -> i64 {
    (now_ms - SETTLE_MS + offset_ms).div_euclid(DAY_MS) - 1
}

async fn execute<C: ConnectionTrait>(
    conn: &C,
    sql: String,
    values: Vec<Value>,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute(statement(conn.get_database_backend(), &sql, values))
        .await?
        .rows_affected())
}

/// The cached records of `scope` for days `first..=last`.
async fn cached<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    offset_minutes: i64,
    first: i64,
    last: i64,
) -> Result<BTreeMap<i64, DayRecord>, DbErr> {
    let sql = format!(
        "SELECT day, record FROM kpi_day_cache WHERE scope = ? \
         AND offset_minutes = {offset_minutes} AND day >= {first} AND day <= {last}"
    );
    let mut days = BTreeMap::new();
    for row in conn
        .query_all(statement(
            conn.get_database_backend(),
            &sql,
            vec![key.into()],
        ))
        .await?
    {
        let day: i64 = row.try_get("", "day")?;
        let record: String = row.try_get("", "record")?;
        match serde_json::from_str::<DayRecord>(&record) {
            Ok(record) => {
                days.insert(day, record);
            }
            // Unreadable (written by another version): computed again and overwritten.
            Err(error) => tracing::warn!(day, %error, "unreadable KPI day cache row"),
        }
    }
    Ok(days)
}

/// Stores day records; a row another server wrote meanwhile is overwritten with the same figures.
async fn store<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    window: Window,
    days: &BTreeMap<i64, DayRecord>,
    now_ms: i64,
) -> Result<(), DbErr> {
    let offset_minutes = window.offset_ms / 60_000;
    let rows: Vec<(String, [Value; 2])> = days
        .iter()
        .filter_map(|(day, record)| {
            let json = serde_json::to_string(record).ok()?;
            Some((
                format!(
                    "(?, {offset_minutes}, {day}, {start}, {end}, ?, {now_ms})",
                    start = window.day_start(*day),
                    end = window.day_start(day + 1),
                ),
                [key.into(), json.into()],
            ))
        })
        .collect();
    // Small batches keep every statement well under the databases' parameter and size limits.
    for chunk in rows.chunks(100) {
        let (tuples, values): (Vec<&str>, Vec<[Value; 2]>) = chunk
            .iter()
            .map(|(tuple, values)| (tuple.as_str(), values.clone()))
            .unzip();
        execute(
            conn,
            format!(
                "INSERT INTO kpi_day_cache (scope, offset_minutes, day, day_start, day_end, record, computed_at) \
                 VALUES {} ON CONFLICT (scope, offset_minutes, day) DO UPDATE SET \
                 record = excluded.record, computed_at = excluded.computed_at",
                tuples.join(", ")
            ),
            values.into_iter().flatten().collect(),
        )
        .await?;
    }
    Ok(())
}

/// Everything the KPIs over `window` need for `scope` at `now_ms`: settled days from the cache
/// (computing and storing the missing ones), later days and the range-wide facts from the tables.
#[tracing::instrument(skip(conn))]
pub async fn load_records<C: ConnectionTrait>(
    conn: &C,
    window: Window,
    scope: &KpiScope,
    coaching_window_ms: i64,
    now_ms: i64,
) -> Result<Records, DbErr> {
    let days = load_days(conn, window, scope, coaching_window_ms, now_ms).await?;
    let facts = read_facts(conn, window, scope).await?;
    Ok(Records::assemble(days, facts, window))
}

/// The day records of `window` and its lookback days.
async fn load_days<C: ConnectionTrait>(
    conn: &C,
    window: Window,
    scope: &KpiScope,
    coaching_window_ms: i64,
    now_ms: i64,
) -> Result<BTreeMap<i64, DayRecord>, DbErr> {
    let first = window.first_day - LOOKBACK_DAYS;
    let last = window.last_day;
    let settled = last_settled_day(window.offset_ms, now_ms).min(last);
    let key = scope_key(scope);
    let span = |first_day, last_day| Window {
        first_day,
        last_day,
        offset_ms: window.offset_ms,
    };
    let mut days = BTreeMap::new();
    if first <= settled {
        days = cached(conn, &key, window.offset_ms / 60_000, first, settled).await?;
        let missing: Vec<i64> = (first..=settled)
            .filter(|d| !days.contains_key(d))
            .collect();
        if let (Some(&from), Some(&to)) = (missing.first(), missing.last()) {
            let base = days.get(&(from - 1)).map(|d| d.files_through);
            let mut fresh =
                read_days(conn, span(from, to), scope, coaching_window_ms, base).await?;
            fresh.retain(|day, _| missing.binary_search(day).is_ok());
            store(conn, &key, window, &fresh, now_ms).await?;
            days.append(&mut fresh);
        }
    }
    let live_from = first.max(settled + 1);
    if live_from <= last {
        let base = days.get(&(live_from - 1)).map(|d| d.files_through);
        let mut live =
            read_days(conn, span(live_from, last), scope, coaching_window_ms, base).await?;
        days.append(&mut live);
    }
    Ok(days)
}

/// Forgets the cached days (every scope and offset) that contain the moment `at_ms`, when that
/// day may be settled at `now_ms`; a no-op for recent moments.
pub async fn invalidate_at<C: ConnectionTrait>(
    conn: &C,
    at_ms: i64,
    now_ms: i64,
) -> Result<(), DbErr> {
    // A day containing `at_ms` ends after it, so it cannot be settled yet.
    if at_ms >= now_ms - SETTLE_MS {
        return Ok(());
    }
    execute(
        conn,
        format!("DELETE FROM kpi_day_cache WHERE day_start <= {at_ms} AND day_end > {at_ms}"),
        Vec::new(),
    )
    .await
    .map(|_| ())
}

/// Forgets every cached day that ends after `since_ms`.
pub async fn invalidate_since<C: ConnectionTrait>(conn: &C, since_ms: i64) -> Result<(), DbErr> {
    execute(
        conn,
        format!("DELETE FROM kpi_day_cache WHERE day_end > {since_ms}"),
        Vec::new(),
    )
    .await
    .map(|_| ())
}

/// Forgets every team's cached days (a counselor changed teams: team figures follow members).
pub async fn invalidate_teams<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    execute(
        conn,
        "DELETE FROM kpi_day_cache WHERE scope LIKE 'team:%'".to_owned(),
        Vec::new(),
    )
    .await
    .map(|_| ())
}

/// Empties the cache; returns the rows removed.
pub async fn clear<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    execute(conn, "DELETE FROM kpi_day_cache".to_owned(), Vec::new()).await
}

/// Computes the settled days not cached yet for everyone (the last [`WARM_DAYS_EVERYONE`]) and
/// for each team (the last [`WARM_DAYS_TEAM`]), so that boards are fast from their first view.
pub async fn warm_up(
    db: &DatabaseConnection,
    offset_ms: i64,
    coaching_window_ms: i64,
    now_ms: i64,
) -> Result<(), DbErr> {
    let lock = db.begin().await?;
    if !try_job_lock(&lock, WARM_LOCK).await? {
        return Ok(());
    }
    let last_day = last_settled_day(offset_ms, now_ms);
    let window = |days: i64| Window {
        first_day: last_day - days + 1 + LOOKBACK_DAYS,
        last_day,
        offset_ms,
    };
    load_days(
        db,
        window(WARM_DAYS_EVERYONE),
        &KpiScope::default(),
        coaching_window_ms,
        now_ms,
    )
    .await?;
    let teams = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM teams".to_owned(),
        ))
        .await?;
    for row in teams {
        let team: String = row.try_get("", "id")?;
        let scope = KpiScope {
            team_id: Some(team),
            user_id: None,
        };
        load_days(
            db,
            window(WARM_DAYS_TEAM),
            &scope,
            coaching_window_ms,
            now_ms,
        )
        .await?;
    }
    lock.commit().await
}

/// Warms the cache now, logging a failure (the periodic task's body).
pub async fn warm_up_now(db: &DatabaseConnection, offset_ms: i64, coaching_window_ms: i64) {
    let now = shared::clock::now_ms();
    if let Err(error) = warm_up(db, offset_ms, coaching_window_ms, now).await {
        tracing::warn!(%error, "KPI day cache not warmed up");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_settles_two_days_after_it_ends_in_its_own_offset() {
        let kst = 9 * 3_600_000;
        // 2026-11-29 12:00 KST = 03:00 UTC; day 20_786 is 2026-11-29.
        let now = 20_786 * DAY_MS + 3 * 3_600_000;
        assert_eq!((now + kst).div_euclid(DAY_MS), 20_786);
        // 11-27 ended at 11-28 00:00 KST, less than two days ago; 11-26 ended at 11-27 00:00.
        assert_eq!(last_settled_day(kst, now), 20_783);
        assert_eq!(last_settled_day(0, now), 20_783);
        assert_eq!(scope_key(&KpiScope::default()), "all");
        assert_eq!(
            scope_key(&KpiScope {
                team_id: Some("t".into()),
                user_id: Some("u".into())
            }),
            "user:u"
        );
    }
}
