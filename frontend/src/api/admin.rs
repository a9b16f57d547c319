//! Account administration: users and teams (`users`, `teams`, `createUser`, `updateUser`,
//! `createTeam`). Listing is open to managers (their team); changes are for admins.

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::inputs::{Email, Password};

use super::auth::{Role, USER_FIELDS, User};
use super::{Api, ApiError};

/// A team of counselors with its managers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    /// Team id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login e-mail.
    pub email: Email,
    /// Initial password.
    pub password: Password,
    /// Display name (the e-mail's local part when empty).
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Team, if any.
    pub team_id: Option<String>,
}

/// A change to a user; `None` fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdate {
    /// New role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Activate or deactivate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Move to this team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Remove from any team.
    pub clear_team: bool,
}

/// Users visible to the caller: everyone for admins, the team for managers.
pub async fn list_users(api: Api) -> Result<Vec<User>, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        users: Vec<User>,
    }
    let query = format!("query {{ users {{ {USER_FIELDS} }} }}");
    let data: Data = api.graphql(&query, json!({})).await?;
    Ok(data.users)
}

/// Teams visible to the caller: all for admins, one's own for everyone else.
pub async fn list_teams(api: Api) -> Result<Vec<Team>, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        teams: Vec<Team>,
    }
    let data: Data = api
        .graphql("query { teams { id name createdAt } }", json!({}))
        .await?;
    Ok(data.teams)
}

/// Creates a user (admins only).
pub async fn create_user(api: Api, new: &NewUser) -> Result<User, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        create_user: User,
    }
    let query = format!(
        "mutation($input: CreateUserInput!) {{ createUser(input: $input) {{ {USER_FIELDS} }} }}"
    );
    let input = json!({
        "email": new.email.as_str(),
        "password": new.password.expose(),
        "displayName": new.display_name,
        "role": new.role,
        "teamId": new.team_id,
    });
    let data: Data = api.graphql(&query, json!({ "input": input })).await?;
    Ok(data.create_user)
}

/// Changes a user's role, team or active state (admins only).
pub async fn update_user(api: Api, id: &str, update: &UserUpdate) -> Result<User, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        update_user: User,
    }
    let query = format!(
        "mutation($id: ID!, $input: UpdateUserInput!) {{ updateUser(id: $id, input: $input) {{ {USER_FIELDS} }} }}"
    );
    let data: Data = api
        .graphql(&query, json!({ "id": id, "input": update }))
        .await?;
    Ok(data.update_user)
}

/// Creates a team (admins only).
pub async fn create_team(api: Api, name: &str) -> Result<Team, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        create_team: Team,
    }
    let data: Data = api
        .graphql(
            "mutation($name: String!) { createTeam(name: $name) { id name createdAt } }",
            json!({ "name": name }),
        )
        .await?;
    Ok(data.create_team)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_sends_only_what_changes() {
        let update = UserUpdate {
            active: Some(false),
            ..UserUpdate::default()
        };
        assert_eq!(
            serde_json::to_value(&update).unwrap_or_default(),
            json!({ "active": false, "clearTeam": false })
        );
        let role = UserUpdate {
            role: Some(Role::Manager),
            ..UserUpdate::default()
        };
        assert_eq!(
            serde_json::to_value(&role).unwrap_or_default(),
            json!({ "role": "MANAGER", "clearTeam": false })
        );
    }
}
