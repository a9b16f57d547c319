//! Settings of the language-model providers (`[analyzer]`, `[providers.*]`).

use secrecy::SecretString;
use serde::Deserialize;
use shared::settings::{InvalidSetting, check_range, invalid};

/// Which analyzer produces reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyzerSettings {
    /// `local` (offline rules only), `gemini` or `openai` (the local report refined by that
    /// provider; falls back to the local report when the provider fails)
    /// (`CONSULT_COACH__ANALYZER__PROVIDER`, default `local`).
    pub provider: AnalyzerProvider,
    /// Model name; default `gemini-2.5-flash` for Gemini and `gpt-4o-mini` for OpenAI-compatible
    /// servers (`CONSULT_COACH__ANALYZER__MODEL`).
    pub model: Option<String>,
    /// Most output tokens the model may produce (`CONSULT_COACH__ANALYZER__MAX_OUTPUT_TOKENS`,
    /// default 4096).
    pub max_output_tokens: u32,
    /// Sampling temperature, 0 to 2 (`CONSULT_COACH__ANALYZER__TEMPERATURE`, default 0.2).
    pub temperature: f32,
}

impl Default for AnalyzerSettings {
    fn default() -> Self {
        Self {
            provider: AnalyzerProvider::Local,
            model: None,
            max_output_tokens: 4096,
            temperature: 0.2,
        }
    }
}

impl AnalyzerSettings {
    /// The model in effect for the configured provider (`None` for the local analyzer).
    pub fn model_in_effect(&self) -> Option<String> {
        let default = match self.provider {
            AnalyzerProvider::Local => return None,
            AnalyzerProvider::Gemini => "gemini-2.5-flash",
            AnalyzerProvider::Openai => "gpt-4o-mini",
        };
        Some(self.model.clone().unwrap_or_else(|| default.to_owned()))
    }
}

/// The analyzer provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnalyzerProvider {
    /// The built-in offline analyzer alone.
    #[default]
    Local,
    /// Google Gemini (`generateContent`).
    Gemini,
    /// Any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).
    Openai,
}

impl AnalyzerProvider {
    /// The stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Gemini => "gemini",
            Self::Openai => "openai",
        }
    }
}

/// Connection settings of every HTTP provider.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ProvidersSettings {
    /// Google Gemini (`CONSULT_COACH__PROVIDERS__GEMINI__…`).
    pub gemini: ProviderSettings,
    /// OpenAI-compatible server (`CONSULT_COACH__PROVIDERS__OPENAI__…`).
    pub openai: ProviderSettings,
}

/// How to reach one provider, and how hard to push it.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderSettings {
    /// API key, never logged (`CONSULT_COACH__PROVIDERS__<NAME>__API_KEY`; required for Gemini,
    /// optional for local OpenAI-compatible servers).
    pub api_key: Option<SecretString>,
    /// Base URL; default `https://generativelanguage.googleapis.com/v1beta` for Gemini and
    /// `https://api.openai.com/v1` for OpenAI; e.g. `http://127.0.0.1:11434/v1` for Ollama
    /// (`CONSULT_COACH__PROVIDERS__<NAME>__BASE_URL`).
    pub base_url: Option<String>,
    /// Timeout of one HTTP attempt in seconds (`…__TIMEOUT_SECS`, default 60).
    pub timeout_secs: u64,
    /// Retries after the first attempt on 429, 5xx, timeouts and broken responses
    /// (`…__MAX_RETRIES`, default 3).
    pub max_retries: u32,
    /// Total time one call may take, retries and waits included, in seconds
    /// (`…__RETRY_BUDGET_SECS`, default 120).
    pub retry_budget_secs: u64,
    /// First backoff delay in milliseconds, doubled per retry with ±25% jitter
    /// (`…__RETRY_BASE_MS`, default 500).
    pub retry_base_ms: u64,
    /// Requests in flight at once (`…__MAX_CONCURRENCY`, default 4).
    pub max_concurrency: usize,
    /// Requests started per minute (`…__REQUESTS_PER_MINUTE`, default 60).
    pub requests_per_minute: u32,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            timeout_secs: 60,
            max_retries: 3,
            retry_budget_secs: 120,
            retry_base_ms: 500,
            max_concurrency: 4,
            requests_per_minute: 60,
        }
    }
}

