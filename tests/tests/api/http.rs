//! HTTP behaviour of the GraphQL endpoint and the service routes.

use serde_json::{Value, json};
use tests::{db_tests, spawn_app};

db_tests! {
    async fn the_health_check_reports_ok_when_the_database_answers(db: Db) {
        let app = spawn_app(db).await;
        let response = app.client.get(format!("{}/healthz", app.address)).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await.unwrap_or_default();
        assert_eq!(body, json!({"status": "ok"}));
    }
}

#[tokio::test]
async fn mutations_over_get_are_refused_with_405() {
    let app = spawn_app(tests::Db::Sqlite).await;
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[(
            "query",
            "mutation { login(email: \"a@b.c\", password: \"x\") { accessToken } }",
        )])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
}

#[tokio::test]
async fn accept_application_json_gets_application_json_back() {
    let app = spawn_app(tests::Db::Sqlite).await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("Accept", "application/json")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn json_bodies_over_the_limit_are_rejected_with_413() {
    let app = spawn_app_small_json().await;
    let padding = "x".repeat(8 * 1024);
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({"query": "{ __typename }", "extensions": {"padding": padding}}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 413);
}

async fn spawn_app_small_json() -> tests::TestApp {
    tests::spawn_app_with(tests::Db::Sqlite, |s| {
        s.limits.max_json_body_bytes = 4 * 1024
    })
    .await
}

#[tokio::test]
async fn queries_deeper_than_the_limit_are_rejected() {
    let app = tests::spawn_app_with(tests::Db::Sqlite, |s| s.graphql.max_depth = 3).await;
    let body = app
        .graphql(
            None,
            "{ consultations { report { scores { attitude { score } } } } }",
            json!({}),
        )
        .await;
    let message = body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(message.contains("nested too deep"), "{body}");
}
