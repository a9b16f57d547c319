//! How uploaded transcripts are read, end to end: configured speaker aliases, the reported speaker
//! attribution, and damaged bytes counted in a warning rather than refused.

use serde_json::{Value, json};
use tests::{TestApp, UploadFile, db_tests, spawn_app, spawn_app_with};

const INFO: &str = "query($id: ID!) { consultation(id: $id) {
    transcript { speaker text }
    transcriptInfo { source format encoding speakerMapping replacedCharacters piiRedactions }
    events { stage message }
} }";

async fn info(app: &TestApp, token: &str, id: &str) -> Value {
    let terminal = app.wait_for_terminal(token, id).await;
    assert_eq!(terminal["status"], "COMPLETED", "{terminal}");
    let body = app.graphql(Some(token), INFO, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["consultation"].clone()
}

fn speakers(consultation: &Value) -> Vec<String> {
    consultation["transcript"]
        .as_array()
        .map(|turns| {
            turns
                .iter()
                .filter_map(|t| t["speaker"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

db_tests! {
    async fn configured_speaker_aliases_attribute_the_turns_and_the_mapping_is_reported(db: Db) {
        let app = spawn_app_with(db, |s| {
            s.ingest.agent_aliases = vec!["매니저".into()];
            s.ingest.customer_aliases = vec!["방문객".into()];
        })
        .await;
        let token = app.counselor_token("kim@example.com").await;
        // The customer speaks first: only the aliases can tell who is who.
        let text = "방문객: 예약을 바꾸고 싶어요.\n매니저: 네, 도와드리겠습니다. 성함을 알려 주시겠어요?\n방문객: 이민호입니다.";
        let id = app.upload_text(&token, "예약.txt", text).await;
        let consultation = info(&app, &token, &id).await;
        assert_eq!(speakers(&consultation), ["CUSTOMER", "AGENT", "CUSTOMER"]);
        let details = &consultation["transcriptInfo"];
        assert_eq!(details["speakerMapping"], "LABELS", "{details}");
        assert_eq!(details["format"], "labelled_text");
        assert_eq!(details["source"], "upload");
        assert_eq!(details["encoding"], "UTF-8");
        assert_eq!(details["replacedCharacters"], 0);
    }

    async fn unknown_speaker_names_fall_back_to_the_first_speaker_heuristic_and_say_so(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let text = "김지수: 안녕하세요, 행복카드 김지수입니다. 무엇을 도와드릴까요?\n박철민: 카드가 정지됐어요.\n김지수: 확인해 드리겠습니다.\n박철민: 네, 부탁드려요.";
        let id = app.upload_text(&token, "통화.txt", text).await;
        let consultation = info(&app, &token, &id).await;
        assert_eq!(speakers(&consultation), ["AGENT", "CUSTOMER", "AGENT", "CUSTOMER"]);
        assert_eq!(consultation["transcriptInfo"]["speakerMapping"], "FIRST_SPEAKER");
    }

    async fn invalid_bytes_are_replaced_counted_and_reported_in_a_warning(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let mut bytes = "상담원: 안녕하세요, 무엇을 도와드릴까요?\n고객: 배송이 늦어요".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFE, b' ']);
        bytes.extend_from_slice("오늘 오나요?\n상담원: 오늘 도착 예정입니다.".as_bytes());
        let (status, body) = app
            .upload(Some(&token), UploadFile { name: "손상.txt", bytes, mime: "text/plain" })
            .await;
        assert_eq!(status, 200, "{body}");
        let id = body["data"]["uploadConsultation"]["id"].as_str().unwrap_or_default().to_owned();
        let consultation = info(&app, &token, &id).await;
        let replaced = consultation["transcriptInfo"]["replacedCharacters"].as_i64().unwrap_or(0);
        assert!(replaced >= 1, "{consultation}");
        let warned = consultation["events"]
            .as_array()
            .is_some_and(|events| events.iter().any(|e| {
                e["stage"] == "TRANSCRIBING"
                    && e["message"].as_str().is_some_and(|m| m.contains("읽을 수 없는 문자"))
            }));
        assert!(warned, "the progress says characters were replaced: {consultation}");
    }
}