impl ProviderSettings {
    /// The configured base URL without a trailing slash, or `default`.
    pub fn base_url_or(&self, default: &str) -> String {
        self.base_url
            .as_deref()
            .unwrap_or(default)
            .trim()
            .trim_end_matches('/')
            .to_owned()
    }

    fn validate(&self, keys: &ProviderKeys) -> Result<(), InvalidSetting> {
        if let Some(url) = &self.base_url {
            check_base_url(keys.base_url, url.trim())?;
        }
        check_range(keys.timeout_secs, self.timeout_secs, 1..=600)?;
        check_range(keys.max_retries, self.max_retries, 0..=10)?;
        check_range(keys.retry_budget_secs, self.retry_budget_secs, 1..=3600)?;
        check_range(keys.retry_base_ms, self.retry_base_ms, 1..=60_000)?;
        check_range(keys.max_concurrency, self.max_concurrency, 1..=256)?;
        check_range(
            keys.requests_per_minute,
            self.requests_per_minute,
            1..=100_000,
        )?;
        Ok(())
    }
}

fn check_base_url(key: &'static str, url: &str) -> Result<(), InvalidSetting> {
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
        return Err(invalid(key, "must be an http:// or https:// URL"));
    }
    if url.contains(char::is_whitespace) || url.contains('?') || url.contains('#') {
        return Err(invalid(
            key,
            "must be a plain URL without spaces, query or fragment",
        ));
    }
    // Credentials in the URL would be printed with every connection error.
    let authority = url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        .unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid(
            key,
            "must not contain a user name or password (use the api_key setting)",
        ));
    }
    Ok(())
}

/// Dotted setting names of one provider, for error messages.
struct ProviderKeys {
    base_url: &'static str,
    timeout_secs: &'static str,
    max_retries: &'static str,
    retry_budget_secs: &'static str,
    retry_base_ms: &'static str,
    max_concurrency: &'static str,
    requests_per_minute: &'static str,
}

macro_rules! provider_keys {
    ($name:literal) => {
        ProviderKeys {
            base_url: concat!("providers.", $name, ".base_url"),
            timeout_secs: concat!("providers.", $name, ".timeout_secs"),
            max_retries: concat!("providers.", $name, ".max_retries"),
            retry_budget_secs: concat!("providers.", $name, ".retry_budget_secs"),
            retry_base_ms: concat!("providers.", $name, ".retry_base_ms"),
            max_concurrency: concat!("providers.", $name, ".max_concurrency"),
            requests_per_minute: concat!("providers.", $name, ".requests_per_minute"),
        }
    };
}

/// Checks the analyzer's and the providers' settings together (a Gemini analyzer needs its key).
///
/// Errors: the first [`InvalidSetting`] found.
pub fn validate(
    analyzer: &AnalyzerSettings,
    providers: &ProvidersSettings,
) -> Result<(), InvalidSetting> {
    use secrecy::ExposeSecret;
    check_range(
        "analyzer.max_output_tokens",
        analyzer.max_output_tokens,
        256..=65_536,
    )?;
    check_range("analyzer.temperature", analyzer.temperature, 0.0..=2.0)?;
    if let Some(model) = &analyzer.model
        && (model.trim().is_empty()
            || model.len() > 200
            || model.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(invalid(
            "analyzer.model",
            "must be a model name without spaces, at most 200 characters",
        ));
    }
    providers.gemini.validate(&provider_keys!("gemini"))?;
    providers.openai.validate(&provider_keys!("openai"))?;
    let key_missing = |p: &ProviderSettings| {
        p.api_key
            .as_ref()
            .is_none_or(|k| k.expose_secret().trim().is_empty())
    };
    if analyzer.provider == AnalyzerProvider::Gemini && key_missing(&providers.gemini) {
        return Err(invalid(
            "providers.gemini.api_key",
            "is required when analyzer.provider = \"gemini\"",
        ));
    }
    Ok(())
}
