//! Google Gemini `models/{model}:generateContent` (REST, v1beta): `systemInstruction`,
//! `generationConfig.responseMimeType = application/json` with a `responseSchema` (the OpenAPI
//! subset Gemini accepts, converted from our JSON Schema), `usageMetadata` token counts, and
//! `google.rpc.RetryInfo.retryDelay` on 429. The key travels in the `x-goog-api-key` header, never
//! in the URL.

use std::time::Duration;

use reqwest::header::HeaderName;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::transport::{Answer, CallStats, Credential, Transport, Usage as TokenUsage, Wire};
use super::{ChatAnswer, ChatRequest, ChatRole, LlmError, SpokenText};
use crate::llm::settings::ProviderSettings;

/// The public API's base URL, used when `base_url` is not set.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com/v1beta";

/// A configured Gemini client.
#[derive(Debug, Clone)]
pub struct Gemini {
    transport: Transport,
    endpoint: String,
    model: String,
    credential: Option<Credential>,
}

impl Gemini {
    /// A client for `model` with the given connection settings.
    ///
    /// Errors: [`LlmError::Config`] when the HTTP client cannot be built.
    pub fn new(settings: &ProviderSettings, model: String) -> Result<Self, LlmError> {
        let model_path = model.strip_prefix("models/").unwrap_or(&model);
        Ok(Self {
            transport: Transport::new(settings)?,
            endpoint: format!(
                "{}/models/{model_path}:generateContent",
                settings.base_url_or(DEFAULT_BASE_URL)
            ),
            model,
            credential: settings
                .api_key
                .as_ref()
                .map(|key| {
                    Credential::new(
                        HeaderName::from_static("x-goog-api-key"),
                        "",
                        key,
                        "providers.gemini.api_key",
                    )
                })
                .transpose()?,
        })
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Sends one `generateContent` request (with retries).
    #[tracing::instrument(skip_all, fields(provider = "gemini", model = %self.model))]
    pub async fn chat(&self, request: &ChatRequest) -> (CallStats, Result<ChatAnswer, LlmError>) {
        self.transport
            .post_json(
                &self.endpoint,
                &request_body(request),
                self.credential.as_ref(),
                &GeminiWire,
            )
            .await
    }
}

impl Gemini {
    /// Transcribes a WAV file sent as inline audio; the answer is JSON segments with start and
    /// end seconds (a `responseSchema` asks for them), with retries.
    #[tracing::instrument(skip_all, fields(provider = "gemini", model = %self.model))]
    pub async fn transcribe(
        &self,
        wav: &[u8],
        language: &str,
    ) -> (CallStats, Result<Vec<SpokenText>, LlmError>) {
        let (stats, answer) = self
            .transport
            .post_json(
                &self.endpoint,
                &transcription_body(wav, language),
                self.credential.as_ref(),
                &GeminiWire,
            )
            .await;
        (stats, answer.and_then(|a| parse_transcription(&a.text)))
    }
}

/// The `generateContent` body of a transcription: the audio inline, the instruction, and a
/// response schema of timed segments.
pub fn transcription_body(wav: &[u8], language: &str) -> Value {
    use base64::Engine as _;
    let instruction = format!(
        "Transcribe this recording verbatim in its spoken language (ISO 639-1 `{language}`). \
         Split it into segments at pauses; give each segment's start and end in seconds from the \
         start of the audio. Do not translate, summarise or add anything that is not said."
    );
    json!({
        "contents": [{
            "role": "user",
            "parts": [
                { "inline_data": { "mime_type": "audio/wav", "data": base64::engine::general_purpose::STANDARD.encode(wav) } },
                { "text": instruction }
            ]
        }],
        "generationConfig": {
            "temperature": 0,
            "responseMimeType": "application/json",
            "responseSchema": {
                "type": "OBJECT",
                "properties": {
                    "segments": {
                        "type": "ARRAY",
                        "items": {
                            "type": "OBJECT",
                            "properties": {
                                "start": { "type": "NUMBER" },
                                "end": { "type": "NUMBER" },
                                "text": { "type": "STRING" }
                            },
                            "required": ["start", "end", "text"]
                        }
                    }
                },
                "required": ["segments"]
            }
        }
    })
}

/// The segments of a transcription answer.
fn parse_transcription(text: &str) -> Result<Vec<SpokenText>, LlmError> {
    #[derive(Deserialize)]
    struct Answer {
        segments: Vec<Piece>,
    }
    #[derive(Deserialize)]
    struct Piece {
        start: f64,
        end: f64,
        text: String,
    }
    let json = text
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```");
    let answer: Answer = serde_json::from_str(json).map_err(|e| {
        LlmError::Malformed(format!("the transcription is not the asked JSON: {e}"))
    })?;
    Ok(answer
        .segments
        .into_iter()
        .filter(|p| p.start.is_finite() && p.end.is_finite() && p.start >= 0.0)
        .map(|p| SpokenText {
            start_s: p.start,
            end_s: p.end.max(p.start),
            text: p.text.trim().to_owned(),
            no_speech: 0.0,
        })
        .collect())
}

/// The `generateContent` request body.
pub fn request_body(request: &ChatRequest) -> Value {
    let contents: Vec<Value> = request
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                ChatRole::User => "user",
                ChatRole::Model => "model",
            };
            json!({ "role": role, "parts": [{ "text": m.text }] })
        })
        .collect();
    json!({
        "systemInstruction": { "parts": [{ "text": request.system }] },
        "contents": contents,
        "generationConfig": {
            "responseMimeType": "application/json",
            "responseSchema": to_gemini_schema(&request.schema),
            "temperature": request.temperature,
            "maxOutputTokens": request.max_output_tokens,
            "candidateCount": 1,
        },
    })
}

/// Converts a JSON Schema to Gemini's `Schema` object: upper-case `type`s, `propertyOrdering`
/// from the property order, and no `additionalProperties` (which `responseSchema` rejects).
pub fn to_gemini_schema(schema: &Value) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "additionalProperties" | "$schema" | "title" => {}
            "type" => {
                let upper = value
                    .as_str()
                    .map(str::to_ascii_uppercase)
                    .unwrap_or_default();
                out.insert(key.clone(), Value::String(upper));
            }
            "properties" => {
                if let Value::Object(properties) = value {
                    let converted: Map<String, Value> = properties
                        .iter()
                        .map(|(name, s)| (name.clone(), to_gemini_schema(s)))
                        .collect();
                    let order: Vec<Value> = properties
                        .keys()
                        .map(|k| Value::String(k.clone()))
                        .collect();
                    out.insert(key.clone(), Value::Object(converted));
                    out.insert("propertyOrdering".into(), Value::Array(order));
                }
            }
            "items" => {
                out.insert(key.clone(), to_gemini_schema(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

struct GeminiWire;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    #[serde(default)]
    candidates: Vec<Candidate>,
    prompt_feedback: Option<PromptFeedback>,
    usage_metadata: Option<Usage>,
    model_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    content: Option<Content>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    text: Option<String>,
    #[serde(default)]
    thought: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedback {
    block_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    prompt_token_count: Option<u32>,
    candidates_token_count: Option<u32>,
    /// Reasoning tokens of thinking models (billed as output, not in `candidatesTokenCount`).
    thoughts_token_count: Option<u32>,
}

impl Usage {
    fn tokens(&self) -> TokenUsage {
        let output = match (self.candidates_token_count, self.thoughts_token_count) {
            (None, None) => None,
            (answer, thoughts) => Some(answer.unwrap_or(0).saturating_add(thoughts.unwrap_or(0))),
        };
        TokenUsage {
            prompt_tokens: self.prompt_token_count,
            output_tokens: output,
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: Option<String>,
    status: Option<String>,
    #[serde(default)]
    details: Vec<Value>,
}

/// The answer text of a parsed response, or why there is none.
fn answer_of(response: Response) -> Result<ChatAnswer, LlmError> {
    if let Some(reason) = response.prompt_feedback.and_then(|f| f.block_reason) {
        return Err(LlmError::Refused(format!("prompt blocked ({reason})")));
    }
    let Some(candidate) = response.candidates.into_iter().next() else {
        return Err(LlmError::Refused("no candidates in the answer".into()));
    };
    match candidate.finish_reason.as_deref() {
        None | Some("STOP") => {}
        Some("MAX_TOKENS") => {
            return Err(LlmError::Refused(
                "the answer hit the output token limit (analyzer.max_output_tokens)".into(),
            ));
        }
        Some(other) => {
            return Err(LlmError::Refused(format!("generation stopped ({other})")));
        }
    }
    let text: String = candidate
        .content
        .map(|c| {
            c.parts
                .into_iter()
                .filter(|p| !p.thought)
                .filter_map(|p| p.text)
                .collect()
        })
        .unwrap_or_default();
    ChatAnswer::from_text(text, response.model_version)
}

impl Wire for GeminiWire {
    type Output = Result<ChatAnswer, LlmError>;

    fn parse_success(&self, body: &[u8]) -> Result<(Self::Output, TokenUsage), String> {
        let response: Response = serde_json::from_slice(body)
            .map_err(|e| format!("not a generateContent response ({e})"))?;
        let usage = response
            .usage_metadata
            .as_ref()
            .map(Usage::tokens)
            .unwrap_or_default();
        Ok((answer_of(response), usage))
    }

    fn error_message(&self, body: &[u8]) -> Option<String> {
        let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
        Some(super::with_code(parsed.error.status, parsed.error.message))
    }

    fn retry_delay(&self, answer: &Answer) -> Option<Duration> {
        let parsed: ErrorBody = serde_json::from_slice(&answer.body).ok()?;
        parsed
            .error
            .details
            .iter()
            .filter(|d| {
                d.get("@type").and_then(Value::as_str)
                    == Some("type.googleapis.com/google.rpc.RetryInfo")
            })
            .find_map(|d| d.get("retryDelay").and_then(Value::as_str))
            .and_then(parse_duration)
            .or_else(|| super::transport::retry_after_header(&answer.headers))
    }
}

/// Parses a protobuf JSON `Duration` such as `"37s"` or `"0.250s"`.
fn parse_duration(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protobuf_durations_parse_with_fractions() {
        assert_eq!(parse_duration("37s"), Some(Duration::from_secs(37)));
        assert_eq!(parse_duration("0.250s"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("-1s"), None);
        assert_eq!(parse_duration("5m"), None);
    }

    #[test]
    fn the_gemini_schema_has_upper_case_types_and_an_ordering_but_no_additional_properties() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "b": { "type": "string", "enum": ["X"] },
                "a": { "type": "array", "items": { "type": "integer", "minimum": 0 } }
            },
            "required": ["b", "a"]
        });
        let gemini = to_gemini_schema(&schema);
        assert_eq!(gemini["type"], "OBJECT");
        assert!(gemini.get("additionalProperties").is_none());
        assert_eq!(gemini["propertyOrdering"], json!(["b", "a"]));
        assert_eq!(gemini["properties"]["a"]["items"]["type"], "INTEGER");
        assert_eq!(gemini["properties"]["a"]["items"]["minimum"], 0);
        assert_eq!(gemini["properties"]["b"]["enum"], json!(["X"]));
    }

    #[test]
    fn thoughts_are_skipped_from_the_text_but_counted_as_output_tokens() {
        let body = json!({
            "candidates": [{
                "content": { "role": "model", "parts": [
                    { "text": "thinking…", "thought": true },
                    { "text": "{\"a\":" }, { "text": "1}" }
                ]},
                "finishReason": "STOP"
            }],
            "usageMetadata": { "promptTokenCount": 120, "candidatesTokenCount": 30, "thoughtsTokenCount": 200 },
            "modelVersion": "gemini-2.5-flash"
        });
        let parsed = GeminiWire.parse_success(body.to_string().as_bytes());
        let Ok((Ok(answer), usage)) = parsed else {
            panic!("parses: {parsed:?}");
        };
        assert_eq!(answer.text, "{\"a\":1}");
        assert_eq!(usage.prompt_tokens, Some(120));
        assert_eq!(usage.output_tokens, Some(230));
    }

    #[test]
    fn a_blocked_prompt_or_token_limit_is_a_refusal_not_a_transport_error() {
        let blocked = json!({ "promptFeedback": { "blockReason": "SAFETY" } });
        assert!(matches!(
            GeminiWire.parse_success(blocked.to_string().as_bytes()),
            Ok((Err(LlmError::Refused(_)), _))
        ));
        let cut = json!({
            "candidates": [{ "content": { "parts": [{ "text": "{" }] }, "finishReason": "MAX_TOKENS" }],
            "usageMetadata": { "promptTokenCount": 900, "candidatesTokenCount": 4096 }
        });
        let parsed = GeminiWire.parse_success(cut.to_string().as_bytes());
        assert!(
            matches!(parsed, Ok((Err(LlmError::Refused(_)), _))),
            "{parsed:?}"
        );
        assert_eq!(
            parsed.map(|(_, usage)| usage.output_tokens),
            Ok(Some(4096)),
            "the tokens of a cut-off answer are still counted"
        );
        assert!(GeminiWire.parse_success(b"{\"candidates\": [").is_err());
    }
}
