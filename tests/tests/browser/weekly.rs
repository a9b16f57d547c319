//! The weekly KPI report viewer: a manager writes last week's report, reads it in the sheet's
//! template and downloads it; counselors have no reports page. The admin's system page: the
//! engines in use and a backup made on request.

use fantoccini::Locator;

use crate::support::{
    click, ok, require_dist, screenshot, sign_in, start_browser, wait_for, wait_for_download,
    wait_for_path, wait_for_text,
};

const PASSWORD: &str = "weekly-password-123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_writes_reads_and_downloads_the_weekly_report_and_counselors_cannot() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    app.create_user("lead@example.com", PASSWORD, shared::access::Role::Manager)
        .await;
    app.create_user("kim@example.com", PASSWORD, shared::access::Role::Counselor)
        .await;

    let (driver, client) = start_browser().await;
    sign_in(&client, &app.address, "lead@example.com", PASSWORD).await;
    click(&client, "#nav-reports").await;
    wait_for_path(&client, "reports", |p| p == "/reports").await;
    wait_for(&client, "#reports-empty").await;
    click(&client, "#report-generate").await;
    wait_for_text(&client, "#weekly-report", "주간 KPI 리포트").await;
    wait_for_text(&client, "#weekly-report", "요청으로 작성").await;
    screenshot(&client, "19-weekly-report-ko").await;
    click(&client, "#report-download").await;
    let text =
        String::from_utf8_lossy(&wait_for_download(&client, &driver, ".md").await).into_owned();
    assert!(text.contains("주간 KPI 리포트"), "{text}");

    click(&client, "#logout").await;
    wait_for(&client, "#login-submit").await;
    sign_in(&client, &app.address, "kim@example.com", PASSWORD).await;
    wait_for(&client, "#nav-home").await;
    assert!(
        client.find(Locator::Css("#nav-reports")).await.is_err(),
        "counselors have no link"
    );
    ok(
        &client,
        "open /reports",
        client.goto(&format!("{}/reports", app.address)).await,
    )
    .await;
    wait_for(&client, "#forbidden").await;
    let _ = client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sees_the_engines_in_use_and_backs_the_database_up_from_the_system_page() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    let (_driver, client) = start_browser().await;
    sign_in(
        &client,
        &app.address,
        tests::ADMIN_EMAIL,
        tests::ADMIN_PASSWORD,
    )
    .await;
    click(&client, "#nav-system").await;
    wait_for_path(&client, "system", |p| p == "/admin/system").await;
    wait_for_text(&client, "#status-database", "sqlite").await;
    wait_for_text(&client, "#status-analyzer", "내장 오프라인 분석기").await;
    wait_for_text(
        &client,
        "#status-stt",
        "whisper.cpp · ggml-whisper-base-q8_0.bin",
    )
    .await;
    wait_for_text(&client, "#status-pdf", "예").await;
    wait_for(&client, "#backups-empty").await;
    click(&client, "#run-backup").await;
    wait_for(&client, "#backup-list tbody tr[data-ok='true']").await;
    screenshot(&client, "20-system-ko").await;
    let _ = client.close().await;
}
