//! Speech-to-text for audio and video consultations (issue 12, the toolchain).
//!
//! * [`decode`]: symphonia + rubato — any supported recording (or a video's audio track) → 16 kHz
//!   `f32` per channel, stereo kept apart.
//! * [`vad`]: earshot voice activity detection — talk time, dead air, overlaps, and the windows
//!   speech-to-text is given (long silences skipped, speech never cut tightly).
//! * [`whisper`]: the embedded whisper.cpp engine (whisper-rs), offline by default.
//! * [`http`]: the OpenAI-compatible `/v1/audio/transcriptions` and Gemini audio engines.
//! * [`assemble`]: segments → speaker turns (channel → role on stereo calls; a documented
//!   heuristic on mono recordings) and the hallucination / repetition filter.
//! * [`convert`]: the project's own CTranslate2 → ggml model converter, run at install time.
//!
//! [`transcribe`] ties them together for the pipeline.

pub mod accuracy;
pub mod assemble;
pub mod convert;
pub mod decode;
pub mod http;
pub mod settings;
pub mod vad;
pub mod whisper;

use shared::errors::ErrorCode;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use shared::transcript::Turn;
use tokio::sync::Semaphore;

use assemble::SpeakerAssignment;
use decode::{DecodeError, DecodedAudio};
use settings::{AgentChannel, SpeechEngineKind, SpeechSettings};
use vad::Timing;

use crate::llm::calls::CallRecorder;
use crate::llm::settings::ProvidersSettings;

/// A piece of transcribed speech, in milliseconds from the start of what was transcribed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start.
    pub start_ms: u64,
    /// End.
    pub end_ms: u64,
    /// The words.
    pub text: String,
    /// The engine's probability that this is not speech (0 when the engine does not say).
    pub no_speech: f32,
}

/// Why a recording could not be transcribed.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The recording could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No speech was found in the recording.
    #[error("no speech was found in the recording")]
    NoSpeech,
    /// Speech-to-text is switched off or its model is not installed.
    #[error("speech-to-text is unavailable: {0}")]
    Unavailable(String),
    /// The engine failed on this recording (whisper.cpp error, provider rejection).
    #[error("speech-to-text failed: {0}")]
    Engine(String),
    /// A remote engine is unreachable or overloaded (worth retrying).
    #[error("the speech-to-text provider is unavailable: {0}")]
    Transient(String),
}

impl SpeechError {
    /// Stable code stored as the consultation's failure code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Decode(DecodeError::TooLong { .. }) => ErrorCode::MediaTooLong,
            Self::Decode(_) => ErrorCode::MediaDecodeFailed,
            Self::NoSpeech => ErrorCode::NoSpeechFound,
            Self::Unavailable(_) => ErrorCode::SpeechUnavailable,
            Self::Engine(_) | Self::Transient(_) => ErrorCode::TranscriptionFailed,
        }
    }

    /// Whether another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

/// What one engine call transcribes: a window of one channel of a decoded recording (16 kHz
/// mono samples, shared with the other windows, never copied) in one language.
#[derive(Debug, Clone)]
pub struct Request {
    channels: Arc<Vec<Vec<f32>>>,
    channel: usize,
    window: Range<usize>,
    /// ISO 639-1 language.
    pub language: String,
    /// The consultation transcribed, for the provider call log (`llm_calls`).
    pub consultation_id: Option<String>,
    /// Where engines that can tell report how far they are.
    pub progress: Progress,
}

impl Request {
    /// The samples of this window.
    pub fn samples(&self) -> &[f32] {
        self.channels
            .get(self.channel)
            .and_then(|samples| samples.get(self.window.clone()))
            .unwrap_or_default()
    }
}

/// One request's share of a recording's overall progress: an engine reports its own percent and
/// the recording's percent (what the pipeline shows) is updated directly.
#[derive(Debug, Clone)]
pub struct Progress {
    overall: Arc<AtomicU8>,
    done_ms: u64,
    window_ms: u64,
    total_ms: u64,
}

impl Progress {
    /// Records that `percent` (0-100) of this request is done.
    pub fn report(&self, percent: u8) {
        let within = u64::from(percent.min(100));
        self.overall.store(
            percent_of(self.done_ms + self.window_ms * within / 100, self.total_ms),
            Ordering::Relaxed,
        );
    }
}

/// A speech-to-text engine.
pub trait SpeechToText: Send + Sync {
    /// The engine (`whisper.cpp`, `openai`, `gemini`) and its model, for reports and the admin page.
    fn describe(&self) -> (String, String);

    /// Transcribes one request into segments timed from the request's first sample.
    fn transcribe(&self, request: Request) -> BoxFuture<'_, Result<Vec<Segment>, SpeechError>>;
}

