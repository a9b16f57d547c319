//! Recordings through the whole pipeline (upload → decode → voice detection → speech-to-text →
//! analysis), on both databases, with calls synthesised at test time (`tests::synth`).

use std::time::Duration;

use coach_analyzer::redact::redact_text;
use coach_app::config::SpeechEngineKind;
use coach_app::entity::llm_calls;
use coach_engines::speech::accuracy::{character_errors, word_errors};
use coach_engines::speech::decode::wav_bytes;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use shared::language::Language;
use shared::transcript::Speaker;
use tests::synth::{call_wav, mono_wav};
use tests::{TestApp, db_tests, spawn_app, spawn_app_with};
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

pub async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    app.wait_for_terminal_within(token, id, Duration::from_secs(240))
        .await;
    let body = app.graphql(Some(token), DETAIL, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["consultation"].clone()
}

/// The Korean call every synthesised test speaks: agent on the left channel, customer on the
/// right.
const KOREAN_CALL: &[(Speaker, &str)] = &[
    (
        Speaker::Agent,
        "안녕하십니까, 고객센터입니다. 무엇을 도와드릴까요?",
    ),
    (Speaker::Customer, "주문한 운동화가 아직 안 와서요."),
    (
        Speaker::Agent,
        "많이 기다리셨죠. 확인해 보니 내일 오후까지 도착할 예정입니다.",
    ),
    (Speaker::Customer, "네, 알겠습니다. 감사합니다."),
    (
        Speaker::Agent,
        "더 궁금하신 점은 없으신가요? 이용해 주셔서 감사합니다.",
    ),
];

/// The English call of the synthesised tests.
const ENGLISH_CALL: &[(Speaker, &str)] = &[
    (
        Speaker::Agent,
        "Thank you for calling Acme support, my name is Jordan. How can I help you today?",
    ),
    (
        Speaker::Customer,
        "My replacement phone has not arrived yet.",
    ),
    (
        Speaker::Agent,
        "I am sorry about the wait. I can see your order, and it will arrive tomorrow afternoon.",
    ),
    (Speaker::Customer, "Great, thank you."),
    (
        Speaker::Agent,
        "Is there anything else I can help you with today?",
    ),
];

/// The words of one speaker's turns of a finished consultation.
fn spoken_by(c: &Value, speaker: &str) -> String {
    c["transcript"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["speaker"] == speaker)
        .filter_map(|t| t["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What `speaker` says in a call script, with personal data redacted as the pipeline stores it
/// (the agent's name and the company become placeholders).
fn script_of(call: &[(Speaker, &str)], speaker: Speaker) -> String {
    let language = if call
        .iter()
        .any(|(_, text)| text.chars().any(|c| c > '\u{AC00}'))
    {
        Language::Ko
    } else {
        Language::En
    };
    call.iter()
        .filter(|(s, _)| *s == speaker)
        .map(|(_, text)| redact_text(text, language).0)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Kim uploads a synthesised stereo call; returns her token, the consultation's id and its
/// details once finished, with the uploaded bytes.
async fn call_analysed(
    app: &TestApp,
    language: &str,
    call: &[(Speaker, &str)],
) -> (String, String, Value, Vec<u8>) {
    let token = app.counselor_token("kim@example.com").await;
    let audio = call_wav(language, call);
    let id = app
        .upload_file(&token, "통화녹음.wav", audio.clone(), "audio/wav")
        .await;
    let c = finished(app, &token, &id).await;
    (token, id, c, audio)
}

db_tests! {
    async fn a_synthesised_korean_call_is_transcribed_per_channel_with_timings_and_analysed(db: Db) {
        let app = spawn_app(db).await;
        let (token, id, c, original) = call_analysed(&app, "ko", KOREAN_CALL).await;
        assert_eq!(c["status"], "COMPLETED", "{c}");
        assert_eq!(c["language"], "ko", "{c}");
        let info = &c["transcriptInfo"];
        assert_eq!(info["source"], "stt", "{info}");
        assert_eq!(info["format"], "speech");
        assert_eq!(info["speakerMapping"], "CHANNELS");
        assert!(info["encoding"].is_null());
        let turns = c["transcript"].as_array().cloned().unwrap_or_default();
        assert!(turns.iter().all(|t| t["startMs"].is_u64() && t["endMs"].is_u64()), "{turns:?}");
        // espeak-ng's Korean voice is robotic and Whisper base hears it poorly (CER 45-70 %): the
        // test checks that words come through on the right channel, not accuracy (measured on
        // real speech by the shared-material tests).
        let (agent, customer) = (spoken_by(&c, "AGENT"), spoken_by(&c, "CUSTOMER"));
        assert!(agent.contains("오후까지 도착"), "agent: {agent}");
        assert!(customer.contains("주문한 운동"), "customer: {customer}");
        let errors = character_errors(&script_of(KOREAN_CALL, Speaker::Customer), &customer);
        assert!(errors.rate() <= 0.8, "customer CER {:.2}%", errors.rate() * 100.0);
        let audio = &c["report"]["metrics"]["audio"];
        assert_eq!(audio["engine"], "whisper.cpp", "{audio}");
        assert_eq!(audio["speakersByChannel"], true, "{audio}");
        assert!(audio["agentTalkS"].as_f64().is_some_and(|t| t > 5.0), "{audio}");
        assert!(audio["customerTalkS"].as_f64().is_some_and(|t| t > 1.0), "{audio}");
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

    async fn a_synthesised_english_call_is_transcribed_nearly_word_for_word_per_channel(db: Db) {
        // English where the server speaks Korean by default: `speech.language` says so.
        let app = spawn_app_with(db, |s| s.speech.language = "en".into()).await;
        let (_token, _id, c, _) = call_analysed(&app, "en", ENGLISH_CALL).await;
        assert_eq!(c["status"], "COMPLETED", "{c}");
        assert_eq!(c["language"], "en", "{c}");
        let script = format!(
            "{} {}",
            script_of(ENGLISH_CALL, Speaker::Agent),
            script_of(ENGLISH_CALL, Speaker::Customer)
        );
        let heard = format!("{} {}", spoken_by(&c, "AGENT"), spoken_by(&c, "CUSTOMER"));
        let errors = word_errors(&script, &heard);
        assert!(errors.rate() <= 0.15, "WER {:.2}%: {c}", errors.rate() * 100.0);
        // Each speaker is heard on their own channel.
        assert!(spoken_by(&c, "AGENT").contains("[NAME]"), "the agent's name is redacted: {c}");
        assert!(spoken_by(&c, "CUSTOMER").to_lowercase().contains("replacement phone"), "{c}");
    }

    async fn a_cut_off_recording_fails_with_media_decode_failed_and_a_message_in_both_languages(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let audio = mono_wav("en", "This recording is cut off before its end, so it cannot be played.");
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
        let (_token, id, c, _) = call_analysed(&app, "ko", KOREAN_CALL).await;
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
