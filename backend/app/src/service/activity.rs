//! Activity events (login, upload, view, download, share, feedback), each with the user and a
//! session id: the login's refresh-token family, split into a new session after 30 idle minutes.
//! These are the raw records behind DAU, WAU, the return rate and uploads per session
//! ([`crate::service::kpi`]).

use sea_orm::{ConnectionTrait, DbErr};

use crate::auth::Viewer;
use crate::db::statement;

/// Idle time after which the next activity starts a new session.
pub const SESSION_IDLE_MS: i64 = 30 * 60 * 1000;

/// What a user did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    /// Signed in.
    Login,
    /// Uploaded a consultation.
    Upload,
    /// Opened a report.
    View,
    /// Downloaded a report.
    Download,
    /// Shared a report.
    Share,
    /// Rated an analysis.
    Feedback,
}

impl ActivityKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Upload => "upload",
            Self::View => "view",
            Self::Download => "download",
            Self::Share => "share",
            Self::Feedback => "feedback",
        }
    }
}

/// Records an activity in one statement, as a report view is recorded on every consultation
/// detail: the row is inserted with the session of the user's latest activity at or before `now`
/// — that session while it belongs to the viewer's login and was active within
/// [`SESSION_IDLE_MS`], a new one (the login's id suffixed with `now`) after an idle gap, the login's
/// id otherwise — and, for a view, only if the same report was not already viewed within
/// [`SESSION_IDLE_MS`].
const INSERT_ACTIVITY: &str = "INSERT INTO activity_events (user_id, session_id, kind, consultation_id, at) \
     SELECT ?, CASE \
         WHEN prev.session_id IS NULL OR substr(prev.session_id, 1, ?) <> ? THEN ? \
         WHEN ? - prev.at <= ? THEN prev.session_id \
         ELSE ? END, ?, ?, ? \
     FROM (SELECT 1 AS one) AS me \
     LEFT JOIN (SELECT session_id, at FROM activity_events WHERE user_id = ? AND at <= ? \
         ORDER BY at DESC, id DESC LIMIT 1) AS prev ON 1 = 1";

/// The condition [`INSERT_ACTIVITY`] gets for a view: no view of the same report by the same
/// user within [`SESSION_IDLE_MS`].
const NOT_VIEWED_RECENTLY: &str = " WHERE NOT EXISTS (SELECT 1 FROM activity_events \
     WHERE user_id = ? AND kind = ? AND consultation_id = ? AND at > ?)";

/// Records an activity at `now` (epoch ms). Re-reading the same report within a session is one
/// view. Callers log, not raise, a failure: activity tracking must never break the action itself.
pub async fn record_activity<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    kind: ActivityKind,
    consultation_id: Option<&str>,
    now: i64,
) -> Result<(), DbErr> {
    if matches!(kind, ActivityKind::Download | ActivityKind::Share)
        && let Some(id) = consultation_id
    {
        crate::service::consultations::mark_used(conn, id, now).await?;
    }
    let login: String = viewer.session_id.chars().take(64).collect();
    let after_gap: String = format!("{login}+{now}").chars().take(64).collect();
    let login_chars = i32::try_from(login.chars().count()).unwrap_or(64);
    let mut sql = INSERT_ACTIVITY.to_owned();
    let mut values: Vec<sea_orm::Value> = vec![
        viewer.user_id.clone().into(),
        login_chars.into(),
        login.clone().into(),
        login.into(),
        now.into(),
        SESSION_IDLE_MS.into(),
        after_gap.into(),
        kind.as_str().into(),
        consultation_id.map(str::to_owned).into(),
        now.into(),
        viewer.user_id.clone().into(),
        now.into(),
    ];
    if kind == ActivityKind::View
        && let Some(id) = consultation_id
    {
        sql.push_str(NOT_VIEWED_RECENTLY);
        values.extend([
            viewer.user_id.clone().into(),
            ActivityKind::View.as_str().into(),
            id.into(),
            (now - SESSION_IDLE_MS).into(),
        ]);
    }
    conn.execute(statement(conn.get_database_backend(), &sql, values))
        .await?;
    Ok(())
}

