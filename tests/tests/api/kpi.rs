//! KPI figures computed from the product's own records, on both databases.

use consult_coach::service::kpi::pipeline::pipeline_figures;
use sea_orm::{ConnectionTrait, Statement};
use tests::{TestApp, db_tests, spawn_app_with};

async fn exec(app: &TestApp, sql: String) {
    app.db
        .execute(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Sets a consultation's clock and outcome, and its job's status.
async fn arrange(
    app: &TestApp,
    id: &str,
    file_type: &str,
    status: &str,
    times: (i64, Option<i64>, Option<i64>),
    job_status: &str,
) {
    let null = |t: Option<i64>| t.map_or("NULL".to_owned(), |t| t.to_string());
    exec(
        app,
        format!(
            "UPDATE consultations SET file_type = '{file_type}', status = '{status}', created_at = {}, \
             processing_started_at = {}, completed_at = {} WHERE id = '{id}'",
            times.0,
            null(times.1),
            null(times.2)
        ),
    )
    .await;
    exec(
        app,
        format!(
            "UPDATE jobs SET status = '{job_status}', created_at = {} WHERE consultation_id = '{id}'",
            times.0
        ),
    )
    .await;
}

db_tests! {
    async fn processing_time_success_rate_queue_wait_and_queue_length_come_from_the_records(db: Db) {
        let app = spawn_app_with(db, |s| s.workers.count = 0).await;
        let token = app.counselor_token("kim@example.com").await;
        let mut ids = Vec::new();
        for n in 0..5 {
            ids.push(app.upload_text(&token, &format!("{n}.txt"), &format!("상담원: 안녕하세요 {n}\n고객: 네")).await);
        }
        arrange(&app, &ids[0], "text", "completed", (1_000, Some(1_100), Some(3_000)), "done").await;
        arrange(&app, &ids[1], "audio", "completed", (2_000, Some(2_500), Some(6_000)), "done").await;
        arrange(&app, &ids[2], "text", "failed", (2_000, Some(2_200), Some(2_400)), "dead").await;
        arrange(&app, &ids[3], "text", "pending", (5_000, None, None), "queued").await;
        // Outside the range: counted in the queue, not in the range's figures.
        arrange(&app, &ids[4], "video", "pending", (20_000, None, None), "queued").await;

        let figures = pipeline_figures(&app.db, 0, 10_000, 65_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let types: Vec<&str> = figures.by_file_type.iter().map(|f| f.file_type.as_str()).collect();
        assert_eq!(types, ["text", "audio"]);
        let text = &figures.by_file_type[0];
        assert_eq!((text.uploads, text.completed, text.failed), (3, 1, 1));
        assert_eq!(text.avg_processing_ms, Some(2_000.0), "only completed ones count");
        assert_eq!(text.avg_queue_wait_ms, Some(150.0), "(100 + 200) / 2; the queued one has not started");
        let audio = &figures.by_file_type[1];
        assert_eq!((audio.avg_processing_ms, audio.avg_queue_wait_ms), (Some(4_000.0), Some(500.0)));
        assert_eq!(figures.uploads(), 4);
        assert!(figures.success_rate().is_some_and(|r| (r - 2.0 / 3.0).abs() < 1e-9));
        assert!(figures.failure_rate().is_some_and(|r| (r - 1.0 / 3.0).abs() < 1e-9));
        assert_eq!(figures.queue_length, 2);
        assert_eq!(figures.oldest_queued_age_ms, Some(60_000));

        let empty = pipeline_figures(&app.db, 100_000, 200_000, 65_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.by_file_type.is_empty());
        assert_eq!((empty.success_rate(), empty.avg_queue_wait_ms()), (None, None));
    }

    async fn queue_wait_and_processing_time_are_recorded_by_a_real_run(db: Db) {
        let app = spawn_app_with(db, |_| {}).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "a.txt", "상담원: 안녕하세요, 무엇을 도와드릴까요?\n고객: 배송이 늦어요.").await;
        let terminal = app.wait_for_terminal(&token, &id).await;
        assert_eq!(terminal["status"], "COMPLETED");
        let figures = pipeline_figures(&app.db, 0, i64::MAX, 0)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let text = &figures.by_file_type[0];
        assert_eq!((text.uploads, text.completed), (1, 1));
        assert!(text.avg_queue_wait_ms.is_some_and(|ms| ms >= 0.0));
        assert!(text.avg_processing_ms.is_some_and(|ms| ms >= text.avg_queue_wait_ms.unwrap_or(0.0)));
        assert_eq!(figures.success_rate(), Some(1.0));
        assert_eq!(figures.queue_length, 0);
    }

    async fn quality_llm_and_storage_figures_come_from_analyses_ratings_calls_and_transfers(db: Db) {
        use consult_coach::service::kpi::records::{analysis_figures, llm_figures, storage_figures};
        let app = spawn_app_with(db, |_| {}).await;
        let token = app.counselor_token("kim@example.com").await;
        let call = "상담원: 안녕하세요, 행복카드 상담원입니다.\n고객: 카드 결제가 안 돼요.\n상담원: 확인해 드리겠습니다. 한도를 올려 드렸습니다.\n고객: 감사합니다.";
        let first = app.upload_text(&token, "a.txt", call).await;
        app.wait_for_terminal(&token, &first).await;
        // The same file again is a re-analysis.
        let again = app.upload_text(&token, "a-again.txt", call).await;
        app.wait_for_terminal(&token, &again).await;
        let rated = app
            .graphql(
                Some(&token),
                "mutation($id: ID!) { rateAnalysis(consultationId: $id, input: {rating: 4}) { id } }",
                serde_json::json!({ "id": first }),
            )
            .await;
        assert!(rated["errors"].is_null(), "{rated}");
        let now = consult_coach::clock::now_ms();
        for (status, retries, latency) in [("200", 0, 1_000), ("200", 1, 3_000), ("503", 2, 5_000), ("NULL", 0, 60_000)] {
            exec(
                &app,
                format!(
                    "INSERT INTO llm_calls (provider, model, purpose, consultation_id, started_at, latency_ms, status, http_status, retries) \
                     VALUES ('gemini', 'gemini-test', 'analysis', NULL, {now}, {latency}, 'ok', {status}, {retries})"
                ),
            )
            .await;
        }

        let analysis = analysis_figures(&app.db, 0, i64::MAX).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((analysis.analyses, analysis.uploads, analysis.reanalyses), (2, 2, 1));
        assert_eq!(analysis.reanalysis_rate(), Some(50.0));
        assert!(analysis.avg_result_chars.is_some_and(|c| c > 100.0), "{analysis:?}");
        assert!(analysis.avg_improvement_items.is_some_and(|n| (1.0..=5.0).contains(&n)), "{analysis:?}");
        assert_eq!(analysis.improvement_derivation_rate(), Some(100.0));
        assert_eq!((analysis.ratings, analysis.avg_rating), (1, Some(4.0)));

        let llm = llm_figures(&app.db, 0, i64::MAX).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((llm.calls, llm.http_ok, llm.retried), (4, 2, 2));
        assert_eq!((llm.success_rate(), llm.retry_rate()), (Some(50.0), Some(50.0)));
        assert_eq!(llm.avg_latency_ms, Some(17_250.0));
        assert_eq!(llm.calls_per_day(2.0), Some(2.0));

        let storage = storage_figures(&app.db, 0, i64::MAX).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(storage.uploads >= 1 && storage.downloads >= 2, "{storage:?}");
        assert_eq!((storage.upload_success_rate(), storage.download_success_rate()), (Some(100.0), Some(100.0)));

        let empty = analysis_figures(&app.db, 0, 1).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((empty.analyses, empty.avg_rating, empty.reanalysis_rate()), (0, None, None));
    }
}
