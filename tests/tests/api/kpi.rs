//! Every KPI of the sheet through `kpis` / `kpi`, computed from the product's own records on both
//! databases: arranged records on fixed days, a real run, server samples, access rules.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use shared::access::Role;
use tests::error_code as code;
use tests::{TestApp, db_tests, spawn_app, spawn_app_with};

/// 2026-01-05 (a Monday) 00:00 in Korea (the default KPI time zone, UTC+9), epoch ms.
const MONDAY_KST: i64 = 1_767_538_800_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

const BOARD: &str = "query($range: DayRangeInput!, $team: ID, $counselor: ID) {
  kpis(range: $range, teamId: $team, counselorId: $counselor) {
    from to utcOffsetMinutes teamId counselorId summary { met notMet noData }
    kpis { id group section nameKo nameEn unit direction scoped value status sampleSize
      byFileType { text audio video }
      target { kind min max text byFileType { text audio video } }
      details { key value }
      series { date value byFileType { text audio video } } } } }";

fn today() -> String {
    tests::kpi_today()
}

async fn board(app: &TestApp, token: &str, from: &str, to: &str, filters: Value) -> Value {
    let mut variables = json!({ "range": { "from": from, "to": to } });
    if let (Some(vars), Some(extra)) = (variables.as_object_mut(), filters.as_object()) {
        vars.extend(extra.clone());
    }
    let body = app.graphql(Some(token), BOARD, variables).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["kpis"].clone()
}

fn kpi(board: &Value, id: &str) -> Value {
    tests::kpi_of(board, id)
}

