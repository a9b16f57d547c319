//! Recordings through the whole pipeline (upload → decode → voice detection → speech-to-text →
//! analysis), on both databases.

use std::time::Duration;

use coach_app::config::SpeechEngineKind;
use coach_app::entity::llm_calls;
use coach_engines::speech::accuracy::character_errors;
use coach_engines::speech::decode::wav_bytes;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tests::{TestApp, db_tests, eval_path, spawn_app, spawn_app_with};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::providers::{OPENAI_KEY, provider, verbose_json};

const DETAIL: &str = "query($id: ID!) { consultation(id: $id) {
    status failureCode failureMessage language recordingUrl
    transcript { speaker startMs endMs text }
    transcriptInfo { source format encoding speakerMapping }
    report { metrics { audio { durationS agentTalkS customerTalkS deadAirS speakersByChannel engine model } } }
    events { stage percent message }
} }";

async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    app.wait_for_terminal_within(token, id, Duration::from_secs(240))
        .await;
    let body = app.graphql(Some(token), DETAIL, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["consultation"].clone()
}

/// Kim uploads the first Korean clip; returns her token, the consultation's id and its details
/// once finished.
async fn korean_clip_analysed(app: &TestApp) -> (String, String, Value) {
    let token = app.counselor_token("kim@example.com").await;
    let audio = std::fs::read(eval_path("audio/ko/azure_customspeech_ko_test.wav"))
        .unwrap_or_else(|e| panic!("{e}"));
    let id = app
        .upload_file(&token, "통화녹음.wav", audio, "audio/wav")
        .await;
    let c = finished(app, &token, &id).await;
    (token, id, c)
}

