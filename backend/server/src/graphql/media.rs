//! `GET /media/<token>`: a consultation's recording, for the web app's player. The token (from
//! `Consultation.recordingUrl`, 15 minutes, signed like access tokens but for one consultation
//! only) is the permission: `<audio>` and `<video>` elements cannot send an `Authorization`
//! header. Byte ranges are served (`206 Partial Content`) so players can seek, streamed from
//! storage: only the bytes asked for are read, and never all at once.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::TryStreamExt as _;
use sea_orm::{DatabaseConnection, EntityTrait};
use shared::consultation::FileType;

use coach_app::auth::TokenIssuer;
use coach_app::entity::consultations;
use coach_app::service::files::stream_file;
use coach_app::storage::Storage;

/// Serves the recording a media token names.
pub async fn recording(
    req: HttpRequest,
    token: web::Path<String>,
    tokens: web::Data<TokenIssuer>,
    db: web::Data<DatabaseConnection>,
    storage: web::Data<Storage>,
) -> HttpResponse {
    let Ok(id) = tokens.verify_media(&token) else {
        return plain(
            StatusCode::FORBIDDEN,
            "녹음 주소가 만료되었습니다. 페이지를 새로 고쳐 주세요. / The recording link has expired; reload the page.",
        );
    };
    let row = match consultations::Entity::find_by_id(id)
        .one(db.get_ref())
        .await
    {
        Ok(Some(row)) => row,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "not found"),
        Err(e) => {
            tracing::warn!(error = %e, "loading a consultation for its recording failed");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "try again");
        }
    };
    if !matches!(
        FileType::from_db(&row.file_type),
        Some(FileType::Audio | FileType::Video)
    ) {
        return plain(StatusCode::NOT_FOUND, "not a recording");
    }
    let total = match storage.size(&row.storage_key).await {
        Ok(total) => total,
        Err(e) => {
            tracing::warn!(error = %e, "reading a recording's size failed");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "try again");
        }
    };
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| byte_range(v, total));
    let mut response = match range {
        None => HttpResponse::Ok(),
        Some(Some(_)) => HttpResponse::PartialContent(),
        Some(None) => {
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{total}")))
                .finish();
        }
    };
    let (start, end) = range.flatten().unwrap_or((0, total.saturating_sub(1)));
    if total == 0 {
        return response.content_type(row.mime.as_str()).finish();
    }
    let chunks = match stream_file(
        db.get_ref(),
        storage.get_ref(),
        &row.storage_key,
        start..end + 1,
    )
    .await
    {
        Ok(chunks) => chunks,
        Err(e) => {
            tracing::warn!(error = %e, "reading a recording failed");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "try again");
        }
    };
    response
        .content_type(row.mime.as_str())
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=900"))
        .no_chunking(end + 1 - start);
    if range.is_some() {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{total}"),
        ));
    }
    response.streaming(chunks.map_err(actix_web::error::ErrorServiceUnavailable))
}

fn plain(status: StatusCode, message: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(message)
}

/// The inclusive byte range of a `Range: bytes=…` header (one range: `a-b`, `a-`, `-n`), or
/// `None` when it cannot be satisfied.
fn byte_range(value: &str, total: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || total == 0 {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let last = total - 1;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (total.checked_sub(n.min(total))?, last)
        }
        (start, "") => (start.parse().ok()?, last),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(last)),
    };
    (start <= end && start <= last).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn byte_ranges_follow_rfc_9110_for_one_range() {
        assert_eq!(byte_range("bytes=0-99", 1_000), Some((0, 99)));
        assert_eq!(byte_range("bytes=900-", 1_000), Some((900, 999)));
        assert_eq!(byte_range("bytes=-100", 1_000), Some((900, 999)));
        assert_eq!(byte_range("bytes=990-2000", 1_000), Some((990, 999)));
        assert_eq!(byte_range("bytes=1000-", 1_000), None);
        assert_eq!(byte_range("bytes=5-1", 1_000), None);
        assert_eq!(byte_range("bytes=0-1,5-6", 1_000), None);
        assert_eq!(byte_range("items=0-1", 1_000), None);
        assert_eq!(byte_range("bytes=x-y", 1_000), None);
    }
}
