//! The `consult-coach` binary: parse the command line, load settings, run the subcommand.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use coach_app::config::Settings;
use coach_app::service::users::{
    NewUser, UserUpdate, create_user, generate_password, operator_list_users, operator_update_user,
};
use coach_app::tasks::{Core, ProcessRole, TaskContext, start_background_tasks};
use coach_app::telemetry::init_tracing;
use consult_coach::cli::{
    AuditCommand, Cli, Command, KpiCommand, ReportCommand, SpeechCommand, UserCommand,
    analyze_file, analyze_jsonl_file, bilingual,
};
use consult_coach::startup::{Application, announce_admin};
use shared::inputs::{Email, Password};
use tokio_util::sync::CancellationToken;

/// mimalloc instead of glibc's allocator: under load the server spent about 15 % of its time in
/// glibc `malloc`/`free` (`malloc_consolidate` alone 5 %; issue 11, docs/DESIGN-DECISIONS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Analyze { file, jsonl } = &cli.command {
        // Offline and synchronous: no settings, runtime or database; logs stay quiet.
        return run_analyze(file, *jsonl);
    }
    if let Command::Speech {
        command:
            SpeechCommand::ConvertModel {
                parts,
                vocabulary,
                out,
                quantization,
            },
    } = &cli.command
    {
        let parts: Vec<&std::path::Path> = parts.iter().map(PathBuf::as_path).collect();
        return match coach_engines::speech::convert::convert_files(
            &parts,
            vocabulary,
            out,
            *quantization,
        ) {
            Ok(done) => {
                let _ = writeln!(
                    std::io::stdout(),
                    "{}: {} tensors, {} bytes, {}+{} layers",
                    out.display(),
                    done.tensors,
                    done.bytes,
                    done.layers.0,
                    done.layers.1
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "모델 변환 실패 / model conversion failed: {e}"
                );
                ExitCode::FAILURE
            }
        };
    }
    let mut settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "설정 오류 / configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    coach_app::telemetry::secrets::install(&settings);
    init_tracing(&settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve {
                workers,
                port,
                host,
            } => {
                if let Some(n) = workers {
                    settings.workers.count = n;
                }
                if let Some(p) = port {
                    settings.server.port = p;
                }
                if let Some(h) = host {
                    settings.server.host = h;
                }
                settings.validate()?;
                serve(settings).await
            }
            Command::Worker { workers } => {
                if let Some(n) = workers {
                    settings.workers.count = n;
                }
                settings.validate()?;
                run_workers(settings).await
            }
            Command::Migrate => {
                Core::open(&settings).await?;
                tracing::info!("migrations applied");
                Ok(())
            }
            Command::User { command } => user_command(settings, command).await,
            Command::Audit { command } => audit_command(settings, command).await,
            Command::Backup => backup_command(settings).await,
            Command::Report { command } => report_command(settings, command).await,
            Command::Kpi {
                command: KpiCommand::Rebuild,
            } => rebuild_kpi_columns(settings).await,
            Command::Analyze { .. } => Ok(()),
            Command::Speech { command } => speech_command(settings, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "오류 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `consult-coach analyze [--jsonl] FILE`: the report as pretty JSON, or one line per conversation.
fn run_analyze(file: &std::path::Path, jsonl: bool) -> ExitCode {
    if jsonl {
        let stdout = std::io::stdout();
        return match analyze_jsonl_file(file, std::io::BufWriter::new(stdout.lock())) {
            Ok(summary) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "분석 {} 건, 실패 {} 건 / {} analysed, {} failed",
                    summary.analysed,
                    summary.failed,
                    summary.analysed,
                    summary.failed
                );
                if summary.failed == 0 {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "{}", e.describe());
                ExitCode::from(2)
            }
        };
    }
    match analyze_file(file) {
        Ok(report) => match serde_json::to_string_pretty(&report) {
            Ok(json) => {
                let _ = writeln!(std::io::stdout(), "{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "{e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{}", e.describe());
            ExitCode::from(2)
        }
    }
}

/// `consult-coach speech transcribe FILE`: the transcription and its timings as JSON.
async fn speech_command(settings: Settings, command: SpeechCommand) -> anyhow::Result<()> {
    let SpeechCommand::Transcribe { file, language } = command else {
        return Ok(());
    };
    settings.validate()?;
    let language = language.unwrap_or_else(|| settings.speech.language.clone());
    anyhow::ensure!(
        shared::language::is_language_code(&language),
        "--language must be a two-letter code such as ko or en"
    );
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let extension = file.extension().map(|e| e.to_string_lossy().into_owned());
    let engine =
        coach_engines::speech::engine_from_settings(&settings.speech, &settings.providers, None)?;
    let transcriber = coach_engines::speech::Transcriber::new(
        engine,
        settings.speech.concurrency(),
        settings.speech.agent_channel,
        settings.speech.max_minutes,
    );
    let started = std::time::Instant::now();
    let audio = transcriber.decode(bytes, extension).await?;
    let decode_ms = started.elapsed().as_millis();
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicU8::new(0));
    let stt_started = std::time::Instant::now();
    let duration_ms = audio.duration_ms();
    let transcription = transcriber
        .transcribe(audio, &language, None, progress)
        .await?;
    let stt_ms = stt_started.elapsed().as_millis();
    #[allow(clippy::cast_precision_loss)]
    let rtf = (decode_ms + stt_ms) as f64 / duration_ms.max(1) as f64;
    let out = serde_json::json!({
        "file": file.display().to_string(),
        "engine": transcription.engine.0,
        "model": transcription.engine.1,
        "language": language,
        "durationMs": duration_ms,
        "sourceChannels": transcription.source.0,
        "sourceRate": transcription.source.1,
        "speakerMapping": transcription.assignment.as_str(),
        "decodeMs": decode_ms,
        "transcribeMs": stt_ms,
        "realTimeFactor": rtf,
        "timing": transcription.timing,
        "turns": transcription.turns,
    });
    writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&out)?)?;
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let host = settings.server.host.clone();
    let app = Application::build(settings).await?;
    let mut out = std::io::stdout();
    if let Some(admin) = &app.initial_admin {
        writeln!(out, "{}", announce_admin(admin))?;
    }
    let shown_host = if host == "0.0.0.0" {
        "127.0.0.1"
    } else {
        host.as_str()
    };
    writeln!(out, "Consult Coach: http://{shown_host}:{}/", app.port())?;
    out.flush()?;
    app.run_until_stopped().await?;
    Ok(())
}

