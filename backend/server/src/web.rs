//! Serving the web app (`server.static_dir`, Trunk's output) and the headers every response
//! carries.
//!
//! * **Files** are served precompressed when the build left `.br` or `.gz` files beside them
//!   (`scripts/compress-assets.sh`, run by Trunk after a release build) and the client accepts that
//!   encoding, with `Vary: Accept-Encoding`; they are never compressed on the fly. Trunk's
//!   fingerprinted files (`frontend-<hex hash>_bg.wasm`) are cached for a year as immutable;
//!   everything else, `index.html` first, is `no-cache` (revalidated with its `ETag`).
//! * **The page** (`/`, `/index.html` and every unknown path, the SPA's routes) carries the app's
//!   Content-Security-Policy: scripts from the origin plus the hashes of the inline scripts Trunk
//!   writes into `index.html`, WebAssembly compilation (`'wasm-unsafe-eval'`), styles from the
//!   origin, connections to the origin (HTTP and WebSocket), media from the origin and `blob:`,
//!   no framing.
//! * **Every response** gets `nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, a
//!   `Permissions-Policy` turning off powerful features, a locked-down CSP unless the page set its
//!   own, and `Strict-Transport-Security` when the request came over HTTPS ([`Transport`]).

use std::path::Path;

use actix_files::{NamedFile, PathBufWrap};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, ContentEncoding, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use coach_app::config::TrustedProxy;

/// The policy of every response that is not the web app's page (API answers, files, errors).
const LOCKED_DOWN_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Features the web app never uses, turned off for it and anything it could embed.
const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(self), bluetooth=(), camera=(), \
    display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), \
    midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), \
    xr-spatial-tracking=(), browsing-topics=()";

/// HSTS for a year; subdomains are left alone (the coach often lives on a company's subdomain).
const HSTS: &str = "max-age=31536000";

/// Trunk's fingerprinted files: cached for a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else: revalidated on every use.
const NO_CACHE: &str = "no-cache";

/// Whether a request came over HTTPS: on a TLS listener (none today), or from a trusted reverse
/// proxy saying so in `X-Forwarded-Proto`.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    trusted_proxies: Vec<TrustedProxy>,
}

impl Transport {
    /// Believes `X-Forwarded-Proto` from these proxies.
    pub fn new(trusted_proxies: Vec<TrustedProxy>) -> Self {
        Self { trusted_proxies }
    }

    /// The reverse proxies whose forwarded headers are believed.
    pub fn trusted_proxies(&self) -> &[TrustedProxy] {
        &self.trusted_proxies
    }

    /// Whether `req` was served over HTTPS.
    pub fn is_https(&self, req: &HttpRequest) -> bool {
        if req.app_config().secure() {
            return true;
        }
        let from_trusted_proxy = req
            .peer_addr()
            .is_some_and(|peer| self.trusted_proxies.iter().any(|p| p.contains(peer.ip())));
        from_trusted_proxy
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                // A chain of proxies lists the client's side first.
                .and_then(|v| v.split(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
    }
}

/// Whether the request of `req` came over HTTPS, by the app's [`Transport`].
pub fn is_https(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<Transport>>()
        .is_some_and(|transport| transport.is_https(req))
}

/// Adds the security headers to every response (those a handler set itself are kept).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = is_https(req.request());
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let defaults = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, LOCKED_DOWN_POLICY),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    Ok(response)
}

/// The built web app.
#[derive(Debug, Clone)]
pub struct WebApp {
    dir: std::path::PathBuf,
}

impl WebApp {
    /// The web app built into `dir`.
    pub fn new(dir: std::path::PathBuf) -> Self {
        Self { dir }
    }
}

/// `GET`/`HEAD` of anything that is not an API route: a file of the web app, or its page.
pub async fn serve(req: HttpRequest, app: web::Data<WebApp>) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let Ok(relative) = PathBufWrap::parse_path(req.path(), false) else {
        return HttpResponse::NotFound().finish();
    };
    let relative: &Path = relative.as_ref();
    if !relative.as_os_str().is_empty() && relative != Path::new("index.html") {
        let path = app.dir.join(relative);
        if tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_file()) {
            let cache = if is_fingerprinted(relative) {
                IMMUTABLE
            } else {
                NO_CACHE
            };
            return file(&req, &path, cache).await;
        }
    }
    page(&req, &app.dir.join("index.html")).await
}

/// `index.html` with the app's policy (the SPA's answer for every route).
async fn page(req: &HttpRequest, index: &Path) -> HttpResponse {
    let Ok(html) = tokio::fs::read_to_string(index).await else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Consult Coach web app is not built");
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let policy = app_policy(&html, host, is_https(req));
    let mut response = file(req, index, NO_CACHE).await;
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// A file of the web app: its `.br` or `.gz` sibling when the client accepts that encoding (and
/// asks for no range), else the file itself.
async fn file(req: &HttpRequest, path: &Path, cache: &'static str) -> HttpResponse {
    let wanted = accepted_encodings(req);
    let ranged = req.headers().contains_key(header::RANGE);
    let mime = actix_files::file_extension_to_mime(
        path.extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default(),
    );
    let mut chosen = None;
    for (encoding, suffix) in [
        (ContentEncoding::Brotli, "br"),
        (ContentEncoding::Gzip, "gz"),
    ] {
        if ranged || !wanted.contains(&encoding) {
            continue;
        }
        let mut sibling = path.as_os_str().to_owned();
        sibling.push(".");
        sibling.push(suffix);
        if let Ok(file) = NamedFile::open_async(&sibling).await {
            chosen = Some(
                file.set_content_type(mime.clone())
                    .set_content_encoding(encoding),
            );
            break;
        }
    }
    let file = match chosen {
        Some(file) => file,
        None => match NamedFile::open_async(path).await {
            Ok(file) => file,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "a web app file could not be opened");
                return HttpResponse::NotFound().finish();
            }
        },
    };
    let mut response = file.disable_content_disposition().into_response(req);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
}

