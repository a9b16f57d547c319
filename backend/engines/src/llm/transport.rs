//! The HTTP layer every provider shares (LLM analysis now, cloud speech-to-text later): a
//! concurrency limit and a requests-per-minute limit per provider, a per-attempt timeout, and the
//! retry policy of issue 6:
//!
//! * 429 waits for the provider's hint (Gemini `RetryInfo.retryDelay`, OpenAI `retry-after-ms` /
//!   `Retry-After`), or backs off when there is none;
//! * 408, 500, 502, 503, 504, timeouts, broken connections and bodies that are not the documented
//!   format (e.g. truncated) back off exponentially with ±25% jitter;
//! * any other status (400, 401, 403, 404 …) is a configuration problem and is not retried;
//! * every wait, queueing for a free slot included, must fit in the call's total budget (the
//!   first attempt always gets its full timeout), else the call ends with the last error.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use super::LlmError;
use crate::llm::settings::ProviderSettings;
use shared::clock::now_ms;

/// Largest response body read from a provider.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Longest wait for a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest single backoff step.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// One HTTP answer as received.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

/// What a provider's wire format says about an answer.
pub trait Wire {
    /// What a successful answer parses into.
    type Output;

    /// Parses a 2xx body into its output and the tokens it reports (also when the output is a
    /// refusal: those tokens were spent); `Err` (a description) when it is not the documented
    /// format.
    fn parse_success(&self, body: &[u8]) -> Result<(Self::Output, Usage), String>;

    /// The human message inside an error body, when there is one.
    fn error_message(&self, body: &[u8]) -> Option<String>;

    /// How long the provider asks us to wait before retrying a 429, when it says.
    fn retry_delay(&self, answer: &Answer) -> Option<Duration>;
}

/// Tokens a provider reports for one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt (input) tokens.
    pub prompt_tokens: Option<u32>,
    /// Output tokens, reasoning ("thinking") tokens included.
    pub output_tokens: Option<u32>,
}

/// How one logical call went, successful or not (the `llm_calls` row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallStats {
    /// When the first attempt started, epoch ms.
    pub started_at_ms: i64,
    /// From the first attempt to the end, waits included.
    pub latency: Duration,
    /// Attempts after the first.
    pub retries: u32,
    /// Why each retry happened (`429`, `503`, `timeout`, `network`, `malformed`).
    pub retry_reasons: Vec<String>,
    /// Status of the last attempt's answer (`None` when it got none, e.g. a timeout).
    pub http_status: Option<u16>,
    /// Tokens of the last answer that reported them.
    pub usage: Usage,
}

/// An API key and the header that carries it (marked sensitive, so it is never printed).
#[derive(Debug, Clone)]
pub struct Credential {
    header: HeaderName,
    value: HeaderValue,
    secret: SecretString,
}

impl Credential {
    /// `prefix` + the key in `header` (e.g. `Authorization: Bearer …`).
    ///
    /// Errors: [`LlmError::Config`] naming `setting` when the key cannot be sent in a header.
    pub fn new(
        header: HeaderName,
        prefix: &str,
        key: &SecretString,
        setting: &'static str,
    ) -> Result<Self, LlmError> {
        let key = key.expose_secret().trim();
        let mut value =
            HeaderValue::from_str(&format!("{prefix}{key}")).map_err(|_| LlmError::Config {
                status: None,
                message: format!("{setting} contains characters a header cannot carry"),
            })?;
        value.set_sensitive(true);
        Ok(Self {
            header,
            value,
            secret: SecretString::from(key.to_owned()),
        })
    }
}

/// Limits and retry policy of one provider, shared by all its calls.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    in_flight: Arc<Semaphore>,
    per_minute: Arc<DefaultDirectRateLimiter>,
    timeout: Duration,
    max_retries: u32,
    budget: Duration,
    backoff_base: Duration,
}