async fn run_workers(settings: Settings) -> anyhow::Result<()> {
    if settings.workers.count == 0 {
        anyhow::bail!("`consult-coach worker` needs at least one worker (--workers N, N ≥ 1)");
    }
    let core = Core::open(&settings).await?;
    let shutdown = CancellationToken::new();
    let workers = start_background_tasks(&TaskContext {
        settings: &settings,
        core: &core,
        role: ProcessRole::Worker,
        shutdown: shutdown.clone(),
    })?;
    tracing::info!(
        count = settings.workers.count,
        "workers running; Ctrl-C or SIGTERM to stop"
    );
    wait_for_stop_signal().await?;
    tracing::info!("stopping: running jobs finish or their leases expire");
    shutdown.cancel();
    for worker in workers {
        let _ = worker.await;
    }
    Ok(())
}

/// Waits for Ctrl-C, or SIGTERM (how service managers stop a process) on Unix.
async fn wait_for_stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("waiting for Ctrl-C")?,
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    Ok(())
}

async fn user_command(settings: Settings, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            email,
            role,
            name,
            password_stdin,
        } => {
            let core = Core::open(&settings).await?;
            let (password, generated) = if password_stdin {
                let mut input = String::new();
                std::io::stdin().read_to_string(&mut input)?;
                (input.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (generate_password(), true)
            };
            let new = NewUser {
                email: Email::parse(&email).map_err(|e| anyhow::anyhow!(bilingual(&e)))?,
                display_name: name,
                password: Password::parse_new(&password)
                    .map_err(|e| anyhow::anyhow!(bilingual(&e)))?,
                role: role.into(),
                team_id: None,
            };
            let user = create_user(&core.db, new)
                .await
                .map_err(|e| anyhow::anyhow!(bilingual(&e)))?;
            let mut out = std::io::stdout();
            writeln!(
                out,
                "사용자 생성 / user created: {} ({})",
                user.email, user.role
            )?;
            if generated {
                writeln!(out, "password: {password}")?;
            }
            Ok(())
        }
        UserCommand::List => {
            let core = Core::open(&settings).await?;
            let users = operator_list_users(&core.db)
                .await
                .map_err(|e| anyhow::anyhow!(bilingual(&e)))?;
            let mut out = std::io::stdout();
            for user in users {
                let state = if user.active { "active" } else { "inactive" };
                writeln!(out, "{}\t{}\t{state}", user.email, user.role)?;
            }
            Ok(())
        }
        UserCommand::SetRole { email, role } => {
            update_by_email(
                &settings,
                &email,
                UserUpdate {
                    role: Some(role.into()),
                    ..UserUpdate::default()
                },
            )
            .await
        }
        UserCommand::Deactivate { email } => {
            update_by_email(
                &settings,
                &email,
                UserUpdate {
                    active: Some(false),
                    ..UserUpdate::default()
                },
            )
            .await
        }
        UserCommand::Activate { email } => {
            update_by_email(
                &settings,
                &email,
                UserUpdate {
                    active: Some(true),
                    ..UserUpdate::default()
                },
            )
            .await
        }
    }
}

