//! A recorded consultation in the browser: uploaded through the form with its spoken language
//! chosen, the player loads the recording, each transcript time seeks it, and the report shows
//! what was measured on the audio and how speakers were found.

use std::time::Duration;

use tests::synth::mono_wav;

use crate::support::{
    choose, click, ok, require_dist, screenshot, sign_in, start_browser, value_of, wait_for,
    wait_for_path, wait_for_text,
};

const PASSWORD: &str = "recording-password-123";

/// What the synthesised recording says.
const RECORDING_TEXT: &str = "Thank you for calling Acme support, my name is Jordan. \
    I understand that your replacement phone has not arrived yet, and I am sorry about the wait. \
    I have checked your order, and the courier will deliver it tomorrow afternoon. \
    You will receive a text message with the tracking number tonight. \
    Is there anything else I can help you with today? Then the test is complete. \
    Thank you for your patience, and have a good evening.";

/// The player's `currentTime` (seconds), or `-1` before it exists.
async fn player_time(client: &fantoccini::Client) -> f64 {
    client
        .execute(
            "const p = document.getElementById('recording'); return p ? p.currentTime : -1;",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(-1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_uploads_an_english_recording_plays_it_from_a_transcript_turn_and_sees_its_audio_measures()
 {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    app.create_user("kim@example.com", PASSWORD, shared::access::Role::Counselor)
        .await;
    let token = app.login("kim@example.com", PASSWORD).await;

    // The recording is uploaded through the form, its spoken language chosen there (English,
    // where the server's default is Korean).
    let (_driver, client) = start_browser().await;
    sign_in(&client, &app.address, "kim@example.com", PASSWORD).await;
    wait_for(&client, "#file-input").await;
    assert_eq!(value_of(&client, "#spoken-language").await, "");
    choose(&client, "#spoken-language", "영어").await;
    // An English recording synthesised now, long enough to seek within (about 30 s).
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let recording = dir.path().join("english-call.wav");
    std::fs::write(&recording, mono_wav("en", RECORDING_TEXT)).unwrap_or_else(|e| panic!("{e}"));
    let input = ok(
        &client,
        "file input",
        client.find(fantoccini::Locator::Css("#file-input")).await,
    )
    .await;
    ok(
        &client,
        "choose the recording",
        input.send_keys(&recording.display().to_string()).await,
    )
    .await;
    click(&client, "#upload-submit").await;
    let path = wait_for_path(&client, "the consultation page", |p| {
        p.starts_with("/consultations/")
    })
    .await;
    let id = path.trim_start_matches("/consultations/").to_owned();
    let done = app
        .wait_for_terminal_within(&token, &id, Duration::from_secs(240))
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { consultation(id: $id) { language transcript { text } } }",
            serde_json::json!({ "id": id }),
        )
        .await;
    let consultation = &body["data"]["consultation"];
    assert_eq!(consultation["language"], "en", "{body}");
    assert!(
        consultation["transcript"]
            .to_string()
            .contains("test is complete"),
        "transcribed as English: {body}"
    );
    ok(&client, "reload the consultation", client.refresh().await).await;
    wait_for(&client, "audio#recording").await;
    wait_for_text(&client, "#audio-metrics", "녹음 길이").await;
    wait_for_text(&client, "#speaker-note", "추정").await;
    // The player has the recording's metadata (served by /media with its token).
    let started = std::time::Instant::now();
    loop {
        let ready = client
            .execute(
                "return document.getElementById('recording').readyState;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        if ready >= 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the recording never loaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Move the player away, then a turn's time brings it back there.
    ok(
        &client,
        "move the player",
        client
            .execute(
                "document.getElementById('recording').currentTime = 20;",
                vec![],
            )
            .await,
    )
    .await;
    let seek = "#transcript li:first-child button.seek";
    wait_for(&client, seek).await;
    let label = ok(
        &client,
        "seek label",
        client.find(fantoccini::Locator::Css(seek)).await,
    )
    .await
    .text()
    .await
    .unwrap_or_default();
    let (minutes, seconds) = label
        .trim_start_matches('▶')
        .trim()
        .split_once(':')
        .unwrap_or(("0", "0"));
    let wanted =
        minutes.parse::<f64>().unwrap_or(0.0) * 60.0 + seconds.parse::<f64>().unwrap_or(0.0);
    assert!(wanted < 15.0, "the first turn starts early: {label}");
    assert!((player_time(&client).await - 20.0).abs() < 1.0);
    click(&client, seek).await;
    let started = std::time::Instant::now();
    loop {
        let now = player_time(&client).await;
        if (now - wanted).abs() < 2.0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the player is at {now}, not {wanted}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&client, "18-recording-ko").await;
}
