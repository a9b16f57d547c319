//! Activity events (login, upload, view, download, share, feedback), each with the user and a
//! session id: the login's refresh-token family, split into a new session after 30 idle minutes.
//! These are the raw records behind DAU, WAU, the return rate and uploads per session.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use crate::auth::Viewer;
use crate::entity::activity_events;

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

/// The session an activity at `now` belongs to: the family id while the family is active, or the
/// family id suffixed with the time the session started after an idle gap.
async fn session_for<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    now: i64,
) -> Result<String, DbErr> {
    let last = activity_events::Entity::find()
        .filter(activity_events::Column::UserId.eq(viewer.user_id.clone()))
        .filter(activity_events::Column::At.lte(now))
        .order_by_desc(activity_events::Column::At)
        .order_by_desc(activity_events::Column::Id)
        .one(conn)
        .await?;
    Ok(match last {
        Some(last)
            if last.session_id.starts_with(&viewer.session_id)
                && now - last.at <= SESSION_IDLE_MS =>
        {
            last.session_id
        }
        Some(last) if last.session_id.starts_with(&viewer.session_id) => {
            format!("{}+{now}", viewer.session_id)
        }
        _ => viewer.session_id.clone(),
    })
}

/// Records an activity at `now` (epoch ms). Callers log, not raise, a failure: activity tracking
/// must never break the action itself.
pub async fn record_activity<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    kind: ActivityKind,
    consultation_id: Option<&str>,
    now: i64,
) -> Result<(), DbErr> {
    if kind == ActivityKind::View {
        // Re-reading the same report within a session is one view.
        let recent = activity_events::Entity::find()
            .filter(activity_events::Column::UserId.eq(viewer.user_id.clone()))
            .filter(activity_events::Column::Kind.eq(kind.as_str()))
            .filter(activity_events::Column::ConsultationId.eq(consultation_id.map(str::to_owned)))
            .filter(activity_events::Column::At.gt(now - SESSION_IDLE_MS))
            .one(conn)
            .await?;
        if recent.is_some() {
            return Ok(());
        }
    }
    let session_id = session_for(conn, viewer, now).await?;
    activity_events::ActiveModel {
        user_id: Set(viewer.user_id.clone()),
        session_id: Set(session_id.chars().take(64).collect()),
        kind: Set(kind.as_str().to_owned()),
        consultation_id: Set(consultation_id.map(str::to_owned)),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
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
        record_activity(conn, viewer, kind, consultation_id, crate::clock::now_ms()).await
    {
        tracing::warn!(%error, kind = kind.as_str(), "could not record activity");
    }
}

/// Engagement over a time range `[from_ms, to_ms)`, as the KPI sheet defines it (§1.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Engagement {
    /// Users with at least one upload in the range (DAU over a day, WAU over a week).
    pub active_uploaders: i64,
    /// Users who had uploaded before the range.
    pub previous_uploaders: i64,
    /// Of those, the ones who uploaded again in the range.
    pub returning_uploaders: i64,
    /// Uploads in the range.
    pub uploads: i64,
    /// Sessions with at least one upload in the range.
    pub upload_sessions: i64,
}

impl Engagement {
    /// 재방문율: the share of earlier uploaders who uploaded again in the range.
    pub fn return_rate(&self) -> Option<f64> {
        (self.previous_uploaders > 0)
            .then(|| self.returning_uploaders as f64 / self.previous_uploaders as f64)
    }

    /// 평균 세션당 업로드 수: uploads per session that uploaded.
    pub fn uploads_per_session(&self) -> Option<f64> {
        (self.upload_sessions > 0).then(|| self.uploads as f64 / self.upload_sessions as f64)
    }
}

