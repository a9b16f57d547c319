//! What an administrator may know about the running system: which database, storage, analyzer
//! and speech-to-text engine are in use. Built once from the settings; it never holds a secret
//! (whether a key is configured, not the key; a provider's host, not its URL's credentials).

use crate::config::{AnalyzerProvider, Settings, StorageBackend};

/// The running configuration, without secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// The server's version.
    pub version: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// `local` or `s3`.
    pub storage: &'static str,
    /// `local`, `gemini` or `openai`.
    pub analyzer: &'static str,
    /// The LLM model, for LLM providers.
    pub model: Option<String>,
    /// The LLM provider's host (no scheme, credentials or path), for LLM providers.
    pub provider_host: Option<String>,
    /// Whether the LLM provider has an API key configured.
    pub provider_key_configured: bool,
    /// The speech-to-text engine for recordings and its model (`none` when switched off), e.g.
    /// `whisper.cpp · ggml-whisper-base-q8_0.bin · 2 threads × 1` or `whisper.cpp · model not
    /// installed`.
    pub speech_to_text: String,
    /// In-process job workers of this server.
    pub workers: usize,
}

/// The host of a URL: what lies between `scheme://` (and any `user:password@`) and the path.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_owned()
}

impl SystemInfo {
    /// The information of these settings.
    pub fn from_settings(settings: &Settings) -> Self {
        let provider = match settings.analyzer.provider {
            AnalyzerProvider::Local => None,
            AnalyzerProvider::Gemini => Some((
                &settings.providers.gemini,
                "generativelanguage.googleapis.com",
            )),
            AnalyzerProvider::Openai => Some((&settings.providers.openai, "api.openai.com")),
        };
        let is_postgres = settings.database_url().starts_with("postgres");
        Self {
            version: env!("CARGO_PKG_VERSION"),
            database: if is_postgres { "postgres" } else { "sqlite" },
            storage: match settings.storage.backend {
                StorageBackend::Local => "local",
                StorageBackend::S3 => "s3",
            },
            analyzer: settings.analyzer.provider.as_str(),
            model: settings.analyzer.model_in_effect(),
            provider_host: provider.map(|(p, default)| {
                p.base_url
                    .as_deref()
                    .map_or_else(|| default.to_owned(), host_of)
            }),
            provider_key_configured: provider.is_some_and(|(p, _)| p.api_key.is_some()),
            speech_to_text: speech_engine(settings),
            workers: settings.workers.count,
        }
    }
}

/// The speech-to-text engine in words (see [`SystemInfo::speech_to_text`]).
fn speech_engine(settings: &Settings) -> String {
    use crate::config::SpeechEngineKind;
    let speech = &settings.speech;
    let remote =
        |provider: &crate::config::ProviderSettings, name: &str, model: &str, host: &str| {
            let host = provider
                .base_url
                .as_deref()
                .map_or_else(|| host.to_owned(), host_of);
            let model = speech.model.clone().unwrap_or_else(|| model.to_owned());
            format!("{name} · {model} · {host}")
        };
    match speech.engine {
        SpeechEngineKind::None => "none".to_owned(),
        SpeechEngineKind::Whisper => {
            let file = speech.model_file();
            let name = file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            if file.is_file() {
                format!(
                    "whisper.cpp · {name} · {} threads × {}",
                    speech.threads,
                    speech.concurrency()
                )
            } else {
                format!("whisper.cpp · {name} not installed (scripts/install-model.sh)")
            }
        }
        SpeechEngineKind::Openai => remote(
            &settings.providers.openai,
            "openai",
            "whisper-1",
            "api.openai.com",
        ),
        SpeechEngineKind::Gemini => remote(
            &settings.providers.gemini,
            "gemini",
            "gemini-2.5-flash",
            "generativelanguage.googleapis.com",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_hosts_drop_scheme_credentials_and_path() {
        assert_eq!(host_of("http://127.0.0.1:11434/v1"), "127.0.0.1:11434");
        assert_eq!(
            host_of("https://user:secret@llm.example.com/v1?x=1"),
            "llm.example.com"
        );
        assert_eq!(host_of("llm.internal"), "llm.internal");
    }
}
