//! The weekly KPI report: the sheet's §8 template filled with a week's figures and targets, the
//! largest gaps as issues, improvements against the week before; on demand, on the schedule of
//! `serve` and by `consult-coach report weekly`.

use serde_json::{Value, json};
use tests::error_code as code;
use tests::{TestApp, db_tests, spawn_app_with};

/// 2026-01-05 (a Monday) 10:00 in Korea, epoch ms.
const MONDAY_10_KST: i64 = 1_767_538_800_000 + 10 * HOUR;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const REPORT: &str = "id weekStart weekEnd trigger markdown markdownKo markdownEn";

/// Uploads `outcomes.len()` transcripts and dates them: (file type, status, created at).
async fn arrange(app: &TestApp, token: &str, outcomes: &[(&str, &str, i64)]) {
    for (n, (file_type, status, at)) in outcomes.iter().enumerate() {
        let id = app
            .upload_text(
                token,
                &format!("{n}-{at}.txt"),
                &format!("상담원: 안녕하세요 {n} {at}\n고객: 네"),
            )
            .await;
        app.exec_sql(format!(
            "UPDATE consultations SET file_type = '{file_type}', status = '{status}', created_at = {at}, \
             processing_started_at = {}, completed_at = {} WHERE id = '{id}'",
            at + 200,
            at + 1_500
        )).await;
        app.exec_sql(format!(
            "UPDATE jobs SET status = 'done' WHERE consultation_id = '{id}'"
        ))
        .await;
    }
}

