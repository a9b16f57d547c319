//! Settings of authentication and request limits.

use secrecy::SecretString;
use serde::Deserialize;

/// Authentication settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// HMAC secret for access tokens, at least 32 bytes (`CONSULT_COACH__AUTH__JWT_SECRET`). When
    /// unset, a random one is generated once and kept in `<data_dir>/jwt-secret`; set it explicitly
    /// when several servers share the work.
    pub jwt_secret: Option<SecretString>,
    /// Access-token lifetime in seconds, at most 900 (`CONSULT_COACH__AUTH__ACCESS_TOKEN_TTL_SECS`).
    pub access_token_ttl_secs: u64,
    /// E-mail of the admin created on first start (`CONSULT_COACH__AUTH__ADMIN_EMAIL`).
    pub admin_email: String,
    /// Password of that admin (`CONSULT_COACH__AUTH__ADMIN_PASSWORD`); generated and printed once
    /// when unset.
    pub admin_password: Option<SecretString>,
    /// Refresh-token lifetime in days (`CONSULT_COACH__AUTH__REFRESH_TOKEN_TTL_DAYS`, default 14).
    pub refresh_token_ttl_days: u32,
    /// Let people create counselor accounts themselves (`CONSULT_COACH__AUTH__ALLOW_SIGNUP`,
    /// default false).
    pub allow_signup: bool,
    /// Login attempts per minute on accounts that do not exist, from one address (people signing
    /// in to real accounts from that address are not counted)
    /// (`CONSULT_COACH__AUTH__LOGIN_PER_IP_PER_MINUTE`, default 20).
    pub login_per_ip_per_minute: u32,
    /// Login attempts per minute on one account from one address
    /// (`CONSULT_COACH__AUTH__LOGIN_PER_ADDRESS_AND_ACCOUNT_PER_MINUTE`, default 5).
    pub login_per_address_and_account_per_minute: u32,
    /// Login attempts per 15 minutes on one account from any address
    /// (`CONSULT_COACH__AUTH__LOGIN_PER_ACCOUNT_PER_15_MINUTES`, default 10).
    pub login_per_account_per_15_minutes: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_ttl_secs: 900,
            admin_email: "admin@consult-coach.local".into(),
            admin_password: None,
            refresh_token_ttl_days: 14,
            allow_signup: false,
            login_per_ip_per_minute: 20,
            login_per_address_and_account_per_minute: 5,
            login_per_account_per_15_minutes: 10,
        }
    }
}

/// Upload and request limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Largest accepted upload in bytes (`CONSULT_COACH__LIMITS__MAX_UPLOAD_BYTES`, default 200 MiB).
    pub max_upload_bytes: u64,
    /// Files accepted in one request (`CONSULT_COACH__LIMITS__MAX_FILES_PER_REQUEST`, default 1).
    pub max_files_per_request: usize,
    /// Largest JSON request body in bytes (`CONSULT_COACH__LIMITS__MAX_JSON_BODY_BYTES`, default 256 KiB).
    pub max_json_body_bytes: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            max_upload_bytes: 200 * 1024 * 1024,
            max_files_per_request: 1,
            max_json_body_bytes: 256 * 1024,
        }
    }
}
