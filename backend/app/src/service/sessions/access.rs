//! What an access token may still do: its role, team, active flag and session are read from the
//! database on every request, not from the token (which may be up to 15 minutes old). A demoted
//! manager, a deactivated user or a signed-out session loses access at once.
//!
//! The answer is cached per (user, session) for [`TTL`] so a busy client costs one query every
//! few seconds; every change to a user or a session in this process forgets the user's entries
//! ([`forget_user`]), so within a process a change applies to the next request. With several
//! servers, another server's cache may answer for at most [`TTL`].

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbErr};
use shared::access::Role;

use crate::auth::Viewer;
use crate::db::statement;

/// How long a confirmed answer is reused.
pub const TTL: Duration = Duration::from_secs(2);

/// Entries kept before the cache is emptied (a bound on its memory, not a working set).
const MAX_ENTRIES: usize = 50_000;

/// A user's standing as the database says: `None` when the user is gone, inactive, or the session
/// has ended.
type Standing = Option<(Role, Option<String>)>;

struct Entry {
    at: Instant,
    standing: Standing,
}

/// user id → session id → answer.
static CACHE: LazyLock<Mutex<HashMap<String, HashMap<String, Entry>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Forgets what is cached about a user: call after changing their role, team, active flag or
/// sessions.
pub fn forget_user(user_id: &str) {
    if let Ok(mut cache) = CACHE.lock() {
        cache.remove(user_id);
    }
}

fn cached(user_id: &str, session_id: &str) -> Option<Standing> {
    let cache = CACHE.lock().ok()?;
    let entry = cache.get(user_id)?.get(session_id)?;
    (entry.at.elapsed() < TTL).then(|| entry.standing.clone())
}

fn remember(user_id: &str, session_id: &str, standing: Standing) {
    if let Ok(mut cache) = CACHE.lock() {
        if cache.values().map(HashMap::len).sum::<usize>() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.entry(user_id.to_owned()).or_default().insert(
            session_id.to_owned(),
            Entry {
                at: Instant::now(),
                standing,
            },
        );
    }
}

/// The viewer an access token stands for, with the role and team the database holds now; `None`
/// when the user no longer exists or is deactivated, or the token's session (refresh-token family)
/// has been signed out, revoked or has expired.
///
/// Errors: the database's.
pub async fn confirm_viewer<C: ConnectionTrait>(
    conn: &C,
    claimed: Viewer,
    now_ms: i64,
) -> Result<Option<Viewer>, DbErr> {
    let standing = match cached(&claimed.user_id, &claimed.session_id) {
        Some(standing) => standing,
        None => {
            let standing =
                read_standing(conn, &claimed.user_id, &claimed.session_id, now_ms).await?;
            remember(&claimed.user_id, &claimed.session_id, standing.clone());
            standing
        }
    };
    Ok(standing.map(|(role, team_id)| Viewer {
        role,
        team_id,
        ..claimed
    }))
}

async fn read_standing<C: ConnectionTrait>(
    conn: &C,
    user_id: &str,
    session_id: &str,
    now_ms: i64,
) -> Result<Standing, DbErr> {
    let row = conn
        .query_one(statement(
            conn.get_database_backend(),
            "SELECT u.role, u.team_id FROM users u WHERE u.id = ? AND u.active \
             AND EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = ? AND r.user_id = u.id \
                         AND r.revoked_at IS NULL AND r.expires_at > ?)",
            vec![user_id.into(), session_id.into(), now_ms.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let role: String = row.try_get("", "role")?;
    let team_id: Option<String> = row.try_get("", "team_id")?;
    Ok(Role::from_db(&role).map(|role| (role, team_id)))
}
