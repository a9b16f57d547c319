//! Speech synthesised at test time with Debian's `espeak-ng` (installed by the test command), so
//! the whole audio path — decoding, voice activity, speech-to-text, speaker channels, analysis —
//! is tested on every clone, without the shared evaluation recordings.

use std::process::Command;

use coach_engines::speech::decode::{TARGET_RATE, decode_recording, wav_bytes};
use shared::transcript::Speaker;

/// Silence between two turns of a synthesised call, seconds.
const GAP_S: f32 = 0.7;

/// `text` spoken by espeak-ng's `voice` (`ko`, `en-us`, `ko+f3` …), as 16 kHz mono samples.
///
/// # Panics
/// When espeak-ng is missing or fails: the README's test command installs it.
pub fn speak(voice: &str, text: &str) -> Vec<f32> {
    let file = tempfile::Builder::new()
        .suffix(".wav")
        .tempfile()
        .unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new("espeak-ng")
        .args(["-v", voice, "-s", "150", "-w"])
        .arg(file.path())
        .arg(text)
        .status()
        .unwrap_or_else(|e| {
            panic!("espeak-ng could not run ({e}); scripts/test.sh installs Debian's espeak-ng")
        });
    assert!(status.success(), "espeak-ng failed for {voice}: {text}");
    let bytes = std::fs::read(file.path()).unwrap_or_else(|e| panic!("{e}"));
    let decoded = decode_recording(bytes, Some("wav"), 600_000).unwrap_or_else(|e| panic!("{e}"));
    decoded.channels.into_iter().next().unwrap_or_default()
}

/// The espeak-ng voices of the agent and the customer for a language (`ko` or `en`).
fn voices(language: &str) -> (&'static str, &'static str) {
    match language {
        "ko" => ("ko", "ko+f3"),
        _ => ("en-us", "en-us+f3"),
    }
}

/// A stereo call in the usual contact-centre layout (agent left, customer right): each turn is
/// spoken on its speaker's channel while the other channel is silent, with a short pause between
/// turns. Returns a 16 kHz WAV file.
pub fn call_wav(language: &str, turns: &[(Speaker, &str)]) -> Vec<u8> {
    let (agent_voice, customer_voice) = voices(language);
    let gap = vec![0.0f32; (GAP_S * TARGET_RATE as f32) as usize];
    let (mut left, mut right) = (gap.clone(), gap.clone());
    for (speaker, text) in turns {
        let voice = if *speaker == Speaker::Agent {
            agent_voice
        } else {
            customer_voice
        };
        let speech = speak(voice, text);
        let silence = vec![0.0f32; speech.len()];
        let (spoken, quiet) = if *speaker == Speaker::Agent {
            (&mut left, &mut right)
        } else {
            (&mut right, &mut left)
        };
        spoken.extend_from_slice(&speech);
        quiet.extend_from_slice(&silence);
        left.extend_from_slice(&gap);
        right.extend_from_slice(&gap);
    }
    wav_bytes(TARGET_RATE, &[&left, &right])
}

/// One voice reading `text`, as a 16 kHz mono WAV file.
pub fn mono_wav(language: &str, text: &str) -> Vec<u8> {
    let samples = speak(voices(language).0, text);
    wav_bytes(TARGET_RATE, &[&samples])
}
