//! LLM providers against local HTTP servers (wiremock) speaking Gemini's `generateContent` and
//! OpenAI's chat-completions wire formats, errors included: the retry policy, configuration errors,
//! timeouts and broken bodies at the provider level; validation, the correction round, fallback,
//! accounting and what is sent (schema, instructions, no unredacted PII) end to end.

use std::time::{Duration, Instant};

use coach_app::config::{AnalyzerProvider, ProviderSettings, Settings};
use coach_app::entity::llm_calls;
use coach_engines::llm::{ChatMessage, ChatRequest, ChatRole, LlmError, Provider};
use sea_orm::{EntityTrait, QueryOrder};
use secrecy::SecretString;
use serde_json::{Value, json};
use tests::{TestApp, db_tests, spawn_app_with};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub(crate) const GEMINI_KEY: &str = "AIzaTEST-gemini-key-never-shown-0123456789";
const OPENAI_KEY: &str = "sk-test-openai-key-never-shown-0123456789";
const GEMINI_PATH: &str = "/v1beta/models/gemini-test:generateContent";

/// A consultation with a phone number the redactor must mask before anything is sent.
pub(crate) const TRANSCRIPT: &str = "상담원: 안녕하세요, 행복카드 고객센터 상담원 김민지입니다.
고객: 카드를 잃어버렸어요. 제 번호는 010-2345-6789예요.
상담원: 분실 신고 도와드리겠습니다. 본인 확인을 위해 성함을 말씀해 주시겠어요?
고객: 박서준입니다.
상담원: 확인되었습니다. 카드는 바로 정지했고 새 카드는 5일 안에 도착합니다.
고객: 감사합니다.
상담원: 더 궁금하신 점 있으신가요? 좋은 하루 되세요.";

/// The phone number in [`TRANSCRIPT`], which must never leave the server.
const PHONE: &str = "010-2345-6789";

fn provider_settings(base_url: String) -> ProviderSettings {
    ProviderSettings {
        base_url: Some(base_url),
        timeout_secs: 5,
        max_retries: 3,
        retry_budget_secs: 20,
        retry_base_ms: 10,
        requests_per_minute: 6000,
        ..ProviderSettings::default()
    }
}

pub(crate) fn use_gemini(settings: &mut Settings, server: &MockServer) {
    settings.analyzer.provider = AnalyzerProvider::Gemini;
    settings.analyzer.model = Some("gemini-test".into());
    settings.providers.gemini = ProviderSettings {
        api_key: Some(SecretString::from(GEMINI_KEY)),
        ..provider_settings(format!("{}/v1beta", server.uri()))
    };
}

fn use_openai(settings: &mut Settings, server: &MockServer) {
    settings.analyzer.provider = AnalyzerProvider::Openai;
    settings.analyzer.model = Some("llama3.1:8b".into());
    settings.providers.openai = ProviderSettings {
        api_key: Some(SecretString::from(OPENAI_KEY)),
        ..provider_settings(format!("{}/v1", server.uri()))
    };
}

fn provider_for(adjust: impl FnOnce(&mut Settings)) -> Provider {
    let mut settings = Settings::default();
    adjust(&mut settings);
    assert!(settings.validate().is_ok(), "{:?}", settings.validate());
    match Provider::for_analyzer(&settings.analyzer, &settings.providers) {
        Ok(Some(provider)) => provider,
        other => panic!("no provider: {other:?}"),
    }
}

fn small_request() -> ChatRequest {
    ChatRequest {
        system: "system text".into(),
        messages: vec![ChatMessage {
            role: ChatRole::User,
            text: "user text".into(),
        }],
        schema: json!({ "type": "object", "properties": { "a": { "type": "integer" } }, "required": ["a"], "additionalProperties": false }),
        max_output_tokens: 512,
        temperature: 0.2,
    }
}

