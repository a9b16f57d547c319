//! Login limits that do not lock out an office: an account is limited, and an account from one
//! address; an address only for accounts that do not exist; `X-Forwarded-For` is believed only
//! from configured proxies.

use serde_json::{Value, json};
use shared::access::Role;
use tests::{TestApp, db_tests, error_code, spawn_app, spawn_app_with};

const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
const PASSWORD: &str = "office-password-123";

/// A login as `email`, sent with `X-Forwarded-For: forwarded` when given; returns the error code
/// (`ok` on success).
async fn attempt(app: &TestApp, email: &str, password: &str, forwarded: Option<&str>) -> String {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({"query": LOGIN, "variables": {"e": email, "p": password}}));
    if let Some(forwarded) = forwarded {
        request = request.header("X-Forwarded-For", forwarded);
    }
    let body: Value = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    error_code(&body).to_owned()
}

db_tests! {
    async fn twenty_failures_on_one_account_never_block_a_colleagues_correct_login_from_the_same_address(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("kim@example.com", PASSWORD, Role::Counselor).await;
        app.create_user("lee@example.com", PASSWORD, Role::Counselor).await;
        let mut codes = Vec::new();
        for i in 0..20 {
            codes.push(attempt(&app, "kim@example.com", &format!("wrong-{i}-password"), None).await);
        }
        assert!(codes.iter().any(|c| c == "TOO_MANY_ATTEMPTS"), "{codes:?}");
        assert_eq!(attempt(&app, "lee@example.com", PASSWORD, None).await, "ok");
    }

    async fn spraying_unknown_accounts_is_limited_per_address_but_real_accounts_there_still_sign_in(db: Db) {
        let app = spawn_app_with(db, |s| s.auth.login_per_ip_per_minute = 3).await;
        app.create_user("lee@example.com", PASSWORD, Role::Counselor).await;
        let mut codes = Vec::new();
        for i in 0..5 {
            codes.push(attempt(&app, &format!("nobody{i}@example.com"), "some-password-1", None).await);
        }
        assert_eq!(codes[..3], ["INVALID_CREDENTIALS"; 3], "{codes:?}");
        assert_eq!(codes[3..], ["TOO_MANY_ATTEMPTS"; 2], "{codes:?}");
        assert_eq!(attempt(&app, "lee@example.com", PASSWORD, None).await, "ok");
    }

    async fn behind_a_trusted_proxy_each_client_address_has_its_own_budget(db: Db) {
        let app = spawn_app_with(db, |s| {
            s.auth.login_per_ip_per_minute = 2;
            s.server.trusted_proxies = vec![
                coach_app::config::TrustedProxy::try_from("127.0.0.1".to_owned())
                    .unwrap_or_else(|e| panic!("{e}")),
            ];
        })
        .await;
        let spray = |i: usize, from: &'static str| {
            let app = &app;
            async move { attempt(app, &format!("nobody{i}@example.com"), "some-password-1", Some(from)).await }
        };
        assert_eq!(spray(0, "198.51.100.1").await, "INVALID_CREDENTIALS");
        assert_eq!(spray(1, "198.51.100.1").await, "INVALID_CREDENTIALS");
        assert_eq!(spray(2, "198.51.100.1").await, "TOO_MANY_ATTEMPTS");
        // Another client behind the same proxy is not affected.
        assert_eq!(spray(3, "203.0.113.5, 198.51.100.2").await, "INVALID_CREDENTIALS");
    }

    async fn x_forwarded_for_from_an_untrusted_peer_is_ignored(db: Db) {
        let app = spawn_app_with(db, |s| {
            s.auth.login_per_ip_per_minute = 2;
            s.server.trusted_proxies = Vec::new();
        })
        .await;
        let codes = [
            attempt(&app, "nobody1@example.com", "some-password-1", Some("198.51.100.1")).await,
            attempt(&app, "nobody2@example.com", "some-password-1", Some("198.51.100.2")).await,
            attempt(&app, "nobody3@example.com", "some-password-1", Some("198.51.100.3")).await,
        ];
        assert_eq!(codes, ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "TOO_MANY_ATTEMPTS"]);
    }
}