/// [`record_activity`] now, logging failures.
pub async fn track<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    kind: ActivityKind,
    consultation_id: Option<&str>,
) {
    if let Err(error) =
        record_activity(conn, viewer, kind, consultation_id, shared::clock::now_ms()).await
    {
        tracing::warn!(%error, kind = kind.as_str(), "could not record activity");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::fixtures::{insert_consultation, insert_counselor, memory_db};
    use crate::entity::{activity_events, consultations};
    use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, Statement};
    use shared::access::Role;

    const MIN: i64 = 60 * 1000;

    async fn db_with_user(user: &str) -> DatabaseConnection {
        let db = memory_db().await;
        insert_counselor(&db, user).await;
        db
    }

    fn viewer(user: &str, family: &str) -> Viewer {
        Viewer {
            user_id: user.into(),
            role: Role::Counselor,
            team_id: None,
            session_id: family.into(),
            scopes: None,
        }
    }

    async fn sessions(db: &DatabaseConnection) -> Vec<(String, String)> {
        activity_events::Entity::find()
            .order_by_asc(activity_events::Column::Id)
            .all(db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.kind, e.session_id))
            .collect()
    }

    async fn record_each(
        db: &DatabaseConnection,
        viewer: &Viewer,
        consultation_id: Option<&str>,
        activities: &[(ActivityKind, i64)],
    ) {
        for &(kind, at) in activities {
            record_activity(db, viewer, kind, consultation_id, at)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[tokio::test]
    async fn the_first_download_or_share_of_a_report_stamps_its_use_and_later_ones_keep_it() {
        let db = db_with_user("u1").await;
        for id in ["c1", "c2"] {
            insert_consultation(&db, id, "u1", Some(MIN)).await;
        }
        let used_at = |id: &'static str| {
            let db = db.clone();
            async move {
                consultations::Entity::find_by_id(id)
                    .one(&db)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
                    .and_then(|c| c.used_at)
            }
        };
        let counselor = viewer("u1", "f1");
        record_each(
            &db,
            &counselor,
            Some("c1"),
            &[(ActivityKind::View, 2 * MIN)],
        )
        .await;
        assert_eq!(used_at("c1").await, None, "a view is not a use");
        record_each(
            &db,
            &counselor,
            Some("c1"),
            &[
                (ActivityKind::Download, 3 * MIN),
                (ActivityKind::Share, 90 * MIN),
            ],
        )
        .await;
        assert_eq!(used_at("c1").await, Some(3 * MIN));
        record_each(
            &db,
            &counselor,
            Some("c2"),
            &[(ActivityKind::Share, 4 * MIN)],
        )
        .await;
        assert_eq!(used_at("c2").await, Some(4 * MIN));
    }

    #[tokio::test]
    async fn a_report_viewed_again_within_thirty_minutes_is_one_view_and_later_counts_again() {
        let db = db_with_user("u1").await;
        let family = viewer("u1", "fam-a");
        let t0 = 1_700_000_000_000;
        // Views of one report within 30 minutes are one; downloads are never deduplicated.
        record_each(
            &db,
            &family,
            Some("c1"),
            &[
                (ActivityKind::View, t0),
                (ActivityKind::View, t0 + 10 * MIN),
                (ActivityKind::View, t0 + 29 * MIN),
                (ActivityKind::View, t0 + 41 * MIN),
                (ActivityKind::Download, t0 + 42 * MIN),
                (ActivityKind::Download, t0 + 43 * MIN),
            ],
        )
        .await;
        // The views skipped left the session idle since t0, so the view at 41 minutes starts
        // a new one.
        let second = format!("fam-a+{}", t0 + 41 * MIN);
        assert_eq!(
            sessions(&db).await,
            [
                ("view".to_owned(), "fam-a".to_owned()),
                ("view".into(), second.clone()),
                ("download".into(), second.clone()),
                ("download".into(), second),
            ]
        );
    }

    #[tokio::test]
    async fn activity_within_thirty_idle_minutes_stays_in_one_session_and_a_longer_gap_starts_another()
     {
        let db = db_with_user("u1").await;
        let family = viewer("u1", "fam-a");
        let t0 = 1_700_000_000_000;
        record_each(
            &db,
            &family,
            None,
            &[
                (ActivityKind::Login, t0),
                (ActivityKind::Upload, t0 + 5 * MIN),
                (ActivityKind::Upload, t0 + 34 * MIN),
                (ActivityKind::View, t0 + 70 * MIN),
                (ActivityKind::Upload, t0 + 71 * MIN),
            ],
        )
        .await;
        // A new login is a new family, hence a new session at once.
        record_activity(
            &db,
            &viewer("u1", "fam-b"),
            ActivityKind::Upload,
            None,
            t0 + 72 * MIN,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let second = format!("fam-a+{}", t0 + 70 * MIN);
        assert_eq!(
            sessions(&db).await,
            [
                ("login".to_owned(), "fam-a".to_owned()),
                ("upload".into(), "fam-a".into()),
                ("upload".into(), "fam-a".into()),
                ("view".into(), second.clone()),
                ("upload".into(), second),
                ("upload".into(), "fam-b".into()),
            ]
        );
        // Uploads per session, as the KPI sheet defines it: 4 uploads over 3 sessions with uploads.
        let rows = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS uploads, COUNT(DISTINCT session_id) AS sessions FROM activity_events WHERE kind = 'upload'",
            ))
            .await
            .ok()
            .flatten()
            .map(|r| (r.try_get::<i64>("", "uploads").unwrap_or(0), r.try_get::<i64>("", "sessions").unwrap_or(0)));
        assert_eq!(rows, Some((4, 3)));
    }
}