/// A valid refinement of [`TRANSCRIPT`] (quotes copied from its turns).
pub(crate) fn refinement() -> Value {
    let score = |score: u8, rationale: &str| json!({ "score": score, "rationale": rationale, "strengths": ["친절한 인사"], "weaknesses": [] });
    let item = |code: &str, category: &str, turn: u32, quote: &str| {
        json!({
            "code": code, "category": category, "title": format!("{code} 개선"),
            "issue": "고객의 불안을 충분히 다루지 않았습니다.",
            "recommendation": "고객의 감정을 먼저 언급하세요.",
            "examplePhrase": "많이 놀라셨겠어요. 바로 도와드리겠습니다.",
            "priority": "HIGH",
            "evidence": [{ "turn": turn, "quote": quote }]
        })
    };
    json!({
        "summary": "카드 분실 신고 상담으로, 신속히 처리했지만 공감 표현이 부족했습니다.",
        "scores": {
            "attitude": score(70, "인사는 좋았지만 공감이 없었습니다."),
            "problemSolving": score(90, "카드를 즉시 정지하고 재발급 일정을 안내했습니다."),
            "communication": score(80, "확인 질문이 명확했습니다.")
        },
        "improvements": [
            item("no_empathy", "ATTITUDE", 1, "카드를 잃어버렸어요"),
            item("no_confirmation", "COMMUNICATION", 4, "새 카드는 5일 안에 도착합니다"),
            item("confirm_satisfaction", "PROBLEM_SOLVING", 6, "더 궁금하신 점 있으신가요?")
        ]
    })
}

pub(crate) fn gemini_answer(text: &str) -> Value {
    json!({
        "candidates": [{
            "content": { "role": "model", "parts": [{ "text": text }] },
            "finishReason": "STOP",
            "index": 0
        }],
        "usageMetadata": { "promptTokenCount": 1234, "candidatesTokenCount": 321, "totalTokenCount": 1555 },
        "modelVersion": "gemini-test-001"
    })
}

fn openai_answer(text: &str) -> Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "llama3.1:8b",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": text, "refusal": null },
            "finish_reason": "stop"
        }],
        "usage": { "prompt_tokens": 900, "completion_tokens": 250, "total_tokens": 1150 }
    })
}

pub(crate) fn gemini_error(
    code: u16,
    status: &str,
    message: &str,
    details: Value,
) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({
        "error": { "code": code, "message": message, "status": status, "details": details }
    }))
}

/// A provider server answering every request with `response`.
async fn serving(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A provider server answering the first `n` requests with `first`, then every other with `then`.
pub(crate) async fn serving_first(
    n: u64,
    first: ResponseTemplate,
    then: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

/// The two wire formats, for tests that must hold for both.
#[derive(Debug, Clone, Copy)]
enum Wire {
    Gemini,
    OpenAi,
}

const WIRES: [Wire; 2] = [Wire::Gemini, Wire::OpenAi];

impl Wire {
    fn configure(self, settings: &mut Settings, server: &MockServer) {
        match self {
            Self::Gemini => use_gemini(settings, server),
            Self::OpenAi => use_openai(settings, server),
        }
    }

    fn settings(self, settings: &mut Settings) -> &mut ProviderSettings {
        match self {
            Self::Gemini => &mut settings.providers.gemini,
            Self::OpenAi => &mut settings.providers.openai,
        }
    }

    fn answer(self, text: &str) -> Value {
        match self {
            Self::Gemini => gemini_answer(text),
            Self::OpenAi => openai_answer(text),
        }
    }

    fn ok(self, text: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(self.answer(text))
    }

    /// An error response in the provider's documented error format.
    fn error(self, code: u16, message: &str) -> ResponseTemplate {
        match self {
            Self::Gemini => {
                let status = match code {
                    400 => "INVALID_ARGUMENT",
                    429 => "RESOURCE_EXHAUSTED",
                    503 => "UNAVAILABLE",
                    _ => "INTERNAL",
                };
                gemini_error(code, status, message, json!([]))
            }
            Self::OpenAi => {
                let kind = match code {
                    400 => "invalid_request_error",
                    429 => "requests",
                    _ => "server_error",
                };
                ResponseTemplate::new(code).set_body_json(json!({
                    "error": { "message": message, "type": kind, "param": null, "code": null }
                }))
            }
        }
    }
}

// ---- Provider level: the retry policy -------------------------------------------------------

#[tokio::test]
async fn gemini_gets_the_system_instruction_json_mime_type_schema_and_key_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GEMINI_PATH))
        .and(header("x-goog-api-key", GEMINI_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(gemini_answer("{\"a\":1}")))
        .expect(1)
        .mount(&server)
        .await;
    let provider = provider_for(|s| use_gemini(s, &server));
    let (stats, answer) = provider.chat(&small_request()).await;
    let answer = answer.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.text, "{\"a\":1}");
    assert_eq!(stats.usage.prompt_tokens, Some(1234));
    assert_eq!(stats.usage.output_tokens, Some(321));
    assert_eq!(answer.model_version.as_deref(), Some("gemini-test-001"));
    assert_eq!((stats.retries, stats.http_status), (0, Some(200)));

    let requests = server.received_requests().await.unwrap_or_default();
    let body = body_of(&requests[0]);
    assert_eq!(body["systemInstruction"]["parts"][0]["text"], "system text");
    assert_eq!(body["contents"][0]["role"], "user");
    assert_eq!(body["contents"][0]["parts"][0]["text"], "user text");
    let config = &body["generationConfig"];
    assert_eq!(config["responseMimeType"], "application/json");
    assert_eq!(config["responseSchema"]["type"], "OBJECT");
    assert_eq!(
        config["responseSchema"]["properties"]["a"]["type"],
        "INTEGER"
    );
    assert!(
        config["responseSchema"]
            .get("additionalProperties")
            .is_none()
    );
    assert_eq!(config["maxOutputTokens"], 512);
    assert!(
        !requests[0].url.as_str().contains(GEMINI_KEY),
        "the key is never in the URL"
    );
}