db_tests! {
    async fn a_korean_recording_is_transcribed_with_timings_reports_its_progress_and_is_analysed(db: Db) {
        let app = spawn_app(db).await;
        let (token, id, c) = korean_clip_analysed(&app).await;
        assert_eq!(c["status"], "COMPLETED", "{c}");
        let info = &c["transcriptInfo"];
        assert_eq!(info["source"], "stt", "{info}");
        assert_eq!(info["format"], "speech");
        assert_eq!(info["speakerMapping"], "VOICE_HEURISTIC");
        assert!(info["encoding"].is_null());
        let turns = c["transcript"].as_array().cloned().unwrap_or_default();
        assert!(!turns.is_empty());
        assert!(turns.iter().all(|t| t["startMs"].is_u64() && t["endMs"].is_u64()), "{turns:?}");
        let text: String = turns.iter().filter_map(|t| t["text"].as_str()).collect::<Vec<_>>().join(" ");
        let reference = std::fs::read_to_string(eval_path("audio/ko/azure_customspeech_ko_test.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        let cer = character_errors(&reference, &text);
        assert!(cer.rate() <= 0.08, "CER {:.2}%: {text}", cer.rate() * 100.0);
        let audio = &c["report"]["metrics"]["audio"];
        assert_eq!(audio["engine"], "whisper.cpp", "{audio}");
        assert!(audio["durationS"].as_f64().is_some_and(|d| (33.0..34.0).contains(&d)), "{audio}");
        assert!(audio["agentTalkS"].as_f64().is_some_and(|t| t > 25.0), "{audio}");
        assert_eq!(audio["speakersByChannel"], false);
        assert!(audio["customerTalkS"].is_null());
        // The transcription stage reports its percent, ending at 100 %.
        let events = c["events"].as_array().cloned().unwrap_or_default();
        let transcribing: Vec<&Value> = events.iter().filter(|e| e["stage"] == "TRANSCRIBING").collect();
        assert!(!transcribing.is_empty(), "{events:?}");
        assert!(transcribing.iter().all(|e| e["message"].as_str().is_some_and(|m| m.contains('%'))), "{transcribing:?}");
        assert_eq!(events.last().map(|e| e["stage"].clone()), Some(json!("COMPLETED")));

        // The player's address: the recording itself, with byte ranges for seeking, no account
        // needed for 15 minutes, nothing for a tampered token.
        let url = c["recordingUrl"].as_str().unwrap_or_else(|| panic!("no recordingUrl: {c}")).to_owned();
        assert!(url.starts_with("/media/"), "{url}");
        let client = reqwest::Client::new();
        let full = client.get(format!("{}{url}", app.address)).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(full.status().as_u16(), 200);
        assert_eq!(full.headers()["content-type"], "audio/wav");
        assert_eq!(full.headers()["accept-ranges"], "bytes");
        let original = std::fs::read(eval_path("audio/ko/azure_customspeech_ko_test.wav")).unwrap_or_default();
        assert_eq!(full.bytes().await.map(|b| b.len()).unwrap_or_default(), original.len());
        let part = client
            .get(format!("{}{url}", app.address))
            .header("Range", "bytes=100-199")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(part.status().as_u16(), 206);
        assert_eq!(part.headers()["content-range"], format!("bytes 100-199/{}", original.len()).as_str());
        assert_eq!(part.bytes().await.map(|b| b.to_vec()).unwrap_or_default(), original[100..200].to_vec());
        let tampered = format!("{}{}x", app.address, url);
        let denied = client.get(tampered).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(denied.status().as_u16(), 403);
        // An access token is not a media token.
        let denied = client.get(format!("{}/media/{token}", app.address)).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(denied.status().as_u16(), 403);
        // Another counselor cannot even see the consultation, so never gets an address.
        let other = app.counselor_token("lee@example.com").await;
        let body = app.graphql(Some(&other), "query($id: ID!) { consultation(id: $id) { recordingUrl } }", json!({ "id": id })).await;
        assert_eq!(tests::error_code(&body), "NOT_FOUND", "{body}");
        // A transcript has no recording.
        let text = app.upload_text(&token, "통화.txt", "상담원: 안녕하세요.\n고객: 네.").await;
        let body = app.graphql(Some(&token), "query($id: ID!) { consultation(id: $id) { recordingUrl } }", json!({ "id": text })).await;
        assert!(body["data"]["consultation"]["recordingUrl"].is_null(), "{body}");
    }

    async fn a_cut_off_recording_fails_with_media_decode_failed_and_a_message_in_both_languages(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let audio = std::fs::read(eval_path("audio/en/azure_customspeech_en_test.wav"))
            .unwrap_or_else(|e| panic!("{e}"));
        let cut = audio[..audio.len() / 3].to_vec();
        let id = app.upload_file(&token, "잘린녹음.wav", cut, "audio/wav").await;
        let c = finished(&app, &token, &id).await;
        assert_eq!(c["status"], "FAILED", "{c}");
        assert_eq!(c["failureCode"], "MEDIA_DECODE_FAILED");
        assert!(c["failureMessage"].as_str().is_some_and(|m| m.contains("녹음 파일")), "{c}");
        let english = app
            .graphql_with_language(Some(&token), DETAIL, json!({ "id": id }), "en")
            .await;
        let message = english["data"]["consultation"]["failureMessage"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("could not be played"), "{message}");
    }

    async fn a_recording_transcribed_by_a_cloud_engine_is_counted_among_the_provider_calls(db: Db) {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/audio/transcriptions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(verbose_json()))
            .mount(&server)
            .await;
        let app = spawn_app_with(db, |s| {
            s.speech.engine = SpeechEngineKind::Openai;
            s.providers.openai = provider(format!("{}/v1", server.uri()), OPENAI_KEY);
        })
        .await;
        let (_token, id, c) = korean_clip_analysed(&app).await;
        assert_eq!(c["status"], "COMPLETED", "{c}");
        assert_eq!(c["report"]["metrics"]["audio"]["engine"], "openai", "{c}");
        let sent = server.received_requests().await.unwrap_or_default().len();
        assert!(sent >= 1);
        // One `llm_calls` row per window sent, for this consultation: the API success rate,
        // response time and daily call KPIs include cloud transcription.
        let calls = llm_calls::Entity::find().all(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.len(), sent, "{calls:?}");
        for call in &calls {
            assert_eq!(call.purpose, "transcription");
            assert_eq!(call.provider, "openai");
            assert_eq!(call.model, "whisper-1");
            assert_eq!(call.status, "ok");
            assert_eq!(call.http_status, Some(200));
            assert_eq!(call.consultation_id.as_deref(), Some(id.as_str()));
        }
    }

    async fn a_silent_recording_fails_with_no_speech_found(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_file(&token, "무음.wav", silent_wav(5), "audio/wav").await;
        let c = finished(&app, &token, &id).await;
        assert_eq!(c["status"], "FAILED", "{c}");
        assert_eq!(c["failureCode"], "NO_SPEECH_FOUND");
    }
}

/// `seconds` of 16 kHz mono silence with a little hiss.
fn silent_wav(seconds: u32) -> Vec<u8> {
    let hiss: Vec<f32> = (0..16_000 * seconds)
        .map(|i| if i % 7 == 0 { 1e-4 } else { -6e-5 })
        .collect();
    wav_bytes(16_000, &[&hiss])
}
