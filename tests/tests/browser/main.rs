//! Browser tests: a real headless Chromium (Debian's `chromium` + `chromium-driver`) drives the built
//! web app served by a test server. Screenshots go to `tests/artifacts/`.
//!
//! * this file: the counselor's main flow (sign in, upload, live stages, report), in Korean and
//!   in English;
//! * [`accounts`]: administration (teams, users, API keys), the profile (language, password) and
//!   sign-in throttling;
//! * [`coaching`]: a counselor's progress page and a manager's team overview;
//! * [`dashboard`]: the KPI dashboard for managers and admins (groups, statuses, trends, range
//!   presets, team filter, both languages);
//! * [`recordings`]: a recording's player, seeking from transcript turns, and the audio measures;
//! * [`reviews`]: exports, share links, acknowledgement, rating and disputes of a report, the
//!   public shared page, the managers' dispute inbox and survey;
//! * [`security`]: the app runs under its Content-Security-Policy without violations;
//! * [`session`]: the refresh token stays in its `HttpOnly` cookie; the session survives a reload,
//!   a new tab and an invalid or expired access token, and a revoked session lands on the sign-in
//!   page with the way back;
//! * [`uploads`]: several files uploaded at once (chosen and dropped) with a progress row each,
//!   and the list searched and filtered;
//! * [`weekly`]: the weekly KPI report viewer for managers;
//! * [`support`]: starting the browser and helpers to drive it.

mod accounts;
mod coaching;
mod dashboard;
mod recordings;
mod reviews;
mod security;
mod session;
mod support;
mod uploads;
mod weekly;

use fantoccini::Locator;

use support::{click, page_lang, screenshot, start_browser, wait_for, wait_for_text};

/// The finished report: four score cards, 3-5 improvement items, and `turns` transcript turns.
async fn report_shows_scores_items_and_turns(client: &fantoccini::Client, turns: usize) {
    wait_for(
        client,
        "#report .score-card[data-category='overall'] .score",
    )
    .await;
    let count = |css: &'static str| async move {
        client
            .find_all(Locator::Css(css))
            .await
            .map(|found| found.len())
            .unwrap_or_default()
    };
    assert_eq!(count("#report .score-card").await, 4);
    let items = count("#report li.improvement").await;
    assert!((3..=5).contains(&items), "{items} improvement items");
    assert_eq!(count("#transcript li.turn").await, turns);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_logs_in_uploads_a_transcript_sees_the_stages_and_reads_the_report() {
    let dist = tests::workspace_root().join("frontend/dist/index.html");
    assert!(
        dist.exists(),
        "build the web app first (trunk build --release; the test command does)"
    );
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    app.create_user(
        "counselor@example.com",
        "counselor-password-123",
        shared::access::Role::Counselor,
    )
    .await;
    let (_driver, client) = start_browser().await;

    let started = std::time::Instant::now();
    client
        .goto(&format!("{}/", app.address))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let email = wait_for(&client, "#email").await;
    let first_render = started.elapsed();
    // The browser's own clock: when the form was there, and the first contentful paint, both
    // from the start of the navigation.
    let browser_timing = client
        .execute(
            "const paint = performance.getEntriesByName('first-contentful-paint')[0];
             return `form in the DOM by ${Math.round(performance.now())} ms, first contentful paint at ${paint ? Math.round(paint.startTime) : '?'} ms`;",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    email
        .send_keys("counselor@example.com")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for(&client, "#password")
        .await
        .send_keys("counselor-password-123")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    screenshot(&client, "01-login").await;
    wait_for(&client, "#login-submit")
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let file_input = wait_for(&client, "#file-input").await;
    let fixture = tests::workspace_root().join("tests/fixtures/ko_delivery_delay.txt");
    file_input
        .send_keys(&fixture.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for(&client, "#upload-submit")
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    wait_for(&client, "#stages li[data-stage='QUEUED']").await;
    wait_for(&client, "#stages li[data-stage='COMPLETED'].done").await;
    for stage in [
        "QUEUED",
        "DECODING",
        "TRANSCRIBING",
        "REDACTING",
        "ANALYZING",
        "COMPLETED",
    ] {
        let li = wait_for(&client, &format!("#stages li[data-stage='{stage}']")).await;
        let class = li.attr("class").await.ok().flatten().unwrap_or_default();
        assert!(
            class.contains("done"),
            "stage {stage} was not shown as done: {class}"
        );
    }
    report_shows_scores_items_and_turns(&client, 14).await;
    let page = client.source().await.unwrap_or_default();
    assert!(
        !page.contains("010-1234-5678"),
        "the phone number must be redacted in the UI"
    );
    screenshot(&client, "02-report").await;
    eprintln!(
        "first render of the login page: {} ms from navigation to the form (WebDriver round trips included); in the browser: {browser_timing}",
        first_render.as_millis()
    );
    let _ = client.close().await;
}

const ENGLISH_CALL: &str = "Agent: Thank you for calling Acme support, my name is Sam. How can I help you today?
Customer: Hi, my order was supposed to arrive on Monday and it still has not come.
Agent: I am sorry about the delay. Could you give me your order number, please?
Customer: It is 48213.
Agent: Thank you. I can see the parcel is held at the local depot because of the storm.
Customer: So when will I get it?
Agent: It will be delivered tomorrow before noon, and I have added a refund of the shipping fee to your account.
Customer: Great, thanks.
Agent: Is there anything else I can help you with?
Customer: No, that is all.
Agent: Thank you for your patience, and have a nice day.
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_works_in_english_uploads_a_transcript_and_reads_the_report_in_english() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("delayed order.txt");
    std::fs::write(&file, ENGLISH_CALL).unwrap_or_else(|e| panic!("{e}"));
    let (_app, _driver, client) =
        support::counselor_signed_in("sam@example.com", "counselor-password-123").await;
    wait_for(&client, "#nav-home").await;
    click(&client, "#lang-toggle").await;
    wait_for_text(&client, "#nav-home", "Consultations").await;
    assert_eq!(page_lang(&client).await, "en");

    wait_for(&client, "#file-input")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    click(&client, "#upload-submit").await;
    wait_for(&client, "#stages li[data-stage='COMPLETED'].done").await;
    report_shows_scores_items_and_turns(&client, 11).await;
    // The interface and the report's own wording are English.
    wait_for_text(&client, "#report", "Communication").await;
    wait_for_text(&client, "#report", "Try saying").await;
    screenshot(&client, "02-report-en").await;
    let _ = client.close().await;
}
