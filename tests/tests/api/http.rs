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
    assert_eq!(tests::error_code(&body), "QUERY_TOO_DEEP", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["depth"], 5, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], 3, "{body}");
}

#[tokio::test]
async fn a_cut_off_multipart_upload_is_refused_with_a_message_in_the_counselors_language() {
    let app = spawn_app(tests::Db::Sqlite).await;
    let token = app.counselor_token("kim@example.com").await;
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n\
        {\"query\":\"mutation($file: Upload!) { uploadConsultation(file: $file) { id } }\",\"variables\":{\"file\":null}}\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{\"0\":[\"variables.file\"]}\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"0\"; filename=\"call.txt\"\r\nContent-Type: text/plain\r\n\r\n\
        상담원: 안녕하세요";
    for (language, expected) in [
        ("ko", "업로드 요청을 읽을 수 없습니다"),
        ("en", "could not be read"),
    ] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&token)
            .header("Accept-Language", language)
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status().as_u16(), 400);
        let json: Value = response.json().await.unwrap_or_default();
        assert_eq!(
            json["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{json}"
        );
        let message = json["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{language}: {message}");
    }
}
