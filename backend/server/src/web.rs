//! Serving the web app (`server.static_dir`, Trunk's output).
//!
//! * **Files** are served precompressed when the build left `.br` or `.gz` files beside them
//!   (`scripts/compress-assets.sh`, run by Trunk after a release build) and the client accepts that
//!   encoding, with `Vary: Accept-Encoding`; they are never compressed on the fly. Trunk's
//!   fingerprinted files (`frontend-<hex hash>_bg.wasm`) are cached for a year as immutable;
//!   everything else, `index.html` first, is `no-cache` (revalidated with its `ETag`).
//! * **The page** (`/`, `/index.html` and every unknown path, the SPA's routes) is `index.html`,
//!   served the same way.

use std::path::Path;

use actix_files::{NamedFile, PathBufWrap};
use actix_web::http::Method;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

/// Trunk's fingerprinted files: cached for a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else: revalidated on every use.
const NO_CACHE: &str = "no-cache";

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

/// `index.html` (the SPA's answer for every route).
async fn page(req: &HttpRequest, index: &Path) -> HttpResponse {
    if !tokio::fs::try_exists(index).await.unwrap_or(false) {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Consult Coach web app is not built");
    }
    file(req, index, NO_CACHE).await
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
