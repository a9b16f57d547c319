//! Uploading consultations, the finished report, ownership and bad input.

use serde_json::{Value, json};
use tests::{TestApp, UploadFile, db_tests, spawn_app, spawn_app_with, workspace_root};

fn korean_transcript() -> String {
    std::fs::read_to_string(workspace_root().join("tests/fixtures/ko_delivery_delay.txt"))
        .unwrap_or_else(|e| panic!("fixture: {e}"))
}

const DETAIL: &str = "query($id: ID!) { consultation(id: $id) {
    id title status fileType createdAt processingStartedAt completedAt failureCode failureMessage
    transcript { speaker startMs text }
    report {
      schemaVersion language summary
      scores {
        attitude { score rationale strengths weaknesses }
        problemSolving { score rationale strengths weaknesses }
        communication { score rationale strengths weaknesses }
        overall { score rationale }
      }
      improvements { code category title issue recommendation examplePhrase priority evidence { turn startMs quote } }
      moments { kind turn }
      metrics { turns agentTurns customerTurns agentTalkRatio customerSentimentStart customerSentimentEnd }
      pii { kind count }
      analyzer { name version }
    }
} }";

async fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app.graphql(Some(token), DETAIL, json!({"id": id})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["consultation"].clone()
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

db_tests! {
    async fn the_list_filters_by_title_type_status_and_day_and_counts_the_matches(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, park) = app.kim_lead_park().await;
        let call = "상담원: 안녕하세요, 상담원 김하늘입니다.\n고객: 배송이 늦어요.\n상담원: 확인해 드리겠습니다.\n";
        let first = app.upload_text(&kim, "배송 지연 문의.txt", call).await;
        let second = app.upload_text(&kim, "Refund 100%_case.txt", call).await;
        let failed = app.upload_text(&kim, "빈 파일.txt", "\n \n").await;
        for id in [&first, &second, &failed] {
            app.wait_for_terminal(&kim, id).await;
        }
        app.upload_text(&park, "배송 다른 팀.txt", call).await;
        let list = "query($f: ConsultationFilterInput) { consultations(filter: $f) { id } consultationCount(filter: $f) }";
        let ids = |body: &Value| -> Vec<String> {
            body["data"]["consultations"].as_array().cloned().unwrap_or_default().iter().filter_map(|c| c["id"].as_str().map(str::to_owned)).collect()
        };
        let today = (chrono::Utc::now() + chrono::Duration::hours(9)).format("%Y-%m-%d").to_string();
        let cases = [
            (json!({}), vec![&failed, &second, &first]),
            (json!({ "search": "배송" }), vec![&first]),
            (json!({ "search": "refund" }), vec![&second]),
            (json!({ "search": "100%_" }), vec![&second]),
            (json!({ "search": "%" }), vec![&second]),
            (json!({ "status": "FAILED" }), vec![&failed]),
            (json!({ "status": "COMPLETED", "fileType": "TEXT" }), vec![&second, &first]),
            (json!({ "fileType": "AUDIO" }), vec![]),
            (json!({ "from": today, "to": today }), vec![&failed, &second, &first]),
            (json!({ "to": "2020-01-01" }), vec![]),
        ];
        for (filter, expected) in cases {
            let body = app.graphql(Some(&kim), list, json!({ "f": filter })).await;
            let expected: Vec<String> = expected.into_iter().cloned().collect();
            assert_eq!(ids(&body), expected, "{filter}: {body}");
            assert_eq!(body["data"]["consultationCount"], json!(expected.len()), "{filter}");
        }
        // The manager's list holds the team's consultations, not the other team's.
        let team = app.graphql(Some(&lead), list, json!({ "f": { "search": "배송" } })).await;
        assert_eq!(ids(&team), vec![first.clone()]);
        for (filter, field) in [
            (json!({ "from": "2026-13-01" }), "from"),
            (json!({ "from": "2026-11-02", "to": "2026-11-01" }), "to"),
            (json!({ "search": "가".repeat(101) }), "search"),
        ] {
            let body = app.graphql_with_language(Some(&kim), list, json!({ "f": filter }), "en").await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{field}: {body}");
        }
    }

    async fn an_uploaded_korean_transcript_is_analysed_into_a_complete_report(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "배송지연_상담.txt", &korean_transcript()).await;
        let terminal = app.wait_for_terminal(&token, &id).await;
        assert_eq!(terminal["status"], "COMPLETED", "{terminal}");

        let c = detail(&app, &token, &id).await;
        assert_eq!(c["title"], "배송지연_상담");
        assert_eq!(c["fileType"], "TEXT");
        let created = c["createdAt"].as_str().unwrap_or_default();
        let started = c["processingStartedAt"].as_str().unwrap_or_default();
        let completed = c["completedAt"].as_str().unwrap_or_default();
        assert!(!created.is_empty() && created <= started && started <= completed, "{c}");

        let transcript = c["transcript"].as_array().cloned().unwrap_or_default();
        assert_eq!(transcript.len(), 14);
        assert_eq!(transcript[0]["speaker"], "AGENT");
        assert_eq!(transcript[1]["speaker"], "CUSTOMER");
        assert_eq!(transcript[1]["startMs"], 6000);
        let all_text: String = transcript.iter().filter_map(|t| t["text"].as_str()).collect();
        assert!(!all_text.contains("010-1234-5678"), "phone number must be redacted");
        assert!(all_text.contains("A-20240105-0012"), "order numbers are not PII");

        let report = &c["report"];
        assert_eq!(report["language"], "ko");
        assert_eq!(report["analyzer"]["name"], "local");
        assert!(!report["summary"].as_str().unwrap_or_default().is_empty());
        for category in ["attitude", "problemSolving", "communication", "overall"] {
            let score = report["scores"][category]["score"].as_u64().unwrap_or(999);
            assert!(score <= 100, "{category}: {score}");
            assert!(!report["scores"][category]["rationale"].as_str().unwrap_or_default().is_empty());
        }
        let items = report["improvements"].as_array().cloned().unwrap_or_default();
        assert!((3..=5).contains(&items.len()), "{items:?}");
        for item in &items {
            let evidence = item["evidence"].as_array().cloned().unwrap_or_default();
            assert!(!evidence.is_empty(), "{item}");
            for e in evidence {
                let turn = e["turn"].as_u64().unwrap_or(999) as usize;
                let quote = e["quote"].as_str().unwrap_or_default();
                let text = transcript.get(turn).and_then(|t| t["text"].as_str()).unwrap_or_default();
                assert!(!quote.is_empty() && text.contains(quote), "quote {quote:?} not in turn {turn}: {text:?}");
            }
        }
        assert_eq!(report["metrics"]["turns"], 14);
        assert_eq!(
            report["pii"],
            json!([{"kind": "name", "count": 1}, {"kind": "organization", "count": 1}, {"kind": "phone", "count": 2}])
        );
    }

    async fn a_counselor_cannot_see_another_counselors_consultation(db: Db) {
        let app = spawn_app(db).await;
        let owner = app.counselor_token("owner@example.com").await;
        let other = app.counselor_token("other@example.com").await;
        let id = app.upload_text(&owner, "a.txt", &korean_transcript()).await;

        let body = app.graphql(Some(&other), "query($id: ID!) { consultation(id: $id) { id } }", json!({"id": id})).await;
        assert_eq!(error_code(&body), "NOT_FOUND");
        let missing = app
            .graphql(Some(&other), "query($id: ID!) { consultation(id: $id) { id } }", json!({"id": "does-not-exist"}))
            .await;
        assert_eq!(missing["errors"][0]["message"], body["errors"][0]["message"], "no existence leak");

        let list = app.graphql(Some(&other), "{ consultations { id } }", json!({})).await;
        assert_eq!(list["data"]["consultations"], json!([]));
        let own = app.graphql(Some(&owner), "{ consultations { id } }", json!({})).await;
        assert_eq!(own["data"]["consultations"], json!([{"id": id}]));

        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let seen = app.graphql(Some(&admin), "query($id: ID!) { consultation(id: $id) { id } }", json!({"id": id})).await;
        assert_eq!(seen["data"]["consultation"]["id"], id.as_str());
    }

    async fn uploads_without_a_token_are_refused(db: Db) {
        let app = spawn_app(db).await;
        let (_, body) = app
            .upload(None, UploadFile { name: "a.txt", bytes: korean_transcript().into_bytes(), mime: "text/plain" })
            .await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }

    async fn empty_binary_and_oversized_files_are_rejected_with_clear_codes(db: Db) {
        let app = spawn_app_with(db, |s| s.limits.max_upload_bytes = 64 * 1024).await;
        let token = app.counselor_token("kim@example.com").await;

        let (_, empty) = app.upload(Some(&token), UploadFile { name: "empty.txt", bytes: vec![], mime: "text/plain" }).await;
        assert_eq!(error_code(&empty), "EMPTY_FILE");
        assert!(empty["errors"][0]["message"].as_str().unwrap_or_default().contains("빈 파일"));

        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'].repeat(8);
        let (_, image) = app.upload(Some(&token), UploadFile { name: "call.txt", bytes: png, mime: "text/plain" }).await;
        assert_eq!(error_code(&image), "UNSUPPORTED_FILE_TYPE");
        assert!(image["errors"][0]["message"].as_str().unwrap_or_default().contains("image/png"));

        let binary: Vec<u8> = (0..4096u32).map(|i| (i % 7) as u8).collect();
        let (_, junk) = app.upload(Some(&token), UploadFile { name: "x.txt", bytes: binary, mime: "text/plain" }).await;
        assert_eq!(error_code(&junk), "UNSUPPORTED_FILE_TYPE");

        let big = "상담원: 안녕하세요\n".repeat(10_000).into_bytes();
        let (status, large) = app.upload(Some(&token), UploadFile { name: "big.txt", bytes: big, mime: "text/plain" }).await;
        assert_eq!(status, 413);
        assert_eq!(error_code(&large), "FILE_TOO_LARGE");

        let list = app.graphql(Some(&token), "{ consultations { id } }", json!({})).await;
        assert_eq!(list["data"]["consultations"], json!([]), "nothing rejected is kept");
    }

    async fn a_transcript_without_turns_fails_with_no_turns_found(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "memo.txt", "오늘 회의 메모\n\n").await;
        let terminal = app.wait_for_terminal(&token, &id).await;
        assert_eq!(terminal["status"], "FAILED");
        assert_eq!(terminal["failureCode"], "NO_TURNS_FOUND");
        let c = detail(&app, &token, &id).await;
        assert!(c["failureMessage"].as_str().unwrap_or_default().contains("상담원"));
        assert!(c["report"].is_null());
    }
}