#[tokio::test]
async fn a_gemini_429_waits_for_the_retry_info_delay_before_retrying() {
    let server = serving_first(
        1,
        gemini_error(
            429,
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).",
            json!([
                { "@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [] },
                { "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.2s" }
            ]),
        ),
        ResponseTemplate::new(200).set_body_json(gemini_answer("{}")),
    )
    .await;
    let provider = provider_for(|s| use_gemini(s, &server));
    let started = Instant::now();
    let (stats, answer) = provider.chat(&small_request()).await;
    assert!(answer.is_ok(), "{answer:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stats.retries, 1);
    assert_eq!(stats.retry_reasons, vec!["429".to_owned()]);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
}

#[tokio::test]
async fn a_429_whose_delay_exceeds_the_budget_gives_up_without_waiting() {
    let server = serving(gemini_error(
        429,
        "RESOURCE_EXHAUSTED",
        "quota",
        json!([{ "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3600s" }]),
    ))
    .await;
    let provider = provider_for(|s| use_gemini(s, &server));
    let started = Instant::now();
    let (stats, answer) = provider.chat(&small_request()).await;
    assert!(
        matches!(answer, Err(LlmError::RateLimited { .. })),
        "{answer:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(stats.retries, 0);
}

#[tokio::test]
async fn two_503s_then_success_retry_with_backoff() {
    for wire in WIRES {
        let server = serving_first(
            2,
            wire.error(503, "The model is overloaded."),
            wire.ok("{}"),
        )
        .await;
        let provider = provider_for(|s| wire.configure(s, &server));
        let (stats, answer) = provider.chat(&small_request()).await;
        assert!(answer.is_ok(), "{wire:?}: {answer:?}");
        assert_eq!(stats.retries, 2, "{wire:?}");
        assert_eq!(
            stats.retry_reasons,
            vec!["503".to_owned(), "503".to_owned()],
            "{wire:?}"
        );
        assert_eq!(stats.http_status, Some(200), "{wire:?}");
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 3, "{wire:?}");
    }
}

#[tokio::test]
async fn a_400_is_a_configuration_error_and_is_not_retried() {
    for (wire, key) in [(Wire::Gemini, GEMINI_KEY), (Wire::OpenAi, OPENAI_KEY)] {
        let server = serving(wire.error(
            400,
            &format!("API key not valid ({key}). Please pass a valid API key."),
        ))
        .await;
        let provider = provider_for(|s| wire.configure(s, &server));
        let (stats, answer) = provider.chat(&small_request()).await;
        let Err(error) = answer else {
            panic!("{wire:?}: a 400 is an error");
        };
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1, "{wire:?}: a 400 is not retried");
        assert!(
            matches!(
                error,
                LlmError::Config {
                    status: Some(400),
                    ..
                }
            ),
            "{wire:?}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("API key not valid"), "{message}");
        assert!(message.contains("check the provider settings"), "{message}");
        assert!(!message.contains(key), "the key is scrubbed: {message}");
        assert_eq!((stats.retries, stats.http_status), (0, Some(400)));
    }
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_fails_as_a_timeout_after_the_retries() {
    for wire in WIRES {
        let server = serving(wire.ok("{}").set_delay(Duration::from_secs(3))).await;
        let provider = provider_for(|s| {
            wire.configure(s, &server);
            wire.settings(s).timeout_secs = 1;
            wire.settings(s).max_retries = 1;
        });
        let started = Instant::now();
        let (stats, answer) = provider.chat(&small_request()).await;
        assert!(
            matches!(answer, Err(LlmError::Timeout(_))),
            "{wire:?}: {answer:?}"
        );
        assert_eq!(stats.retry_reasons, vec!["timeout".to_owned()]);
        assert_eq!(stats.http_status, None, "no answer was received");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{wire:?}: {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn retries_stop_at_the_total_budget_even_when_attempts_time_out() {
    let server = serving(Wire::OpenAi.ok("{}").set_delay(Duration::from_secs(10))).await;
    let provider = provider_for(|s| {
        use_openai(s, &server);
        s.providers.openai.timeout_secs = 1;
        s.providers.openai.max_retries = 10;
        s.providers.openai.retry_budget_secs = 2;
    });
    let started = Instant::now();
    let (stats, answer) = provider.chat(&small_request()).await;
    assert!(matches!(answer, Err(LlmError::Timeout(_))), "{answer:?}");
    assert!(stats.retries >= 1, "{stats:?}");
    assert!(
        started.elapsed() < Duration::from_millis(2600),
        "the call ran past its budget: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_truncated_body_is_retried_and_then_reported_as_malformed() {
    for wire in WIRES {
        let server = MockServer::start().await;
        let full = wire.answer("{}").to_string();
        let cut = full[..full.len() / 2].to_owned();
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(cut, "application/json"))
            .mount(&server)
            .await;
        let provider = provider_for(|s| {
            wire.configure(s, &server);
            wire.settings(s).max_retries = 1;
        });
        let (stats, answer) = provider.chat(&small_request()).await;
        assert!(
            matches!(answer, Err(LlmError::Malformed(_))),
            "{wire:?}: {answer:?}"
        );
        assert_eq!(stats.retry_reasons, vec!["malformed".to_owned()]);
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 2, "{wire:?}");
    }
}

#[tokio::test]
async fn a_cut_off_answer_is_a_refusal_whose_tokens_are_still_counted() {
    let server = MockServer::start().await;
    let mut answer = openai_answer("{\"summary\": \"카드");
    answer["choices"][0]["finish_reason"] = json!("length");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let provider = provider_for(|s| use_openai(s, &server));
    let (stats, answer) = provider.chat(&small_request()).await;
    assert!(matches!(answer, Err(LlmError::Refused(_))), "{answer:?}");
    assert_eq!(stats.retries, 0, "a refusal is not retried");
    assert_eq!(
        (stats.usage.prompt_tokens, stats.usage.output_tokens),
        (Some(900), Some(250))
    );
}

#[tokio::test]
async fn a_connection_closed_before_the_declared_length_is_a_broken_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = vec![0u8; 64 * 1024];
            let _ = socket.read(&mut buffer).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"candidates\": [";
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    let provider = provider_for(|s| {
        s.analyzer.provider = AnalyzerProvider::Gemini;
        s.analyzer.model = Some("gemini-test".into());
        s.providers.gemini = ProviderSettings {
            api_key: Some(SecretString::from(GEMINI_KEY)),
            max_retries: 1,
            ..provider_settings(format!("http://{address}/v1beta"))
        };
    });
    let (stats, answer) = provider.chat(&small_request()).await;
    assert!(matches!(answer, Err(LlmError::Malformed(_))), "{answer:?}");
    assert_eq!(stats.retries, 1);
}

#[tokio::test]
async fn openai_gets_a_strict_json_schema_a_bearer_key_and_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({ "error": { "message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded" } })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header(
            "authorization",
            format!("Bearer {OPENAI_KEY}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_answer("{\"a\":2}")))
        .mount(&server)
        .await;
    let provider = provider_for(|s| use_openai(s, &server));
    let started = Instant::now();
    let (stats, answer) = provider.chat(&small_request()).await;
    let answer = answer.unwrap_or_else(|e| panic!("{e}"));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(answer.text, "{\"a\":2}");
    assert_eq!(
        (stats.usage.prompt_tokens, stats.usage.output_tokens),
        (Some(900), Some(250))
    );
    assert_eq!(stats.retry_reasons, vec!["429".to_owned()]);

    let requests = server.received_requests().await.unwrap_or_default();
    let body = body_of(&requests[1]);
    assert_eq!(body["model"], "llama3.1:8b");
    assert_eq!(
        body["messages"][0],
        json!({ "role": "system", "content": "system text" })
    );
    assert_eq!(
        body["messages"][1],
        json!({ "role": "user", "content": "user text" })
    );
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["additionalProperties"],
        false
    );
}

#[tokio::test]
async fn an_openai_401_names_the_problem_without_the_key() {
    let server = serving(ResponseTemplate::new(401).set_body_json(json!({
            "error": { "message": format!("Incorrect API key provided: {OPENAI_KEY}."), "type": "invalid_request_error", "param": null, "code": "invalid_api_key" }
        })))
        .await;
    let provider = provider_for(|s| use_openai(s, &server));
    let (_, answer) = provider.chat(&small_request()).await;
    let message = answer.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("invalid_api_key") && message.contains("HTTP 401"),
        "{message}"
    );
    assert!(!message.contains(OPENAI_KEY), "{message}");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "a 401 is not retried");
}

