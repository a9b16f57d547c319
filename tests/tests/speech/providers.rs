//! The HTTP speech engines against local servers (wiremock) speaking OpenAI's
//! `/v1/audio/transcriptions` (`verbose_json`) and Gemini's `generateContent` with inline audio,
//! their error bodies included.

use std::sync::Arc;
use std::sync::atomic::AtomicU8;

use coach_app::config::{ProviderSettings, Settings, SpeechEngineKind};
use coach_engines::speech::{SpeechError, Transcriber, engine_from_settings};
use secrecy::SecretString;
use serde_json::{Value, json};
use shared::transcript::Speaker;
use tests::synth::mono_wav;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const OPENAI_KEY: &str = "sk-speech-test-key-1234567890";
const GEMINI_KEY: &str = "AIza-speech-test-key-0987654321";

/// Connection settings for a local provider server (short timeouts and retry waits).
pub fn provider(base_url: String, key: &str) -> ProviderSettings {
    ProviderSettings {
        base_url: Some(base_url),
        api_key: Some(SecretString::from(key.to_owned())),
        timeout_secs: 5,
        max_retries: 2,
        retry_budget_secs: 10,
        retry_base_ms: 10,
        requests_per_minute: 6000,
        ..ProviderSettings::default()
    }
}

fn transcriber(engine: SpeechEngineKind, server: &MockServer) -> Transcriber {
    let mut settings = Settings::default();
    settings.speech.engine = engine;
    match engine {
        SpeechEngineKind::Openai => {
            settings.speech.model = Some("whisper-large-v3".into());
            settings.providers.openai = provider(format!("{}/v1", server.uri()), OPENAI_KEY);
        }
        _ => {
            settings.providers.gemini = provider(format!("{}/v1beta", server.uri()), GEMINI_KEY);
        }
    }
    let engine = engine_from_settings(&settings.speech, &settings.providers, None)
        .unwrap_or_else(|e| panic!("{e}"));
    Transcriber::new(engine, 1, settings.speech.agent_channel, 120)
}

async fn run(
    transcriber: &Transcriber,
) -> Result<coach_engines::speech::Transcription, SpeechError> {
    let bytes = mono_wav(
        "ko",
        "안녕하십니까, 행복쇼핑 고객센터입니다. 무엇을 도와드릴까요?",
    );
    let audio = transcriber
        .decode(bytes, Some("wav".into()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    transcriber
        .transcribe(audio, "ko", None, Arc::new(AtomicU8::new(0)))
        .await
}

/// An OpenAI `verbose_json` transcription answer.
pub fn verbose_json() -> Value {
    json!({
        "task": "transcribe",
        "language": "korean",
        "duration": 33.3,
        "text": "이 세부 정보 페이지는 데이터 집합의 모든 발언을 나열합니다. 나란히 비교할 수 있습니다.",
        "segments": [
            { "id": 0, "seek": 0, "start": 0.0, "end": 4.5, "text": " 이 세부 정보 페이지는 데이터 집합의 모든 발언을 나열합니다.", "tokens": [50364], "temperature": 0.0, "avg_logprob": -0.21, "compression_ratio": 1.3, "no_speech_prob": 0.01 },
            { "id": 1, "seek": 0, "start": 6.0, "end": 9.0, "text": " 나란히 비교할 수 있습니다.", "tokens": [50364], "temperature": 0.0, "avg_logprob": -0.3, "compression_ratio": 1.1, "no_speech_prob": 0.02 }
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_compatible_engine_posts_multipart_wav_and_reads_verbose_json_segments() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(header(
            "authorization",
            format!("Bearer {OPENAI_KEY}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(verbose_json()))
        .mount(&server)
        .await;
    let transcription = run(&transcriber(SpeechEngineKind::Openai, &server))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        transcription.engine,
        ("openai".to_owned(), "whisper-large-v3".to_owned())
    );
    let first = &transcription.turns[0];
    assert_eq!(first.speaker, Speaker::Agent);
    assert!(first.text.starts_with("이 세부 정보"), "{first:?}");
    // Segment times are offset by the window's start (the speech starts after the padding).
    assert!(first.start_ms.is_some_and(|s| s < 1_000), "{first:?}");

    let requests = server.received_requests().await.unwrap_or_default();
    assert!(!requests.is_empty());
    let body = String::from_utf8_lossy(&requests[0].body).into_owned();
    let content_type = requests[0]
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    for field in [
        "name=\"model\"\r\n\r\nwhisper-large-v3",
        "name=\"language\"\r\n\r\nko",
        "name=\"response_format\"\r\n\r\nverbose_json",
        "name=\"timestamp_granularities[]\"\r\n\r\nsegment",
        "filename=\"audio.wav\"",
        "RIFF",
    ] {
        assert!(body.contains(field), "missing {field:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_openai_error_body_is_a_transcription_failure_without_the_key_and_overload_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": { "message": format!("Incorrect API key provided: {OPENAI_KEY}"), "type": "invalid_request_error", "param": null, "code": "invalid_api_key" }
        })))
        .mount(&server)
        .await;
    let error = run(&transcriber(SpeechEngineKind::Openai, &server))
        .await
        .err()
        .unwrap_or_else(|| panic!("a 401 must fail"));
    assert_eq!(error.code().as_str(), "TRANSCRIPTION_FAILED");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("invalid_api_key"), "{message}");
    assert!(!message.contains(OPENAI_KEY), "the key leaked: {message}");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1,
        "401 is not retried"
    );

    // 503 twice, then an answer: the engine retries within its budget.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(
            json!({"error": {"message": "overloaded", "type": "server_error", "code": null}}),
        ))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(verbose_json()))
        .mount(&server)
        .await;
    let transcription = run(&transcriber(SpeechEngineKind::Openai, &server))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!transcription.turns.is_empty());
}

