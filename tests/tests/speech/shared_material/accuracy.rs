//! Accuracy on real speech, the stereo call's channels and video containers.

use std::process::Command;

use coach_engines::speech::accuracy::{ErrorCount, character_errors, word_errors};
use shared::transcript::Speaker;
use tests::eval_path;

use crate::{text_of, transcribe_file, whisper};

fn reference(path: &str) -> String {
    let path = eval_path(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_korean_clips_come_out_within_8_percent_cer_and_the_english_clip_within_5_percent_wer()
{
    let transcriber = whisper();
    let mut korean = ErrorCount::default();
    for clip in ["test", "train1", "train2"] {
        let audio = eval_path(&format!("audio/ko/azure_customspeech_ko_{clip}.wav"));
        let transcription = transcribe_file(&transcriber, &audio, "ko").await;
        let count = character_errors(
            &reference(&format!("audio/ko/azure_customspeech_ko_{clip}.txt")),
            &text_of(&transcription),
        );
        eprintln!("ko {clip}: CER {:.2}% ({count:?})", count.rate() * 100.0);
        // Every turn carries its timing, within the clip.
        let end = transcription.timing.duration_ms;
        assert!(transcription.turns.iter().all(|t| {
            t.start_ms.is_some_and(|s| s <= end) && t.end_ms.is_some_and(|e| e <= end)
        }));
        korean = korean.plus(count);
    }
    eprintln!("ko all: CER {:.2}% ({korean:?})", korean.rate() * 100.0);
    assert!(
        korean.rate() <= 0.08,
        "Korean CER {:.2}%",
        korean.rate() * 100.0
    );

    let audio = eval_path("audio/en/azure_customspeech_en_test.wav");
    let transcription = transcribe_file(&transcriber, &audio, "en").await;
    let english = word_errors(
        &reference("audio/en/azure_customspeech_en_test.txt"),
        &text_of(&transcription),
    );
    eprintln!("en: WER {:.2}% ({english:?})", english.rate() * 100.0);
    assert!(
        english.rate() <= 0.05,
        "English WER {:.2}%",
        english.rate() * 100.0
    );
}

/// Seconds of speech per party in the clip's energy-based activity estimate.
fn reference_talk_seconds(party: &str) -> f64 {
    let path =
        "audio/en_calls/aws_lca_auto_repairs_40_stereo_L-agent_R-caller.speech_activity.json";
    let activity: serde_json::Value =
        serde_json::from_str(&reference(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    activity[party]
        .as_array()
        .map(|spans| {
            spans
                .iter()
                .map(|s| s[1].as_f64().unwrap_or(0.0) - s[0].as_f64().unwrap_or(0.0))
                .sum()
        })
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stereo_call_gives_agent_and_customer_turns_whose_talk_times_match_its_channels() {
    let transcriber = whisper();
    let audio = eval_path("audio/en_calls/aws_lca_auto_repairs_40_stereo_L-agent_R-caller.wav");
    let transcription = transcribe_file(&transcriber, &audio, "en").await;
    let timing = &transcription.timing;
    let agent_s = timing.agent_talk_ms as f64 / 1000.0;
    let customer_s = timing.customer_talk_ms.unwrap_or(0) as f64 / 1000.0;
    let (agent_ref, customer_ref) = (
        reference_talk_seconds("agent"),
        reference_talk_seconds("caller"),
    );
    eprintln!(
        "talk: agent {agent_s:.1} s (reference {agent_ref:.1}), customer {customer_s:.1} s (reference {customer_ref:.1}); {timing:?}"
    );
    for (got, want) in [(agent_s, agent_ref), (customer_s, customer_ref)] {
        assert!(
            (got - want).abs() <= want * 0.1,
            "{got:.1} s vs {want:.1} s"
        );
    }
    // The agent (left) answers the call; the caller (right) explains the problem.
    let first = &transcription.turns[0];
    assert_eq!(first.speaker, Speaker::Agent, "{first:?}");
    assert!(
        first.text.to_lowercase().contains("thank you for calling"),
        "{first:?}"
    );
    let agent_words: String = transcription
        .turns
        .iter()
        .filter(|t| t.speaker == Speaker::Agent)
        .map(|t| t.text.to_lowercase())
        .collect();
    let customer_words: String = transcription
        .turns
        .iter()
        .filter(|t| t.speaker == Speaker::Customer)
        .map(|t| t.text.to_lowercase())
        .collect();
    assert!(agent_words.contains("how can i help"), "{agent_words}");
    assert!(
        customer_words.contains("my name is jack"),
        "{customer_words}"
    );
    assert!(
        !agent_words.contains("my name is jack"),
        "the caller leaked into the agent channel"
    );
    assert!(
        transcription
            .turns
            .iter()
            .filter(|t| t.speaker == Speaker::Customer)
            .count()
            >= 5
    );
}

/// Muxes the English clip into a video container with ffmpeg (H.264 test pattern + AAC audio).
fn make_video(container: &str) -> tempfile::TempPath {
    let out = tempfile::Builder::new()
        .suffix(&format!(".{container}"))
        .tempfile()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_temp_path();
    let audio = eval_path("audio/en/azure_customspeech_en_test.wav");
    let status = Command::new("ffmpeg")
        .args([
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=10",
        ])
        .arg("-i")
        .arg(&audio)
        .args([
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
        ])
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("ffmpeg (installed by scripts/setup.sh test): {e}"));
    assert!(status.success(), "ffmpeg failed");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_in_mp4_and_mkv_transcribes_like_its_audio_alone() {
    let transcriber = whisper();
    let reference = reference("audio/en/azure_customspeech_en_test.txt");
    let audio_only = transcribe_file(
        &transcriber,
        &eval_path("audio/en/azure_customspeech_en_test.wav"),
        "en",
    )
    .await;
    let audio_wer = word_errors(&reference, &text_of(&audio_only));
    for container in ["mp4", "mkv"] {
        let video = make_video(container);
        let started = std::time::Instant::now();
        let bytes = std::fs::read(&video).unwrap_or_else(|e| panic!("{e}"));
        let decoded = transcriber
            .decode(bytes, Some(container.to_owned()))
            .await
            .unwrap_or_else(|e| panic!("{container}: {e}"));
        eprintln!(
            "{container}: {} ms of audio demuxed and decoded in {} ms",
            decoded.duration_ms(),
            started.elapsed().as_millis()
        );
        let transcription = transcribe_file(&transcriber, &video, "en").await;
        let video_wer = word_errors(&reference, &text_of(&transcription));
        eprintln!(
            "{container}: WER {:.2}% (audio alone {:.2}%)",
            video_wer.rate() * 100.0,
            audio_wer.rate() * 100.0
        );
        assert!(
            video_wer.rate() <= 0.05,
            "{container}: WER {:.2}%",
            video_wer.rate() * 100.0
        );
        assert!(
            video_wer.errors <= audio_wer.errors + 2,
            "{container} lost accuracy: {video_wer:?} vs {audio_wer:?}"
        );
    }
}
