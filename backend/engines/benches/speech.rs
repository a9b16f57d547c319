//! Speech benchmark (issue 12): real-time factor of decode + voice detection + speech-to-text on
//! 2-minute recordings with 2 threads, and demux + decode speed of a video.
//!
//! `cargo bench -p coach-engines --bench speech` (needs the model scripts/install-model.sh builds,
//! or `CONSULT_COACH__SPEECH__MODEL_PATH`; the video figure needs ffmpeg to make the video).
//! Prints one line per figure; targets: STT RTF ≤ 0.2, video demux + decode ≤ 2 % of duration.
#![expect(clippy::print_stdout, reason = "a bench binary prints its figures")]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU8;
use std::time::Instant;

use coach_engines::llm::settings::ProvidersSettings;
use coach_engines::speech::decode::{DecodedAudio, decode_recording};
use coach_engines::speech::settings::SpeechSettings;
use coach_engines::speech::{Transcriber, engine_from_settings};

/// A file of the evaluation recordings: `CONSULT_COACH_EVAL_DIR`, default `../shared/eval` beside
/// the workspace (the bench needs them; a public clone does not have them).
fn eval(relative: &str) -> PathBuf {
    std::env::var_os("CONSULT_COACH_EVAL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval"))
        .join(relative)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn decode(bytes: Vec<u8>, extension: &str) -> DecodedAudio {
    decode_recording(bytes, Some(extension), 3_600_000).unwrap_or_else(|e| panic!("{e}"))
}

fn make_transcriber(fit_encoder: bool) -> Transcriber {
    let mut settings = SpeechSettings {
        fit_encoder,
        ..SpeechSettings::default()
    };
    if let Some(path) = std::env::var_os("CONSULT_COACH__SPEECH__MODEL_PATH") {
        settings.model_path = Some(path.into());
    }
    let engine = engine_from_settings(&settings, &ProvidersSettings::default(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    Transcriber::new(engine, 1, settings.agent_channel, 120)
}

/// Decode + VAD + STT of one file, timed; prints and returns the real-time factor.
fn run(
    runtime: &tokio::runtime::Runtime,
    transcriber: &Transcriber,
    label: &str,
    audio: DecodedAudio,
    decode_ms: f64,
    language: &str,
) -> f64 {
    let duration_ms = audio.duration_ms() as f64;
    let started = Instant::now();
    let transcription = runtime
        .block_on(transcriber.transcribe(audio, language, None, Arc::new(AtomicU8::new(0))))
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let stt_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rtf = (decode_ms + stt_ms) / duration_ms;
    println!(
        "{label}: {:.1} s of audio, decode {decode_ms:.0} ms, VAD+STT {stt_ms:.0} ms, RTF {rtf:.3} (2 threads, greedy), {} turns",
        duration_ms / 1000.0,
        transcription.turns.len()
    );
    rtf
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let transcriber = make_transcriber(true);

    let call = eval("audio/en_calls/azure_fast_transcription_test_call.wav");
    let started = Instant::now();
    let audio = decode(read(&call), "wav");
    let decode_ms = started.elapsed().as_secs_f64() * 1000.0;
    run(
        &runtime,
        &transcriber,
        "English call (2 min, mono)",
        audio,
        decode_ms,
        "en",
    );

    // The three Korean read-speech clips back to back (111 s).
    let started = Instant::now();
    let mut korean: Vec<f32> = Vec::new();
    for clip in ["test", "train1", "train2"] {
        let path = eval(&format!("audio/ko/azure_customspeech_ko_{clip}.wav"));
        korean.extend(decode(read(&path), "wav").channels.remove(0));
    }
    let decode_ms = started.elapsed().as_secs_f64() * 1000.0;
    let audio = DecodedAudio {
        channels: vec![korean],
        source_rate: 16_000,
        source_channels: 1,
    };
    run(
        &runtime,
        &transcriber,
        "Korean speech (111 s, mono)",
        audio.clone(),
        decode_ms,
        "ko",
    );
    run(
        &runtime,
        &make_transcriber(false),
        "Korean speech (111 s, mono), speech.fit_encoder off",
        audio,
        decode_ms,
        "ko",
    );

    // Video: demux + decode of the call muxed into H.264 + AAC mp4 and mkv.
    for container in ["mp4", "mkv"] {
        let out = std::env::temp_dir().join(format!("consult-coach-bench.{container}"));
        let made = std::process::Command::new("ffmpeg")
            .args([
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=640x360:rate=25",
                "-i",
            ])
            .arg(&call)
            .args([
                "-shortest",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
            ])
            .arg(&out)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            println!("video {container}: skipped (ffmpeg is not installed)");
            continue;
        }
        let bytes = read(&out);
        let size = bytes.len();
        let started = Instant::now();
        let audio = decode(bytes, container);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "video {container} ({:.1} MB, H.264 + AAC): demux + decode + resample {ms:.0} ms for {:.1} s = {:.2} % of its duration",
            size as f64 / 1e6,
            audio.duration_ms() as f64 / 1000.0,
            ms / audio.duration_ms() as f64 * 100.0
        );
        let _ = std::fs::remove_file(&out);
    }
}
