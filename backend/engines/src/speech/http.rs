//! Speech-to-text by HTTP providers, behind the same [`SpeechToText`] trait as the embedded
//! engine: an OpenAI-compatible `/v1/audio/transcriptions` (OpenAI's whisper-1, or a local whisper
//! server) and Gemini's audio input. Both reuse the LLM providers' connection settings
//! (`providers.openai` / `providers.gemini`: base URL, key, timeouts, retries, rate limits); the
//! model is `speech.model`. Each window is sent as a 16-bit PCM WAV file, and each call is recorded
//! in `llm_calls` (purpose `transcription`) for the provider KPIs.

use futures_util::future::BoxFuture;
use std::sync::Arc;

use super::decode::{TARGET_RATE, wav_bytes};
use super::settings::SpeechSettings;
use super::{Request, Segment, SpeechError, SpeechToText};
use crate::llm::calls::{CallRecord, CallRecorder, Purpose};
use crate::llm::gemini::Gemini;
use crate::llm::openai::OpenAi;
use crate::llm::settings::ProvidersSettings;
use crate::llm::transport::CallStats;
use crate::llm::{LlmError, SpokenText};

/// Provider failures as speech errors: overload and network trouble may pass, the rest is a
/// configuration or answer problem.
fn speech_error(error: LlmError) -> SpeechError {
    match error {
        LlmError::RateLimited { .. }
        | LlmError::Unavailable { .. }
        | LlmError::Timeout(_)
        | LlmError::Network(_) => SpeechError::Transient(error.to_string()),
        other => SpeechError::Engine(other.to_string()),
    }
}

/// Hands one provider call of `request` to the recorder, when there is one, and turns its answer
/// into segments.
async fn finish(
    calls: Option<&Arc<dyn CallRecorder>>,
    (provider, model): (&str, &str),
    request: &Request,
    (stats, result): (CallStats, Result<Vec<SpokenText>, LlmError>),
) -> Result<Vec<Segment>, SpeechError> {
    if let Some(calls) = calls {
        let record = CallRecord {
            provider,
            model,
            purpose: Purpose::Transcription,
            consultation_id: request.consultation_id.as_deref(),
            stats: &stats,
            error: result.as_ref().err(),
            prompt_tokens: stats.usage.prompt_tokens,
            output_tokens: stats.usage.output_tokens,
        };
        calls.record(record).await;
    }
    result.map(segments).map_err(speech_error)
}

fn segments(pieces: Vec<SpokenText>) -> Vec<Segment> {
    let ms = |s: f64| {
        // Seconds within one window (≤ 30 s): far inside u64.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let ms = (s.max(0.0) * 1000.0).round() as u64;
        ms
    };
    pieces
        .into_iter()
        .map(|p| Segment {
            start_ms: ms(p.start_s),
            end_ms: ms(p.end_s),
            text: p.text,
            no_speech: p.no_speech,
        })
        .collect()
}

/// An OpenAI-compatible transcription endpoint.
pub struct OpenAiSpeech {
    client: OpenAi,
    calls: Option<Arc<dyn CallRecorder>>,
}

impl OpenAiSpeech {
    /// The client for `providers.openai` and `speech.model` (default `whisper-1`); calls are
    /// handed to `calls` when given.
    ///
    /// Errors: [`SpeechError::Unavailable`] when the client cannot be built.
    pub fn new(
        speech: &SpeechSettings,
        providers: &ProvidersSettings,
        calls: Option<Arc<dyn CallRecorder>>,
    ) -> Result<Self, SpeechError> {
        let model = speech
            .model
            .clone()
            .unwrap_or_else(|| "whisper-1".to_owned());
        let client = OpenAi::new(&providers.openai, model)
            .map_err(|e| SpeechError::Unavailable(e.to_string()))?;
        Ok(Self { client, calls })
    }
}

impl SpeechToText for OpenAiSpeech {
    fn describe(&self) -> (String, String) {
        ("openai".to_owned(), self.client.model().to_owned())
    }

    fn transcribe(&self, request: Request) -> BoxFuture<'_, Result<Vec<Segment>, SpeechError>> {
        Box::pin(async move {
            let wav = wav_bytes(TARGET_RATE, &[request.samples()]);
            let call = self.client.transcribe(&wav, &request.language).await;
            let engine = ("openai", self.client.model());
            finish(self.calls.as_ref(), engine, &request, call).await
        })
    }
}

/// Gemini audio input.
pub struct GeminiSpeech {
    client: Gemini,
    calls: Option<Arc<dyn CallRecorder>>,
}

impl GeminiSpeech {
    /// The client for `providers.gemini` and `speech.model` (default `gemini-2.5-flash`); calls
    /// are handed to `calls` when given.
    ///
    /// Errors: [`SpeechError::Unavailable`] when the key is missing or the client cannot be built.
    pub fn new(
        speech: &SpeechSettings,
        providers: &ProvidersSettings,
        calls: Option<Arc<dyn CallRecorder>>,
    ) -> Result<Self, SpeechError> {
        use secrecy::ExposeSecret as _;
        if providers
            .gemini
            .api_key
            .as_ref()
            .is_none_or(|k| k.expose_secret().trim().is_empty())
        {
            return Err(SpeechError::Unavailable(
                "speech.engine = \"gemini\" needs providers.gemini.api_key".to_owned(),
            ));
        }
        let model = speech
            .model
            .clone()
            .unwrap_or_else(|| "gemini-2.5-flash".to_owned());
        let client = Gemini::new(&providers.gemini, model)
            .map_err(|e| SpeechError::Unavailable(e.to_string()))?;
        Ok(Self { client, calls })
    }
}

impl SpeechToText for GeminiSpeech {
    fn describe(&self) -> (String, String) {
        ("gemini".to_owned(), self.client.model().to_owned())
    }

    fn transcribe(&self, request: Request) -> BoxFuture<'_, Result<Vec<Segment>, SpeechError>> {
        Box::pin(async move {
            let wav = wav_bytes(TARGET_RATE, &[request.samples()]);
            let call = self.client.transcribe(&wav, &request.language).await;
            let engine = ("gemini", self.client.model());
            finish(self.calls.as_ref(), engine, &request, call).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wav_file_decodes_back_to_the_same_samples() {
        let samples: Vec<f32> = (0..1600).map(|i| ((i as f32) / 50.0).sin() * 0.5).collect();
        let audio = super::super::decode::decode_recording(
            wav_bytes(TARGET_RATE, &[&samples]),
            Some("wav"),
            60_000,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(audio.channels.len(), 1);
        assert_eq!(audio.channels[0].len(), samples.len());
        assert!(
            audio.channels[0]
                .iter()
                .zip(&samples)
                .all(|(a, b)| (a - b).abs() < 1e-3)
        );
    }
}
