//! Browser tests: a real headless Chromium (Debian's `chromium` + `chromium-driver`) drives the built
//! web app served by a test server. Screenshots go to `tests/artifacts/`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// A chromedriver process that is killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

async fn start_browser() -> (Driver, Client) {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromedriver).exists() && std::path::Path::new(&chromium).exists(),
        "Chromium and ChromeDriver are needed: run the README's test command (scripts/test.sh), which installs them"
    );
    let port = free_port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting chromedriver: {e}"));
    let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let driver = Driver {
        child,
        port,
        _profile: profile,
    };
    let args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1280,900".into(),
        format!("--user-data-dir={}", driver._profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": chromium, "args": args}),
    );
    let mut last_error = String::new();
    for _ in 0..50 {
        // ChromeDriver listens on loopback: plain HTTP, no TLS stack needed.
        let mut builder = ClientBuilder::new(HttpConnector::new());
        match builder
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not connect to chromedriver: {last_error}");
}

async fn screenshot(client: &Client, name: &str) {
    let dir = tests::workspace_root().join("tests/artifacts");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(element) => element,
        Err(e) => {
            screenshot(client, "failure").await;
            let source = client.source().await.unwrap_or_default();
            panic!(
                "element {css} did not appear: {e}\n{}",
                source.chars().take(4000).collect::<String>()
            );
        }
    }
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
        consult_coach::auth::Role::Counselor,
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
    wait_for(
        &client,
        "#report .score-card[data-category='overall'] .score",
    )
    .await;
    let cards = client
        .find_all(Locator::Css("#report .score-card"))
        .await
        .unwrap_or_default();
    assert_eq!(cards.len(), 4);
    let items = client
        .find_all(Locator::Css("#report li.improvement"))
        .await
        .unwrap_or_default();
    assert!(
        (3..=5).contains(&items.len()),
        "{} improvement items",
        items.len()
    );
    let transcript = client
        .find_all(Locator::Css("#transcript li.turn"))
        .await
        .unwrap_or_default();
    assert_eq!(transcript.len(), 14);
    let page = client.source().await.unwrap_or_default();
    assert!(
        !page.contains("010-1234-5678"),
        "the phone number must be redacted in the UI"
    );
    screenshot(&client, "02-report").await;
    eprintln!(
        "first render of the login page: {} ms",
        first_render.as_millis()
    );
    let _ = client.close().await;
}