/// The configured engine, or why there is none. The HTTP engines hand each call to `calls` when
/// given a recorder, like the LLM analyzer does.
///
/// Errors: [`SpeechError::Unavailable`] when the engine is off, its model is missing or its
/// client cannot be built.
pub fn engine_from_settings(
    speech: &SpeechSettings,
    providers: &ProvidersSettings,
    calls: Option<Arc<dyn CallRecorder>>,
) -> Result<Arc<dyn SpeechToText>, SpeechError> {
    match speech.engine {
        SpeechEngineKind::None => Err(SpeechError::Unavailable("speech.engine is none".to_owned())),
        SpeechEngineKind::Whisper => Ok(Arc::new(whisper::WhisperEngine::load(
            &speech.model_file(),
            speech.threads,
            speech.beam_size,
            speech.fit_encoder,
        )?)),
        SpeechEngineKind::Openai => {
            Ok(Arc::new(http::OpenAiSpeech::new(speech, providers, calls)?))
        }
        SpeechEngineKind::Gemini => {
            Ok(Arc::new(http::GeminiSpeech::new(speech, providers, calls)?))
        }
    }
}

/// Speech-to-text loaded on first use: a deployment that only receives transcripts never loads
/// the model, and a model installed after start is picked up by the next recording (failures are
/// not cached).
pub struct SpeechService {
    settings: SpeechSettings,
    providers: ProvidersSettings,
    calls: Arc<dyn CallRecorder>,
    transcriber: tokio::sync::OnceCell<Transcriber>,
}

impl std::fmt::Debug for SpeechService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpeechService")
            .field("engine", &self.settings.engine)
            .finish_non_exhaustive()
    }
}

impl SpeechService {
    /// Speech-to-text as configured; provider calls are handed to `calls`.
    pub fn new(
        settings: &SpeechSettings,
        providers: &ProvidersSettings,
        calls: Arc<dyn CallRecorder>,
    ) -> Self {
        Self {
            settings: settings.clone(),
            providers: providers.clone(),
            calls,
            transcriber: tokio::sync::OnceCell::new(),
        }
    }

    /// Decodes a recording file on the blocking pool as it is read, bounded by
    /// `speech.max_minutes` (no engine is needed: a file that is not a recording fails before any
    /// model is loaded).
    pub async fn decode_file(
        &self,
        file: std::fs::File,
        extension: Option<String>,
    ) -> Result<DecodedAudio, SpeechError> {
        let max_ms = self.settings.max_minutes.saturating_mul(60_000);
        off_thread(move || decode::decode_file(file, extension.as_deref(), max_ms)).await
    }

    /// The language transcribed when an upload does not name one.
    pub fn default_language(&self) -> &str {
        &self.settings.language
    }

    /// The transcriber, loading the engine (on the blocking pool) the first time.
    pub async fn transcriber(&self) -> Result<&Transcriber, SpeechError> {
        self.transcriber
            .get_or_try_init(|| async {
                let (settings, providers) = (self.settings.clone(), self.providers.clone());
                let calls = self.calls.clone();
                let engine = tokio::task::spawn_blocking(move || {
                    engine_from_settings(&settings, &providers, Some(calls))
                })
                .await
                .map_err(|e| SpeechError::Unavailable(format!("loading failed: {e}")))??;
                let (name, model) = engine.describe();
                tracing::info!(engine = %name, %model, "speech-to-text engine loaded");
                let speech = &self.settings;
                Ok(Transcriber::new(
                    engine,
                    speech.concurrency(),
                    speech.agent_channel,
                    speech.max_minutes,
                ))
            })
            .await
    }
}

/// Speech-to-text as the pipeline uses it: the engine, a cap on transcriptions at once, and the
/// channel layout.
#[derive(Clone)]
pub struct Transcriber {
    engine: Arc<dyn SpeechToText>,
    permits: Arc<Semaphore>,
    agent_channel: AgentChannel,
    max_ms: u64,
}

impl std::fmt::Debug for Transcriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transcriber")
            .field("engine", &self.engine.describe())
            .field("agent_channel", &self.agent_channel)
            .finish_non_exhaustive()
    }
}

/// A transcribed recording.
#[derive(Debug, Clone)]
pub struct Transcription {
    /// Speaker turns with timestamps.
    pub turns: Vec<Turn>,
    /// Timing measured on the audio.
    pub timing: Timing,
    /// How speakers were told apart.
    pub assignment: SpeakerAssignment,
    /// Engine and model.
    pub engine: (String, String),
    /// Channels and rate of the file.
    pub source: (usize, u32),
}

impl Transcriber {
    /// Wraps an engine; `concurrency` transcriptions may run at once.
    pub fn new(
        engine: Arc<dyn SpeechToText>,
        concurrency: usize,
        agent_channel: AgentChannel,
        max_minutes: u64,
    ) -> Self {
        Self {
            engine,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            agent_channel,
            max_ms: max_minutes.saturating_mul(60_000),
        }
    }

    /// The engine and model.
    pub fn describe(&self) -> (String, String) {
        self.engine.describe()
    }

