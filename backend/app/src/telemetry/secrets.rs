//! The secret scanner (KPI sheet §5.2, API 키 노출 사고): every log line, and every provider or
//! storage error stored in the database, is scanned for the configured secrets (JWT secret,
//! provider API keys, S3 secret key, database password) and for the shapes of well-known keys
//! (Google `AIza…`, OpenAI `sk-…`, AWS `AKIA…`, private-key blocks, Consult Coach API keys). A
//! match is replaced by `[REDACTED:<name>]` before it is written, and counted as a key-exposure
//! incident in `security_incidents` — the secret itself is never stored.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use secrecy::ExposeSecret;
use tokio::sync::mpsc;

use crate::config::Settings;

/// Shortest configured secret that is scanned for (shorter values would match ordinary text).
const MIN_SECRET_LEN: usize = 8;

/// One secret found where it must not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Where: `log`, `llm_calls`, `storage_events`.
    pub source: &'static str,
    /// Which secret or key shape (`providers.gemini.api_key`, `openai_key`, …).
    pub secret: String,
    /// When, epoch ms.
    pub at: i64,
}

/// What to look for.
#[derive(Debug)]
pub struct SecretScanner {
    literals: Vec<(String, String)>,
    patterns: Vec<(&'static str, Regex)>,
}

impl SecretScanner {
    /// A scanner for the secrets in `settings` and the well-known key shapes.
    pub fn from_settings(settings: &Settings) -> Self {
        let mut literals = Vec::new();
        let mut add = |name: &str, value: Option<&secrecy::SecretString>| {
            if let Some(value) = value {
                let value = value.expose_secret().trim();
                if value.len() >= MIN_SECRET_LEN {
                    literals.push((name.to_owned(), value.to_owned()));
                }
            }
        };
        add("auth.jwt_secret", settings.auth.jwt_secret.as_ref());
        add("auth.admin_password", settings.auth.admin_password.as_ref());
        add(
            "providers.gemini.api_key",
            settings.providers.gemini.api_key.as_ref(),
        );
        add(
            "providers.openai.api_key",
            settings.providers.openai.api_key.as_ref(),
        );
        add(
            "storage.s3.secret_access_key",
            settings.storage.s3.secret_access_key.as_ref(),
        );
        if let Some(url) = &settings.database.url
            && let Ok(parsed) = reqwest::Url::parse(url.expose_secret())
            && let Some(password) = parsed.password()
            && password.len() >= MIN_SECRET_LEN
        {
            literals.push(("database.password".to_owned(), password.to_owned()));
        }
        Self::new(literals)
    }

