//! Live progress over graphql-transport-ws.

use serde_json::{Value, json};
use tests::{db_tests, spawn_app, spawn_app_with};

const TRANSCRIPT: &str = "상담원: 안녕하세요, 고객센터 상담원 이수진입니다.\n고객: 환불을 받고 싶어요.\n상담원: 불편을 드려 죄송합니다. 주문번호를 알려 주시겠어요?\n고객: B-1234 입니다.\n상담원: 확인해 보니 환불 처리해 드리겠습니다. 더 궁금하신 점 있으신가요?\n고객: 없어요. 감사합니다.\n상담원: 감사합니다. 좋은 하루 보내세요.\n";

fn stages(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| e["stage"].as_str().map(str::to_owned))
        .collect()
}

db_tests! {
    async fn a_subscriber_receives_every_stage_in_order_ending_with_completed(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "refund.txt", TRANSCRIPT).await;
        let events = app.collect_progress(&token, &id, 0).await.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(
            stages(&events),
            ["QUEUED", "DECODING", "TRANSCRIBING", "REDACTING", "ANALYZING", "COMPLETED"]
        );
        let seqs: Vec<i64> = events.iter().filter_map(|e| e["seq"].as_i64()).collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
        assert_eq!(events.last().map(|e| e["percent"].clone()), Some(json!(100)));
        assert!(events.iter().all(|e| !e["message"].as_str().unwrap_or_default().is_empty()));
    }

    async fn a_reconnecting_subscriber_gets_only_what_it_missed(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "refund.txt", TRANSCRIPT).await;
        app.wait_for_terminal(&token, &id).await;
        let events = app.collect_progress(&token, &id, 4).await.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(stages(&events), ["ANALYZING", "COMPLETED"]);
    }

    async fn another_counselor_cannot_follow_someone_elses_progress(db: Db) {
        let app = spawn_app(db).await;
        let owner = app.counselor_token("owner@example.com").await;
        let other = app.counselor_token("other@example.com").await;
        let id = app.upload_text(&owner, "refund.txt", TRANSCRIPT).await;
        let result = app.collect_progress(&other, &id, 0).await;
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("NOT_FOUND"), "{message}");
    }

    async fn the_reference_graphql_ws_client_follows_an_analysis_to_its_terminal_event(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "refund.txt", TRANSCRIPT).await;
        let lines = reference_client(&app, &token, &id).await;
        let (last, events) = lines.split_last().unwrap_or_else(|| panic!("no output"));
        assert_eq!(last["done"], "complete", "{lines:?}");
        assert_eq!(
            stages(events),
            ["QUEUED", "DECODING", "TRANSCRIBING", "REDACTING", "ANALYZING", "COMPLETED"]
        );
        let seqs: Vec<i64> = events.iter().filter_map(|e| e["seq"].as_i64()).collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    }

    async fn a_socket_with_a_bad_token_is_closed_with_4403(db: Db) {
        let app = spawn_app(db).await;
        let result = app.ws_connect("not-a-token").await;
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("4403"), "{message}");
    }
}