db_tests! {
    async fn the_weekly_report_fills_the_sheets_template_with_the_weeks_figures(db: Db) {
        let app = spawn_app_with(db, |s| s.workers.count = 0).await;
        let token = app.counselor_token("kim@example.com").await;
        let mon = MONDAY_10_KST;
        arrange(&app, &token, &[
            // The week before: one of two finished.
            ("text", "completed", mon - 7 * DAY),
            ("text", "failed", mon - 6 * DAY),
            // This week: two of three finished, text and audio.
            ("text", "completed", mon),
            ("audio", "completed", mon + DAY),
            ("text", "failed", mon + DAY),
            ("text", "pending", mon + 2 * DAY),
        ]).await;
        app.create_user("lead@example.com", "password-for-tests", shared::access::Role::Manager).await;
        let lead = app.login("lead@example.com", "password-for-tests").await;

        let made = app
            .graphql(Some(&lead), &format!("mutation {{ generateWeeklyReport(weekOf: \"2026-01-07\") {{ {REPORT} }} }}"), json!({}))
            .await;
        assert!(made["errors"].is_null(), "{made}");
        let report = &made["data"]["generateWeeklyReport"];
        assert_eq!((report["weekStart"].as_str(), report["weekEnd"].as_str(), report["trigger"].as_str()), (Some("2026-01-05"), Some("2026-01-11"), Some("manual")));
        let ko = report["markdownKo"].as_str().unwrap_or_default();
        assert_eq!(report["markdown"], report["markdownKo"], "Korean by default");
        for expected in [
            "📊 주간 KPI 리포트 (2026-01-05 ~ 2026-01-11)",
            "1. 사용자 활동\n   - 주간 업로드 수: 4건 (목표: 50건/주)",
            "   - 파일 타입 분포: 텍스트 75%, 오디오 25%, 비디오 0% (목표: 텍스트 60%, 오디오 30%, 비디오 10%)",
            "2. 시스템 성능\n   - 분석 성공률: 66.7% (목표: 95% 이상)",
            "   - 평균 처리 시간: 텍스트 1.5초, 오디오 1.5초, 비디오 데이터 없음 (목표: 텍스트: 30초 이내",
            "   - 활성 사용자 수: 0명 (목표: 20명/주)",
            "3. AI 분석 품질\n   - AI API 성공률: 데이터 없음 (목표: 95% 이상)\n   - 평균 분석 결과 길이: 데이터 없음",
            "4. 주요 이슈 및 개선 사항\n   - [미달] ",
            "   - [미달] 분석 실패율: 33.3% (목표: 5% 이하)",
            "   - [개선] 분석 성공률: 50% → 66.7%",
            "5. 다음 주 계획\n   - ",
            "부록: 전체 KPI (42개",
            "| 2.1 | 분석 성공률 | 66.7% | 95% 이상 | 미달 |",
        ] {
            assert!(ko.contains(expected), "missing {expected:?} in\n{ko}");
        }
        assert_eq!(ko.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| 구분")).count(), 42, "{ko}");
        let en = report["markdownEn"].as_str().unwrap_or_default();
        for expected in ["📊 Weekly KPI report (2026-01-05 – 2026-01-11)", "   - Weekly uploads: 4 (target: ≥ 50)", "[better] Analysis success rate: 50% → 66.7%"] {
            assert!(en.contains(expected), "missing {expected:?} in\n{en}");
        }

        // Written again: the same week's report is replaced, not duplicated.
        let again = app.graphql(Some(&lead), &format!("mutation {{ generateWeeklyReport(weekOf: \"2026-01-11\") {{ {REPORT} }} }}"), json!({})).await;
        assert_eq!(again["data"]["generateWeeklyReport"]["id"], report["id"]);
        let listed = app.graphql(Some(&lead), "{ weeklyReports { weekStart } }", json!({})).await;
        assert_eq!(listed["data"]["weeklyReports"], json!([{"weekStart": "2026-01-05"}]));
        let english = app
            .graphql_with_language(Some(&lead), "{ weeklyReport(weekOf: \"2026-01-09\") { markdown } }", json!({}), "en")
            .await;
        assert!(english["data"]["weeklyReport"]["markdown"].as_str().is_some_and(|m| m.starts_with("📊 Weekly")), "{english}");

        let missing = app.graphql(Some(&lead), "{ weeklyReport(weekOf: \"2025-06-01\") { id } }", json!({})).await;
        assert_eq!(code(&missing), "NOT_FOUND");
        let bad = app.graphql(Some(&lead), "mutation { generateWeeklyReport(weekOf: \"2026-13-01\") { id } }", json!({})).await;
        assert_eq!(code(&bad), "BAD_USER_INPUT");
        let counselor = app.graphql(Some(&token), "{ weeklyReports { id } }", json!({})).await;
        assert_eq!(code(&counselor), "FORBIDDEN");
        let created = app.graphql(Some(&lead), "mutation { createApiKey(name: \"bi\", scopes: [KPIS_READ]) { secret } }", json!({})).await;
        let key = created["data"]["createApiKey"]["secret"].as_str().unwrap_or_default().to_owned();
        assert_eq!(code(&app.graphql(Some(&key), "{ weeklyReports { weekStart } }", json!({})).await), "ok", "a kpis:read key reads reports");
        assert_eq!(code(&app.graphql(Some(&key), "mutation { generateWeeklyReport { id } }", json!({})).await), "FORBIDDEN", "but does not write them");
    }

    async fn serve_writes_last_weeks_report_on_its_own_and_the_cli_prints_any_week(db: Db) {
        let app = spawn_app_with(db, |s| s.kpi.weekly_reports = true).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let mut written = Value::Null;
        for _ in 0..100 {
            let listed = app.graphql(Some(&admin), "{ weeklyReports { weekStart trigger } }", json!({})).await;
            if listed["data"]["weeklyReports"].as_array().is_some_and(|r| !r.is_empty()) {
                written = listed["data"]["weeklyReports"][0].clone();
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(written["trigger"], "scheduled", "{written}");
        let last_week = coach_app::service::reports::last_complete_week(&app.settings.kpi, shared::clock::now_ms());
        assert_eq!(written["weekStart"], last_week.format("%Y-%m-%d").to_string());

        let file = app.settings.storage.data_dir.join("report.md");
        let output = app.run_cli(&["report", "weekly", "--week", "2026-01-07", "--output", &file.to_string_lossy()], &[]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.starts_with("📊 주간 KPI 리포트 (2026-01-05 ~ 2026-01-11)"), "{stdout}");
        assert_eq!(std::fs::read_to_string(&file).ok().as_deref(), Some(stdout.as_ref()));
        let english = app.run_cli(&["report", "weekly", "--week", "2026-01-07", "--english"], &[]);
        assert!(String::from_utf8_lossy(&english.stdout).starts_with("📊 Weekly KPI report"));
        let bad = app.run_cli(&["report", "weekly", "--week", "yesterday"], &[]);
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"), "{}", String::from_utf8_lossy(&bad.stderr));
    }
}