// ---- End to end: validation, correction, fallback, accounting ---------------------------------

const REPORT: &str = "query($id: ID!) { consultation(id: $id) { status report {
    summary
    scores { attitude { score } problemSolving { score } communication { score } overall { score rationale } }
    improvements { code category evidence { turn quote } }
    metrics { turns }
    analyzer { name model version fallbackCode note }
} } }";

async fn analyse(app: &TestApp) -> Value {
    let token = app.counselor_token("counselor@example.com").await;
    let id = app.upload_text(&token, "카드분실.txt", TRANSCRIPT).await;
    let terminal = app.wait_for_terminal(&token, &id).await;
    assert_eq!(terminal["status"], "COMPLETED", "{terminal}");
    let body = app.graphql(Some(&token), REPORT, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    assert!(!body.to_string().contains(GEMINI_KEY) && !body.to_string().contains(OPENAI_KEY));
    body["data"]["consultation"]["report"].clone()
}

async fn recorded_calls(app: &TestApp) -> Vec<llm_calls::Model> {
    llm_calls::Entity::find()
        .order_by_asc(llm_calls::Column::Id)
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

db_tests! {
    async fn a_gemini_refinement_replaces_wording_keeps_local_metrics_and_never_sees_pii(db: Db) {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(GEMINI_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(gemini_answer(&refinement().to_string())))
            .mount(&server)
            .await;
        let app = spawn_app_with(db, |s| use_gemini(s, &server)).await;
        let report = analyse(&app).await;

        assert_eq!(report["analyzer"]["name"], "gemini");
        assert_eq!(report["analyzer"]["model"], "gemini-test-001");
        assert!(report["analyzer"]["fallbackCode"].is_null());
        assert_eq!(report["summary"], refinement()["summary"]);
        assert_eq!(report["scores"]["attitude"]["score"], 70);
        // Overall = 0.35·70 + 0.35·90 + 0.30·80 = 80, recomputed locally.
        assert_eq!(report["scores"]["overall"]["score"], 80);
        assert_eq!(report["improvements"][0]["code"], "no_empathy");
        assert_eq!(report["improvements"][0]["evidence"][0]["turn"], 1);
        assert_eq!(report["metrics"]["turns"], 7);

        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1);
        let sent = String::from_utf8_lossy(&requests[0].body).into_owned();
        assert!(!sent.contains(PHONE), "unredacted PII was sent");
        assert!(sent.contains("[전화번호]"), "the redacted transcript is sent");
        let body = body_of(&requests[0]);
        let system = body["systemInstruction"]["parts"][0]["text"].as_str().unwrap_or_default();
        assert!(system.contains("상담 품질"), "Korean instructions for a Korean consultation");
        let user = body["contents"][0]["parts"][0]["text"].as_str().unwrap_or_default();
        assert!(user.contains("[1] 고객: 카드를 잃어버렸어요"), "{user}");
        assert!(user.contains("## 규칙 기반 초안"), "the local draft is given");
        let schema = &body["generationConfig"]["responseSchema"];
        assert_eq!(schema["properties"]["improvements"]["maxItems"], 5);
        assert!(schema["properties"]["improvements"]["items"]["properties"]["code"]["enum"]
            .as_array()
            .is_some_and(|codes| codes.contains(&json!("no_empathy"))));

        let calls = recorded_calls(&app).await;
        assert_eq!(calls.len(), 1);
        let call = &calls[0];
        assert_eq!((call.provider.as_str(), call.purpose.as_str(), call.status.as_str()), ("gemini", "analysis", "ok"));
        assert_eq!((call.http_status, call.retries), (Some(200), 0));
        assert_eq!((call.prompt_tokens, call.output_tokens), (Some(1234), Some(321)));
        assert!(call.consultation_id.is_some());
    }

    async fn an_invalid_answer_is_corrected_once_with_the_validation_problems(db: Db) {
        let server = MockServer::start().await;
        let mut invented = refinement();
        invented["improvements"][0]["evidence"][0]["quote"] = json!("고객님 정말 죄송합니다");
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(openai_answer(&invented.to_string())))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        let fenced = format!("```json\n{}\n```", refinement());
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(openai_answer(&fenced)))
            .mount(&server)
            .await;
        let app = spawn_app_with(db, |s| use_openai(s, &server)).await;
        let report = analyse(&app).await;
        assert_eq!(report["analyzer"]["name"], "openai");
        assert_eq!(report["improvements"][0]["evidence"][0]["quote"], "카드를 잃어버렸어요");

        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 2);
        let sent = String::from_utf8_lossy(&requests[0].body).into_owned();
        assert!(!sent.contains(PHONE), "unredacted PII was sent");
        assert!(sent.contains("[전화번호]"), "the redacted transcript is sent");
        let first = body_of(&requests[0]);
        assert_eq!(first["messages"][0]["role"], "system");
        assert!(first["messages"][0]["content"].as_str().is_some_and(|c| c.contains("상담 품질")));
        let schema = &first["response_format"]["json_schema"]["schema"];
        assert_eq!(schema["properties"]["improvements"]["maxItems"], 5);
        assert_eq!(schema["additionalProperties"], false);
        let retry = body_of(&requests[1]);
        let messages = retry["messages"].as_array().cloned().unwrap_or_default();
        assert_eq!(messages.len(), 4, "{retry}");
        assert_eq!(messages[2]["role"], "assistant");
        let correction = messages[3]["content"].as_str().unwrap_or_default();
        assert!(correction.contains("improvements[0].evidence[0]"), "{correction}");

        let calls = recorded_calls(&app).await;
        let statuses: Vec<(&str, &str)> = calls.iter().map(|c| (c.purpose.as_str(), c.status.as_str())).collect();
        assert_eq!(statuses, vec![("analysis", "invalid_output"), ("analysis_repair", "ok")]);
    }

    async fn schema_invalid_json_is_corrected_once_on_both_wires(db: Db) {
        for wire in WIRES {
            let mut broken = refinement();
            broken["scores"]["attitude"]["score"] = json!("high");
            if let Some(object) = broken.as_object_mut() {
                object.remove("summary");
            }
            // The corrected answer comes fenced, as models often send it.
            let fenced = format!("```json\n{}\n```", refinement());
            let server = serving_first(1, wire.ok(&broken.to_string()), wire.ok(&fenced)).await;
            let app = spawn_app_with(db, |s| wire.configure(s, &server)).await;
            let report = analyse(&app).await;
            assert_ne!(report["analyzer"]["name"], "local", "{wire:?}: {report}");
            assert_eq!(report["scores"]["attitude"]["score"], 70, "{wire:?}");
            assert_eq!(report["summary"], refinement()["summary"], "{wire:?}");
            let calls = recorded_calls(&app).await;
            let statuses: Vec<(&str, &str)> = calls.iter().map(|c| (c.purpose.as_str(), c.status.as_str())).collect();
            assert_eq!(statuses, vec![("analysis", "invalid_output"), ("analysis_repair", "ok")], "{wire:?}");
            let problem = calls[0].error.clone().unwrap_or_default();
            assert!(problem.contains("does not match the schema"), "{wire:?}: {problem}");
        }
    }

    async fn a_failing_provider_still_completes_the_analysis_with_the_local_report_and_a_note(db: Db) {
        let server = serving(gemini_error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.", json!([]))).await;
        let app = spawn_app_with(db, |s| use_gemini(s, &server)).await;
        let report = analyse(&app).await;
        assert_eq!(report["analyzer"]["name"], "local");
        assert_eq!(report["analyzer"]["fallbackCode"], "LLM_CONFIG_ERROR");
        let note = report["analyzer"]["note"].as_str().unwrap_or_default();
        assert!(note.contains("규칙 기반") && note.contains("관리자"), "{note}");
        assert!(report["improvements"].as_array().is_some_and(|items| items.len() >= 3));

        let calls = recorded_calls(&app).await;
        assert_eq!(calls.len(), 1, "a 403 is not retried");
        assert_eq!(calls[0].status, "config_error");
        assert_eq!((calls[0].http_status, calls[0].retries), (Some(403), 0));
        assert!(calls[0].error.as_deref().is_some_and(|e| e.contains("PERMISSION_DENIED")));
    }

    async fn an_answer_invalid_twice_falls_back_and_records_both_calls(db: Db) {
        let server = MockServer::start().await;
        let mut wrong = refinement();
        wrong["improvements"][1]["evidence"][0]["turn"] = json!(42);
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(gemini_answer(&wrong.to_string())))
            .mount(&server)
            .await;
        let app = spawn_app_with(db, |s| use_gemini(s, &server)).await;
        let report = analyse(&app).await;
        assert_eq!(report["analyzer"]["name"], "local");
        assert_eq!(report["analyzer"]["fallbackCode"], "LLM_INVALID_OUTPUT");
        let calls = recorded_calls(&app).await;
        let statuses: Vec<&str> = calls.iter().map(|c| c.status.as_str()).collect();
        assert_eq!(statuses, vec!["invalid_output", "invalid_output"]);
        assert!(calls[1].error.as_deref().is_some_and(|e| e.contains("turn 42 does not exist")));
    }
}