/// Computes [`Engagement`] over `[from_ms, to_ms)` from `activity_events`.
pub async fn engagement<C: ConnectionTrait>(
    conn: &C,
    from_ms: i64,
    to_ms: i64,
) -> Result<Engagement, DbErr> {
    use sea_orm::Statement;
    // The bounds are integers from our own code, inlined so the statement is the same SQL on
    // SQLite and PostgreSQL (positional `?` cannot repeat a parameter).
    let (from, to) = (from_ms, to_ms);
    let sql = format!(
        "SELECT \
           (SELECT COUNT(DISTINCT user_id) FROM activity_events WHERE kind = 'upload' AND at >= {from} AND at < {to}) AS active, \
           (SELECT COUNT(DISTINCT user_id) FROM activity_events WHERE kind = 'upload' AND at < {from}) AS previous, \
           (SELECT COUNT(DISTINCT e.user_id) FROM activity_events e WHERE e.kind = 'upload' AND e.at >= {from} AND e.at < {to} \
              AND EXISTS (SELECT 1 FROM activity_events p WHERE p.user_id = e.user_id AND p.kind = 'upload' AND p.at < {from})) AS returning_users, \
           (SELECT COUNT(*) FROM activity_events WHERE kind = 'upload' AND at >= {from} AND at < {to}) AS uploads, \
           (SELECT COUNT(DISTINCT session_id) FROM activity_events WHERE kind = 'upload' AND at >= {from} AND at < {to}) AS sessions"
    );
    let row = conn
        .query_one(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("engagement".into()))?;
    Ok(Engagement {
        active_uploaders: row.try_get("", "active")?,
        previous_uploaders: row.try_get("", "previous")?,
        returning_uploaders: row.try_get("", "returning_users")?,
        uploads: row.try_get("", "uploads")?,
        upload_sessions: row.try_get("", "sessions")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use sea_orm::{Database, DatabaseConnection, Statement};

    const MIN: i64 = 60 * 1000;

    async fn insert_user(db: &DatabaseConnection, user: &str) {
        db.execute(Statement::from_string(
            db.get_database_backend(),
            format!(
                "INSERT INTO users (id, email, display_name, password_hash, role, team_id, locale, active, created_at) \
                 VALUES ('{user}', '{user}@x.io', '{user}', 'x', 'counselor', NULL, 'ko', true, 0)"
            ),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    async fn db_with_user(user: &str) -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        crate::db::migrate(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        insert_user(&db, user).await;
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

    #[tokio::test]
    async fn dau_wau_return_rate_and_uploads_per_session_follow_the_kpi_sheet_on_fixed_days() {
        let db = db_with_user("u1").await;
        for user in ["u2", "u3"] {
            insert_user(&db, user).await;
        }
        const DAY: i64 = 24 * 60 * MIN;
        let monday = 1_767_571_200_000; // 2026-01-05 00:00 UTC
        let events = [
            // Last week: u1 and u2 upload.
            ("u1", "a", monday - 3 * DAY),
            ("u2", "b", monday - 2 * DAY),
            // Monday: u1 uploads twice in one session, u3 (new) once.
            ("u1", "c", monday + 9 * 60 * MIN),
            ("u1", "c", monday + 9 * 60 * MIN + 10 * MIN),
            ("u3", "d", monday + 10 * 60 * MIN),
            // Wednesday: u1 again, new session.
            ("u1", "e", monday + 2 * DAY),
        ];
        for (user, family, at) in events {
            record_activity(&db, &viewer(user, family), ActivityKind::Upload, None, at)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let monday_only = engagement(&db, monday, monday + DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(monday_only.active_uploaders, 2, "DAU on Monday: u1 and u3");
        assert_eq!(
            monday_only.uploads_per_session(),
            Some(1.5),
            "3 uploads in 2 sessions"
        );
        let week = engagement(&db, monday, monday + 7 * DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(week.active_uploaders, 2, "WAU: u1 and u3");
        assert_eq!(
            (week.previous_uploaders, week.returning_uploaders),
            (2, 1),
            "u1 of u1, u2 came back"
        );
        assert_eq!(week.return_rate(), Some(0.5));
        assert_eq!(week.uploads, 4);
        assert_eq!(week.uploads_per_session(), Some(4.0 / 3.0));
    }

    #[tokio::test]
    async fn activity_within_thirty_idle_minutes_stays_in_one_session_and_a_longer_gap_starts_another()
     {
        let db = db_with_user("u1").await;
        let family = viewer("u1", "fam-a");
        let t0 = 1_700_000_000_000;
        for (kind, at) in [
            (ActivityKind::Login, t0),
            (ActivityKind::Upload, t0 + 5 * MIN),
            (ActivityKind::Upload, t0 + 34 * MIN),
            (ActivityKind::View, t0 + 70 * MIN),
            (ActivityKind::Upload, t0 + 71 * MIN),
        ] {
            record_activity(&db, &family, kind, None, at)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
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
