//! Shared browser-test helpers: starting ChromeDriver and Chromium, waiting for elements and
//! texts, filling forms, reading `localStorage` and `sessionStorage`, answering confirmation dialogs, screenshots.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// How long a page may take to show what a test waits for.
const WAIT: Duration = Duration::from_secs(30);

/// A chromedriver process that is killed when dropped.
pub struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Driver {
    /// Where the browser saves downloads.
    pub fn downloads(&self) -> std::path::PathBuf {
        self.profile.path().join("downloads")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts ChromeDriver and a headless Chromium with a fresh profile.
pub async fn start_browser() -> (Driver, Client) {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromedriver).exists() && std::path::Path::new(&chromium).exists(),
        "Chromium and ChromeDriver are needed: run the README's test command (scripts/test.sh), which installs them"
    );
    let port = tests::free_port();
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
        profile,
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
        format!("--user-data-dir={}", driver.profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": chromium, "args": args, "prefs": {
            "download.default_directory": driver.downloads(),
            "download.prompt_for_download": false,
        }}),
    );
    // Confirmation dialogs stay open until a test answers them.
    caps.insert("unhandledPromptBehavior".into(), json!("ignore"));
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

/// Waits for a finished download whose name ends with `suffix` and returns its bytes.
pub async fn wait_for_download(client: &Client, driver: &Driver, suffix: &str) -> Vec<u8> {
    let started = Instant::now();
    while started.elapsed() < WAIT {
        let found = std::fs::read_dir(driver.downloads())
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.to_string_lossy().ends_with(suffix));
        if let Some(path) = found
            && let Ok(bytes) = std::fs::read(&path)
            && !bytes.is_empty()
        {
            return bytes;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fail(client, suffix, &format!("no download ending with {suffix}")).await
}

/// Saves a screenshot as `tests/artifacts/<name>.png`.
pub async fn screenshot(client: &Client, name: &str) {
    let dir = tests::workspace_root().join("tests/artifacts");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// Fails the test with a screenshot (`failure-<what>`) and the start of the page source.
pub async fn fail<T>(client: &Client, what: &str, message: &str) -> T {
    let name: String = what
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    screenshot(client, &format!("failure-{name}")).await;
    let source = client.source().await.unwrap_or_default();
    let url = client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    panic!(
        "{message}\nat {url}\n{}",
        source.chars().take(4000).collect::<String>()
    );
}

/// Waits for an element to appear.
pub async fn wait_for(client: &Client, css: &str) -> Element {
    match client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
    {
        Ok(element) => element,
        Err(e) => fail(client, css, &format!("element {css} did not appear: {e}")).await,
    }
}

/// Waits until no element matches.
pub async fn wait_until_gone(client: &Client, css: &str) {
    let started = Instant::now();
    while started.elapsed() < WAIT {
        if client
            .find_all(Locator::Css(css))
            .await
            .map(|found| found.is_empty())
            .unwrap_or(false)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fail(client, css, &format!("element {css} did not go away")).await
}

/// Waits for an element whose text contains `needle`; returns the text.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < WAIT {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fail(
        client,
        css,
        &format!("{css} never contained {needle:?} (last text {last:?})"),
    )
    .await
}

/// Waits until the page's path (and query) satisfies `accept`; returns it.
pub async fn wait_for_path(client: &Client, what: &str, accept: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < WAIT {
        if let Ok(url) = client.current_url().await {
            last = match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            };
            if accept(&last) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fail(client, what, &format!("never reached {what} (last {last})")).await
}

/// Clicks an element once it is there, scrolled to the middle of the window first (the sticky
/// header must not cover it; instantly, as the app's smooth scrolling would still be moving when
/// the click lands); retried briefly while something else is in the way.
pub async fn click(client: &Client, css: &str) {
    let element = wait_for(client, css).await;
    let mut last_error = String::new();
    for _ in 0..20 {
        let _ = client
            .execute(
                "document.querySelector(arguments[0])?.scrollIntoView({ block: 'center', behavior: 'instant' });",
                vec![json!(css)],
            )
            .await;
        match element.click().await {
            Ok(()) => return,
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    fail::<()>(client, css, &format!("clicking {css}: {last_error}")).await;
}

/// Empties a form field (telling the app, like typing would) and types `text` into it.
pub async fn fill(client: &Client, css: &str, text: &str) {
    let element = wait_for(client, css).await;
    let cleared = client
        .execute(
            "const el = document.querySelector(arguments[0]);
             el.value = '';
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![json!(css)],
        )
        .await;
    if let Err(e) = cleared {
        fail::<()>(client, css, &format!("clearing {css}: {e}")).await;
    }
    if let Err(e) = element.send_keys(text).await {
        fail::<()>(client, css, &format!("typing into {css}: {e}")).await;
    }
}

/// Chooses the option with this visible text in a `<select>`.
pub async fn choose(client: &Client, css: &str, label: &str) {
    let element = wait_for(client, css).await;
    if let Err(e) = element.select_by_label(label).await {
        fail::<()>(client, css, &format!("choosing {label:?} in {css}: {e}")).await;
    }
}

/// A form control's current `value` property.
pub async fn value_of(client: &Client, css: &str) -> String {
    wait_for(client, css)
        .await
        .prop("value")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// One of the page origin's Web Storages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// `localStorage`, shared by the origin's tabs.
    Local,
    /// `sessionStorage`, the tab's own.
    Tab,
}

impl Store {
    fn js(self) -> &'static str {
        match self {
            Self::Local => "localStorage",
            Self::Tab => "sessionStorage",
        }
    }
}

/// Reads an entry of `store`.
pub async fn storage_get(client: &Client, store: Store, key: &str) -> Option<String> {
    client
        .execute(
            &format!("return {}.getItem(arguments[0]);", store.js()),
            vec![json!(key)],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
}

/// Every entry of `store`, as `key=value`.
pub async fn storage_entries(client: &Client, store: Store) -> Vec<String> {
    let script = format!(
        "return Object.keys({0}).map(k => k + '=' + {0}.getItem(k));",
        store.js()
    );
    let entries = ok(
        client,
        "reading storage",
        client.execute(&script, vec![]).await,
    )
    .await;
    serde_json::from_value(entries).unwrap_or_default()
}

/// Writes an entry of `store`.
pub async fn storage_set(client: &Client, store: Store, key: &str, value: &str) {
    let written = client
        .execute(
            &format!("{}.setItem(arguments[0], arguments[1]);", store.js()),
            vec![json!(key), json!(value)],
        )
        .await;
    if let Err(e) = written {
        fail::<()>(client, key, &format!("writing {}[{key}]: {e}", store.js())).await;
    }
}

/// Waits for an entry of `store` to satisfy `accept`; returns it.
pub async fn wait_for_storage(
    client: &Client,
    store: Store,
    key: &str,
    accept: impl Fn(Option<&str>) -> bool,
) -> Option<String> {
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < WAIT {
        last = storage_get(client, store, key).await;
        if accept(last.as_deref()) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fail(
        client,
        key,
        &format!(
            "{}[{key}] never changed as expected (last {last:?})",
            store.js()
        ),
    )
    .await
}

/// Answers the confirmation dialog the last action opened: `accept` confirms, otherwise cancels.
/// Returns the dialog's text.
pub async fn answer_confirm(client: &Client, accept: bool) -> String {
    let started = Instant::now();
    loop {
        if let Ok(text) = client.get_alert_text().await {
            let answered = if accept {
                client.accept_alert().await
            } else {
                client.dismiss_alert().await
            };
            if let Err(e) = answered {
                fail::<()>(client, "confirm", &format!("answering the dialog: {e}")).await;
            }
            return text;
        }
        if started.elapsed() > Duration::from_secs(10) {
            fail::<()>(client, "confirm", "no confirmation dialog opened").await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `lang` attribute of `<html>`.
pub async fn page_lang(client: &Client) -> String {
    client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .ok()
        .and_then(|v: Value| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Opens the sign-in page and signs in.
pub async fn sign_in(client: &Client, address: &str, email: &str, password: &str) {
    if let Err(e) = client.goto(&format!("{address}/login")).await {
        fail::<()>(client, "login", &format!("opening /login: {e}")).await;
    }
    submit_login(client, email, password).await;
}

/// A server (SQLite) with one counselor, and a browser signed in as them.
pub async fn counselor_signed_in(email: &str, password: &str) -> (tests::TestApp, Driver, Client) {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    app.create_user(email, password, shared::access::Role::Counselor)
        .await;
    let (driver, client) = start_browser().await;
    sign_in(&client, &app.address, email, password).await;
    (app, driver, client)
}

/// Fills and submits the sign-in form already on screen.
pub async fn submit_login(client: &Client, email: &str, password: &str) {
    fill(client, "#email", email).await;
    fill(client, "#password", password).await;
    click(client, "#login-submit").await;
}

/// Unwraps a WebDriver result, failing with a screenshot.
pub async fn ok<T>(
    client: &Client,
    what: &str,
    result: Result<T, fantoccini::error::CmdError>,
) -> T {
    match result {
        Ok(value) => value,
        Err(e) => fail(client, what, &format!("{what}: {e}")).await,
    }
}

/// Fails unless the web app was built (the server serves `frontend/dist`).
pub fn require_dist() {
    let dist = tests::workspace_root().join("frontend/dist/index.html");
    assert!(
        dist.exists(),
        "build the web app first (trunk build --release; the test command does)"
    );
}
