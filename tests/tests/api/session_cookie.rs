//! The web app's session cookie (issue 34 item 5): a browser's refresh token lives in an
//! `HttpOnly`, `SameSite=Strict` cookie for `/graphql/session`, `Secure` over HTTPS, and never in
//! an answer; refresh and sign-out work through it; API consumers keep the body form.

use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, db_tests};

const SESSION_FIELDS: &str = "accessToken refreshToken refreshExpiresAt user { email }";

/// An answer of `/graphql/session`: the body and its `Set-Cookie` headers.
struct Answer {
    body: Value,
    cookies: Vec<String>,
}

impl Answer {
    /// The value the answer set `cc_refresh` to (empty when it removed it).
    fn session_cookie(&self) -> Option<String> {
        self.cookies
            .iter()
            .find_map(|c| c.strip_prefix("cc_refresh="))
            .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    }

    fn set_cookie(&self) -> &str {
        self.cookies
            .iter()
            .find(|c| c.starts_with("cc_refresh="))
            .map_or("", String::as_str)
    }
}

/// Posts to `/graphql/session` with the cookie `cookie` (if any) and extra headers.
async fn session(
    app: &TestApp,
    query: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = app
        .client
        .post(format!("{}/graphql/session", app.address))
        .json(&json!({"query": query, "variables": {"e": ADMIN_EMAIL, "p": ADMIN_PASSWORD}}));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("theme=dark; cc_refresh={cookie}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer { body, cookies }
}

fn browser_login() -> String {
    format!(
        "mutation($e: String!, $p: String!) {{ login(email: $e, password: $p, refreshTokenIn: COOKIE) {{ {SESSION_FIELDS} }} }}"
    )
}

fn cookie_refresh() -> String {
    format!("mutation {{ refreshSession {{ {SESSION_FIELDS} }} }}")
}

async fn me(app: &TestApp, access_token: &str) -> Value {
    app.graphql(Some(access_token), "{ me { email } }", json!({}))
        .await
}

db_tests! {
    async fn a_browser_sign_in_puts_the_refresh_token_in_an_http_only_strict_cookie_and_not_in_the_answer(db: Db) {
        let app = tests::spawn_app(db).await;
        let answer = session(&app, &browser_login(), None, &[]).await;
        let login = &answer.body["data"]["login"];
        assert_eq!(login["refreshToken"], "", "{}", answer.body);
        assert_eq!(me(&app, login["accessToken"].as_str().unwrap_or_default()).await["data"]["me"]["email"], ADMIN_EMAIL);
        let token = answer.session_cookie().unwrap_or_default();
        assert!(token.starts_with("ccr_"), "{:?}", answer.cookies);
        let set_cookie = answer.set_cookie();
        let fourteen_days = 14 * 24 * 3600;
        let max_age: i64 = set_cookie
            .split("; ")
            .find_map(|a| a.strip_prefix("Max-Age="))
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        assert!((fourteen_days - 5..=fourteen_days).contains(&max_age), "{set_cookie}");
        for attribute in ["Path=/graphql/session", "HttpOnly", "SameSite=Strict"] {
            assert!(set_cookie.split("; ").any(|a| a == attribute), "{attribute} missing: {set_cookie}");
        }
        assert!(!set_cookie.contains("Secure"), "plain HTTP: no Secure (browsers would drop it off localhost): {set_cookie}");
        assert!(!set_cookie.contains("Domain="), "{set_cookie}");
    }

    async fn the_cookie_renews_the_session_rotating_itself_and_a_replayed_cookie_ends_the_session(db: Db) {
        let app = tests::spawn_app(db).await;
        let first = session(&app, &browser_login(), None, &[]).await.session_cookie().unwrap_or_default();
        let renewed = session(&app, &cookie_refresh(), Some(&first), &[]).await;
        let refreshed = &renewed.body["data"]["refreshSession"];
        assert_eq!(refreshed["refreshToken"], "", "{}", renewed.body);
        assert_eq!(refreshed["user"]["email"], ADMIN_EMAIL);
        assert_eq!(me(&app, refreshed["accessToken"].as_str().unwrap_or_default()).await["data"]["me"]["email"], ADMIN_EMAIL);
        let second = renewed.session_cookie().unwrap_or_default();
        assert!(second.starts_with("ccr_") && second != first, "{:?}", renewed.cookies);
        assert!(renewed.set_cookie().contains("HttpOnly"));

        // The first cookie again (stolen and replayed): refused, the cookie removed, and the
        // whole session ended, so the current cookie stops working too.
        let replayed = session(&app, &cookie_refresh(), Some(&first), &[]).await;
        assert_eq!(replayed.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{}", replayed.body);
        assert_eq!(replayed.session_cookie().as_deref(), Some(""));
        assert!(replayed.set_cookie().contains("Max-Age=0"), "{}", replayed.set_cookie());
        let after = session(&app, &cookie_refresh(), Some(&second), &[]).await;
        assert_eq!(after.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        // Without a cookie or a token there is nothing to renew.
        let without = session(&app, &cookie_refresh(), None, &[]).await;
        assert_eq!(without.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }

    async fn signing_out_through_the_cookie_ends_the_session_and_removes_the_cookie(db: Db) {
        let app = tests::spawn_app(db).await;
        let cookie = session(&app, &browser_login(), None, &[]).await.session_cookie().unwrap_or_default();
        let out = session(&app, "mutation { logout }", Some(&cookie), &[]).await;
        assert_eq!(out.body["data"]["logout"], true, "{}", out.body);
        assert_eq!(out.session_cookie().as_deref(), Some(""));
        let removal = out.set_cookie();
        for attribute in ["Max-Age=0", "Path=/graphql/session", "HttpOnly", "SameSite=Strict"] {
            assert!(removal.split("; ").any(|a| a == attribute), "{attribute} missing: {removal}");
        }
        let again = session(&app, &cookie_refresh(), Some(&cookie), &[]).await;
        assert_eq!(again.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{}", again.body);
        // Signing out without a session is not an error.
        let nothing = session(&app, "mutation { logout }", None, &[]).await;
        assert_eq!(nothing.body["data"]["logout"], true);
    }

    async fn over_https_through_a_trusted_proxy_the_cookie_is_secure(db: Db) {
        let app = tests::spawn_app(db).await;
        let https = [("x-forwarded-proto", "https")];
        let answer = session(&app, &browser_login(), None, &https).await;
        let set_cookie = answer.set_cookie();
        assert!(set_cookie.split("; ").any(|a| a == "Secure"), "{set_cookie}");
        let cookie = answer.session_cookie().unwrap_or_default();
        let out = session(&app, "mutation { logout }", Some(&cookie), &https).await;
        assert!(out.set_cookie().ends_with("; Secure"), "{}", out.set_cookie());
    }

    async fn api_consumers_keep_the_refresh_token_in_the_answer_without_a_cookie(db: Db) {
        let app = tests::spawn_app(db).await;
        let login = format!("mutation($e: String!, $p: String!) {{ login(email: $e, password: $p) {{ {SESSION_FIELDS} }} }}");
        let answer = session(&app, &login, None, &[]).await;
        let token = answer.body["data"]["login"]["refreshToken"].as_str().unwrap_or_default().to_owned();
        assert!(token.starts_with("ccr_"), "{}", answer.body);
        assert!(answer.cookies.is_empty(), "{:?}", answer.cookies);
        // On the usual endpoint, as before.
        let renewed = app
            .graphql(None, &format!("mutation($t: String!) {{ refreshSession(refreshToken: $t) {{ {SESSION_FIELDS} }} }}"), json!({"t": token}))
            .await;
        let next = renewed["data"]["refreshSession"]["refreshToken"].as_str().unwrap_or_default();
        assert!(next.starts_with("ccr_") && next != token, "{renewed}");
        let out = app.graphql(None, "mutation($t: String!) { logout(refreshToken: $t) }", json!({"t": next})).await;
        assert_eq!(out["data"]["logout"], true, "{out}");
    }
}
