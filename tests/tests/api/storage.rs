//! Object storage (local and S3), storage events and re-analysis.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::{TestApp, db_tests, list_s3_keys, spawn_app, spawn_app_with, spawn_app_with_s3};

const TRANSCRIPT: &str = "상담원: 안녕하세요, 고객센터 상담원 박지훈입니다.\n고객: 카드를 잃어버렸어요.\n상담원: 많이 놀라셨겠어요. 바로 분실 신고 처리해 드리겠습니다.\n고객: 네 부탁드려요.\n상담원: 분실 신고가 완료되었습니다. 새 카드는 5일 안에 도착합니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n상담원: 감사합니다. 좋은 하루 보내세요.\n";

async fn storage_events(app: &TestApp) -> Vec<(String, String, bool, i64)> {
    let rows = app
        .db
        .query_all(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT op, backend, ok, bytes FROM storage_events ORDER BY id",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    rows.into_iter()
        .map(|r| {
            (
                r.try_get("", "op").unwrap_or_default(),
                r.try_get("", "backend").unwrap_or_default(),
                r.try_get("", "ok").unwrap_or_default(),
                r.try_get("", "bytes").unwrap_or_default(),
            )
        })
        .collect()
}

async fn reanalysis_of(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { consultation(id: $id) { reanalysisOf } }",
            json!({"id": id}),
        )
        .await;
    body["data"]["consultation"]["reanalysisOf"].clone()
}

