//! Settings of speech-to-text (`[speech]`).

use std::path::PathBuf;

use serde::Deserialize;
use shared::settings::{InvalidSetting, check_range, invalid};

/// Speech-to-text for audio and video consultations.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeechSettings {
    /// `whisper` (embedded whisper.cpp, offline), `openai` (an OpenAI-compatible
    /// `/v1/audio/transcriptions`, e.g. a local whisper server), `gemini` (audio input), or `none`
    /// (recordings are refused) (`CONSULT_COACH__SPEECH__ENGINE`, default `whisper`).
    pub engine: SpeechEngineKind,
    /// The ggml Whisper model for the embedded engine (`CONSULT_COACH__SPEECH__MODEL_PATH`,
    /// default `~/.cache/consult-coach/models/ggml-whisper-base-q8_0.bin`, which the setup scripts
    /// build); any whisper.cpp ggml model works, e.g. a larger one.
    pub model_path: Option<PathBuf>,
    /// Model name for the `openai` and `gemini` engines (default `whisper-1` and
    /// `gemini-2.5-flash`) (`CONSULT_COACH__SPEECH__MODEL`).
    pub model: Option<String>,
    /// Language spoken, unless an upload says otherwise: an ISO 639-1 code
    /// (`CONSULT_COACH__SPEECH__LANGUAGE`, default `ko`).
    pub language: String,
    /// Threads per transcription (`CONSULT_COACH__SPEECH__THREADS`, default 2).
    pub threads: usize,
    /// Transcriptions at once; default: the CPU cores divided by `threads`, at least 1, so
    /// jobs × threads never exceeds the cores (`CONSULT_COACH__SPEECH__MAX_CONCURRENT`).
    pub max_concurrent: Option<usize>,
    /// Beam width; 1 is greedy decoding (`CONSULT_COACH__SPEECH__BEAM_SIZE`, default 1, at most 8).
    pub beam_size: usize,
    /// Encode each speech window for its own length instead of Whisper's padded 30 s: about a
    /// quarter faster at the same accuracy on the evaluation clips
    /// (`CONSULT_COACH__SPEECH__FIT_ENCODER`, default true).
    pub fit_encoder: bool,
    /// Which channel of a stereo recording is the agent (`left` or `right`; default `left`)
    /// (`CONSULT_COACH__SPEECH__AGENT_CHANNEL`).
    pub agent_channel: AgentChannel,
    /// Longest recording accepted, minutes (`CONSULT_COACH__SPEECH__MAX_MINUTES`, default 120).
    pub max_minutes: u64,
}

impl Default for SpeechSettings {
    fn default() -> Self {
        Self {
            engine: SpeechEngineKind::Whisper,
            model_path: None,
            model: None,
            language: "ko".to_owned(),
            threads: 2,
            max_concurrent: None,
            beam_size: 1,
            fit_encoder: true,
            agent_channel: AgentChannel::Left,
            max_minutes: 120,
        }
    }
}

impl SpeechSettings {
    /// The ggml model file of the embedded engine.
    pub fn model_file(&self) -> PathBuf {
        self.model_path.clone().unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(|| PathBuf::from(".cache"));
            cache
                .join("consult-coach")
                .join("models")
                .join("ggml-whisper-base-q8_0.bin")
        })
    }

    /// Transcriptions allowed at once: `max_concurrent`, or cores ÷ threads (at least 1).
    pub fn concurrency(&self) -> usize {
        self.max_concurrent.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            (cores / self.threads.max(1)).max(1)
        })
    }

    /// Checks every value.
    ///
    /// Errors: the first [`InvalidSetting`] found.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        check_range("speech.threads", self.threads, 1..=64)?;
        check_range("speech.beam_size", self.beam_size, 1..=8)?;
        check_range("speech.max_minutes", self.max_minutes, 1..=600)?;
        if let Some(n) = self.max_concurrent {
            check_range("speech.max_concurrent", n, 1..=64)?;
        }
        if !shared::language::is_language_code(&self.language) {
            return Err(invalid(
                "speech.language",
                "must be a two-letter language code such as ko or en",
            ));
        }
        if let Some(model) = &self.model
            && (model.trim().is_empty() || model.len() > 200)
        {
            return Err(invalid(
                "speech.model",
                "must be a model name of at most 200 characters",
            ));
        }
        Ok(())
    }
}

/// The speech-to-text engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SpeechEngineKind {
    /// whisper.cpp, embedded and offline.
    #[default]
    Whisper,
    /// An OpenAI-compatible `/v1/audio/transcriptions` endpoint (`providers.openai`).
    Openai,
    /// Gemini audio input (`providers.gemini`).
    Gemini,
    /// No speech-to-text: recordings are refused.
    None,
}

/// The channel of a stereo call carrying the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AgentChannel {
    /// Left (channel 0), the usual call-centre layout.
    #[default]
    Left,
    /// Right (channel 1).
    Right,
}