    /// A scanner for `literals` (name, value; values shorter than 8 characters are ignored) and
    /// the well-known key shapes.
    pub fn new(mut literals: Vec<(String, String)>) -> Self {
        literals.retain(|(_, value)| value.len() >= MIN_SECRET_LEN);
        let shapes = [
            ("google_api_key", r"AIza[0-9A-Za-z_\-]{35}"),
            ("openai_api_key", r"sk-(?:proj-)?[A-Za-z0-9_\-]{20,}"),
            ("aws_access_key_id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
            (
                "private_key",
                r"-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----",
            ),
            (
                "consult_coach_api_key",
                r"\bcck_[0-9a-f]{8}_[0-9A-Za-z]{20,}",
            ),
        ];
        let patterns = shapes
            .into_iter()
            .filter_map(|(name, pattern)| Regex::new(pattern).ok().map(|re| (name, re)))
            .collect();
        Self { literals, patterns }
    }

    /// `text` with every secret replaced, and the names of the secrets found.
    pub fn scrub<'a>(&self, text: &'a str) -> (Cow<'a, str>, Vec<String>) {
        let mut found = Vec::new();
        let mut out = Cow::Borrowed(text);
        for (name, value) in &self.literals {
            if out.contains(value.as_str()) {
                out = Cow::Owned(out.replace(value.as_str(), &format!("[REDACTED:{name}]")));
                found.push(name.clone());
            }
        }
        for (name, re) in &self.patterns {
            if re.is_match(&out) {
                out = Cow::Owned(
                    re.replace_all(&out, format!("[REDACTED:{name}]").as_str())
                        .into_owned(),
                );
                found.push((*name).to_owned());
            }
        }
        (out, found)
    }
}

/// The process's scanner and where incidents go.
struct Guard {
    scanner: SecretScanner,
    incidents: mpsc::Sender<Incident>,
    receiver: std::sync::Mutex<Option<mpsc::Receiver<Incident>>>,
}

static GUARD: OnceLock<Arc<Guard>> = OnceLock::new();

/// Installs the process's scanner (once; later calls keep the first).
pub fn install(settings: &Settings) {
    let (incidents, receiver) = mpsc::channel(1024);
    let _ = GUARD.set(Arc::new(Guard {
        scanner: SecretScanner::from_settings(settings),
        incidents,
        receiver: std::sync::Mutex::new(Some(receiver)),
    }));
}

/// Scrubs `text` with the process's scanner and reports what it found as coming from `source`;
/// without an installed scanner, only the well-known key shapes are looked for.
pub fn scrub(text: &str, source: &'static str) -> String {
    let fallback;
    let (scanner, sender) = match GUARD.get() {
        Some(guard) => (&guard.scanner, Some(&guard.incidents)),
        None => {
            fallback = SecretScanner::new(Vec::new());
            (&fallback, None)
        }
    };
    let (clean, found) = scanner.scrub(text);
    if let Some(sender) = sender {
        for secret in found {
            // A full queue drops the record, never the log line or the caller.
            let _ = sender.try_send(Incident {
                source,
                secret,
                at: shared::clock::now_ms(),
            });
        }
    }
    clean.into_owned()
}

/// The incidents found since start, once: the receiving end of the scanner's queue, taken by the
/// process's incident recorder (`crate::tasks`).
pub fn take_incidents() -> Option<mpsc::Receiver<Incident>> {
    GUARD.get()?.receiver.lock().ok()?.take()
}

/// A writer that scrubs every line before passing it to `inner` (the log output).
pub struct ScrubbingWriter<W> {
    inner: W,
}

impl<W: std::io::Write> std::io::Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = scrub(&text, "log");
        self.inner.write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Makes [`ScrubbingWriter`]s over standard error for the log subscriber.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScrubbedStderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ScrubbedStderr {
    type Writer = ScrubbingWriter<std::io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter {
            inner: std::io::stderr(),
        }
    }
}

impl<W> ScrubbingWriter<W> {
    /// Scrubs what is written to `inner`.
    pub fn new(inner: W) -> Self {
        Self { inner }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_secrets_and_well_known_key_shapes_are_redacted_and_named() {
        let scanner = SecretScanner::new(vec![
            (
                "providers.gemini.api_key".into(),
                "gemini-test-key-123456".into(),
            ),
            ("short".into(), "abc".into()),
        ]);
        let line = "calling with key=gemini-test-key-123456, fallback sk-proj-abcdefghijklmnopqrstuvwxyz012345 and AKIAABCDEFGHIJKLMNOP";
        let (clean, found) = scanner.scrub(line);
        assert_eq!(
            clean,
            "calling with key=[REDACTED:providers.gemini.api_key], fallback [REDACTED:openai_api_key] and [REDACTED:aws_access_key_id]"
        );
        assert_eq!(
            found,
            [
                "providers.gemini.api_key",
                "openai_api_key",
                "aws_access_key_id"
            ]
        );
        let google = format!("key AIza{}", "x".repeat(35));
        assert_eq!(scanner.scrub(&google).1, ["google_api_key"]);
        let (untouched, none) = scanner.scrub("상담 분석 완료: abc 점수 80, sk-short");
        assert!(matches!(untouched, Cow::Borrowed(_)) && none.is_empty());
    }
}