impl Transport {
    /// Builds the client and limiters from a provider's settings.
    ///
    /// Errors: [`LlmError::Config`] when the HTTP client cannot be built.
    pub fn new(settings: &ProviderSettings) -> Result<Self, LlmError> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("consult-coach/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Config {
                status: None,
                message: format!("the HTTP client could not be built: {}", e.without_url()),
            })?;
        let rpm = NonZeroU32::new(settings.requests_per_minute).unwrap_or(NonZeroU32::MIN);
        Ok(Self {
            client,
            in_flight: Arc::new(Semaphore::new(settings.max_concurrency.max(1))),
            // Evenly spaced starts (no burst): no sliding minute ever sees more than the limit + 1.
            per_minute: Arc::new(RateLimiter::direct(
                Quota::per_minute(rpm).allow_burst(NonZeroU32::MIN),
            )),
            timeout: Duration::from_secs(settings.timeout_secs),
            max_retries: settings.max_retries,
            budget: Duration::from_secs(settings.retry_budget_secs),
            backoff_base: Duration::from_millis(settings.retry_base_ms),
        })
    }

    /// Sends the request `build` makes (once per attempt), retrying per the policy, and parses the
    /// successful answer with `wire`. Always returns the call's statistics.
    pub async fn send<W: Wire>(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        wire: &W,
    ) -> (CallStats, Result<W::Output, LlmError>) {
        let start = Instant::now();
        // The first attempt always gets its full timeout; waits and later attempts must end
        // within the budget, so a call never runs longer than max(timeout, budget).
        let deadline = start + self.budget.max(self.timeout);
        let mut stats = CallStats {
            started_at_ms: now_ms(),
            ..CallStats::default()
        };
        let mut attempt: u32 = 0;
        let result = loop {
            let outcome = self.attempt(&build, wire, &mut stats, deadline).await;
            let (error, hinted_wait) = match outcome {
                Ok(output) => break Ok(output),
                Err(Failure::Permanent(error)) => break Err(error),
                Err(Failure::Transient { error, wait }) => (error, wait),
            };
            if attempt >= self.max_retries {
                break Err(error);
            }
            let wait = hinted_wait.unwrap_or_else(|| self.backoff(attempt));
            if start.elapsed() + wait >= self.budget {
                tracing::debug!(?wait, "the retry budget does not allow another attempt");
                break Err(error);
            }
            tracing::info!(
                reason = error.retry_reason(),
                ?wait,
                "retrying the provider call"
            );
            stats.retry_reasons.push(error.retry_reason().to_owned());
            stats.retries += 1;
            attempt += 1;
            tokio::time::sleep(wait).await;
        };
        stats.latency = start.elapsed();
        (stats, result)
    }

    /// POSTs `body` as JSON to `endpoint` with the credential, per the retry policy; the error's
    /// messages are scrubbed of the key.
    pub async fn post_json<T, W>(
        &self,
        endpoint: &str,
        body: &serde_json::Value,
        credential: Option<&Credential>,
        wire: &W,
    ) -> (CallStats, Result<T, LlmError>)
    where
        W: Wire<Output = Result<T, LlmError>>,
    {
        self.post_with(|client| client.post(endpoint).json(body), credential, wire)
            .await
    }

    /// Sends the request `build` makes (a multipart upload, say) with the credential, per the
    /// retry policy; the error's messages are scrubbed of the key.
    pub async fn post_with<T, W>(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        credential: Option<&Credential>,
        wire: &W,
    ) -> (CallStats, Result<T, LlmError>)
    where
        W: Wire<Output = Result<T, LlmError>>,
    {
        let (stats, result) = self
            .send(
                |client| {
                    let request = build(client);
                    match credential {
                        Some(c) => request.header(c.header.clone(), c.value.clone()),
                        None => request,
                    }
                },
                wire,
            )
            .await;
        let secret = credential.map(|c| c.secret.expose_secret());
        (
            stats,
            result.and_then(|r| r).map_err(|e| e.scrubbed(secret)),
        )
    }

    async fn attempt<W: Wire>(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        wire: &W,
        stats: &mut CallStats,
        deadline: Instant,
    ) -> Result<W::Output, Failure> {
        stats.http_status = None;
        let budget_spent = || Failure::Permanent(LlmError::Timeout(self.timeout));
        // Waiting for a free slot or the per-minute limiter counts against the call's deadline.
        let _permit = tokio::time::timeout_at(deadline.into(), self.in_flight.acquire())
            .await
            .map_err(|_| budget_spent())?
            .map_err(|_| {
                Failure::Permanent(LlmError::Network("the provider client is shut down".into()))
            })?;
        tokio::time::timeout_at(deadline.into(), self.per_minute.until_ready())
            .await
            .map_err(|_| budget_spent())?;
        let timeout = self
            .timeout
            .min(deadline.saturating_duration_since(Instant::now()));
        let answer = match self.exchange(build, timeout).await {
            Ok(answer) => answer,
            Err(error) => return Err(Failure::Transient { error, wait: None }),
        };
        stats.http_status = Some(answer.status);
        match answer.status {
            200..=299 => match wire.parse_success(&answer.body) {
                Ok((output, usage)) => {
                    stats.usage = usage;
                    Ok(output)
                }
                Err(reason) => Err(Failure::Transient {
                    error: LlmError::Malformed(reason),
                    wait: None,
                }),
            },
            429 => Err(Failure::Transient {
                wait: wire.retry_delay(&answer),
                error: LlmError::RateLimited {
                    message: describe(wire, &answer),
                },
            }),
            408 | 500 | 502 | 503 | 504 => Err(Failure::Transient {
                error: LlmError::Unavailable {
                    status: answer.status,
                    message: describe(wire, &answer),
                },
                wait: None,
            }),
            status => Err(Failure::Permanent(LlmError::Config {
                status: Some(status),
                message: describe(wire, &answer),
            })),
        }
    }

    async fn exchange(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Answer, LlmError> {
        let read = async {
            let mut response = build(&self.client).send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Ok(Err(LlmError::Malformed(format!(
                        "the response is larger than {MAX_BODY_BYTES} bytes"
                    ))));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Ok(Answer {
                status,
                headers,
                body,
            }))
        };
        match tokio::time::timeout(timeout, read).await {
            Err(_) => Err(LlmError::Timeout(timeout)),
            Ok(Ok(answer)) => answer,
            Ok(Err(error)) => Err(classify_reqwest(error, timeout)),
        }
    }

    /// Exponential backoff with ±25% jitter for retry number `attempt` (0-based).
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(MAX_BACKOFF);
        let factor = rand::thread_rng().gen_range(0.75..=1.25);
        base.mul_f64(factor)
    }
}

