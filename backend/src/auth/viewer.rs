//! Who is calling, and the ownership rules every resolver applies.

use serde::{Deserialize, Serialize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Uploads and reviews their own consultations.
    Counselor,
    /// Sees their team's consultations and the KPIs.
    Manager,
    /// Manages users and sees everything.
    Admin,
}

impl Role {
    /// The lower-case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counselor => "counselor",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    /// Parses the stored name.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "counselor" => Some(Self::Counselor),
            "manager" => Some(Self::Manager),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// User id.
    pub user_id: String,
    /// Role at the time the token was issued.
    pub role: Role,
    /// Team, for managers' visibility.
    pub team_id: Option<String>,
}

impl Viewer {
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
}
