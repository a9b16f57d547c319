//! Who is calling, and the ownership rules every resolver applies.

use shared::access::{ApiScope, Role};

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// User id.
    pub user_id: String,
    /// Role at the time the token was issued.
    pub role: Role,
    /// Team, for managers' visibility.
    pub team_id: Option<String>,
    /// The session: the refresh-token family for people, the key id for API keys.
    pub session_id: String,
    /// An API key's scopes; `None` for people (everything their role allows).
    pub scopes: Option<Vec<ApiScope>>,
}

impl Viewer {
    /// Whether the viewer's credential carries `scope` (people always do).
    pub fn has_scope(&self, scope: ApiScope) -> bool {
        self.scopes.as_ref().is_none_or(|s| s.contains(&scope))
    }

    /// Admins acting themselves (not through an API key) may administer: users, teams, backups.
    pub fn require_admin(&self) -> Result<(), crate::error::AccessError> {
        if self.role == Role::Admin && self.scopes.is_none() {
            Ok(())
        } else {
            Err(crate::error::AccessError::Forbidden)
        }
    }

    /// Whether the viewer is an admin or a manager.
    pub fn is_manager_or_admin(&self) -> bool {
        matches!(self.role, Role::Manager | Role::Admin)
    }

    /// Whether the viewer may read a resource owned by `owner_id` (who is in `owner_team`).
    pub fn can_read_owned_by(&self, owner_id: &str, owner_team: Option<&str>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager => {
                owner_id == self.user_id
                    || (self.team_id.is_some() && self.team_id.as_deref() == owner_team)
            }
            Role::Counselor => owner_id == self.user_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, team: Option<&str>) -> Viewer {
        Viewer {
            user_id: "me".into(),
            role,
            team_id: team.map(str::to_owned),
            session_id: "s".into(),
            scopes: None,
        }
    }

    #[test]
    fn counselors_read_only_their_own_and_managers_their_team() {
        assert!(viewer(Role::Counselor, Some("t")).can_read_owned_by("me", Some("t")));
        assert!(!viewer(Role::Counselor, Some("t")).can_read_owned_by("other", Some("t")));
        assert!(viewer(Role::Manager, Some("t")).can_read_owned_by("other", Some("t")));
        assert!(!viewer(Role::Manager, Some("t")).can_read_owned_by("other", Some("u")));
        assert!(!viewer(Role::Manager, None).can_read_owned_by("other", None));
        assert!(viewer(Role::Admin, None).can_read_owned_by("other", None));
    }

    #[test]
    fn api_keys_are_limited_to_their_scopes_and_people_are_not() {
        let person = viewer(Role::Counselor, None);
        assert!(ApiScope::ALL.iter().all(|s| person.has_scope(*s)));
        let key = Viewer {
            scopes: Some(vec![ApiScope::KpisRead]),
            ..person
        };
        assert!(key.has_scope(ApiScope::KpisRead) && !key.has_scope(ApiScope::ConsultationsWrite));
        assert_eq!(
            ApiScope::from_db("consultations:write"),
            Some(ApiScope::ConsultationsWrite)
        );
    }
}
