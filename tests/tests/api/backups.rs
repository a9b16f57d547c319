//! Database backups: on request, on the schedule of `serve` and by `consult-coach backup`; each
//! attempt recorded, the newest kept, failures explained, and a backup restores every record.

use serde_json::{Value, json};
use shared::access::Role;
use tests::error_code as code;
use tests::{Db, TestApp, db_tests, spawn_app, spawn_app_with};

const TRANSCRIPT: &str = "상담원: 안녕하세요, 행복카드 상담원입니다.\n고객: 결제가 안 돼요.\n상담원: 확인해 드리겠습니다.";

fn backup_files(app: &TestApp) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(app.settings.backup_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Starts an app on a copy of `backup` (SQLite) or on a fresh database `pg_restore`d from it.
async fn restore(db: Db, backup: &std::path::Path) -> TestApp {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let restored = dir.path().join("restored.db");
            std::fs::copy(backup, &restored).unwrap_or_else(|e| panic!("{e}"));
            let url = format!("sqlite://{}?mode=rwc", restored.display());
            let app = spawn_app_with(db, |s| s.database.url = Some(url.into())).await;
            std::mem::forget(dir);
            app
        }
        Db::Postgres => {
            let url = tests::fresh_postgres_url()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let output = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &url])
                .arg(backup)
                .output()
                .unwrap_or_else(|e| panic!("pg_restore: {e}"));
            assert!(
                output.status.success(),
                "pg_restore: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            spawn_app_with(db, |s| s.database.url = Some(url.into())).await
        }
    }
}