async fn rebuild_kpi_columns(settings: Settings) -> anyhow::Result<()> {
    let core = Core::open(&settings).await?;
    let window = i64::from(settings.kpi.coaching_window_days) * 86_400_000;
    let (decided, cleared) =
        coach_app::service::analyses::followups::rebuild_derived_columns(&core.db, window).await?;
    writeln!(
        std::io::stdout(),
        "KPI 파생 값 재계산 완료 / derived KPI columns rebuilt ({decided} follow-ups decided, \
         {cleared} cached days cleared)"
    )?;
    Ok(())
}

async fn report_command(settings: Settings, command: ReportCommand) -> anyhow::Result<()> {
    use coach_app::service::reports::{
        ReportTrigger, last_complete_week, parse_week, write_weekly_report,
    };
    match command {
        ReportCommand::Weekly {
            week,
            english,
            output,
        } => {
            let now = shared::clock::now_ms();
            let week_start = match week {
                Some(day) => parse_week(&day).map_err(|e| anyhow::anyhow!(bilingual(&e)))?,
                None => last_complete_week(&settings.kpi, now),
            };
            let core = Core::open(&settings).await?;
            let row = write_weekly_report(
                &core.db,
                &settings.kpi,
                week_start,
                ReportTrigger::Manual,
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!(bilingual(&e)))?;
            let markdown = if english {
                row.markdown_en
            } else {
                row.markdown_ko
            };
            if let Some(path) = output {
                std::fs::write(&path, &markdown)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            write!(std::io::stdout(), "{markdown}")?;
            Ok(())
        }
    }
}

async fn backup_command(settings: Settings) -> anyhow::Result<()> {
    use coach_app::service::backups::{BackupPlan, Trigger, run_backup};
    let core = Core::open(&settings).await?;
    let plan = BackupPlan::from_settings(&settings);
    let row = run_backup(&core.db, &plan, Trigger::Manual).await?;
    writeln!(
        std::io::stdout(),
        "백업 완료 / backed up: {} ({} bytes, {} ms)",
        plan.dir.join(&row.file_name).display(),
        row.bytes,
        row.duration_ms
    )?;
    Ok(())
}

async fn audit_command(settings: Settings, command: AuditCommand) -> anyhow::Result<()> {
    use coach_app::service::security::{parse_cargo_audit, record_audit};
    match command {
        AuditCommand::Record { report, tool } => {
            let mut json = String::new();
            if report.as_os_str() == "-" {
                std::io::stdin().read_to_string(&mut json)?;
            } else {
                json = std::fs::read_to_string(&report)
                    .with_context(|| format!("reading {}", report.display()))?;
            }
            let summary = parse_cargo_audit(&json)?;
            let core = Core::open(&settings).await?;
            record_audit(&core.db, &tool, &summary, shared::clock::now_ms()).await?;
            writeln!(
                std::io::stdout(),
                "보안 점검 기록됨 / audit recorded: {} vulnerabilities{}",
                summary.count,
                if summary.advisories.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", summary.advisories.join(", "))
                }
            )?;
            Ok(())
        }
    }
}

async fn update_by_email(
    settings: &Settings,
    email: &str,
    update: UserUpdate,
) -> anyhow::Result<()> {
    let core = Core::open(settings).await?;
    let user = operator_update_user(&core.db, email, update)
        .await
        .map_err(|e| anyhow::anyhow!(bilingual(&e)))?;
    let state = if user.active { "active" } else { "inactive" };
    writeln!(std::io::stdout(), "{}\t{}\t{state}", user.email, user.role)?;
    Ok(())
}
