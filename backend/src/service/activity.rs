//! Activity events (login, upload, view, download, share, feedback), each with the user and a
//! session id: the login's refresh-token family, split into a new session after 30 idle minutes.
//! These are the raw records behind DAU, WAU, the return rate and uploads per session
//! ([`crate::service::kpi`]).

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::auth::Viewer;
use crate::entity::{activity_events, consultations};

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

/// The user's latest activity at or before `now` (its session and time) and, for a view of
/// `viewed`, whether the same report was already viewed within [`SESSION_IDLE_MS`]: one statement,
/// as a report view is recorded on every consultation detail.
async fn latest_activity<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    now: i64,
    viewed: Option<&str>,
) -> Result<(Option<(String, i64)>, bool), DbErr> {
    let mut query = activity_events::Entity::find()
        .select_only()
        .column(activity_events::Column::SessionId)
        .column(activity_events::Column::At);
    if let Some(consultation_id) = viewed {
        query = query.expr(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(activity_events::Entity)
                .and_where(activity_events::Column::UserId.eq(viewer.user_id.clone()))
                .and_where(activity_events::Column::Kind.eq(ActivityKind::View.as_str()))
                .and_where(activity_events::Column::ConsultationId.eq(consultation_id))
                .and_where(activity_events::Column::At.gt(now - SESSION_IDLE_MS))
                .to_owned(),
        ));
    } else {
        query = query.expr(Expr::val(false));
    }
    let row = query
        .filter(activity_events::Column::UserId.eq(viewer.user_id.clone()))
        .filter(activity_events::Column::At.lte(now))
        .order_by_desc(activity_events::Column::At)
        .order_by_desc(activity_events::Column::Id)
        .into_tuple::<(String, i64, bool)>()
        .one(conn)
        .await?;
    Ok(match row {
        Some((session_id, at, seen)) => (Some((session_id, at)), seen),
        // A user without any activity has not viewed anything yet.
        None => (None, false),
    })
}

/// The session an activity at `now` belongs to, given the user's latest activity: the family id
/// while the family is active, or the family id suffixed with the time the session started after
/// an idle gap.
fn session_for(viewer: &Viewer, last: Option<(String, i64)>, now: i64) -> String {
    match last {
        Some((session_id, at))
            if session_id.starts_with(&viewer.session_id) && now - at <= SESSION_IDLE_MS =>
        {
            session_id
        }
        Some((session_id, _)) if session_id.starts_with(&viewer.session_id) => {
            format!("{}+{now}", viewer.session_id)
        }
        _ => viewer.session_id.clone(),
    }
}

/// Records an activity at `now` (epoch ms). Re-reading the same report within a session is one
/// view. Callers log, not raise, a failure: activity tracking must never break the action itself.
pub async fn record_activity<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    kind: ActivityKind,
    consultation_id: Option<&str>,
    now: i64,
) -> Result<(), DbErr> {
    let viewed = consultation_id.filter(|_| kind == ActivityKind::View);
    let (last, seen) = latest_activity(conn, viewer, now, viewed).await?;
    if seen {
        return Ok(());
    }
    if matches!(kind, ActivityKind::Download | ActivityKind::Share)
        && let Some(id) = consultation_id
    {
        first_use(conn, id, now).await?;
    }
    let session_id = session_for(viewer, last, now);
    // Nothing is read back: the insert is the whole write.
    activity_events::Entity::insert(activity_events::ActiveModel {
        user_id: Set(viewer.user_id.clone()),
        session_id: Set(session_id.chars().take(64).collect()),
        kind: Set(kind.as_str().to_owned()),
        consultation_id: Set(consultation_id.map(str::to_owned)),
        at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Stamps the first download or share of a consultation's report (`used_at`, which the
/// 보고서 활용률 KPI counts) and forgets the cached KPI day of its completion, which may be
/// settled. Later downloads change nothing.
async fn first_use<C: ConnectionTrait>(conn: &C, id: &str, now: i64) -> Result<(), DbErr> {
    let Some(consultation) = consultations::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    if consultation.used_at.is_some() {
        return Ok(());
    }
    consultations::Entity::update_many()
        .col_expr(consultations::Column::UsedAt, now.into())
        .filter(consultations::Column::Id.eq(id))
        .filter(consultations::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if let Some(completed_at) = consultation.completed_at {
        crate::service::kpi::daycache::invalidate_at(conn, completed_at, now).await?;
    }
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
            db.execute(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "INSERT INTO consultations (id, owner_id, title, file_type, status, source_sha256, \
                     storage_key, byte_size, mime, original_name, created_at, completed_at) \
                     VALUES ('{id}', 'u1', 't', 'text', 'completed', '{id}', 'k/{id}', 1, 'text/plain', \
                     'a.txt', 0, {MIN})"
                ),
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
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
