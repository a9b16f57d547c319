//! The embedded engine: whisper.cpp through `whisper-rs`, offline.
//!
//! One model is loaded per process and shared; every recording window gets a fresh decoding state
//! (nothing carries over between recordings or windows), `no_context` is on (the previous window's
//! text is never fed back, which is how Whisper's repetition loops start), the language is set
//! explicitly, the encoder sees only the window's length rather than a padded 30 s (unless
//! `speech.fit_encoder` is off), and decoding runs on the blocking pool with `speech.threads` threads.
//! whisper-rs 0.16's own `enable_vad` flag is ignored by the library, so voice activity gating is
//! done by the caller with earshot (see [`super::vad`]).

use std::path::Path;
use std::sync::Arc;
use std::sync::Once;

use futures_util::future::BoxFuture;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use super::{Request, Segment, SpeechError, SpeechToText};

/// whisper.cpp with one loaded model.
pub struct WhisperEngine {
    context: Arc<WhisperContext>,
    threads: usize,
    beam_size: usize,
    fit_encoder: bool,
    model: String,
}

/// Encoder frames per second of audio (whisper.cpp's mel hop of 10 ms, halved by the encoder).
const ENCODER_FRAMES_PER_SECOND: usize = 50;
/// Frames of a full 30 s window.
const FULL_ENCODER_FRAMES: usize = 1_500;
/// Frames beyond the audio's end the encoder still sees (1.28 s), so the last word is whole.
const ENCODER_MARGIN_FRAMES: usize = 64;

/// The encoder context for `samples` 16 kHz samples: their length plus a margin, at most 30 s.
///
/// whisper.cpp pads every window to 30 s and encodes all of it; a 20 s window encoded as 20 s
/// costs a third less. The model then no longer sees the padding that marks the end of audio,
/// which changes a few words (README, "Audio and video": CER and WER either way).
fn encoder_frames(samples: usize) -> i32 {
    let frames = samples * ENCODER_FRAMES_PER_SECOND
        / usize::try_from(super::decode::TARGET_RATE).unwrap_or(16_000);
    i32::try_from((frames + ENCODER_MARGIN_FRAMES).min(FULL_ENCODER_FRAMES)).unwrap_or(1_500)
}

static LOG_HOOKS: Once = Once::new();

impl WhisperEngine {
    /// Loads a ggml model (whisper.cpp's logs go to `tracing`); `fit_encoder` encodes each window
    /// for its own length instead of a padded 30 s (see `speech.fit_encoder`).
    ///
    /// Errors: [`SpeechError::Unavailable`] when the file is missing or not a model.
    pub fn load(
        path: &Path,
        threads: usize,
        beam_size: usize,
        fit_encoder: bool,
    ) -> Result<Self, SpeechError> {
        LOG_HOOKS.call_once(whisper_rs::install_logging_hooks);
        if !path.is_file() {
            return Err(SpeechError::Unavailable(format!(
                "the Whisper model {} is not installed (scripts/setup.sh builds it)",
                path.display()
            )));
        }
        let params = WhisperContextParameters {
            use_gpu: false,
            ..WhisperContextParameters::default()
        };
        let context = WhisperContext::new_with_params(path, params).map_err(|e| {
            SpeechError::Unavailable(format!("{} is not a Whisper model: {e}", path.display()))
        })?;
        let model = path.file_stem().map_or_else(
            || "whisper".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        Ok(Self {
            context: Arc::new(context),
            threads: threads.max(1),
            beam_size: beam_size.max(1),
            fit_encoder,
            model,
        })
    }

    /// Transcribes 16 kHz mono samples on the current thread.
    pub fn transcribe_blocking(&self, request: &Request) -> Result<Vec<Segment>, SpeechError> {
        let engine_error = |e: whisper_rs::WhisperError| SpeechError::Engine(e.to_string());
        let mut state = self.context.create_state().map_err(engine_error)?;
        let strategy = if self.beam_size > 1 {
            SamplingStrategy::BeamSearch {
                beam_size: i32::try_from(self.beam_size).unwrap_or(5),
                patience: -1.0,
            }
        } else {
            SamplingStrategy::Greedy { best_of: 1 }
        };
        let mut params = FullParams::new(strategy);
        params.set_language(Some(&request.language));
        params.set_n_threads(i32::try_from(self.threads).unwrap_or(1));
        params.set_no_context(true);
        params.set_translate(false);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        if self.fit_encoder {
            params.set_audio_ctx(encoder_frames(request.samples().len()));
        }
        let progress = request.progress.clone();
        params.set_progress_callback_safe(move |percent: i32| {
            progress.report(u8::try_from(percent.clamp(0, 100)).unwrap_or(100));
        });
        state
            .full(params, request.samples())
            .map_err(engine_error)?;
        let mut segments = Vec::new();
        for segment in state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(engine_error)?
                .trim()
                .to_owned();
            // whisper.cpp times segments in centiseconds.
            let ms = |t: i64| u64::try_from(t).unwrap_or(0) * 10;
            tracing::debug!(start = segment.start_timestamp(), end = segment.end_timestamp(), no_speech = segment.no_speech_probability(), %text, "segment");
            segments.push(Segment {
                start_ms: ms(segment.start_timestamp()),
                end_ms: ms(segment.end_timestamp()),
                text,
                no_speech: segment.no_speech_probability(),
            });
        }
        request.progress.report(100);
        Ok(segments)
    }
}

impl SpeechToText for WhisperEngine {
    fn describe(&self) -> (String, String) {
        ("whisper.cpp".to_owned(), self.model.clone())
    }

    fn transcribe(&self, request: Request) -> BoxFuture<'_, Result<Vec<Segment>, SpeechError>> {
        let engine = Self {
            context: self.context.clone(),
            threads: self.threads,
            beam_size: self.beam_size,
            fit_encoder: self.fit_encoder,
            model: self.model.clone(),
        };
        Box::pin(async move {
            tokio::task::spawn_blocking(move || engine.transcribe_blocking(&request))
                .await
                .map_err(|e| SpeechError::Engine(format!("transcription task failed: {e}")))?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoder_sees_the_window_and_a_margin_never_more_than_30_seconds() {
        assert_eq!(encoder_frames(16_000 * 20), 1_000 + 64);
        assert_eq!(encoder_frames(16_000 * 30), 1_500);
        assert_eq!(encoder_frames(16_000 * 45), 1_500);
        assert_eq!(encoder_frames(0), 64);
    }
}
