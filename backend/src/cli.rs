//! The `consult-coach` command line: subcommands and the offline `analyze` command.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use shared::report::Report;

use crate::analysis::Analyzer;
use crate::analysis::local::LocalAnalyzer;
use crate::analysis::redact::redact_turns;
use crate::auth::Role;
use crate::error::{Lang, UserFacingError};
use crate::ingest::IngestError;
use crate::ingest::text::decode_text;
use crate::ingest::transcript::parse_transcript;

/// Consult Coach: coaching for customer-service consultations.
#[derive(Debug, Parser)]
#[command(name = "consult-coach", version, about)]
pub struct Cli {
    /// Configuration file (default: `consult-coach.toml` in the working directory, when present).
    #[arg(long, global = true, env = "CONSULT_COACH_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the GraphQL API, with in-process workers.
    Serve {
        /// In-process workers (0 = none; overrides `workers.count`).
        #[arg(long)]
        workers: Option<usize>,
        /// Port (overrides `server.port`).
        #[arg(long)]
        port: Option<u16>,
        /// Address to bind (overrides `server.host`).
        #[arg(long)]
        host: Option<String>,
    },
    /// Run job workers only (no HTTP).
    Worker {
        /// Number of workers (overrides `workers.count`).
        #[arg(long)]
        workers: Option<usize>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        /// What to do with users.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Analyse a transcript file offline and print the report as JSON.
    Analyze {
        /// The transcript file.
        file: PathBuf,
    },
}

/// User subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a generated password unless `--password-stdin` is given.
    Create {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Role.
        #[arg(long, value_enum, default_value_t = CliRole::Counselor)]
        role: CliRole,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Roles as CLI values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CliRole {
    /// Counselor.
    Counselor,
    /// Manager.
    Manager,
    /// Admin.
    Admin,
}

impl From<CliRole> for Role {
    fn from(role: CliRole) -> Self {
        match role {
            CliRole::Counselor => Role::Counselor,
            CliRole::Manager => Role::Manager,
            CliRole::Admin => Role::Admin,
        }
    }
}

/// Why `analyze` failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a usable transcript.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The analyzer failed.
    #[error(transparent)]
    Analysis(#[from] crate::analysis::AnalysisError),
}

impl AnalyzeError {
    /// A bilingual message for the terminal.
    pub fn describe(&self) -> String {
        match self {
            Self::Read { path, source } => {
                format!("파일을 읽을 수 없습니다 / cannot read {path}: {source}")
            }
            Self::Ingest(e) => format!("{} / {} [{}]", e.message_ko(), e.message_en(), e.code()),
            Self::Analysis(e) => format!("{} / {} [{}]", e.message_ko(), e.message_en(), e.code()),
        }
    }
}

/// Decodes, parses, redacts and analyses a transcript with the local analyzer.
pub fn analyze_transcript_bytes(bytes: &[u8]) -> Result<Report, AnalyzeError> {
    let decoded = decode_text(bytes)?;
    let mut turns = parse_transcript(&decoded.text)?.turns;
    let pii = redact_turns(&mut turns);
    Ok(LocalAnalyzer::default().analyze(&turns, pii)?)
}

/// Reads and analyses a transcript file.
pub fn analyze_file(path: &std::path::Path) -> Result<Report, AnalyzeError> {
    let bytes = std::fs::read(path).map_err(|source| AnalyzeError::Read {
        path: path.display().to_string(),
        source,
    })?;
    analyze_transcript_bytes(&bytes)
}

/// The message shown for a user-facing error in both languages.
pub fn bilingual<E: UserFacingError>(error: &E) -> String {
    format!(
        "{} / {}",
        error.user_message(Lang::Ko),
        error.user_message(Lang::En)
    )
}
