//! The web app's files and the headers of every response (issue 34 item 5): the page's
//! Content-Security-Policy, the permissions policy, HSTS behind a trusted HTTPS proxy, year-long
//! caching of fingerprinted files and precompressed files chosen by `Accept-Encoding`. The web
//! app here is a stand-in written like Trunk's output, so these tests need no `trunk build`.

use std::path::Path;

use reqwest::header::HeaderMap;
use serde_json::json;
use tests::{Db, TestApp, spawn_app_with};

/// Trunk's inline loader, as it writes it into `index.html`.
const LOADER: &str = "\nimport init from \"/frontend-0123456789abcdef.js\";\nawait init({ module_or_path: \"/frontend-0123456789abcdef_bg.wasm\" });\n";
/// `printf '%s' "$LOADER" | openssl dgst -sha256 -binary | base64`
const LOADER_HASH: &str = "'sha256-7QmbfIMzlgN9+GVx075NUW3ApMJTn2nkFIAjh8S9rx0='";
const WASM: &str = "frontend-0123456789abcdef_bg.wasm";

/// A built web app: the page, a fingerprinted module with a `.gz`, a fingerprinted WebAssembly
/// file with a `.br` and a `.gz`, a fingerprinted style sheet without any.
fn write_web_app(dir: &Path) {
    let files: [(&str, Vec<u8>); 7] = [
        (
            "index.html",
            format!(
                "<!doctype html><html><head><link rel=\"stylesheet\" href=\"/style-fedcba9876543210.css\"/>\
                 <script type=\"module\">{LOADER}</script></head><body></body></html>"
            )
            .into_bytes(),
        ),
        ("frontend-0123456789abcdef.js", b"export default function init() {}".to_vec()),
        ("frontend-0123456789abcdef.js.gz", b"gzip bytes of the module".to_vec()),
        (WASM, vec![0, 97, 115, 109, 1, 0, 0, 0]),
        ("frontend-0123456789abcdef_bg.wasm.br", b"brotli bytes of the wasm".to_vec()),
        ("frontend-0123456789abcdef_bg.wasm.gz", b"gzip bytes of the wasm".to_vec()),
        ("style-fedcba9876543210.css", b"body { margin: 0 }".to_vec()),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// A server over the stand-in web app (kept alive with the returned directory).
async fn spawn_with_web_app(
    adjust: impl FnOnce(&mut coach_app::config::Settings),
) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_web_app(dir.path());
    let static_dir = dir.path().to_path_buf();
    let app = spawn_app_with(Db::Sqlite, move |s| {
        s.server.static_dir = static_dir;
        adjust(s);
    })
    .await;
    (app, dir)
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, HeaderMap, Vec<u8>) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap_or_default().to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_page_allows_its_own_inline_loader_by_hash_webassembly_and_nothing_from_elsewhere() {
    let (app, _dir) = spawn_with_web_app(|_| {}).await;
    for path in ["/", "/index.html", "/consultations/0199-abc"] {
        let (status, headers, body) = get(&app, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            String::from_utf8_lossy(&body).contains("<script type=\"module\">"),
            "{path}"
        );
        assert!(
            header(&headers, "content-type").starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header(&headers, "cache-control"), "no-cache", "{path}");
        let policy = header(&headers, "content-security-policy");
        for directive in [
            "default-src 'none'".to_owned(),
            format!("script-src 'self' 'wasm-unsafe-eval' {LOADER_HASH};"),
            "style-src 'self';".to_owned(),
            format!("connect-src 'self' ws://127.0.0.1:{};", app.port),
            "media-src 'self' blob:;".to_owned(),
            "img-src 'self' data: blob:;".to_owned(),
            "base-uri 'none'".to_owned(),
            "frame-ancestors 'none'".to_owned(),
        ] {
            assert!(
                policy.contains(&directive),
                "{path}: {directive} not in {policy}"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let permissions = header(&headers, "permissions-policy");
        for feature in [
            "camera=()",
            "microphone=()",
            "geolocation=()",
            "payment=()",
            "usb=()",
        ] {
            assert!(
                permissions.contains(feature),
                "{feature} not in {permissions}"
            );
        }
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "x-frame-options"), "DENY");
        assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "plain HTTP gets no HSTS"
        );
    }
}