/// The encodings of precompressed files the client accepts (`br`, `gzip`; `q=0` refuses one).
fn accepted_encodings(req: &HttpRequest) -> Vec<ContentEncoding> {
    let Some(value) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Vec::new();
    };
    let mut accepted = Vec::new();
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let name = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let refused = pieces.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match name.as_str() {
            "br" => accepted.push(ContentEncoding::Brotli),
            "gzip" => accepted.push(ContentEncoding::Gzip),
            "*" => accepted.extend([ContentEncoding::Brotli, ContentEncoding::Gzip]),
            _ => {}
        }
    }
    accepted
}

/// Whether a file name carries Trunk's content hash (`frontend-112f0f1d1790c757_bg.wasm`,
/// `frontend-2004ab1791b8b35.js`, `style-b93055a2514ef842.css`): a new build gives the content a new name, so it never changes.
fn is_fingerprinted(relative: &Path) -> bool {
    let Some(name) = relative.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // Trunk writes the 64-bit hash in hex without leading zeros: usually 16 digits, sometimes
    // fewer (a shorter one just misses the year-long caching).
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// The page's Content-Security-Policy: the inline scripts and styles of `html` by their SHA-256,
/// WebSockets to `host` (older browsers do not count `ws:` as `'self'`).
fn app_policy(html: &str, host: Option<&str>, https: bool) -> String {
    let hashes = |tag| {
        inline_elements(html, tag)
            .into_iter()
            .map(|content| {
                let digest = Sha256::digest(content.as_bytes());
                format!(
                    " 'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect::<String>()
    };
    let socket = host
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(|h| format!(" {}://{h}", if https { "wss" } else { "ws" }))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'{socket}; \
         media-src 'self' blob:; manifest-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        scripts = hashes("script"),
        styles = hashes("style"),
    )
}

/// The contents of the inline `<tag>` elements of `html` (those without a `src`), exactly as
/// written, which is what a CSP hash covers.
fn inline_elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find(&open).map(|i| i + from) {
        let after_name = start + open.len();
        // `<scripts>` or `<style-x>` are other elements.
        if !lower[after_name..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            from = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| i + after_name) else {
            break;
        };
        let Some(end) = lower[tag_end..].find(&close).map(|i| i + tag_end) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        if !attributes.contains("src=") {
            found.push(&html[tag_end + 1..end]);
        }
        from = end + close.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunks_fingerprinted_names_are_recognised_and_other_names_are_not() {
        for name in [
            "frontend-112f0f1d1790c757.js",
            "frontend-112f0f1d1790c757_bg.wasm",
            "style-b93055a2514ef842.css",
            "frontend-112f0f1d1790c757_bg.wasm.br",
            "frontend-2004ab1791b8b35.js",
        ] {
            assert!(is_fingerprinted(Path::new(name)), "{name}");
        }
        for name in [
            "index.html",
            "robots.txt",
            "my-file.js",
            "x-abc.js",
            "x-112f0f1d1790c75g.js",
        ] {
            assert!(!is_fingerprinted(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn inline_scripts_are_hashed_and_scripts_with_a_source_are_not() {
        let html = "<head><script type=\"module\">\nimport init from '/a.js';\n</script>\
            <script src=\"/b.js\"></script><SCRIPT>x()</SCRIPT><scripts>no</scripts></head>";
        assert_eq!(
            inline_elements(html, "script"),
            ["\nimport init from '/a.js';\n", "x()"]
        );
        let policy = app_policy("<script>x()</script>", Some("coach.example:8443"), true);
        // printf 'x()' | openssl dgst -sha256 -binary | base64
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI=';"),
            "{policy}"
        );
        assert!(
            policy.contains("connect-src 'self' wss://coach.example:8443;"),
            "{policy}"
        );
        let odd_host = app_policy("", Some("evil.example; script-src *"), false);
        assert!(odd_host.contains("connect-src 'self';"), "{odd_host}");
    }

    #[test]
    fn accepted_encodings_follow_accept_encoding_with_refusals() {
        let encodings = |value: &str| {
            let req = actix_web::test::TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, value))
                .to_http_request();
            accepted_encodings(&req)
        };
        assert_eq!(
            encodings("gzip, deflate, br, zstd"),
            [ContentEncoding::Gzip, ContentEncoding::Brotli]
        );
        assert_eq!(encodings("br;q=0, gzip;q=0.5"), [ContentEncoding::Gzip]);
        assert_eq!(encodings("identity"), []);
        assert_eq!(
            encodings("*"),
            [ContentEncoding::Brotli, ContentEncoding::Gzip]
        );
    }
}
