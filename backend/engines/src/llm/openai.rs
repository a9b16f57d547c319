//! OpenAI-compatible `POST {base_url}/chat/completions` with `response_format: json_schema`
//! (strict): OpenAI itself, and local servers that speak the same API (Ollama, vLLM, llama.cpp
//! server, LM Studio). `usage.prompt_tokens` / `completion_tokens` are recorded; 429 honours
//! `retry-after-ms` and `Retry-After`. The key, when one is configured, travels as a bearer token.

use std::time::Duration;

use reqwest::header::AUTHORIZATION;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use super::transport::{
    Answer, CallStats, Credential, Transport, Usage as TokenUsage, Wire, retry_after_header,
};
use super::{ChatAnswer, ChatRequest, ChatRole, LlmError, SpokenText};
use crate::llm::settings::ProviderSettings;

/// Name of the response schema sent in `response_format.json_schema.name`.
const SCHEMA_NAME: &str = "coaching_report";

/// The public API's base URL, used when `base_url` is not set.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// A configured OpenAI-compatible client.
#[derive(Debug, Clone)]
pub struct OpenAi {
    transport: Transport,
    endpoint: String,
    transcriptions: String,
    model: String,
    credential: Option<Credential>,
}

impl OpenAi {
    /// A client for `model` with the given connection settings.
    ///
    /// Errors: [`LlmError::Config`] when the HTTP client cannot be built.
    pub fn new(settings: &ProviderSettings, model: String) -> Result<Self, LlmError> {
        Ok(Self {
            transport: Transport::new(settings)?,
            endpoint: format!(
                "{}/chat/completions",
                settings.base_url_or(DEFAULT_BASE_URL)
            ),
            transcriptions: format!(
                "{}/audio/transcriptions",
                settings.base_url_or(DEFAULT_BASE_URL)
            ),
            model,
            credential: settings
                .api_key
                .as_ref()
                .filter(|k| !k.expose_secret().trim().is_empty())
                .map(|key| {
                    Credential::new(AUTHORIZATION, "Bearer ", key, "providers.openai.api_key")
                })
                .transpose()?,
        })
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Sends one chat-completions request (with retries).
    #[tracing::instrument(skip_all, fields(provider = "openai", model = %self.model))]
    pub async fn chat(&self, request: &ChatRequest) -> (CallStats, Result<ChatAnswer, LlmError>) {
        self.transport
            .post_json(
                &self.endpoint,
                &request_body(&self.model, request),
                self.credential.as_ref(),
                &OpenAiWire,
            )
            .await
    }
}

impl OpenAi {
    /// Transcribes a WAV file with `/audio/transcriptions` (multipart; `verbose_json` with segment
    /// timestamps, which OpenAI's whisper-1 and local whisper servers such as faster-whisper-server
    /// or whisper.cpp's server return), with retries.
    #[tracing::instrument(skip_all, fields(provider = "openai", model = %self.model))]
    pub async fn transcribe(
        &self,
        wav: &[u8],
        language: &str,
    ) -> (CallStats, Result<Vec<SpokenText>, LlmError>) {
        let form = |wav: Vec<u8>| -> reqwest::multipart::Form {
            let file = reqwest::multipart::Part::bytes(wav)
                .file_name("audio.wav")
                .mime_str("audio/wav")
                .unwrap_or_else(|_| reqwest::multipart::Part::bytes(Vec::new()));
            reqwest::multipart::Form::new()
                .part("file", file)
                .text("model", self.model.clone())
                .text("language", language.to_owned())
                .text("response_format", "verbose_json")
                .text("timestamp_granularities[]", "segment")
                .text("temperature", "0")
        };
        self.transport
            .post_with(
                |client| {
                    client
                        .post(&self.transcriptions)
                        .multipart(form(wav.to_vec()))
                },
                self.credential.as_ref(),
                &TranscriptionWire,
            )
            .await
    }
}

/// `/audio/transcriptions` answers.
struct TranscriptionWire;

#[derive(Deserialize)]
struct Transcription {
    #[serde(default)]
    text: String,
    duration: Option<f64>,
    #[serde(default)]
    segments: Vec<TranscriptionSegment>,
}

#[derive(Deserialize)]
struct TranscriptionSegment {
    start: f64,
    end: f64,
    text: String,
    #[serde(default)]
    no_speech_prob: f32,
}

impl Wire for TranscriptionWire {
    type Output = Result<Vec<SpokenText>, LlmError>;

    fn parse_success(&self, body: &[u8]) -> Result<(Self::Output, TokenUsage), String> {
        let parsed: Transcription = serde_json::from_slice(body)
            .map_err(|e| format!("not a verbose_json transcription ({e})"))?;
        let segments = if parsed.segments.is_empty() {
            // A server that ignores `verbose_json` segments: the text spans the audio.
            let text = parsed.text.trim().to_owned();
            if text.is_empty() {
                Vec::new()
            } else {
                vec![SpokenText {
                    start_s: 0.0,
                    end_s: parsed.duration.unwrap_or(0.0),
                    text,
                    no_speech: 0.0,
                }]
            }
        } else {
            parsed
                .segments
                .into_iter()
                .map(|s| SpokenText {
                    start_s: s.start,
                    end_s: s.end,
                    text: s.text.trim().to_owned(),
                    no_speech: s.no_speech_prob,
                })
                .collect()
        };
        Ok((Ok(segments), TokenUsage::default()))
    }

