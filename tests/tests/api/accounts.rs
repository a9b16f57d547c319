//! Accounts: refresh-token rotation, logout, API keys, teams, user administration, own settings,
//! sign-up, login limits and activity events.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use shared::access::Role;
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, db_tests, spawn_app, spawn_app_with};

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken user { email } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn login_full(app: &TestApp, email: &str, password: &str) -> Value {
    app.graphql(None, LOGIN, json!({"e": email, "p": password}))
        .await["data"]["login"]
        .clone()
}

async fn admin(app: &TestApp) -> String {
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
}

async fn activity_kinds(app: &TestApp) -> Vec<String> {
    app.db
        .query_all(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT kind FROM activity_events ORDER BY id",
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.try_get::<String>("", "kind").ok())
        .collect()
}

db_tests! {
    async fn a_refresh_token_rotates_and_reusing_an_old_one_ends_the_whole_session(db: Db) {
        let app = spawn_app(db).await;
        let first = login_full(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let old = first["refreshToken"].as_str().unwrap_or_default().to_owned();
        assert!(old.starts_with("ccr_"));

        let body = app.graphql(None, REFRESH, json!({"t": old})).await;
        let new = body["data"]["refreshSession"]["refreshToken"].as_str().unwrap_or_default().to_owned();
        assert!(!new.is_empty() && new != old, "{body}");
        let access = body["data"]["refreshSession"]["accessToken"].as_str().unwrap_or_default();
        let me = app.graphql(Some(access), "{ me { email } }", json!({})).await;
        assert_eq!(me["data"]["me"]["email"], ADMIN_EMAIL);

        let reused = app.graphql(None, REFRESH, json!({"t": old})).await;
        assert_eq!(code(&reused), "UNAUTHENTICATED");
        let after_theft = app.graphql(None, REFRESH, json!({"t": new})).await;
        assert_eq!(code(&after_theft), "UNAUTHENTICATED", "the whole family is revoked");
    }

    async fn logout_revokes_the_refresh_token(db: Db) {
        let app = spawn_app(db).await;
        let session = login_full(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = session["refreshToken"].as_str().unwrap_or_default();
        let out = app.graphql(None, "mutation($t: String!) { logout(refreshToken: $t) }", json!({"t": token})).await;
        assert_eq!(out["data"]["logout"], true);
        assert_eq!(code(&app.graphql(None, REFRESH, json!({"t": token})).await), "UNAUTHENTICATED");
    }

    async fn an_api_key_works_within_its_scopes_until_revoked(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("lead@example.com", "manager-password-123", Role::Manager).await;
        let manager = app.login("lead@example.com", "manager-password-123").await;
        let created = app
            .graphql(
                Some(&manager),
                "mutation { createApiKey(name: \"콜센터 연동\", scopes: [CONSULTATIONS_READ]) { secret apiKey { id prefix scopes lastUsedAt } } }",
                json!({}),
            )
            .await;
        let key = created["data"]["createApiKey"]["secret"].as_str().unwrap_or_default().to_owned();
        let id = created["data"]["createApiKey"]["apiKey"]["id"].as_str().unwrap_or_default().to_owned();
        let prefix = created["data"]["createApiKey"]["apiKey"]["prefix"].as_str().unwrap_or_default().to_owned();
        assert!(key.starts_with(&prefix) && prefix.starts_with("cck_"), "{created}");

        let listed = app.graphql(Some(&key), "{ consultations { id } }", json!({})).await;
        assert_eq!(listed["data"]["consultations"], json!([]), "{listed}");
        let (_, upload) = app
            .upload(Some(&key), tests::UploadFile { name: "a.txt", bytes: b"Agent: hi\nCustomer: hello".to_vec(), mime: "text/plain" })
            .await;
        assert_eq!(code(&upload), "FORBIDDEN", "read-only key cannot upload");

        let keys = app.graphql(Some(&manager), "{ apiKeys { id prefix lastUsedAt } }", json!({})).await;
        assert!(!keys.to_string().contains(&key), "the secret is never shown again");
        assert!(keys["data"]["apiKeys"][0]["lastUsedAt"].is_string(), "{keys}");

        let counselor = app.counselor_token("kim@example.com").await;
        let denied = app.graphql(Some(&counselor), "mutation { createApiKey(name: \"x\", scopes: [KPIS_READ]) { secret } }", json!({})).await;
        assert_eq!(code(&denied), "FORBIDDEN");

        let revoked = app.graphql(Some(&manager), "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }", json!({"id": id})).await;
        assert!(revoked["data"]["revokeApiKey"]["revokedAt"].is_string(), "{revoked}");
        assert_eq!(code(&app.graphql(Some(&key), "{ consultations { id } }", json!({})).await), "UNAUTHENTICATED");
    }

    async fn admins_manage_teams_and_users_and_a_deactivated_user_cannot_sign_in(db: Db) {
        let app = spawn_app(db).await;
        let admin = admin(&app).await;
        let team = app.graphql(Some(&admin), "mutation { createTeam(name: \"1팀\") { id name } }", json!({})).await;
        let team_id = team["data"]["createTeam"]["id"].as_str().unwrap_or_default().to_owned();
        let dup = app.graphql(Some(&admin), "mutation { createTeam(name: \"1팀\") { id } }", json!({})).await;
        assert_eq!(code(&dup), "TEAM_NAME_TAKEN");

        let created = app
            .graphql(
                Some(&admin),
                "mutation($t: ID) { createUser(input: {email: \"park@example.com\", password: \"park-password-123\", role: COUNSELOR, teamId: $t}) { id role teamId active } }",
                json!({"t": team_id}),
            )
            .await;
        let user = &created["data"]["createUser"];
        assert_eq!(user["teamId"], json!(team_id), "{created}");
        let user_id = user["id"].as_str().unwrap_or_default().to_owned();
        let weak = app
            .graphql(Some(&admin), "mutation { createUser(input: {email: \"x@example.com\", password: \"short\", role: COUNSELOR}) { id } }", json!({}))
            .await;
        assert_eq!(code(&weak), "BAD_USER_INPUT");

        let session = login_full(&app, "park@example.com", "park-password-123").await;
        let promoted = app
            .graphql(Some(&admin), "mutation($id: ID!) { updateUser(id: $id, input: {role: MANAGER}) { role } }", json!({"id": user_id}))
            .await;
        assert_eq!(promoted["data"]["updateUser"]["role"], "MANAGER");
        let off = app
            .graphql(Some(&admin), "mutation($id: ID!) { updateUser(id: $id, input: {active: false}) { active } }", json!({"id": user_id}))
            .await;
        assert_eq!(off["data"]["updateUser"]["active"], false);
        let denied = app.graphql(None, LOGIN, json!({"e": "park@example.com", "p": "park-password-123"})).await;
        assert_eq!(code(&denied), "INVALID_CREDENTIALS");
        let refresh = app.graphql(None, REFRESH, json!({"t": session["refreshToken"]})).await;
        assert_eq!(code(&refresh), "UNAUTHENTICATED", "deactivation ends sessions");

        let me = app.graphql(Some(&admin), "{ me { id } }", json!({})).await;
        let self_demote = app
            .graphql(Some(&admin), "mutation($id: ID!) { updateUser(id: $id, input: {role: COUNSELOR}) { role } }", json!({"id": me["data"]["me"]["id"]}))
            .await;
        assert_eq!(code(&self_demote), "BAD_USER_INPUT");
    }

    async fn users_change_their_own_password_and_language(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
        let wrong = app.graphql(Some(&token), change, json!({"c": "not-my-password", "n": "brand-new-password-1"})).await;
        assert_eq!(code(&wrong), "INVALID_CREDENTIALS");
        let short = app.graphql(Some(&token), change, json!({"c": "counselor-password-123", "n": "short"})).await;
        assert_eq!(code(&short), "BAD_USER_INPUT");
        let ok = app.graphql(Some(&token), change, json!({"c": "counselor-password-123", "n": "brand-new-password-1"})).await;
        assert_eq!(ok["data"]["changePassword"], true, "{ok}");
        assert!(!app.login("kim@example.com", "brand-new-password-1").await.is_empty());

        let locale = app.graphql(Some(&token), "mutation { setLocale(locale: \"en\") { locale } }", json!({})).await;
        assert_eq!(locale["data"]["setLocale"]["locale"], "en");
        let bad = app.graphql(Some(&token), "mutation { setLocale(locale: \"fr\") { locale } }", json!({})).await;
        assert_eq!(code(&bad), "BAD_USER_INPUT");
    }

    async fn sign_up_is_off_by_default(db: Db) {
        let app = spawn_app(db).await;
        let body = app
            .graphql(None, "mutation { signUp(email: \"new@example.com\", password: \"new-user-password-1\") { id } }", json!({}))
            .await;
        assert_eq!(code(&body), "SIGNUP_DISABLED");
    }

    async fn login_upload_and_report_views_are_recorded_as_activity(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "a.txt", "상담원: 안녕하세요\n고객: 환불해 주세요\n상담원: 네 처리해 드리겠습니다\n고객: 감사합니다\n").await;
        app.wait_for_terminal(&token, &id).await;
        let detail = "query($id: ID!) { consultation(id: $id) { report { summary } } }";
        app.graphql(Some(&token), detail, json!({"id": id})).await;
        app.graphql(Some(&token), detail, json!({"id": id})).await;
        assert_eq!(activity_kinds(&app).await, ["login", "upload", "view"], "a re-read is the same view");
        let sessions = app
            .db
            .query_one(Statement::from_string(app.db.get_database_backend(), "SELECT COUNT(DISTINCT session_id) AS n FROM activity_events"))
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get::<i64>("", "n").ok());
        assert_eq!(sessions, Some(1));
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let day = tests::kpi_today();
        let board = app.kpi_board(&admin, &day, &day).await;
        let figure = |id: &str| tests::kpi_of(&board, id);
        assert_eq!(figure("dau")["value"], 1.0);
        assert_eq!(figure("uploads_per_session")["value"], 1.0);
        assert_eq!(figure("return_rate")["status"], "NO_DATA", "nobody uploaded before the range");
    }
}