    /// Decodes a recording on the blocking pool (bounded by the configured length).
    pub async fn decode(
        &self,
        bytes: Vec<u8>,
        extension: Option<String>,
    ) -> Result<DecodedAudio, SpeechError> {
        let max_ms = self.max_ms;
        off_thread(move || decode::decode_recording(bytes, extension.as_deref(), max_ms)).await
    }

    /// Transcribes a decoded recording (taken by value: its samples are shared with the engine,
    /// not copied): voice activity per channel, speech-to-text over the speech windows (one
    /// transcription at a time per permit), then speaker turns. `progress` follows the share of
    /// speech transcribed, 0-100; `consultation_id` labels provider calls.
    pub async fn transcribe(
        &self,
        audio: DecodedAudio,
        language: &str,
        consultation_id: Option<&str>,
        progress: Arc<AtomicU8>,
    ) -> Result<Transcription, SpeechError> {
        let duration_ms = audio.duration_ms();
        let source = (audio.source_channels, audio.source_rate);
        let channels = Arc::new(audio.channels);
        let regions = {
            let channels = channels.clone();
            tokio::task::spawn_blocking(move || match channels.as_slice() {
                [first, second] => vad::stereo_regions(first, second).to_vec(),
                _ => channels.iter().map(|c| vad::speech_regions(c)).collect(),
            })
            .await
            .map_err(|e| SpeechError::Engine(format!("voice detection failed: {e}")))?
        };
        tracing::debug!(?regions, "speech regions");
        let windows: Vec<Vec<vad::Span>> = regions
            .iter()
            .map(|r| vad::transcription_windows(r, duration_ms))
            .collect();
        let total_ms: u64 = windows.iter().flatten().map(vad::Span::len_ms).sum();
        if total_ms == 0 {
            return Err(SpeechError::NoSpeech);
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| SpeechError::Unavailable("shutting down".to_owned()))?;
        let mut per_channel: Vec<Vec<Segment>> = Vec::with_capacity(channels.len());
        let mut done_ms = 0u64;
        for (channel, (windows, heard)) in windows.iter().zip(&regions).enumerate() {
            let length = channels.get(channel).map_or(0, Vec::len);
            let mut segments = Vec::new();
            for window in windows {
                let request = Request {
                    channels: channels.clone(),
                    channel,
                    window: vad::window_range(length, window),
                    language: language.to_owned(),
                    consultation_id: consultation_id.map(str::to_owned),
                    progress: Progress {
                        overall: progress.clone(),
                        done_ms,
                        window_ms: window.len_ms(),
                        total_ms,
                    },
                };
                for mut segment in self.engine.transcribe(request).await? {
                    segment.start_ms += window.start_ms;
                    segment.end_ms = (segment.end_ms + window.start_ms).min(window.end_ms);
                    let span = vad::Span {
                        start_ms: segment.start_ms,
                        end_ms: segment.end_ms,
                    };
                    if vad::is_heard(heard, &span) {
                        segments.push(segment);
                    }
                }
                done_ms += window.len_ms();
                progress.store(percent_of(done_ms, total_ms), Ordering::Relaxed);
            }
            per_channel.push(assemble::clean(segments));
        }
        let (turns, timing, assignment) = if let [first, second] = per_channel.as_slice() {
            let (agent, customer) = match self.agent_channel {
                AgentChannel::Left => (0, 1),
                AgentChannel::Right => (1, 0),
            };
            let (agent_segments, customer_segments) = if agent == 0 {
                (first, second)
            } else {
                (second, first)
            };
            (
                assemble::stereo_turns(agent_segments, customer_segments),
                vad::stereo_timing(&regions[agent], &regions[customer], duration_ms),
                SpeakerAssignment::Channels(self.agent_channel),
            )
        } else {
            let segments = per_channel.into_iter().flatten().collect::<Vec<_>>();
            let turns = assemble::mono_turns(&segments);
            (
                turns,
                vad::mono_timing(regions.first().map_or(&[][..], Vec::as_slice), duration_ms),
                SpeakerAssignment::Heuristic,
            )
        };
        if turns.iter().all(|t| t.text.trim().is_empty()) {
            return Err(SpeechError::NoSpeech);
        }
        Ok(Transcription {
            turns,
            timing,
            assignment,
            engine: self.engine.describe(),
            source,
        })
    }
}

/// A decoding on the blocking pool.
async fn off_thread(
    decoding: impl FnOnce() -> Result<DecodedAudio, DecodeError> + Send + 'static,
) -> Result<DecodedAudio, SpeechError> {
    tokio::task::spawn_blocking(decoding)
        .await
        .map_err(|e| SpeechError::Engine(format!("decoding task failed: {e}")))?
        .map_err(SpeechError::from)
}

fn percent_of(done: u64, total: u64) -> u8 {
    u8::try_from((done * 100 / total.max(1)).min(100)).unwrap_or(100)
}