db_tests! {
    async fn every_upload_and_download_is_recorded_with_its_size(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "card.txt", TRANSCRIPT).await;
        assert_eq!(app.wait_for_terminal(&token, &id).await["status"], "COMPLETED");
        let size = TRANSCRIPT.len() as i64;
        assert_eq!(
            storage_events(&app).await,
            [("upload".into(), "local".into(), true, size), ("download".into(), "local".into(), true, size)]
        );
    }

    async fn uploads_go_to_s3_and_are_analysed_from_there(db: Db) {
        let (app, bucket) = spawn_app_with_s3(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "../../etc/passwd", TRANSCRIPT).await;
        assert_eq!(app.wait_for_terminal(&token, &id).await["status"], "COMPLETED");
        let keys = list_s3_keys(&bucket).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(keys.len(), 1, "{keys:?}");
        assert!(keys[0].starts_with("uploads/") && !keys[0].contains("passwd"), "{keys:?}");
        let events = storage_events(&app).await;
        assert!(events.iter().all(|(_, backend, ok, _)| backend == "s3" && *ok), "{events:?}");
        assert_eq!(events.len(), 2);
    }

    async fn a_recording_on_s3_is_decoded_from_a_streamed_copy_and_played_by_byte_range(db: Db) {
        let (app, _bucket) = spawn_app_with_s3(db).await;
        let token = app.counselor_token("kim@example.com").await;
        // Three seconds of near silence: decoded (from a temporary copy of the object), then
        // refused for having no speech, before any model is loaded.
        let hiss: Vec<f32> = (0..48_000).map(|i| if i % 5 == 0 { 1e-4 } else { -5e-5 }).collect();
        let wav = coach_engines::speech::decode::wav_bytes(16_000, &[&hiss]);
        let id = app.upload_file(&token, "무음.wav", wav.clone(), "audio/wav").await;
        let done = app.wait_for_terminal(&token, &id).await;
        assert_eq!(done["status"], "FAILED", "{done}");
        let body = app
            .graphql(Some(&token), "query($id: ID!) { consultation(id: $id) { failureCode recordingUrl } }", json!({ "id": id }))
            .await;
        assert_eq!(body["data"]["consultation"]["failureCode"], "NO_SPEECH_FOUND", "{body}");
        let url = body["data"]["consultation"]["recordingUrl"].as_str().unwrap_or_default().to_owned();
        let part = app
            .client
            .get(format!("{}{url}", app.address))
            .header("Range", "bytes=44-1043")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(part.status().as_u16(), 206);
        assert_eq!(part.headers()["content-length"], "1000");
        assert_eq!(part.headers()["content-range"], format!("bytes 44-1043/{}", wav.len()).as_str());
        assert_eq!(part.bytes().await.map(|b| b.to_vec()).unwrap_or_default(), wav[44..1044].to_vec());
        let beyond = app
            .client
            .get(format!("{}{url}", app.address))
            .header("Range", format!("bytes={}-", wav.len()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(beyond.status().as_u16(), 416);
        // Upload, the worker's copy, the player's range: each recorded with its size.
        let size = wav.len() as i64;
        assert_eq!(
            storage_events(&app).await,
            [
                ("upload".into(), "s3".into(), true, size),
                ("download".into(), "s3".into(), true, size),
                ("download".into(), "s3".into(), true, 1000),
            ]
        );
    }

    async fn uploading_the_same_file_again_links_it_as_a_reanalysis(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let first = app.upload_text(&token, "card.txt", TRANSCRIPT).await;
        let second = app.upload_text(&token, "card-again.txt", TRANSCRIPT).await;
        let third = app.upload_text(&token, "card-third.txt", TRANSCRIPT).await;
        assert_eq!(reanalysis_of(&app, &token, &first).await, Value::Null);
        assert_eq!(reanalysis_of(&app, &token, &second).await, json!(first));
        assert_eq!(reanalysis_of(&app, &token, &third).await, json!(first), "linked to the original");

        let other = app.counselor_token("lee@example.com").await;
        let theirs = app.upload_text(&other, "card.txt", TRANSCRIPT).await;
        assert_eq!(reanalysis_of(&app, &other, &theirs).await, Value::Null, "another user's upload is not a re-analysis");
    }

    async fn reanalyze_queues_a_new_analysis_of_the_same_file_for_its_owner_only(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let original = app.upload_text(&token, "card.txt", TRANSCRIPT).await;
        app.wait_for_terminal(&token, &original).await;
        let mutation = "mutation($id: ID!) { reanalyze(consultationId: $id) { id status reanalysisOf title } }";

        let other = app.counselor_token("lee@example.com").await;
        let denied = app.graphql(Some(&other), mutation, json!({"id": original})).await;
        assert_eq!(denied["errors"][0]["extensions"]["code"], "NOT_FOUND");

        let body = app.graphql(Some(&token), mutation, json!({"id": original})).await;
        let again = &body["data"]["reanalyze"];
        assert_eq!(again["reanalysisOf"], json!(original), "{body}");
        assert_eq!(again["title"], "card");
        let id = again["id"].as_str().unwrap_or_default().to_owned();
        assert_ne!(id, original);
        assert_eq!(app.wait_for_terminal(&token, &id).await["status"], "COMPLETED");
        let events = app.collect_progress(&token, &id, 0).await.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(events.last().map(|e| e["stage"].clone()), Some(json!("COMPLETED")));
    }
}

#[tokio::test]
async fn a_failing_s3_backend_is_recorded_as_a_failed_upload_and_reported_as_internal() {
    let app = spawn_app_with(tests::Db::Sqlite, |settings| {
        settings.storage.backend = coach_app::config::StorageBackend::S3;
        settings.storage.s3.bucket = "missing".into();
        // Nothing listens here.
        settings.storage.s3.endpoint = Some("http://127.0.0.1:9".into());
        settings.storage.s3.allow_http = true;
        settings.storage.s3.access_key_id = Some(secrecy::SecretString::from("AKIAEXAMPLE"));
        settings.storage.s3.secret_access_key =
            Some(secrecy::SecretString::from("super-secret-key"));
    })
    .await;
    let token = app.counselor_token("kim@example.com").await;
    let (status, body) = app
        .upload(
            Some(&token),
            tests::UploadFile {
                name: "a.txt",
                bytes: TRANSCRIPT.as_bytes().to_vec(),
                mime: "text/plain",
            },
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
    let text = body.to_string();
    assert!(
        !text.contains("super-secret-key") && !text.contains("127.0.0.1:9"),
        "no internals leak: {text}"
    );
    let events = storage_events(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].0.as_str(), events[0].2), ("upload", false));
}