#[tokio::test]
async fn fingerprinted_files_are_cached_for_a_year_and_sent_precompressed_as_the_client_accepts() {
    let (app, dir) = spawn_with_web_app(|_| {}).await;
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap_or_default();
    let path = format!("/{WASM}");
    for (accept, encoding, file) in [
        ("gzip, deflate, br, zstd", "br", format!("{WASM}.br")),
        ("gzip, deflate", "gzip", format!("{WASM}.gz")),
        ("br;q=0, gzip;q=0.8", "gzip", format!("{WASM}.gz")),
        ("identity", "", WASM.to_owned()),
    ] {
        let (status, headers, body) = get(&app, &path, &[("accept-encoding", accept)]).await;
        assert_eq!(status, 200, "{accept}");
        assert_eq!(body, read(&file), "{accept} gets {file}");
        assert_eq!(header(&headers, "content-encoding"), encoding, "{accept}");
        assert_eq!(
            header(&headers, "content-type"),
            "application/wasm",
            "{accept}"
        );
        assert_eq!(header(&headers, "vary"), "Accept-Encoding", "{accept}");
        assert_eq!(
            header(&headers, "cache-control"),
            "public, max-age=31536000, immutable",
            "{accept}"
        );
        assert!(headers.get("content-disposition").is_none(), "{accept}");
    }
    // A range of the file is a range of the file itself, never of a compressed copy.
    let (status, headers, body) = get(
        &app,
        &path,
        &[("accept-encoding", "br"), ("range", "bytes=0-3")],
    )
    .await;
    assert_eq!(status, 206);
    assert_eq!(body, read(WASM)[..4].to_vec());
    assert_ne!(header(&headers, "content-encoding"), "br");
    // A file without compressed copies is sent as it is, and not compressed on the fly.
    let (status, headers, body) = get(
        &app,
        "/style-fedcba9876543210.css",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body, read("style-fedcba9876543210.css"));
    assert_eq!(header(&headers, "content-encoding"), "");
    assert!(header(&headers, "content-type").starts_with("text/css"));
    let (_, headers, body) = get(
        &app,
        "/frontend-0123456789abcdef.js",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(body, read("frontend-0123456789abcdef.js.gz"));
    assert!(
        header(&headers, "content-type").starts_with("text/javascript"),
        "{headers:?}"
    );
    // Revalidation answers 304.
    let (_, headers, _) = get(&app, &path, &[("accept-encoding", "br")]).await;
    let etag = header(&headers, "etag").to_owned();
    let (status, _, _) = get(
        &app,
        &path,
        &[("accept-encoding", "br"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, 304);
    let (status, _, _) = get(&app, "/../Cargo.toml", &[]).await;
    assert_ne!(status, 500);
}

#[tokio::test]
async fn the_api_answers_with_a_locked_down_policy_and_is_still_compressed_on_the_fly() {
    let (app, _dir) = spawn_with_web_app(|_| {}).await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept-encoding", "gzip")
        .json(&json!({"query": "{ __schema { types { name description } } }"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let headers = response.headers().clone();
    assert_eq!(
        header(&headers, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    assert!(header(&headers, "permissions-policy").contains("camera=()"));
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "content-encoding"), "gzip");
    assert_eq!(header(&headers, "cache-control"), "no-store");
    let (_, headers, _) = get(&app, "/healthz", &[]).await;
    assert!(header(&headers, "content-security-policy").starts_with("default-src 'none'"));
}

#[tokio::test]
async fn https_through_a_trusted_proxy_adds_hsts_and_the_same_header_from_anyone_else_does_not() {
    // The test client connects from 127.0.0.1, a trusted proxy by default.
    let (app, _dir) = spawn_with_web_app(|_| {}).await;
    let (_, headers, _) = get(&app, "/", &[("x-forwarded-proto", "https")]).await;
    assert_eq!(
        header(&headers, "strict-transport-security"),
        "max-age=31536000"
    );
    assert!(
        header(&headers, "content-security-policy")
            .contains(&format!("connect-src 'self' wss://127.0.0.1:{};", app.port)),
        "{headers:?}"
    );
    let (_, headers, _) = get(&app, "/", &[("x-forwarded-proto", "http")]).await;
    assert!(headers.get("strict-transport-security").is_none());

    let (app, _dir) = spawn_with_web_app(|s| {
        s.server.trusted_proxies = vec![
            coach_app::config::TrustedProxy::try_from("10.0.0.0/8".to_owned())
                .unwrap_or_else(|e| panic!("{e}")),
        ];
    })
    .await;
    let (_, headers, _) = get(&app, "/", &[("x-forwarded-proto", "https")]).await;
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{headers:?}"
    );
}
