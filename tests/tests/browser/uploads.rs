//! The counselor's upload and list, in the browser: several files at once (chosen, and dropped
//! onto the page) with a row and progress bar each and a clear error for a bad one; the list
//! searched and filtered by type, status and day, with the count of matches.

use fantoccini::Locator;

use crate::support::{
    choose, click, fill, ok, require_dist, screenshot, sign_in, start_browser, wait_for,
    wait_for_path, wait_for_text,
};

const CALL: &str = "상담원: 안녕하세요, 상담원 김하늘입니다.\n고객: 배송이 늦어요.\n상담원: 불편을 드려 죄송합니다. 확인해 드리겠습니다.\n고객: 네.\n상담원: 내일 도착 예정입니다.\n";

/// Waits until the list shows exactly `n` rows.
async fn wait_for_rows(client: &fantoccini::Client, n: usize) {
    let started = std::time::Instant::now();
    let mut seen = 0;
    while started.elapsed() < std::time::Duration::from_secs(30) {
        seen = client
            .find_all(Locator::Css("#consultation-list tbody tr"))
            .await
            .map(|rows| rows.len())
            .unwrap_or(0);
        let empty = client.find(Locator::Css("#list-empty")).await.is_ok();
        if seen == n && (n > 0 || empty) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    crate::support::fail::<()>(client, "rows", &format!("expected {n} rows, saw {seen}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_uploads_several_files_at_once_and_searches_and_filters_the_list() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    app.create_user(
        "kim@example.com",
        "uploads-password-123",
        shared::access::Role::Counselor,
    )
    .await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path.to_string_lossy().into_owned()
    };
    let files = [
        write("배송 문의.txt", CALL),
        write(
            "환불 요청.txt",
            &CALL.replace("배송이 늦어요", "환불해 주세요"),
        ),
        write("empty.txt", ""),
    ];

    let (_driver, client) = start_browser().await;
    sign_in(
        &client,
        &app.address,
        "kim@example.com",
        "uploads-password-123",
    )
    .await;
    wait_for(&client, "#file-input").await;
    let input = ok(
        &client,
        "file input",
        client.find(Locator::Css("#file-input")).await,
    )
    .await;
    ok(
        &client,
        "choose files",
        input.send_keys(&files.join("\n")).await,
    )
    .await;
    wait_for_text(&client, "#files-chosen", "환불 요청.txt").await;
    let title_disabled = ok(
        &client,
        "title",
        ok(
            &client,
            "title field",
            client.find(Locator::Css("#title-input")).await,
        )
        .await
        .prop("disabled")
        .await,
    )
    .await;
    assert_eq!(
        title_disabled.as_deref(),
        Some("true"),
        "several files are titled by their names"
    );
    click(&client, "#upload-submit").await;
    wait_for_text(
        &client,
        "#upload-queue .upload-item[data-state='failed']",
        "빈 파일입니다",
    )
    .await;
    let done = client
        .find_all(Locator::Css(
            "#upload-queue .upload-item[data-state='done'] a",
        ))
        .await
        .unwrap_or_default();
    assert_eq!(done.len(), 2, "two uploads accepted");
    screenshot(&client, "17-upload-queue-ko").await;
    wait_for_text(&client, "#list-count", "전체 2건").await;

    // A file dropped onto the drop zone (a real drop event carrying a File).
    let dropped = client
        .execute(
            "const dt = new DataTransfer();
             dt.items.add(new File([arguments[0]], '드롭 상담.txt', { type: 'text/plain' }));
             const zone = document.querySelector('#file-drop');
             zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
             zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
             return true;",
            vec![serde_json::json!(CALL)],
        )
        .await;
    assert!(dropped.is_ok(), "{dropped:?}");
    wait_for_text(&client, "#files-chosen", "드롭 상담.txt").await;
    click(&client, "#upload-submit").await;
    wait_for_path(&client, "the dropped file's consultation", |p| {
        p.starts_with("/consultations/")
    })
    .await;
    wait_for(&client, "#report").await;
    click(&client, "#nav-home").await;
    wait_for_text(&client, "#list-count", "전체 3건").await;

    // Search, then filters, each narrowing the list and the count.
    fill(&client, "#filter-search", "환불").await;
    wait_for_rows(&client, 1).await;
    wait_for_text(&client, "#consultation-list", "환불 요청").await;
    wait_for_text(&client, "#list-count", "전체 1건").await;
    fill(&client, "#filter-search", "없는 제목").await;
    wait_for_rows(&client, 0).await;
    wait_for_text(&client, "#list-empty", "조건에 맞는 상담이 없습니다").await;
    fill(&client, "#filter-search", "").await;
    wait_for_rows(&client, 3).await;
    choose(&client, "#filter-type", "음성").await;
    wait_for_rows(&client, 0).await;
    choose(&client, "#filter-type", "대화록").await;
    wait_for_rows(&client, 3).await;
    choose(&client, "#filter-status", "완료").await;
    wait_for_rows(&client, 3).await;
    choose(&client, "#filter-status", "실패").await;
    wait_for_rows(&client, 0).await;
    choose(&client, "#filter-status", "전체").await;
    wait_for_rows(&client, 3).await;
    // A start date after the end date is refused before anything is sent.
    let set_date = |css: &'static str, value: &'static str| {
        let client = client.clone();
        async move {
            client
                .execute(
                    "const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('change', { bubbles: true }));",
                    vec![serde_json::json!(css), serde_json::json!(value)],
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    };
    set_date("#filter-from", "2020-01-01").await;
    set_date("#filter-to", "2020-01-31").await;
    wait_for_rows(&client, 0).await;
    set_date("#filter-from", "2020-02-01").await;
    wait_for_text(&client, "#filter-error", "끝 날짜").await;
    set_date("#filter-from", "").await;
    set_date("#filter-to", "").await;
    wait_for_rows(&client, 3).await;
    screenshot(&client, "18-list-filters-ko").await;
    let _ = client.close().await;
}
