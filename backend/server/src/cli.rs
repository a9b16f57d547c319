//! The `consult-coach` command line: subcommands and the offline `analyze` command.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use shared::report::Report;

use coach_analyzer::Analyzer;
use coach_analyzer::eval::{EvalIoError, EvalSummary, evaluate_jsonl};
use coach_analyzer::ingest::IngestError;
use coach_analyzer::ingest::text::decode_text;
use coach_analyzer::ingest::transcript::parse_transcript;
use coach_analyzer::local::LocalAnalyzer;
use coach_analyzer::redact::redact_turns;
use coach_app::error::UserFacingError;
use shared::access::Role;
use shared::language::Language;

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
    /// Back the database up now (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump`) into
    /// `backup.dir`, keeping the newest `backup.keep` backups.
    Backup,
    /// KPI maintenance.
    Kpi {
        /// What to do.
        #[command(subcommand)]
        command: KpiCommand,
    },
    /// KPI reports.
    Report {
        /// Which report.
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Record security checks for the KPIs.
    Audit {
        /// What to record.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Analyse a transcript file offline and print the report as JSON; with `--jsonl`, analyse
    /// every conversation of a JSONL file and print one summary line per conversation.
    Analyze {
        /// The transcript file, or with `--jsonl` a JSONL file of conversations (`-` reads
        /// standard input).
        file: PathBuf,
        /// Read conversations in the evaluation JSONL schema (`{id, language, turns: [{speaker,
        /// text}]}` per line) and write `{id, language, scores, improvement_count, improvements,
        /// moments, moment_turns, pii}` per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Speech-to-text: build the Whisper model, transcribe a recording.
    Speech {
        /// What to do.
        #[command(subcommand)]
        command: SpeechCommand,
    },
}

/// Speech subcommands.
#[derive(Debug, Subcommand)]
pub enum SpeechCommand {
    /// Convert a CTranslate2 Whisper model (`model.bin`, possibly split into parts, and its
    /// `vocabulary.txt`) into the ggml file whisper.cpp loads.
    ConvertModel {
        /// The parts of `model.bin`, in order (repeat the flag).
        #[arg(long = "part", required = true)]
        parts: Vec<PathBuf>,
        /// The model's `vocabulary.txt`.
        #[arg(long)]
        vocabulary: PathBuf,
        /// Where to write the ggml model.
        #[arg(long)]
        out: PathBuf,
        /// Weight storage.
        #[arg(long, value_enum, default_value_t = coach_engines::speech::convert::Quantization::Q8_0)]
        quantization: coach_engines::speech::convert::Quantization,
    },
    /// Transcribe a recording with the configured engine and print the turns, the audio timing
    /// and how long each step took (decode, voice detection, speech-to-text) as JSON.
    Transcribe {
        /// The recording (audio, or a video's audio track).
        file: PathBuf,
        /// Language spoken (default: `speech.language`).
        #[arg(long)]
        language: Option<String>,
    },
}

/// KPI maintenance subcommands.
#[derive(Debug, Subcommand)]
pub enum KpiCommand {
    /// Recompute the derived KPI columns (baselines, follow-ups of improvement items) from the
    /// records, after records were imported or corrected by hand.
    Rebuild,
}

/// Report subcommands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Write (or rewrite) and print the weekly KPI report in the sheet's template.
    Weekly {
        /// Any day of the week (`YYYY-MM-DD`); default: the last complete week.
        #[arg(long)]
        week: Option<String>,
        /// Print the English rendering instead of the Korean one.
        #[arg(long)]
        english: bool,
        /// Also write the Markdown to this file.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Record the result of `cargo audit --json` (run where the advisory database is reachable)
    /// for the vulnerabilities KPI.
    Record {
        /// The JSON report (`-` reads standard input).
        report: PathBuf,
        /// The tool that produced it.
        #[arg(long, default_value = "cargo-audit")]
        tool: String,
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
    /// List users (e-mail, role, active).
    List,
    /// Change a user's role.
    SetRole {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// New role.
        #[arg(long, value_enum)]
        role: CliRole,
    },
    /// Deactivate a user (their sessions end at once; access tokens expire within 15 minutes).
    Deactivate {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
    /// Reactivate a user.
    Activate {
        /// Login e-mail.
        #[arg(long)]
        email: String,
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
    Analysis(#[from] coach_analyzer::AnalysisError),
    /// The results could not be written.
    #[error("cannot write the results: {0}")]
    Write(std::io::Error),
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
            Self::Write(e) => format!("결과를 쓸 수 없습니다 / cannot write the results: {e}"),
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

/// Analyses every conversation of a JSONL file (or standard input for `-`) with the local
/// analyzer, writing one line per conversation to `output` (see [`coach_analyzer::eval`]).
///
/// Errors: the file cannot be read, or the output cannot be written. Lines that cannot be analysed
/// are written as error lines and counted in the summary.
pub fn analyze_jsonl_file(
    path: &std::path::Path,
    output: impl std::io::Write,
) -> Result<EvalSummary, AnalyzeError> {
    let read_error = |source| AnalyzeError::Read {
        path: path.display().to_string(),
        source,
    };
    let io_error = |error| match error {
        EvalIoError::Read(source) => read_error(source),
        EvalIoError::Write(source) => AnalyzeError::Write(source),
    };
    let analyzer = LocalAnalyzer::default();
    if path.as_os_str() == "-" {
        let stdin = std::io::stdin();
        return evaluate_jsonl(stdin.lock(), output, &analyzer).map_err(io_error);
    }
    let file = std::fs::File::open(path).map_err(read_error)?;
    evaluate_jsonl(std::io::BufReader::new(file), output, &analyzer).map_err(io_error)
}

/// The message shown for a user-facing error in both languages.
pub fn bilingual<E: UserFacingError>(error: &E) -> String {
    format!(
        "{} / {}",
        error.user_message(Language::Ko),
        error.user_message(Language::En)
    )
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;

    #[test]
    fn analyze_jsonl_writes_one_line_per_conversation_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        let calls = concat!(
            r#"{"id":"a","language":"ko","source":"test","turns":[{"speaker":"agent","text":"안녕하세요, 상담원 김민지입니다."},{"speaker":"customer","text":"환불하고 싶어요."},{"speaker":"agent","text":"네, 바로 환불해 드리겠습니다. 좋은 하루 보내세요."}],"labels":{}}"#,
            "\n",
            r#"{"id":"b","turns":[{"speaker":"customer","text":"Hi, where is my order?"},{"speaker":"agent","text":"I've sent a replacement; it will arrive tomorrow."}]}"#,
            "\n",
        );
        std::fs::write(&path, calls).unwrap();
        let mut out = Vec::new();
        let summary = analyze_jsonl_file(&path, &mut out).unwrap();
        assert_eq!((summary.analysed, summary.failed), (2, 0));
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(lines[0]["language"], "ko");
        assert_eq!(lines[1]["language"], "en");
        for line in &lines {
            assert!(line["scores"]["overall"].as_u64().is_some(), "{line}");
            assert!(line["improvement_count"].as_u64().is_some(), "{line}");
            assert!(line["moments"]["solution"].as_u64() >= Some(1), "{line}");
        }
    }

    #[test]
    fn analyze_jsonl_reports_a_missing_file_as_a_read_error() {
        let error =
            analyze_jsonl_file(std::path::Path::new("/nonexistent/calls.jsonl"), Vec::new())
                .err()
                .unwrap();
        assert!(matches!(error, AnalyzeError::Read { .. }));
        assert!(error.describe().contains("cannot read"));
    }
}