#[tokio::test]
async fn calls_beyond_the_concurrency_limit_wait_for_a_free_slot() {
    let server = serving(
        ResponseTemplate::new(200)
            .set_body_json(gemini_answer("{}"))
            .set_delay(Duration::from_millis(300)),
    )
    .await;
    let provider = provider_for(|s| {
        use_gemini(s, &server);
        s.providers.gemini.max_concurrency = 1;
    });
    let started = Instant::now();
    let request = small_request();
    let (a, b, c) = tokio::join!(
        provider.chat(&request),
        provider.chat(&request),
        provider.chat(&request)
    );
    assert!(a.1.is_ok() && b.1.is_ok() && c.1.is_ok());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_requests_per_minute_limit_spaces_out_call_starts() {
    let server = serving(ResponseTemplate::new(200).set_body_json(openai_answer("{}"))).await;
    let provider = provider_for(|s| {
        use_openai(s, &server);
        s.providers.openai.requests_per_minute = 300;
    });
    let started = Instant::now();
    for _ in 0..4 {
        let (_, answer) = provider.chat(&small_request()).await;
        assert!(answer.is_ok(), "{answer:?}");
    }
    // 300 per minute = one start every 200 ms: the fourth starts ≥ 600 ms after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}

/// A `tracing` writer that keeps everything written, to search the logs.
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = self.0.lock() {
            logs.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_keys_never_reach_the_logs_even_when_a_provider_echoes_them() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // nextest runs each test in its own process, so the global subscriber is this test's alone.
    assert!(tracing::subscriber::set_global_default(subscriber).is_ok());

    let server = serving(gemini_error(
        400,
        "INVALID_ARGUMENT",
        &format!("API key not valid: {GEMINI_KEY}"),
        json!([]),
    ))
    .await;
    let app = spawn_app_with(tests::Db::Sqlite, |s| use_gemini(s, &server)).await;
    let report = analyse(&app).await;
    assert_eq!(report["analyzer"]["fallbackCode"], "LLM_CONFIG_ERROR");
    let calls = recorded_calls(&app).await;
    assert!(
        calls
            .iter()
            .all(|c| !c.error.clone().unwrap_or_default().contains(GEMINI_KEY))
    );

    let text = logs
        .0
        .lock()
        .map(|l| String::from_utf8_lossy(&l).into_owned())
        .unwrap_or_default();
    assert!(
        text.contains("the provider rejected the request"),
        "the failure is logged"
    );
    assert!(!text.contains(GEMINI_KEY), "the key leaked into the logs");
    assert!(!text.contains(PHONE), "unredacted PII leaked into the logs");
}
