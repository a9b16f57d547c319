//! What resolvers read from the context: shared services ([`GqlState`]) and per-request data
//! ([`RequestAuth`], [`Language`]).

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use coach_app::auth::limits::LoginLimiter;
use coach_app::auth::{TokenError, TokenIssuer, Viewer};
use coach_app::error::{AccessError, UserFacingError};
use coach_app::events::{JobQueue, ProgressBus};
use coach_app::service::sessions::access::confirm_viewer;
use coach_app::storage::Storage;
use shared::access::ApiScope;
use shared::language::Language;

/// Services shared by every request.
#[derive(Clone, Debug)]
pub struct GqlState {
    /// Database.
    pub db: DatabaseConnection,
    /// Object storage.
    pub storage: Storage,
    /// Job wake-ups.
    pub queue: JobQueue,
    /// Progress fan-out.
    pub bus: ProgressBus,
    /// Access tokens.
    pub tokens: TokenIssuer,
    /// Largest upload in bytes.
    pub max_upload_bytes: u64,
    /// Whether recordings (audio, video) are accepted: speech-to-text is configured.
    pub accept_recordings: bool,
    /// Attempts per job.
    pub max_attempts: i32,
    /// Login rate limits.
    pub login_limiter: std::sync::Arc<LoginLimiter>,
    /// Refresh-token lifetime in milliseconds.
    pub refresh_ttl_ms: i64,
    /// Whether self sign-up is allowed.
    pub allow_signup: bool,
    /// How often managers are surveyed.
    pub survey_period: coach_app::config::SurveyPeriod,
    /// How KPIs are measured.
    pub kpi: coach_app::config::KpiSettings,
    /// Where and how backups are made.
    pub backup_plan: coach_app::service::backups::BackupPlan,
    /// The fonts of PDF exports.
    pub pdf_fonts: coach_app::service::exports::PdfFonts,
    /// The running configuration, without secrets.
    pub system: coach_app::service::system::SystemInfo,
}

/// The client's address (the TCP peer).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub std::net::IpAddr);

/// The credential state of a request.
#[derive(Debug, Clone, Default)]
pub enum RequestAuth {
    /// No credential was sent.
    #[default]
    Anonymous,
    /// A valid access token.
    Viewer(Viewer),
    /// A credential was sent but rejected.
    Rejected(TokenError),
}

impl RequestAuth {
    /// Resolves an `Authorization` header value: `Bearer <access token>` or `Bearer cck_…` (an
    /// API key, also accepted bare). Either way the user's role, team and active flag, and an
    /// access token's session, come from the database, not from the credential.
    pub async fn resolve(
        value: Option<&str>,
        tokens: &TokenIssuer,
        db: &DatabaseConnection,
    ) -> Self {
        let Some(value) = value else {
            return Self::Anonymous;
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .unwrap_or(value)
            .trim();
        if token.is_empty() {
            return Self::Anonymous;
        }
        if token.starts_with(coach_app::service::api_keys::KEY_PREFIX) {
            return match coach_app::service::api_keys::authenticate_api_key(db, token).await {
                Ok(Some(viewer)) => Self::Viewer(viewer),
                Ok(None) => Self::Rejected(TokenError::Invalid),
                Err(error) => {
                    tracing::warn!(%error, "API key lookup failed");
                    Self::Rejected(TokenError::Invalid)
                }
            };
        }
        let claimed = match tokens.verify(token) {
            Ok(viewer) => viewer,
            Err(e) => return Self::Rejected(e),
        };
        // The token says who; the database says what they may still do.
        match confirm_viewer(db, claimed, shared::clock::now_ms()).await {
            Ok(Some(viewer)) => Self::Viewer(viewer),
            Ok(None) => Self::Rejected(TokenError::Invalid),
            Err(error) => {
                tracing::warn!(%error, "checking the session failed");
                Self::Rejected(TokenError::Invalid)
            }
        }
    }
}

/// Converts a service error into a GraphQL error with `extensions.code`; an internal failure's
/// cause is logged and counted, never sent.
pub fn to_graphql_error<E: UserFacingError>(err: E, lang: Language) -> async_graphql::Error {
    use async_graphql::ErrorExtensions as _;
    if err.is_internal() {
        tracing::error!(error = %err, "internal error");
        coach_app::telemetry::metrics::METRICS.http_errors.inc();
    }
    let code = err.code();
    async_graphql::Error::new(err.user_message(lang))
        .extend_with(|_, ext| ext.set("code", code.as_str()))
}

/// The shared state.
pub fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a GqlState> {
    ctx.data::<GqlState>()
}

/// The request's language.
pub fn lang(ctx: &Context<'_>) -> Language {
    ctx.data_opt::<Language>().copied().unwrap_or_default()
}

/// The authenticated viewer, or an `UNAUTHENTICATED` error.
pub fn viewer(ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
    match ctx.data_opt::<RequestAuth>() {
        Some(RequestAuth::Viewer(v)) => Ok(v.clone()),
        Some(RequestAuth::Rejected(TokenError::Expired)) => {
            Err(to_graphql_error(AccessError::TokenExpired, lang(ctx)))
        }
        _ => Err(to_graphql_error(AccessError::Unauthenticated, lang(ctx))),
    }
}

/// The authenticated viewer whose credential carries `scope` (API keys are limited to theirs).
pub fn viewer_with(ctx: &Context<'_>, scope: ApiScope) -> async_graphql::Result<Viewer> {
    let viewer = viewer(ctx)?;
    if viewer.has_scope(scope) {
        Ok(viewer)
    } else {
        Err(to_graphql_error(AccessError::Forbidden, lang(ctx)))
    }
}

/// The client's address, when known.
pub fn client_ip(ctx: &Context<'_>) -> std::net::IpAddr {
    ctx.data_opt::<ClientIp>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |ip| ip.0)
}

/// Maps a service error with the request's language.
pub fn map_err<E: UserFacingError>(ctx: &Context<'_>) -> impl FnOnce(E) -> async_graphql::Error {
    let lang = lang(ctx);
    move |e| to_graphql_error(e, lang)
}
