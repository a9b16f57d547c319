//! Sign-in and access-token handling.

use serde_json::json;
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, db_tests, spawn_app};

db_tests! {
    async fn the_seeded_admin_can_sign_in_and_read_their_profile(db: Db) {
        let app = spawn_app(db).await;
        let token = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let body = app.graphql(Some(&token), "{ me { email role locale } }", json!({})).await;
        assert_eq!(body["data"]["me"], json!({"email": ADMIN_EMAIL, "role": "ADMIN", "locale": "ko"}));
    }

    async fn a_wrong_password_and_an_unknown_user_get_the_same_error(db: Db) {
        let app = spawn_app(db).await;
        let query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
        let wrong = app.graphql(None, query, json!({"e": ADMIN_EMAIL, "p": "wrong-password"})).await;
        let unknown = app.graphql(None, query, json!({"e": "nobody@example.com", "p": "wrong-password"})).await;
        assert_eq!(wrong["errors"][0]["extensions"]["code"], "INVALID_CREDENTIALS");
        assert_eq!(wrong["errors"][0]["message"], unknown["errors"][0]["message"]);
        assert_eq!(unknown["errors"][0]["extensions"]["code"], "INVALID_CREDENTIALS");
        assert!(wrong["data"].is_null());
    }

    async fn requests_without_or_with_a_forged_token_are_unauthenticated(db: Db) {
        let app = spawn_app(db).await;
        let anonymous = app.graphql(None, "{ me { email } }", json!({})).await;
        assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let forged = app.graphql(Some("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), "{ me { email } }", json!({})).await;
        assert_eq!(forged["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let listed = app.graphql(None, "{ consultations { id } }", json!({})).await;
        assert_eq!(listed["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }

    async fn a_malformed_email_is_rejected_as_bad_input_in_korean(db: Db) {
        let app = spawn_app(db).await;
        let body = app
            .graphql(
                None,
                "mutation { login(email: \"not-an-email\", password: \"x\") { accessToken } }",
                json!({}),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("이메일"));
    }
}