fn gemini_answer(segments: Value) -> Value {
    json!({
        "candidates": [{
            "content": { "role": "model", "parts": [{ "text": json!({ "segments": segments }).to_string() }] },
            "finishReason": "STOP"
        }],
        "usageMetadata": { "promptTokenCount": 900, "candidatesTokenCount": 80, "totalTokenCount": 980 },
        "modelVersion": "gemini-2.5-flash"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gemini_engine_sends_inline_audio_and_reads_timed_segments_and_its_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1beta/models/gemini-2.5-flash:generateContent"))
        .and(header("x-goog-api-key", GEMINI_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(gemini_answer(json!([
            { "start": 0.2, "end": 4.4, "text": "이 세부 정보 페이지는 모든 발언을 나열합니다." },
            { "start": 5.0, "end": 8.0, "text": "나란히 비교할 수 있습니다." }
        ]))))
        .mount(&server)
        .await;
    let transcription = run(&transcriber(SpeechEngineKind::Gemini, &server))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(transcription.engine.0, "gemini");
    assert!(transcription.turns[0].text.contains("나열합니다"));
    let requests = server.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap_or(Value::Null);
    let parts = &body["contents"][0]["parts"];
    assert_eq!(parts[0]["inline_data"]["mime_type"], "audio/wav");
    assert!(
        parts[0]["inline_data"]["data"]
            .as_str()
            .is_some_and(|d| d.starts_with("UklGR")),
        "base64 of RIFF"
    );
    assert!(
        parts[1]["text"]
            .as_str()
            .is_some_and(|t| t.contains("`ko`"))
    );
    assert_eq!(
        body["generationConfig"]["responseMimeType"],
        "application/json"
    );
    // The key is a header, never in the URL.
    assert!(!requests[0].url.as_str().contains(GEMINI_KEY));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": { "code": 400, "message": "Unsupported MIME type: audio/wav", "status": "INVALID_ARGUMENT" }
        })))
        .mount(&server)
        .await;
    let error = run(&transcriber(SpeechEngineKind::Gemini, &server))
        .await
        .err()
        .unwrap_or_else(|| panic!("a 400 must fail"));
    assert_eq!(error.code().as_str(), "TRANSCRIPTION_FAILED");
    assert!(error.to_string().contains("INVALID_ARGUMENT"), "{error}");
}
