//! A real Korean recording (the shared evaluation clip) through the whole pipeline, on both
//! databases: transcribed within the accuracy target, timed, its voice-heuristic speakers and its
//! progress reported.

use coach_engines::speech::accuracy::character_errors;
use serde_json::{Value, json};
use tests::{TestApp, db_tests, eval_path, spawn_app};

use crate::pipeline::finished;

/// Kim uploads the first Korean clip; returns its details once finished.
async fn korean_clip_analysed(app: &TestApp) -> Value {
    let token = app.counselor_token("kim@example.com").await;
    let audio = std::fs::read(eval_path("audio/ko/azure_customspeech_ko_test.wav"))
        .unwrap_or_else(|e| panic!("{e}"));
    let id = app
        .upload_file(&token, "통화녹음.wav", audio, "audio/wav")
        .await;
    finished(app, &token, &id).await
}

db_tests! {
    async fn a_korean_recording_is_transcribed_with_timings_reports_its_progress_and_is_analysed(db: Db) {
        let app = spawn_app(db).await;
        let c = korean_clip_analysed(&app).await;
        assert_eq!(c["status"], "COMPLETED", "{c}");
        let info = &c["transcriptInfo"];
        assert_eq!(info["source"], "stt", "{info}");
        assert_eq!(info["format"], "speech");
        assert_eq!(info["speakerMapping"], "VOICE_HEURISTIC");
        assert!(info["encoding"].is_null());
        let turns = c["transcript"].as_array().cloned().unwrap_or_default();
        assert!(!turns.is_empty());
        assert!(turns.iter().all(|t| t["startMs"].is_u64() && t["endMs"].is_u64()), "{turns:?}");
        let text: String = turns.iter().filter_map(|t| t["text"].as_str()).collect::<Vec<_>>().join(" ");
        let reference = std::fs::read_to_string(eval_path("audio/ko/azure_customspeech_ko_test.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        let cer = character_errors(&reference, &text);
        assert!(cer.rate() <= 0.08, "CER {:.2}%: {text}", cer.rate() * 100.0);
        let audio = &c["report"]["metrics"]["audio"];
        assert_eq!(audio["engine"], "whisper.cpp", "{audio}");
        assert!(audio["durationS"].as_f64().is_some_and(|d| (33.0..34.0).contains(&d)), "{audio}");
        assert!(audio["agentTalkS"].as_f64().is_some_and(|t| t > 25.0), "{audio}");
        assert_eq!(audio["speakersByChannel"], false);
        assert!(audio["customerTalkS"].is_null());
        // The transcription stage reports its percent, ending at 100 %.
        let events = c["events"].as_array().cloned().unwrap_or_default();
        let transcribing: Vec<&Value> = events.iter().filter(|e| e["stage"] == "TRANSCRIBING").collect();
        assert!(!transcribing.is_empty(), "{events:?}");
        assert!(transcribing.iter().all(|e| e["message"].as_str().is_some_and(|m| m.contains('%'))), "{transcribing:?}");
        assert_eq!(events.last().map(|e| e["stage"].clone()), Some(json!("COMPLETED")));
    }
}