db_tests! {
    async fn the_system_status_names_the_engines_in_use_and_never_a_secret(db: Db) {
        let app = spawn_app_with(db, |s| {
            s.analyzer.provider = coach_app::config::AnalyzerProvider::Openai;
            s.analyzer.model = Some("qwen2.5:7b".into());
            s.providers.openai.base_url = Some("http://127.0.0.1:9/v1".into());
            s.providers.openai.api_key = Some(secrecy::SecretString::from("sk-status-secret-123"));
        })
        .await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let body = app
            .graphql(Some(&admin), "{ systemStatus { version database storage analyzer model providerHost providerKeyConfigured speechToText workers pdfFontAvailable } }", json!({}))
            .await;
        let status = &body["data"]["systemStatus"];
        let database = if app.settings.database_url().starts_with("postgres") { "postgres" } else { "sqlite" };
        assert_eq!(status["database"], database, "{body}");
        assert_eq!(
            (status["analyzer"].clone(), status["model"].clone(), status["providerHost"].clone(), status["providerKeyConfigured"].clone()),
            (json!("openai"), json!("qwen2.5:7b"), json!("127.0.0.1:9"), json!(true)),
            "{body}"
        );
        assert_eq!((status["storage"].clone(), status["pdfFontAvailable"].clone()), (json!("local"), json!(true)));
        let speech = status["speechToText"].as_str().unwrap_or_default();
        assert!(speech.starts_with("whisper.cpp · ggml-whisper-base-q8_0.bin"), "{speech}");
        let text = body.to_string();
        assert!(!text.contains("sk-status"), "{text}");
        let counselor = app.counselor_token("kim@example.com").await;
        assert_eq!(code(&app.graphql(Some(&counselor), "{ systemStatus { version } }", json!({})).await), "FORBIDDEN");
    }

    async fn an_admin_backup_is_recorded_and_restores_every_consultation(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "call.txt", TRANSCRIPT).await;
        app.wait_for_terminal(&token, &id).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;

        let made = app.graphql(Some(&admin), "mutation { runBackup { id kind trigger fileName bytes ok error } }", json!({})).await;
        assert!(made["errors"].is_null(), "{made}");
        let backup = &made["data"]["runBackup"];
        let kind = if db == Db::Sqlite { "sqlite" } else { "postgres" };
        assert_eq!((backup["kind"].as_str(), backup["trigger"].as_str(), backup["ok"].as_bool()), (Some(kind), Some("manual"), Some(true)));
        assert!(backup["bytes"].as_i64().is_some_and(|b| b > 1_000), "{backup}");
        let file = backup["fileName"].as_str().unwrap_or_default().to_owned();
        assert_eq!(backup_files(&app), std::slice::from_ref(&file));
        let listed = app.graphql(Some(&admin), "{ backups { fileName ok } }", json!({})).await;
        assert_eq!(listed["data"]["backups"], json!([{"fileName": file, "ok": true}]));

        // Written after the backup: not in it.
        app.upload_text(&token, "later.txt", "상담원: 나중 상담입니다\n고객: 네").await;

        let restored = restore(db, &app.settings.backup_dir().join(&file)).await;
        let again = restored.login("kim@example.com", "counselor-password-123").await;
        let list = restored.graphql(Some(&again), "{ consultations { id status report { summary } } }", json!({})).await;
        let consultations = list["data"]["consultations"].as_array().cloned().unwrap_or_default();
        assert_eq!(consultations.len(), 1, "{list}");
        assert_eq!(consultations[0]["id"], id.as_str());
        assert_eq!(consultations[0]["status"], "COMPLETED");
        assert!(consultations[0]["report"]["summary"].is_string());
    }

    async fn a_failed_backup_is_recorded_with_its_reason_and_a_clear_code(db: Db) {
        let blocker = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
        // A directory cannot be made under a file: the backup must fail, whatever the database.
        let dir = blocker.path().join("backups");
        let app = spawn_app_with(db, |s| s.backup.dir = Some(dir.clone())).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let failed = app.graphql(Some(&admin), "mutation { runBackup { id } }", json!({})).await;
        assert_eq!(code(&failed), "BACKUP_FAILED");
        assert!(failed["errors"][0]["message"].as_str().is_some_and(|m| m.contains("백업에 실패")), "{failed}");
        let listed = app.graphql(Some(&admin), "{ backups { ok bytes error } }", json!({})).await;
        let row = &listed["data"]["backups"][0];
        assert_eq!((row["ok"].as_bool(), row["bytes"].as_i64()), (Some(false), Some(0)));
        assert!(row["error"].as_str().is_some_and(|e| e.contains("cannot create")), "{row}");
        assert!(!listed.to_string().contains("password"), "no credentials in errors");

        let day = tests::kpi_today();
        let board = app.kpi_board(&admin, &day, &day).await;
        assert_eq!(tests::kpi_of(&board, "backup_frequency")["value"], 0.0, "a failed backup does not count");
    }

    async fn serve_backs_up_on_its_schedule_and_the_backup_kpi_counts_it(db: Db) {
        let app = spawn_app_with(db, |s| s.backup.interval_hours = 24).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let mut scheduled = Value::Null;
        for _ in 0..100 {
            let listed = app.graphql(Some(&admin), "{ backups { trigger ok } }", json!({})).await;
            if listed["data"]["backups"].as_array().is_some_and(|b| !b.is_empty()) {
                scheduled = listed["data"]["backups"].clone();
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(scheduled, json!([{"trigger": "scheduled", "ok": true}]), "a new installation is backed up at once");
        let day = tests::kpi_today();
        let board = app.kpi_board(&admin, &day, &day).await;
        let kpi = tests::kpi_of(&board, "backup_frequency");
        assert_eq!((kpi["value"].as_f64(), kpi["status"].as_str()), (Some(1.0), Some("MET")));
    }

    async fn the_backup_command_keeps_the_newest_backups_only(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("kim@example.com", "password-for-tests", Role::Counselor).await;
        for _ in 0..3 {
            let output = app.run_cli(&["backup"], &[("CONSULT_COACH__BACKUP__KEEP", "2".to_owned())]);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
            assert!(stdout.contains("백업 완료 / backed up:"), "{stdout}");
            // File names carry the time to the millisecond.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(backup_files(&app).len(), 2, "{:?}", backup_files(&app));
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let listed = app.graphql(Some(&admin), "{ backups { ok trigger } }", json!({})).await;
        assert_eq!(listed["data"]["backups"].as_array().map(Vec::len), Some(3), "every attempt is recorded");
        let counselor = app.login("kim@example.com", "password-for-tests").await;
        let denied = app.graphql(Some(&counselor), "{ backups { id } }", json!({})).await;
        assert_eq!(code(&denied), "FORBIDDEN");
    }
}
