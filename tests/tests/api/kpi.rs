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
}
