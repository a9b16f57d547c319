//! Authorization follows the database, not a 15-minute-old token: a demoted manager, a
//! deactivated user and a signed-out or stolen session lose access on their next request.

use serde_json::{Value, json};
use shared::access::Role;
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, db_tests, error_code, spawn_app};

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";
const PASSWORD: &str = "standing-password-123";

/// Signs in; returns the access and refresh tokens.
async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    let body = app
        .graphql(None, LOGIN, json!({"e": email, "p": PASSWORD}))
        .await;
    let field = |name: &str| {
        body["data"]["login"][name]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {body}"))
            .to_owned()
    };
    (field("accessToken"), field("refreshToken"))
}

async fn update(app: &TestApp, user_id: &str, input: Value) {
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }",
            json!({"id": user_id, "i": input}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.graphql(Some(token), "{ me { role } }", json!({})).await
}

db_tests! {
    async fn a_demoted_manager_loses_the_board_and_api_keys_with_the_token_they_already_hold(db: Db) {
        let app = spawn_app(db).await;
        let lead = app.create_user("lead@example.com", PASSWORD, Role::Manager).await;
        let (token, _) = sign_in(&app, "lead@example.com").await;
        let today = tests::kpi_today();
        let board = "query($r: DayRangeInput!) { kpis(range: $r) { kpis { id } } }";
        let range = json!({"r": {"from": today, "to": today}});
        assert_eq!(error_code(&app.graphql(Some(&token), board, range.clone()).await), "ok");
        update(&app, &lead, json!({"role": "COUNSELOR"})).await;
        assert_eq!(me(&app, &token).await["data"]["me"]["role"], "COUNSELOR");
        assert_eq!(error_code(&app.graphql(Some(&token), board, range).await), "FORBIDDEN");
        let key = app
            .graphql(
                Some(&token),
                "mutation { createApiKey(name: \"old token\", scopes: [KPIS_READ]) { secret } }",
                json!({}),
            )
            .await;
        assert_eq!(error_code(&key), "FORBIDDEN", "{key}");
    }

    async fn a_deactivated_users_token_can_no_longer_upload_or_read(db: Db) {
        let app = spawn_app(db).await;
        let kim = app.create_user("kim@example.com", PASSWORD, Role::Counselor).await;
        let (token, refresh) = sign_in(&app, "kim@example.com").await;
        assert_eq!(error_code(&me(&app, &token).await), "ok");
        update(&app, &kim, json!({"active": false})).await;
        let (status, body) = app
            .upload(
                Some(&token),
                tests::UploadFile {
                    name: "통화.txt",
                    bytes: "상담원: 안녕하세요.\n고객: 네.".as_bytes().to_vec(),
                    mime: "text/plain",
                },
            )
            .await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{status} {body}");
        assert_eq!(error_code(&me(&app, &token).await), "UNAUTHENTICATED");
        let refreshed = app.graphql(None, REFRESH, json!({"t": refresh})).await;
        assert_ne!(error_code(&refreshed), "ok", "{refreshed}");
        // Reactivated, the user signs in again; the old session stays ended.
        update(&app, &kim, json!({"active": true})).await;
        assert_eq!(error_code(&me(&app, &token).await), "UNAUTHENTICATED");
        let (fresh, _) = sign_in(&app, "kim@example.com").await;
        assert_eq!(error_code(&me(&app, &fresh).await), "ok");
    }

    async fn logging_out_ends_the_sessions_access_tokens_and_no_other_session(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("kim@example.com", PASSWORD, Role::Counselor).await;
        let (phone, phone_refresh) = sign_in(&app, "kim@example.com").await;
        let (desktop, _) = sign_in(&app, "kim@example.com").await;
        let out = app
            .graphql(None, "mutation($t: String!) { logout(refreshToken: $t) }", json!({"t": phone_refresh}))
            .await;
        assert_eq!(out["data"]["logout"], true, "{out}");
        assert_eq!(error_code(&me(&app, &phone).await), "UNAUTHENTICATED");
        assert_eq!(error_code(&me(&app, &desktop).await), "ok");
    }

    async fn reusing_a_refresh_token_ends_the_sessions_access_tokens_too(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("kim@example.com", PASSWORD, Role::Counselor).await;
        let (first, refresh) = sign_in(&app, "kim@example.com").await;
        let rotated = app.graphql(None, REFRESH, json!({"t": refresh})).await;
        let second = rotated["data"]["refreshSession"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{rotated}"))
            .to_owned();
        assert_eq!(error_code(&me(&app, &second).await), "ok");
        // The old refresh token again: theft is assumed and the whole session ends.
        let reused = app.graphql(None, REFRESH, json!({"t": refresh})).await;
        assert_ne!(error_code(&reused), "ok", "{reused}");
        assert_eq!(error_code(&me(&app, &first).await), "UNAUTHENTICATED");
        assert_eq!(error_code(&me(&app, &second).await), "UNAUTHENTICATED");
    }
}