    fn error_message(&self, body: &[u8]) -> Option<String> {
        OpenAiWire.error_message(body)
    }

    fn retry_delay(&self, answer: &Answer) -> Option<Duration> {
        retry_after_header(&answer.headers)
    }
}

/// The chat-completions request body.
pub fn request_body(model: &str, request: &ChatRequest) -> Value {
    let mut messages = vec![json!({ "role": "system", "content": request.system })];
    messages.extend(request.messages.iter().map(|m| {
        let role = match m.role {
            ChatRole::User => "user",
            ChatRole::Model => "assistant",
        };
        json!({ "role": role, "content": m.text })
    }));
    json!({
        "model": model,
        "messages": messages,
        "response_format": {
            "type": "json_schema",
            "json_schema": { "name": SCHEMA_NAME, "strict": true, "schema": request.schema },
        },
        "temperature": request.temperature,
        "max_tokens": request.max_output_tokens,
        "n": 1,
        "stream": false,
    })
}

struct OpenAiWire;

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<Usage>,
    model: Option<String>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<Message>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: Option<u32>,
    completion_tokens: Option<u32>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<Value>,
}

/// The answer text of a parsed response, or why there is none.
fn answer_of(response: Response) -> Result<ChatAnswer, LlmError> {
    let Some(choice) = response.choices.into_iter().next() else {
        return Err(LlmError::Refused("no choices in the answer".into()));
    };
    let message = choice.message.unwrap_or(Message {
        content: None,
        refusal: None,
    });
    if let Some(refusal) = message.refusal.filter(|r| !r.trim().is_empty()) {
        return Err(LlmError::Refused(refusal));
    }
    if choice.finish_reason.as_deref() == Some("length") {
        return Err(LlmError::Refused(
            "the answer hit the output token limit (analyzer.max_output_tokens)".into(),
        ));
    }
    ChatAnswer::from_text(message.content.unwrap_or_default(), response.model)
}

impl Wire for OpenAiWire {
    type Output = Result<ChatAnswer, LlmError>;

    fn parse_success(&self, body: &[u8]) -> Result<(Self::Output, TokenUsage), String> {
        let response: Response = serde_json::from_slice(body)
            .map_err(|e| format!("not a chat-completions response ({e})"))?;
        let usage = TokenUsage {
            prompt_tokens: response.usage.as_ref().and_then(|u| u.prompt_tokens),
            output_tokens: response.usage.as_ref().and_then(|u| u.completion_tokens),
        };
        Ok((answer_of(response), usage))
    }

    fn error_message(&self, body: &[u8]) -> Option<String> {
        let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
        let code = match parsed.error.code {
            Some(Value::String(code)) => Some(code),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => parsed.error.kind,
        };
        Some(super::with_code(code, parsed.error.message))
    }

    fn retry_delay(&self, answer: &Answer) -> Option<Duration> {
        retry_after_header(&answer.headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::ChatMessage;

    #[test]
    fn the_request_uses_a_strict_json_schema_and_the_system_role() {
        let request = ChatRequest {
            system: "be kind".into(),
            messages: vec![ChatMessage {
                role: ChatRole::User,
                text: "hello".into(),
            }],
            schema: json!({ "type": "object" }),
            max_output_tokens: 100,
            temperature: 0.0,
        };
        let body = request_body("llama3.1", &request);
        assert_eq!(body["model"], "llama3.1");
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(body["messages"][1]["content"], "hello");
        assert_eq!(body["response_format"]["type"], "json_schema");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    }

    #[test]
    fn error_bodies_give_code_and_message() {
        let body = json!({ "error": { "message": "Incorrect API key provided", "type": "invalid_request_error", "param": null, "code": "invalid_api_key" } });
        assert_eq!(
            OpenAiWire.error_message(body.to_string().as_bytes()),
            Some("invalid_api_key: Incorrect API key provided".into())
        );
    }

    #[test]
    fn a_length_stop_or_refusal_is_not_an_answer() {
        let cut = json!({
            "choices": [{ "message": { "role": "assistant", "content": "{\"a\"" }, "finish_reason": "length" }],
            "usage": { "prompt_tokens": 800, "completion_tokens": 4096 }
        });
        let parsed = OpenAiWire.parse_success(cut.to_string().as_bytes());
        assert!(
            matches!(parsed, Ok((Err(LlmError::Refused(_)), _))),
            "{parsed:?}"
        );
        assert_eq!(
            parsed.map(|(_, usage)| usage.output_tokens),
            Ok(Some(4096)),
            "the tokens of a cut-off answer are still counted"
        );
        let refusal = json!({ "choices": [{ "message": { "role": "assistant", "content": null, "refusal": "I can't" }, "finish_reason": "stop" }] });
        assert!(matches!(
            OpenAiWire.parse_success(refusal.to_string().as_bytes()),
            Ok((Err(LlmError::Refused(_)), _))
        ));
    }
}
