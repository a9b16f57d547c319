//! Who may do what: a user's [`Role`] and what an API key may do ([`ApiScope`]). The GraphQL wire
//! values (`COUNSELOR`, `KPIS_READ`) are the serde form; the stored names (`counselor`,
//! `kpis:read`) are [`Role::db_name`] and [`ApiScope::db_name`].

use serde::{Deserialize, Serialize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Role {
    /// Uploads and reviews their own consultations.
    Counselor,
    /// Sees their team's consultations and the KPIs.
    Manager,
    /// Manages users and sees everything.
    Admin,
}

impl Role {
    /// Every role, least privileged first.
    pub const ALL: [Self; 3] = [Self::Counselor, Self::Manager, Self::Admin];

    /// The lower-case name stored in the database and in access tokens.
    pub fn db_name(self) -> &'static str {
        match self {
            Self::Counselor => "counselor",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored name.
    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.db_name() == value)
    }

    /// The GraphQL enum value (`COUNSELOR`).
    pub fn graphql_name(self) -> &'static str {
        match self {
            Self::Counselor => "COUNSELOR",
            Self::Manager => "MANAGER",
            Self::Admin => "ADMIN",
        }
    }

    /// Parses a GraphQL enum value.
    pub fn from_graphql_name(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.graphql_name() == value)
    }

    /// Whether this role may manage API keys and read the KPI dashboard.
    pub fn is_manager_or_admin(self) -> bool {
        matches!(self, Self::Manager | Self::Admin)
    }
}

/// What an API key may do. People signed in with a password are not limited by scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "Scope"))]
pub enum ApiScope {
    /// Read consultations, reports and progress (`consultations:read`).
    ConsultationsRead,
    /// Upload and re-analyse consultations (`consultations:write`).
    ConsultationsWrite,
    /// Read KPIs (`kpis:read`).
    KpisRead,
}

impl ApiScope {
    /// Every scope, in the order forms list them.
    pub const ALL: [Self; 3] = [
        Self::ConsultationsRead,
        Self::ConsultationsWrite,
        Self::KpisRead,
    ];

    /// The stored and documented name (`consultations:read`).
    pub fn db_name(self) -> &'static str {
        match self {
            Self::ConsultationsRead => "consultations:read",
            Self::ConsultationsWrite => "consultations:write",
            Self::KpisRead => "kpis:read",
        }
    }

    /// Parses a stored name.
    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.db_name() == value)
    }

    /// The GraphQL enum value (`CONSULTATIONS_READ`).
    pub fn graphql_name(self) -> &'static str {
        match self {
            Self::ConsultationsRead => "CONSULTATIONS_READ",
            Self::ConsultationsWrite => "CONSULTATIONS_WRITE",
            Self::KpisRead => "KPIS_READ",
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;

    #[test]
    fn roles_and_scopes_round_trip_through_their_stored_and_wire_names() {
        for role in Role::ALL {
            assert_eq!(Role::from_db(role.db_name()), Some(role));
            assert_eq!(Role::from_graphql_name(role.graphql_name()), Some(role));
            let wire = serde_json::to_string(&role).unwrap();
            assert_eq!(wire, format!("\"{}\"", role.graphql_name()));
        }
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::from_db(scope.db_name()), Some(scope));
            let wire = serde_json::to_string(&scope).unwrap();
            assert_eq!(wire, format!("\"{}\"", scope.graphql_name()));
        }
    }
}