#[tokio::test]
async fn subscribing_before_connection_ack_closes_the_socket_with_4401() {
    let app = spawn_app(tests::Db::Sqlite).await;
    let mut socket = app.ws_raw().await.unwrap_or_else(|e| panic!("{e}"));
    socket
        .subscribe(
            "1",
            "subscription { analysisProgress(consultationId: \"x\") { seq } }",
            json!({}),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(socket.close_code().await, Some(4401));
}

#[tokio::test]
async fn a_socket_that_never_sends_connection_init_is_closed_with_4408() {
    let app =
        tests::spawn_app_with(tests::Db::Sqlite, |s| s.graphql.ws_init_timeout_secs = 1).await;
    let mut socket = app.ws_raw().await.unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    assert_eq!(socket.close_code().await, Some(4408));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// Reads graphql-transport-ws messages until the subscription completes, returning the events.
async fn follow_to_the_end(ws: &mut tests::WsClient) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next_json())
            .await
            .unwrap_or_else(|_| panic!("no progress within 20 s after {events:?}"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        match message["type"].as_str() {
            Some("next") => events.push(message["payload"]["data"]["analysisProgress"].clone()),
            Some("complete") => return events,
            _ => panic!("unexpected message {message}"),
        }
    }
}

const FOLLOW: &str =
    "subscription($id: ID!) { analysisProgress(consultationId: $id) { seq stage } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_subscriber_on_one_server_sees_the_stages_run_by_a_worker_in_another_process()
{
    let server = tests::spawn_app_with(tests::Db::Postgres, |s| s.workers.count = 0).await;
    let token = server.counselor_token("kim@example.com").await;
    let id = server.upload_text(&token, "refund.txt", TRANSCRIPT).await;
    let mut ws = server
        .ws_connect(&token)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    ws.subscribe("1", FOLLOW, json!({ "id": id }))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let queued = ws.next_json().await.unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        queued["payload"]["data"]["analysisProgress"]["stage"],
        "QUEUED"
    );

    // Only now does a worker exist, in another "process" with its own progress bus.
    let started = std::time::Instant::now();
    let _worker = server.spawn_peer(|s| s.workers.count = 1).await;
    let events = follow_to_the_end(&mut ws).await;
    assert_eq!(
        stages(&events),
        [
            "DECODING",
            "TRANSCRIBING",
            "REDACTING",
            "ANALYZING",
            "COMPLETED"
        ]
    );
    // Subscribers re-read the table only after 5 quiet seconds: this came through NOTIFY.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_an_upload_wakes_an_idle_worker_in_another_process_without_polling() {
    let server = tests::spawn_app_with(tests::Db::Postgres, |s| s.workers.count = 0).await;
    let _worker = server
        .spawn_peer(|s| {
            s.workers.count = 1;
            s.workers.poll_interval_ms = 60_000;
        })
        .await;
    // Let the worker's first look at the queue pass, so that only a notification can wake it.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let token = server.counselor_token("kim@example.com").await;
    let started = std::time::Instant::now();
    let id = server.upload_text(&token, "refund.txt", TRANSCRIPT).await;
    let terminal = server.wait_for_terminal(&token, &id).await;
    assert_eq!(terminal["status"], "COMPLETED");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Runs the reference `graphql-ws` client (`tests/conformance/ws-client.mjs`); returns its lines.
async fn reference_client(app: &tests::TestApp, token: &str, id: &str) -> Vec<Value> {
    let dir = tests::workspace_root().join("tests/conformance");
    assert!(
        dir.join("node_modules/graphql-ws").exists(),
        "run `npm ci --prefix tests/conformance` (the test command does)"
    );
    let url = format!("ws://127.0.0.1:{}/graphql", app.port);
    let output = tests::run_node(&dir, &["ws-client.mjs", &url, token, id]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[tokio::test]
async fn the_reference_client_with_a_bad_token_sees_close_code_4403() {
    let app = spawn_app(tests::Db::Sqlite).await;
    let lines = reference_client(&app, "-", "any").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["done"], "error", "{lines:?}");
    assert_eq!(lines[0]["closeCode"], 4403, "{lines:?}");
}

/// An acknowledged socket and an upload that is never processed (no workers), so subscriptions to
/// it stay open.
async fn socket_on_an_unprocessed_upload() -> (tests::TestApp, tests::WsClient, String) {
    let app = spawn_app_with(tests::Db::Sqlite, |s| s.workers.count = 0).await;
    let token = app.counselor_token("kim@example.com").await;
    let id = app.upload_text(&token, "refund.txt", TRANSCRIPT).await;
    let ws = app
        .ws_connect(&token)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    (app, ws, id)
}

#[tokio::test]
async fn a_second_subscribe_with_an_active_id_closes_the_socket_with_4409() {
    let (_app, mut ws, id) = socket_on_an_unprocessed_upload().await;
    for _ in 0..2 {
        ws.subscribe("same", FOLLOW, json!({ "id": id }))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
    let code = tokio::time::timeout(std::time::Duration::from_secs(20), ws.close_code())
        .await
        .unwrap_or_else(|_| panic!("the socket was not closed"));
    assert_eq!(code, Some(4409));
}

#[tokio::test]
async fn subscriptions_beyond_the_per_socket_cap_are_refused_with_an_error_message() {
    let (_app, mut ws, id) = socket_on_an_unprocessed_upload().await;
    let cap = consult_coach::graphql::ws::MAX_SUBSCRIPTIONS_PER_SOCKET;
    for n in 0..=cap {
        ws.subscribe(&n.to_string(), FOLLOW, json!({ "id": id }))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
    let refused = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let message = ws.next_json().await.unwrap_or_else(|e| panic!("{e:#}"));
            if message["type"] == "error" {
                return message;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no error for the subscription over the cap"));
    assert_eq!(refused["id"], cap.to_string());
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "TOO_MANY_SUBSCRIPTIONS"
    );
}

/// Open sockets and anonymous memory (kB) of `pid`. Only sockets are counted: the server's
/// database pool may open file descriptors of its own meanwhile (its periodic jobs use
/// connections).
fn sockets_and_memory(pid: u32) -> (usize, u64) {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| {
                std::fs::read_link(e.path())
                    .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
            })
            .count()
    });
    // The anonymous part: resident pages of SQLite's memory map of the database come and go
    // with what the connections read, and are the kernel's page cache, not the server's memory.
    (fds, tests::memory_kb(pid).map_or(0, |m| m.anonymous))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vanished_subscribers_leave_no_sockets_behind_and_memory_stays_flat() {
    let app = spawn_app_with(tests::Db::Sqlite, |s| s.workers.count = 0).await;
    let token = app.counselor_token("kim@example.com").await;
    // Never processed: every subscription to it stays open until its client goes away.
    let id = app.upload_text(&token, "refund.txt", TRANSCRIPT).await;
    let (server, port) = app.spawn_server_process().await;
    let pid = server.pid();

    let mut after_cycle = Vec::new();
    for _ in 0..4 {
        let mut sockets = Vec::new();
        for _ in 0..100 {
            let mut ws = tests::WsClient::connect(port, &token)
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
            ws.subscribe("1", FOLLOW, json!({ "id": id }))
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
            sockets.push(ws);
        }
        // The first stored event proves the subscriptions are live on the server.
        for ws in &mut sockets {
            let first = ws.next_json().await.unwrap_or_else(|e| panic!("{e:#}"));
            assert_eq!(first["type"], "next", "{first}");
        }
        // Vanish: drop the connections without a close frame.
        drop(sockets);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        after_cycle.push(sockets_and_memory(pid));
    }
    // Every vanished socket is closed by the server (no descriptors pile up) …
    // Generous: on a busy 2-core machine the server may take a while to reap 400 sockets; a leak
    // never settles.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let settled = loop {
        let (fds, memory) = sockets_and_memory(pid);
        if fds <= after_cycle[0].0 + 5 || std::time::Instant::now() > deadline {
            break (fds, memory);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(
        settled.0 <= after_cycle[0].0 + 5,
        "open sockets grew: {after_cycle:?} → {settled:?}"
    );
    // … and 300 more subscribers that came and went cost no lasting memory.
    assert!(
        settled.1 <= after_cycle[0].1 + 4 * 1024,
        "anonymous memory grew: {after_cycle:?} → {settled:?}"
    );
}