#[tokio::test]
async fn more_files_than_allowed_in_one_request_are_rejected() {
    let app = spawn_app(tests::Db::Sqlite).await;
    let token = app.counselor_token("kim@example.com").await;
    let operations = json!({
        "query": "mutation($a: Upload!, $b: Upload!) { a: uploadConsultation(file: $a) { id } b: uploadConsultation(file: $b) { id } }",
        "variables": {"a": null, "b": null}
    });
    let part = |name: &str| {
        reqwest::multipart::Part::bytes(korean_transcript().into_bytes()).file_name(name.to_owned())
    };
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text(
            "map",
            json!({"0": ["variables.a"], "1": ["variables.b"]}).to_string(),
        )
        .part("0", part("a.txt"))
        .part("1", part("b.txt"));
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(error_code(&body), "TOO_MANY_FILES");
}

#[tokio::test]
async fn text_claiming_to_be_audio_is_refused_and_text_formats_under_their_own_types_are_accepted()
{
    let app = spawn_app(tests::Db::Sqlite).await;
    let token = app.counselor_token("kim@example.com").await;
    let text = korean_transcript().into_bytes();
    let (_, wav) = app
        .upload(
            Some(&token),
            UploadFile {
                name: "call.wav",
                bytes: text.clone(),
                mime: "audio/wav",
            },
        )
        .await;
    assert_eq!(error_code(&wav), "UNSUPPORTED_FILE_TYPE", "{wav}");
    for (name, mime) in [
        ("chat.json", "application/json"),
        ("subs.srt", "application/x-subrip"),
        ("chat.csv", "text/csv"),
        ("memo.txt", "application/octet-stream"),
        ("captions.vtt", "text/vtt"),
    ] {
        let (status, body) = app
            .upload(
                Some(&token),
                UploadFile {
                    name,
                    bytes: text.clone(),
                    mime,
                },
            )
            .await;
        assert!(
            status == 200 && body["errors"].is_null(),
            "{name} ({mime}) was refused: {body}"
        );
    }
}
