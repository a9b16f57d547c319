//! Speech-to-text: recordings synthesised at test time through the whole pipeline on both
//! databases, the HTTP engines against local servers speaking their wire formats, and (in
//! [`shared_material`]) the embedded engine's accuracy on real recordings, the stereo call's
//! channels and video containers.
//!
//! The embedded engine needs the Whisper model that `scripts/setup.sh` builds (the test command
//! runs it); `CONSULT_COACH__SPEECH__MODEL_PATH` points elsewhere.

mod pipeline;
mod providers;
mod shared_material;

use std::sync::Arc;
use std::sync::atomic::AtomicU8;

use coach_app::config::Settings;
use coach_engines::speech::{Transcriber, Transcription, engine_from_settings};

/// The embedded engine as configured by default (2 threads, greedy).
pub fn whisper() -> Transcriber {
    let mut settings = Settings::default();
    if let Some(path) = std::env::var_os("CONSULT_COACH__SPEECH__MODEL_PATH") {
        settings.speech.model_path = Some(path.into());
    }
    let engine =
        engine_from_settings(&settings.speech, &settings.providers, None).unwrap_or_else(|e| {
            panic!("the Whisper model is missing ({e}); scripts/test.sh builds it")
        });
    Transcriber::new(engine, 1, settings.speech.agent_channel, 120)
}

/// Decodes and transcribes a file of `eval/audio`.
pub async fn transcribe_file(
    transcriber: &Transcriber,
    path: &std::path::Path,
    language: &str,
) -> Transcription {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let extension = path.extension().map(|e| e.to_string_lossy().into_owned());
    let audio = transcriber
        .decode(bytes, extension)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    transcriber
        .transcribe(audio, language, None, Arc::new(AtomicU8::new(0)))
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// All the words of a transcription.
pub fn text_of(transcription: &Transcription) -> String {
    transcription
        .turns
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