fn value(board: &Value, id: &str) -> Option<f64> {
    kpi(board, id)["value"].as_f64()
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

/// Sets a consultation's clock and outcome, and its job's status.
async fn arrange(
    app: &TestApp,
    id: &str,
    file_type: &str,
    status: &str,
    times: (i64, Option<i64>, Option<i64>),
    job: &str,
) {
    let null = |t: Option<i64>| t.map_or("NULL".to_owned(), |t| t.to_string());
    app.exec_sql(format!(
        "UPDATE consultations SET file_type = '{file_type}', status = '{status}', created_at = {}, \
         processing_started_at = {}, completed_at = {} WHERE id = '{id}'",
        times.0,
        null(times.1),
        null(times.2)
    ))
    .await;
    app.exec_sql(format!(
        "UPDATE jobs SET status = '{job}', created_at = {} WHERE consultation_id = '{id}'",
        times.0
    ))
    .await;
}

db_tests! {
    async fn settled_days_come_from_the_day_cache_and_a_late_finish_or_a_team_move_refreshes_them(db: Db) {
        let app = spawn_app_with(db, |s| s.workers.count = 0).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let mut teams = Vec::new();
        for name in ["1팀", "2팀"] {
            let created = app
                .graphql(Some(&admin), "mutation($n: String!) { createTeam(name: $n) { id } }", json!({ "n": name }))
                .await;
            teams.push(created["data"]["createTeam"]["id"].as_str().unwrap_or_default().to_owned());
        }
        let counselor = app.create_user("late@example.com", "password-for-tests", Role::Counselor).await;
        let moved = app
            .graphql(Some(&admin), "mutation($id: ID!, $t: ID!) { updateUser(id: $id, input: {teamId: $t}) { id } }", json!({ "id": counselor, "t": teams[0] }))
            .await;
        assert!(moved["errors"].is_null(), "{moved}");
        let token = app.login("late@example.com", "password-for-tests").await;
        let id = app.upload_text(&token, "늦은 분석.txt", "상담원: 안녕하세요, 무엇을 도와드릴까요?\n고객: 배송이 늦어요.").await;
        // Uploaded ten days ago, and no worker has picked it up since.
        let created = shared::clock::now_ms() - 10 * DAY;
        app.exec_sql(format!("UPDATE consultations SET created_at = {created} WHERE id = '{id}'")).await;
        app.exec_sql(format!("UPDATE jobs SET created_at = {created} WHERE consultation_id = '{id}'")).await;
        let day = shared::clock::to_datetime(created + 9 * HOUR).format("%Y-%m-%d").to_string();

        let waiting = board(&app, &admin, &day, &day, json!({})).await;
        assert_eq!(value(&waiting, "daily_uploads"), Some(1.0));
        assert_eq!(kpi(&waiting, "analysis_success_rate")["status"], "NO_DATA");
        let cached = app.db.query_one(Statement::from_string(app.db.get_database_backend(), "SELECT COUNT(*) AS n FROM kpi_day_cache WHERE scope = 'all'".to_owned()))
            .await.ok().flatten().and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(0);
        assert_eq!(cached, 30, "the settled day and its 29 lookback days are cached");

        // A worker finishes it now, ten days late: the settled day's figures follow.
        let _worker = app.spawn_worker_process(&[]);
        let done = app.wait_for_terminal(&token, &id).await;
        assert_eq!(done["status"], "COMPLETED", "{done}");
        let finished = board(&app, &admin, &day, &day, json!({})).await;
        assert!(close(value(&finished, "analysis_success_rate"), 100.0), "{}", kpi(&finished, "analysis_success_rate"));
        assert!(value(&finished, "avg_processing_time").is_none());
        assert!(kpi(&finished, "avg_processing_time")["byFileType"]["text"].as_f64().is_some_and(|s| s > 9.0 * 86_400.0));

        // Team figures follow the counselor to their new team.
        let first_team = board(&app, &admin, &day, &day, json!({ "team": teams[0] })).await;
        assert_eq!(value(&first_team, "daily_uploads"), Some(1.0));
        let moved = app
            .graphql(Some(&admin), "mutation($id: ID!, $t: ID!) { updateUser(id: $id, input: {teamId: $t}) { id } }", json!({ "id": counselor, "t": teams[1] }))
            .await;
        assert!(moved["errors"].is_null(), "{moved}");
        let first_team = board(&app, &admin, &day, &day, json!({ "team": teams[0] })).await;
        assert_eq!(value(&first_team, "daily_uploads"), Some(0.0));
        let second_team = board(&app, &admin, &day, &day, json!({ "team": teams[1] })).await;
        assert_eq!(value(&second_team, "daily_uploads"), Some(1.0));

        // Computed again from the tables, the figures are the same.
        let cached_board = board(&app, &admin, &day, &day, json!({})).await;
        let rebuilt = app.run_cli(&["kpi", "rebuild"], &[]);
        assert!(rebuilt.status.success(), "{}", String::from_utf8_lossy(&rebuilt.stderr));
        let fresh = board(&app, &admin, &day, &day, json!({})).await;
        assert_eq!(cached_board, fresh);
    }

    async fn every_kpi_of_the_sheet_comes_with_its_target_status_and_one_point_per_day(db: Db) {
        let app = spawn_app(db).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let board = board(&app, &admin, "2026-01-05", "2026-01-11", json!({})).await;
        let kpis = board["kpis"].as_array().cloned().unwrap_or_default();
        assert_eq!(kpis.len(), 42, "sections 1-5 of the sheet");
        assert_eq!((board["from"].as_str(), board["to"].as_str(), board["utcOffsetMinutes"].as_i64()), (Some("2026-01-05"), Some("2026-01-11"), Some(540)));
        let summary = &board["summary"];
        let counted = ["met", "notMet", "noData"].iter().map(|k| summary[k].as_i64().unwrap_or(0)).sum::<i64>();
        assert_eq!(counted, 42, "{summary}");
        for k in &kpis {
            let series = k["series"].as_array().cloned().unwrap_or_default();
            assert_eq!(series.len(), 7, "{k}");
            assert_eq!(series[0]["date"], "2026-01-05");
            assert_eq!(series[6]["date"], "2026-01-11");
            assert!(!k["target"]["text"].as_str().unwrap_or_default().is_empty(), "{k}");
            assert!(!k["nameKo"].as_str().unwrap_or_default().is_empty());
        }
        // Nothing happened in these days: no data rather than a made-up zero.
        assert_eq!(kpi(&board, "analysis_success_rate")["status"], "NO_DATA");
        assert_eq!(value(&board, "daily_uploads"), Some(0.0), "zero uploads is a measured zero");
        assert_eq!(kpi(&board, "daily_uploads")["status"], "NOT_MET");
        assert_eq!(kpi(&board, "avg_processing_time")["target"]["byFileType"], json!({"text": 30.0, "audio": 120.0, "video": 300.0}));
    }

    async fn uploads_processing_success_and_queue_wait_follow_the_sheet_on_fixed_days(db: Db) {
        let app = spawn_app_with(db, |s| s.workers.count = 0).await;
        let token = app.counselor_token("kim@example.com").await;
        let mut ids = Vec::new();
        for n in 0..5 {
            ids.push(app.upload_text(&token, &format!("{n}.txt"), &format!("상담원: 안녕하세요 {n}\n고객: 네")).await);
        }
        let mon = MONDAY_KST + 10 * HOUR;
        arrange(&app, &ids[0], "text", "completed", (mon, Some(mon + 100), Some(mon + 2_000)), "done").await;
        arrange(&app, &ids[1], "audio", "completed", (mon + DAY, Some(mon + DAY + 500), Some(mon + DAY + 4_000)), "done").await;
        arrange(&app, &ids[2], "text", "failed", (mon + DAY, Some(mon + DAY + 200), Some(mon + DAY + 400)), "dead").await;
        arrange(&app, &ids[3], "text", "pending", (mon + 2 * DAY, None, None), "queued").await;
        // The next Monday: outside the range.
        arrange(&app, &ids[4], "video", "pending", (mon + 7 * DAY, None, None), "queued").await;
        // Before 09:00 in Korea is still the previous day in UTC, but Monday here.
        app.exec_sql(format!("UPDATE consultations SET created_at = {} WHERE id = '{}'", MONDAY_KST + HOUR, ids[0])).await;
        app.exec_sql(format!("UPDATE consultations SET processing_started_at = {}, completed_at = {} WHERE id = '{}'", MONDAY_KST + HOUR + 100, MONDAY_KST + HOUR + 2_000, ids[0])).await;

        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let week = board(&app, &admin, "2026-01-05", "2026-01-11", json!({})).await;
        assert!(close(value(&week, "daily_uploads"), 4.0 / 7.0));
        assert!(close(value(&week, "weekly_uploads"), 4.0));
        assert!(close(value(&week, "monthly_uploads"), 4.0 / 7.0 * 30.0));
        assert_eq!(kpi(&week, "file_type_mix")["byFileType"], json!({"text": 75.0, "audio": 25.0, "video": 0.0}));
        assert_eq!(kpi(&week, "avg_processing_time")["byFileType"], json!({"text": 2.0, "audio": 4.0, "video": null}));
        assert_eq!(kpi(&week, "avg_processing_time")["status"], "MET");
        assert!(close(value(&week, "analysis_success_rate"), 200.0 / 3.0), "2 of 3 finished: {}", kpi(&week, "analysis_success_rate"));
        assert!(close(value(&week, "queue_wait"), (0.1 + 0.5 + 0.2) / 3.0));
        assert!(close(value(&week, "stored_files"), 4.0));
        let daily: Vec<Option<f64>> = kpi(&week, "daily_uploads")["series"].as_array().map(|s| s.iter().map(|p| p["value"].as_f64()).collect()).unwrap_or_default();
        assert_eq!(daily, [Some(1.0), Some(2.0), Some(1.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0)]);
        let weekly: Vec<Option<f64>> = kpi(&week, "weekly_uploads")["series"].as_array().map(|s| s.iter().map(|p| p["value"].as_f64()).collect()).unwrap_or_default();
        assert_eq!(weekly, [Some(1.0), Some(3.0), Some(4.0), Some(4.0), Some(4.0), Some(4.0), Some(4.0)], "7 days ending on each day");
        let tuesday = &kpi(&week, "analysis_failure_rate")["series"][1];
        assert_eq!(tuesday["value"], 50.0, "{tuesday}");

        let next = board(&app, &admin, "2026-01-12", "2026-01-12", json!({})).await;
        assert_eq!(value(&next, "daily_uploads"), Some(1.0));
        assert!(close(value(&next, "weekly_uploads"), 7.0), "one upload in one day is 7 a week");
        assert_eq!(kpi(&next, "file_type_mix")["byFileType"]["video"], 100.0);
        assert_eq!(kpi(&next, "analysis_success_rate")["status"], "NO_DATA", "nothing finished");
        assert!(close(value(&next, "stored_files"), 5.0));
    }

    async fn a_real_analysis_feeds_the_quality_ai_and_storage_kpis(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let call = "상담원: 안녕하세요, 행복카드 상담원입니다.\n고객: 카드 결제가 안 돼요.\n상담원: 확인해 드리겠습니다. 한도를 올려 드렸습니다.\n고객: 감사합니다.";
        let first = app.upload_text(&token, "a.txt", call).await;
        app.wait_for_terminal(&token, &first).await;
        let again = app.upload_text(&token, "a-again.txt", call).await;
        app.wait_for_terminal(&token, &again).await;
        let rated = app
            .graphql(Some(&token), "mutation($id: ID!) { rateAnalysis(consultationId: $id, input: {rating: 4}) { id } }", json!({ "id": first }))
            .await;
        assert!(rated["errors"].is_null(), "{rated}");
        let now = shared::clock::now_ms();
        for (status, retries, latency) in [("200", 0, 1_000), ("200", 1, 3_000), ("503", 2, 5_000), ("NULL", 0, 60_000)] {
            app.exec_sql(format!(
                "INSERT INTO llm_calls (provider, model, purpose, consultation_id, started_at, latency_ms, status, http_status, retries) \
                 VALUES ('gemini', 'gemini-test', 'analysis', '{first}', {now}, {latency}, 'ok', {status}, {retries})"
            )).await;
        }
        app.create_user("lead@example.com", "password-for-tests", Role::Manager).await;
        let lead = app.login("lead@example.com", "password-for-tests").await;
        let survey = app
            .graphql(Some(&lead), "mutation { submitSurvey(input: {satisfaction: 5, nps: 9, timeSavedPct: 80, qualityScore: 4}) { id } }", json!({}))
            .await;
        assert!(survey["errors"].is_null(), "{survey}");

        let day = today();
        let board = board(&app, &lead, &day, &day, json!({})).await;
        assert!(close(value(&board, "reanalysis_rate"), 50.0));
        assert_eq!(kpi(&board, "reanalysis_rate")["status"], "NOT_MET");
        assert!(value(&board, "result_length").is_some_and(|c| c > 100.0), "{}", kpi(&board, "result_length"));
        assert!(value(&board, "avg_improvement_items").is_some_and(|n| (1.0..=5.0).contains(&n)));
        assert!(close(value(&board, "improvement_derivation_rate"), 100.0));
        assert!(close(value(&board, "category_coverage"), 100.0), "the local analyzer explains all three categories");
        assert!(close(value(&board, "user_satisfaction"), 4.5), "rating 4 and survey 5");
        assert_eq!(kpi(&board, "user_satisfaction")["details"], json!([{"key": "counselor_rating", "value": 4.0}, {"key": "survey_satisfaction", "value": 5.0}]));
        assert!(close(value(&board, "nps"), 9.0));
        assert_eq!(kpi(&board, "nps")["details"], json!([{"key": "net_promoter_score", "value": 100.0}]));
        assert!(close(value(&board, "time_saved"), 80.0));
        assert!(close(value(&board, "llm_success_rate"), 50.0));
        assert!(close(value(&board, "llm_retry_rate"), 50.0));
        assert!(close(value(&board, "llm_response_time"), 17.25));
        assert!(close(value(&board, "llm_daily_calls"), 4.0));
        assert_eq!(kpi(&board, "llm_daily_calls")["status"], "MET", "no quota configured");
        assert!(close(value(&board, "storage_upload_success"), 100.0));
        assert!(close(value(&board, "file_download_success"), 100.0));
        assert!(close(value(&board, "analysis_success_rate"), 100.0));
        assert!(close(value(&board, "dau"), 1.0));
        assert_eq!(kpi(&board, "result_utilisation")["value"], 0.0, "nothing downloaded or shared yet");
        assert_eq!(kpi(&board, "vulnerabilities")["status"], "NO_DATA", "no audit recorded");

        // Downloading one of the two reports, twice, makes half of them used.
        for _ in 0..2 {
            let export = app
                .graphql(Some(&token), "mutation($id: ID!) { exportReport(consultationId: $id, format: MARKDOWN) { byteSize } }", json!({ "id": first }))
                .await;
            assert!(export["errors"].is_null(), "{export}");
        }
        let used = self::board(&app, &lead, &day, &day, json!({})).await;
        assert!(close(value(&used, "result_utilisation"), 50.0), "{}", kpi(&used, "result_utilisation"));

        // One KPI alone, and the same figure.
        let single = app
            .graphql(Some(&lead), "query($r: DayRangeInput!) { kpi(id: \"reanalysis_rate\", range: $r) { id value status series { date value } } }", json!({"r": {"from": day, "to": day}}))
            .await;
        assert_eq!(single["data"]["kpi"]["value"], 50.0, "{single}");
        let unknown = app
            .graphql(Some(&lead), "query($r: DayRangeInput!) { kpi(id: \"happiness\", range: $r) { id } }", json!({"r": {"from": day, "to": day}}))
            .await;
        assert_eq!(code(&unknown), "NOT_FOUND");
    }

    async fn dau_wau_return_rate_and_uploads_per_session_follow_the_sheet(db: Db) {
        let app = spawn_app(db).await;
        let mut users = Vec::new();
        for name in ["u1", "u2", "u3"] {
            users.push(app.create_user(&format!("{name}@example.com"), "password-for-tests", Role::Counselor).await);
        }
        let events = [
            // The week before: u1 and u2 upload.
            (0, "a", MONDAY_KST - 3 * DAY),
            (1, "b", MONDAY_KST - 2 * DAY),
            // Monday: u1 twice in one session, u3 (new) once.
            (0, "c", MONDAY_KST + 9 * HOUR),
            (0, "c", MONDAY_KST + 9 * HOUR + 600_000),
            (2, "d", MONDAY_KST + 10 * HOUR),
            // Wednesday: u1 again in a new session.
            (0, "e", MONDAY_KST + 2 * DAY),
        ];
        for (user, session, at) in events {
            app.exec_sql(format!(
                "INSERT INTO activity_events (user_id, session_id, kind, consultation_id, at) VALUES ('{}', '{session}', 'upload', NULL, {at})",
                users[user]
            )).await;
        }
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let monday = board(&app, &admin, "2026-01-05", "2026-01-05", json!({})).await;
        assert!(close(value(&monday, "dau"), 2.0), "u1 and u3");
        assert!(close(value(&monday, "uploads_per_session"), 1.5), "3 uploads in 2 sessions");
        assert!(close(value(&monday, "return_rate"), 50.0), "u1 of u1 and u2");
        assert!(close(value(&monday, "wau"), 3.0), "u1, u2, u3 within the 7 days ending Monday");

        let week = board(&app, &admin, "2026-01-05", "2026-01-11", json!({})).await;
        assert!(close(value(&week, "dau"), 3.0 / 7.0), "2 on Monday, 1 on Wednesday");
        assert!(close(value(&week, "uploads_per_session"), 4.0 / 3.0));
        assert!(close(value(&week, "return_rate"), 50.0));
        let wau: Vec<Option<f64>> = kpi(&week, "wau")["series"].as_array().map(|s| s.iter().map(|p| p["value"].as_f64()).collect()).unwrap_or_default();
        assert_eq!(wau, [Some(3.0), Some(3.0), Some(3.0), Some(3.0), Some(3.0), Some(2.0), Some(2.0)], "u2 leaves the 7-day window on Saturday");
    }

    async fn quality_change_and_coaching_effectiveness_follow_each_counselor(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let mut ids = Vec::new();
        for n in 0..7 {
            let id = app.upload_text(&token, &format!("{n}.txt"), &format!("상담원: 안녕하세요, 상담원 {n}번입니다.\n고객: 환불해 주세요.\n상담원: 네, 처리해 드리겠습니다.")).await;
            app.wait_for_terminal(&token, &id).await;
            ids.push(id);
        }
        // The pipeline stored each counselor's baseline from their sixth analysis on.
        let baselines = app.db.query_one(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(baseline_score) AS n FROM analyses".to_owned(),
        )).await.ok().flatten().and_then(|r| r.try_get::<i64>("", "n").ok());
        assert_eq!(baselines, Some(2));
        app.exec_sql("DELETE FROM improvement_items".to_owned()).await;
        let overall = [50, 50, 50, 50, 50, 60, 70];
        let communication = [50, 50, 50, 50, 50, 70, 60];
        let mut analyses = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            let at = MONDAY_KST + (n as i64) * HOUR;
            app.exec_sql(format!("UPDATE consultations SET created_at = {at} WHERE id = '{id}'")).await;
            app.exec_sql(format!(
                "UPDATE analyses SET created_at = {at}, overall_score = {}, communication_score = {} WHERE consultation_id = '{id}'",
                overall[n], communication[n]
            )).await;
            let row = app.db.query_one(Statement::from_string(app.db.get_database_backend(), format!("SELECT id FROM analyses WHERE consultation_id = '{id}'"))).await.ok().flatten();
            analyses.push(row.and_then(|r| r.try_get::<String>("", "id").ok()).unwrap_or_default());
        }
        for (item, analysis, position, category, code) in [
            ("i1", &analyses[5], 0, "attitude", "no_greeting"),
            ("i2", &analyses[5], 1, "communication", "jargon"),
            ("i3", &analyses[6], 0, "communication", "jargon"),
        ] {
            app.exec_sql(format!(
                "INSERT INTO improvement_items (id, analysis_id, position, category, code, priority) VALUES ('{item}', '{analysis}', {position}, '{category}', '{code}', 'high')"
            )).await;
        }
        // Records changed by hand: recompute the derived columns and decide the follow-ups.
        let rebuilt = app.run_cli(&["kpi", "rebuild"], &[]);
        assert!(rebuilt.status.success(), "{}", String::from_utf8_lossy(&rebuilt.stderr));
        assert!(String::from_utf8_lossy(&rebuilt.stdout).contains("(3 follow-ups decided"), "{}", String::from_utf8_lossy(&rebuilt.stdout));
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        // The items' 30-day windows end on 2026-02-04.
        let board = board(&app, &admin, "2026-01-05", "2026-02-10", json!({})).await;
        assert!(close(value(&board, "quality_score_change"), 30.0), "+20% and +40% against a baseline of 50: {}", kpi(&board, "quality_score_change"));
        assert_eq!(kpi(&board, "quality_score_change")["status"], "MET");
        let details = kpi(&board, "quality_score_change")["details"].clone();
        let detail = |key: &str| details.as_array().and_then(|d| d.iter().find(|x| x["key"] == key)).map(|x| x["value"].clone());
        assert_eq!(detail("communication_change"), Some(json!(30.0)), "per category too: +40% and +20% against 50");
        assert!(detail("attitude_change").is_some_and(|v| v.is_f64()), "{details}");
        // no_greeting is gone in the next consultation; jargon comes back and communication fell.
        assert!(close(value(&board, "coaching_effectiveness"), 50.0), "{}", kpi(&board, "coaching_effectiveness"));
        assert_eq!(kpi(&board, "coaching_effectiveness")["sampleSize"], 2, "the last consultation's item had no follow-up");
        let decided: Vec<(String, Option<f64>)> = kpi(&board, "coaching_effectiveness")["series"]
            .as_array()
            .map(|s| s.iter().filter(|p| !p["value"].is_null()).map(|p| (p["date"].as_str().unwrap_or_default().to_owned(), p["value"].as_f64())).collect())
            .unwrap_or_default();
        assert_eq!(decided, [("2026-02-04".to_owned(), Some(50.0))], "decided when the window ended");
    }

    async fn only_managers_and_admins_read_kpis_and_managers_only_of_their_team(db: Db) {
        let app = spawn_app(db).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let mut teams = Vec::new();
        for name in ["1팀", "2팀"] {
            let created = app.graphql(Some(&admin), "mutation($n: String!) { createTeam(name: $n) { id } }", json!({"n": name})).await;
            teams.push(created["data"]["createTeam"]["id"].as_str().unwrap_or_default().to_owned());
        }
        let lead_id = app.create_user("lead@example.com", "password-for-tests", Role::Manager).await;
        let kim_id = app.create_user("kim@example.com", "password-for-tests", Role::Counselor).await;
        let lee_id = app.create_user("lee@example.com", "password-for-tests", Role::Counselor).await;
        for (user, team) in [(&lead_id, &teams[0]), (&kim_id, &teams[0]), (&lee_id, &teams[1])] {
            app.exec_sql(format!("UPDATE users SET team_id = '{team}' WHERE id = '{user}'")).await;
        }
        let lead = app.login("lead@example.com", "password-for-tests").await;
        let kim = app.login("kim@example.com", "password-for-tests").await;
        let lee = app.login("lee@example.com", "password-for-tests").await;
        app.upload_text(&kim, "a.txt", "상담원: 안녕하세요\n고객: 네").await;
        app.upload_text(&lee, "b.txt", "상담원: 반갑습니다\n고객: 네").await;
        app.upload_text(&lee, "c.txt", "상담원: 반갑습니다 고객님\n고객: 네").await;
        let day = today();
        let range = json!({"from": day, "to": day});

        let everyone = board(&app, &lead, &day, &day, json!({})).await;
        assert_eq!(value(&everyone, "daily_uploads"), Some(3.0));
        let mine = board(&app, &lead, &day, &day, json!({"team": teams[0]})).await;
        assert_eq!(value(&mine, "daily_uploads"), Some(1.0));
        assert_eq!(mine["teamId"], teams[0].as_str());
        assert_eq!(kpi(&mine, "daily_uploads")["scoped"], true);
        assert_eq!(kpi(&mine, "uptime")["scoped"], false, "a system figure is not filtered");
        let one = board(&app, &lead, &day, &day, json!({"counselor": kim_id})).await;
        assert_eq!(value(&one, "daily_uploads"), Some(1.0));
        let theirs = board(&app, &admin, &day, &day, json!({"team": teams[1]})).await;
        assert_eq!(value(&theirs, "daily_uploads"), Some(2.0));

        let other_team = app.graphql(Some(&lead), BOARD, json!({"range": range, "team": teams[1]})).await;
        assert_eq!(code(&other_team), "FORBIDDEN");
        let other_counselor = app.graphql(Some(&lead), BOARD, json!({"range": range, "counselor": lee_id})).await;
        assert_eq!(code(&other_counselor), "FORBIDDEN");
        let counselor = app.graphql(Some(&kim), BOARD, json!({"range": range})).await;
        assert_eq!(code(&counselor), "FORBIDDEN");
        assert!(counselor["data"].is_null() || counselor["data"]["kpis"].is_null());
        let anonymous = app.graphql(None, BOARD, json!({"range": range})).await;
        assert_eq!(code(&anonymous), "UNAUTHENTICATED");
        let missing = app.graphql(Some(&admin), BOARD, json!({"range": range, "team": uuid::Uuid::new_v4().to_string()})).await;
        assert_eq!(code(&missing), "NOT_FOUND");
        let malformed = app.graphql(Some(&admin), BOARD, json!({"range": range, "team": "1; DROP TABLE users"})).await;
        assert_eq!(code(&malformed), "BAD_USER_INPUT");
        let reversed = app.graphql(Some(&admin), BOARD, json!({"range": {"from": "2026-02-01", "to": "2026-01-01"}})).await;
        assert_eq!(code(&reversed), "BAD_USER_INPUT");
        assert!(reversed["errors"][0]["message"].as_str().is_some_and(|m| m.contains("끝 날짜")), "{reversed}");
        let too_long = app.graphql(Some(&admin), BOARD, json!({"range": {"from": "2020-01-01", "to": "2026-01-01"}})).await;
        assert_eq!(code(&too_long), "BAD_USER_INPUT");

        for (scopes, expected) in [("[KPIS_READ]", "ok"), ("[CONSULTATIONS_READ]", "FORBIDDEN")] {
            let created = app
                .graphql(Some(&lead), &format!("mutation {{ createApiKey(name: \"dashboard\", scopes: {scopes}) {{ secret }} }}"), json!({}))
                .await;
            let key = created["data"]["createApiKey"]["secret"].as_str().unwrap_or_default().to_owned();
            let read = app.graphql(Some(&key), BOARD, json!({"range": range, "team": teams[0]})).await;
            assert_eq!(code(&read), expected, "{scopes}: {read}");
        }
    }

    async fn request_health_cpu_memory_and_sizes_are_sampled_for_the_system_kpis(db: Db) {
        let app = spawn_app_with(db, |s| s.kpi.sample_interval_secs = 1).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let token = app.counselor_token("kim@example.com").await;
        for _ in 0..5 {
            app.graphql(Some(&token), "{ me { id } }", json!({})).await;
        }
        let ws = app.ws_connect(&token).await.unwrap_or_else(|e| panic!("{e}"));
        drop(ws);
        // Wait for a sample that holds the requests and the subscription connection.
        let mut sampled = false;
        for _ in 0..50 {
            let row = app.db.query_one(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT CAST(SUM(requests) AS BIGINT) AS r, CAST(SUM(ws_acked) AS BIGINT) AS w FROM server_samples".to_owned(),
            )).await.ok().flatten();
            let sums = row.map(|r| (r.try_get::<Option<i64>>("", "r").ok().flatten().unwrap_or(0), r.try_get::<Option<i64>>("", "w").ok().flatten().unwrap_or(0)));
            if sums.is_some_and(|(r, w)| r >= 5 && w >= 1) {
                sampled = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(sampled, "the sampler stores requests and subscriptions");
        let day = today();
        let board = board(&app, &admin, &day, &day, json!({})).await;
        assert!(value(&board, "api_response_time").is_some_and(|ms| ms > 0.0 && ms < 5_000.0), "{}", kpi(&board, "api_response_time"));
        assert_eq!(value(&board, "error_rate"), Some(0.0));
        assert_eq!(kpi(&board, "error_rate")["status"], "MET");
        assert_eq!(value(&board, "subscription_connection_success"), Some(100.0));
        assert_eq!(value(&board, "uptime"), Some(100.0), "{}", kpi(&board, "uptime"));
        assert!(value(&board, "server_cpu").is_some_and(|p| (0.0..=100.0).contains(&p)));
        assert!(value(&board, "server_memory").is_some_and(|p| p > 0.0 && p < 100.0));
        assert!(value(&board, "db_size").is_some_and(|mb| mb > 0.0));
        assert_eq!(value(&board, "queue_length"), Some(0.0));
    }

    async fn a_recorded_dependency_audit_sets_the_vulnerabilities_kpi(db: Db) {
        use coach_app::service::security::{parse_cargo_audit, record_audit};
        let app = spawn_app(db).await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let report = r#"{"vulnerabilities":{"found":true,"count":1,"list":[{"advisory":{"id":"RUSTSEC-2023-0071"}}]}}"#;
        let summary = parse_cargo_audit(report).unwrap_or_else(|e| panic!("{e}"));
        record_audit(&app.db, "cargo-audit", &summary, shared::clock::now_ms()).await.unwrap_or_else(|e| panic!("{e}"));
        let day = today();
        let first = board(&app, &admin, &day, &day, json!({})).await;
        assert_eq!(value(&first, "vulnerabilities"), Some(1.0));
        assert_eq!(kpi(&first, "vulnerabilities")["status"], "NOT_MET");
        let clean = parse_cargo_audit(r#"{"vulnerabilities":{"found":false,"count":0,"list":[]}}"#).unwrap_or_else(|e| panic!("{e}"));
        record_audit(&app.db, "cargo-audit", &clean, shared::clock::now_ms() + 1).await.unwrap_or_else(|e| panic!("{e}"));
        let latest = board(&app, &admin, &day, &day, json!({})).await;
        assert_eq!(kpi(&latest, "vulnerabilities")["status"], "MET", "the latest audit counts");
    }

    async fn a_secret_written_to_the_log_is_redacted_and_counted_as_a_key_exposure(db: Db) {
        use coach_app::telemetry::secrets::{ScrubbingWriter, install};
        use std::sync::{Arc, Mutex};
        let key = "AIzaSyTestOnly-0123456789abcdefghijklmno";
        let mut configured = coach_app::config::Settings::default();
        configured.providers.gemini.api_key = Some(key.to_owned().into());
        install(&configured);
        let app = spawn_app(db).await;

        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || ScrubbingWriter::new(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::error!("provider rejected the request made with key={key}");
        });
        let written = String::from_utf8(captured.0.lock().map(|b| b.clone()).unwrap_or_default()).unwrap_or_default();
        assert!(written.contains("key=[REDACTED:providers.gemini.api_key]") && !written.contains(key), "{written}");

        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let day = today();
        let mut exposures = None;
        for _ in 0..50 {
            let board = board(&app, &admin, &day, &day, json!({})).await;
            exposures = value(&board, "key_exposures");
            if exposures == Some(1.0) {
                assert_eq!(kpi(&board, "key_exposures")["status"], "NOT_MET");
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(exposures, Some(1.0), "one incident recorded");
        let stored = app.db.query_one(Statement::from_string(app.db.get_database_backend(), "SELECT source, detail FROM security_incidents".to_owned())).await.ok().flatten();
        let (source, detail) = stored.map(|r| (r.try_get::<String>("", "source").unwrap_or_default(), r.try_get::<String>("", "detail").unwrap_or_default())).unwrap_or_default();
        assert_eq!((source.as_str(), detail.as_str()), ("log", "providers.gemini.api_key"), "which secret, never its value");
    }

    async fn rolled_up_and_pruned_server_samples_give_the_same_figures_as_the_raw_ones(db: Db) {
        let app = spawn_app(db).await;
        // Two days of one serve and one worker process, a sample a minute, with a gap.
        for minute in 0..(2 * 24 * 60) {
            if (600..660).contains(&minute) {
                continue;
            }
            let at = MONDAY_KST + (minute + 1) * 60_000;
            for (role, requests) in [("serve", minute % 7), ("worker", 0)] {
                app.exec_sql(format!(
                    "INSERT INTO server_samples (process_id, role, at, interval_ms, requests, request_errors, request_ms_sum, \
                       ws_attempts, ws_acked, health_checks, health_ok, cpu_pct, rss_bytes, mem_total_bytes, queue_length, db_bytes) \
                     VALUES ('p-{role}', '{role}', {at}, 60000, {requests}, {errors}, {ms}, 1, 1, 1, 1, {cpu}, 50000000, 1000000000, {queue}, {db_bytes})",
                    errors = i64::from(minute % 50 == 0),
                    ms = requests * 12,
                    cpu = (minute % 9) as f64 * 1.5,
                    queue = minute % 3,
                    db_bytes = 1_000_000 + minute,
                )).await;
            }
        }
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let ids = ["api_response_time", "error_rate", "uptime", "subscription_connection_success", "queue_length", "server_cpu", "server_memory", "db_size"];
        let figures = |board: &Value| -> Vec<(String, Option<f64>, Value)> {
            ids.iter().map(|id| (id.to_string(), value(board, id), kpi(board, id)["series"].clone())).collect()
        };
        let raw = figures(&board(&app, &admin, "2026-01-05", "2026-01-07", json!({})).await);
        assert!(raw.iter().all(|(_, v, _)| v.is_some()), "{raw:?}");
        let uptime = raw.iter().find(|(id, _, _)| id == "uptime").and_then(|(_, v, _)| *v);
        assert!(uptime.is_some_and(|u| u < 100.0), "the hour without samples is down time: {uptime:?}");
        let buckets = coach_app::service::kpi::sources::roll_up_samples(&app.db, shared::clock::now_ms())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(buckets, 2 * 24 * 4 - 4, "one row per 15 minutes with samples");
        assert_eq!(coach_app::service::kpi::sources::roll_up_samples(&app.db, shared::clock::now_ms()).await.ok(), Some(0), "idempotent");
        let same_as_raw = |rolled: &[(String, Option<f64>, Value)]| {
            for ((id, before, series_before), (_, after, series_after)) in raw.iter().zip(rolled) {
                assert!(before.zip(*after).is_some_and(|(b, a)| (b - a).abs() < 1e-9), "{id}: {before:?} → {after:?}");
                assert_eq!(series_before, series_after, "{id}");
            }
        };
        // These days are settled: read them from the tables again, not from the day cache.
        let clear_cache = || async { coach_app::service::kpi::daycache::clear(&app.db).await.unwrap_or_else(|e| panic!("{e}")) };
        assert!(clear_cache().await > 0, "the first board cached its settled days");
        same_as_raw(&figures(&board(&app, &admin, "2026-01-05", "2026-01-07", json!({})).await));

        // Raw samples past their retention go; the rollups (and the first serve sample) stay.
        let pruned = coach_app::service::kpi::sources::prune_samples(&app.db, shared::clock::now_ms(), 14 * DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pruned, 2 * (2 * 24 * 60 - 60) - 1);
        clear_cache().await;
        same_as_raw(&figures(&board(&app, &admin, "2026-01-05", "2026-01-07", json!({})).await));
    }

    async fn storage_events_rolled_up_in_part_or_in_full_give_the_same_figures_as_the_raw_ones(db: Db) {
        let app = spawn_app(db).await;
        // Two days of an upload and a download every 7 minutes, some of them failed.
        for minute in (0..(2 * 24 * 60)).step_by(7) {
            let at = MONDAY_KST + minute * 60_000;
            for (op, ok) in [("upload", minute % 5 != 0), ("download", minute % 3 != 0)] {
                app.exec_sql(format!(
                    "INSERT INTO storage_events (op, backend, ok, bytes, latency_ms, at) VALUES ('{op}', 'local', {ok}, 10, 3, {at})"
                ))
                .await;
            }
        }
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let ids = ["storage_upload_success", "file_download_success"];
        let figures = |board: &Value| -> Vec<(Option<f64>, Value)> {
            ids.iter().map(|id| (value(board, id), kpi(board, id)["series"].clone())).collect()
        };
        let read = || async { figures(&board(&app, &admin, "2026-01-05", "2026-01-06", json!({})).await) };
        let raw = read().await;
        assert!(raw.iter().all(|(v, _)| v.is_some_and(|v| v > 50.0 && v < 100.0)), "{raw:?}");
        let roll_up = |now: i64| {
            let db = app.db.clone();
            async move { coach_app::service::kpi::sources::roll_up_storage(&db, now).await.unwrap_or_else(|e| panic!("{e}")) }
        };
        // The settled days are read from the tables again each time, not from the day cache.
        let clear_cache = || async { coach_app::service::kpi::daycache::clear(&app.db).await.unwrap_or_else(|e| panic!("{e}")) };

        // The first day and a half rolled up, the rest still raw: one day has rows from both.
        let rows = roll_up(MONDAY_KST + DAY + DAY / 2 + 60_000).await;
        assert_eq!(rows, 2 * (24 + 12) * 4, "an upload and a download row per 15 minutes");
        clear_cache().await;
        assert_eq!(read().await, raw, "rolled up in part");

        let rows = roll_up(shared::clock::now_ms()).await;
        assert_eq!(rows, 2 * 12 * 4, "the rest");
        assert_eq!(roll_up(shared::clock::now_ms()).await, 0, "idempotent");
        clear_cache().await;
        assert_eq!(read().await, raw, "rolled up in full");
    }
}