#[tokio::test]
async fn sign_up_creates_a_counselor_when_enabled() {
    let app = spawn_app_with(tests::Db::Sqlite, |s| s.auth.allow_signup = true).await;
    let body = app
        .graphql(None, "mutation { signUp(email: \"new@example.com\", password: \"new-user-password-1\", displayName: \"신입\") { role email } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["signUp"],
        json!({"role": "COUNSELOR", "email": "new@example.com"})
    );
}

#[tokio::test]
async fn aliased_login_fields_in_one_request_each_count_against_the_limit() {
    let app = spawn_app_with(tests::Db::Sqlite, |s| {
        s.auth.login_per_account_per_15_minutes = 5
    })
    .await;
    let fields: String = (0..12)
        .map(|i| {
            format!(
                "a{i}: login(email: \"{ADMIN_EMAIL}\", password: \"guess-{i}\") {{ accessToken }} "
            )
        })
        .collect();
    let body = app
        .graphql(None, &format!("mutation {{ {fields} }}"), json!({}))
        .await;
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "INVALID_CREDENTIALS")
            .count(),
        5,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "TOO_MANY_ATTEMPTS").count(),
        7,
        "{codes:?}"
    );
    let locked = app
        .graphql(None, LOGIN, json!({"e": ADMIN_EMAIL, "p": ADMIN_PASSWORD}))
        .await;
    assert_eq!(
        code(&locked),
        "TOO_MANY_ATTEMPTS",
        "even the right password waits"
    );
    assert!(
        locked["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .unwrap_or(0)
            >= 1
    );
}