/// Why one attempt failed.
enum Failure {
    /// Worth another attempt, after `wait` when the provider said how long.
    Transient {
        error: LlmError,
        wait: Option<Duration>,
    },
    /// Another attempt would fail the same way.
    Permanent(LlmError),
}

fn classify_reqwest(error: reqwest::Error, timeout: Duration) -> LlmError {
    if error.is_connect() && error.is_timeout() {
        return LlmError::Network(format!(
            "no connection within {CONNECT_TIMEOUT:?} (check the provider's base URL)"
        ));
    }
    if error.is_timeout() {
        return LlmError::Timeout(timeout);
    }
    // Never the URL: some providers' conventions put keys in it.
    let error = error.without_url();
    let text = error_chain(&error);
    if error.is_body() || error.is_decode() {
        LlmError::Malformed(format!(
            "the response body was cut off or unreadable: {text}"
        ))
    } else {
        LlmError::Network(text)
    }
}

fn error_chain(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts.join(": ")
}

/// The provider's own error message, or the start of the body.
fn describe<W: Wire>(wire: &W, answer: &Answer) -> String {
    wire.error_message(&answer.body).unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&answer.body);
        let short: String = text.chars().take(200).collect();
        format!("HTTP {}: {short}", answer.status)
    })
}

/// Parses `Retry-After` (seconds or an HTTP date) and OpenAI's `retry-after-ms`.
pub fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait_ms = at.timestamp_millis() - now_ms();
    Some(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_accepts_seconds_milliseconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after_header(&headers), Some(Duration::from_secs(3)));
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(
            retry_after_header(&headers),
            Some(Duration::from_millis(250))
        );

        let mut headers = HeaderMap::new();
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after_header(&headers), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after_header(&headers), None);
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let settings = crate::llm::settings::ProviderSettings::default();
        let transport = Transport::new(&settings).ok();
        let Some(transport) = transport else {
            panic!("the client builds");
        };
        for attempt in 0..4 {
            let nominal = 500.0 * f64::from(2u32.pow(attempt));
            let ms = transport.backoff(attempt).as_secs_f64() * 1000.0;
            assert!(
                (nominal * 0.75..=nominal * 1.25).contains(&ms),
                "{attempt}: {ms}"
            );
        }
        assert!(transport.backoff(20) <= MAX_BACKOFF.mul_f64(1.25));
    }
}
