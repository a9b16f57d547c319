//! Fault tests of the durable pipeline with real worker processes (`consult-coach worker`): a
//! worker killed with `kill -9` mid-job, a worker frozen with SIGSTOP past its lease, a burst of
//! uploads shared by two worker processes, and (PostgreSQL) a database restart mid-job. A worker is held mid-job by an LLM provider (a local wiremock
//! server) that answers the first request slowly.

use std::time::{Duration, Instant};

use coach_app::entity::{analyses, jobs};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tests::{TestApp, db_tests, spawn_app_with};
use wiremock::{MockServer, ResponseTemplate};

use crate::llm::{GEMINI_KEY, TRANSCRIPT, gemini_answer, gemini_error, refinement, serving_first};

/// A provider whose first answer (a valid refinement) takes `delay`; every later request is
/// refused with 403, so later attempts store the local report.
async fn slow_first_provider(delay: Duration) -> MockServer {
    serving_first(
        1,
        ResponseTemplate::new(200)
            .set_body_json(gemini_answer(&refinement().to_string()))
            .set_delay(delay),
        gemini_error(403, "PERMISSION_DENIED", "denied", json!([])),
    )
    .await
}

fn provider_env(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("CONSULT_COACH__ANALYZER__PROVIDER", "gemini".into()),
        ("CONSULT_COACH__ANALYZER__MODEL", "gemini-test".into()),
        (
            "CONSULT_COACH__PROVIDERS__GEMINI__API_KEY",
            GEMINI_KEY.into(),
        ),
        (
            "CONSULT_COACH__PROVIDERS__GEMINI__BASE_URL",
            format!("{}/v1beta", server.uri()),
        ),
        ("CONSULT_COACH__PROVIDERS__GEMINI__MAX_RETRIES", "0".into()),
    ]
}

async fn wait_for_requests(server: &MockServer, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.received_requests().await.unwrap_or_default().len() < n {
        assert!(
            Instant::now() < deadline,
            "the worker never called the provider"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn job_of(app: &TestApp, consultation_id: &str) -> jobs::Model {
    jobs::Entity::find()
        .filter(jobs::Column::ConsultationId.eq(consultation_id))
        .one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no job for {consultation_id}"))
}

async fn analyses_of(app: &TestApp, consultation_id: &str) -> Vec<analyses::Model> {
    analyses::Entity::find()
        .filter(analyses::Column::ConsultationId.eq(consultation_id))
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn wait_completed(app: &TestApp, token: &str, id: &str) {
    let terminal = app.wait_for_terminal(token, id).await;
    assert_eq!(terminal["status"], "COMPLETED", "{terminal}");
}

fn short_leases(settings: &mut coach_app::config::Settings) {
    settings.workers.count = 0;
    settings.workers.lease_secs = 5;
}

db_tests! {
    async fn a_worker_killed_mid_job_is_replaced_and_the_job_completes_once_on_the_second_attempt(db: Db) {
        let provider = slow_first_provider(Duration::from_secs(60)).await;
        let app = spawn_app_with(db, short_leases).await;
        let env = provider_env(&provider);
        let mut first = app.spawn_worker_process(&env);
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "분실.txt", TRANSCRIPT).await;
        wait_for_requests(&provider, 1).await;
        assert_eq!(job_of(&app, &id).await.status, "running");

        first.kill_hard();
        let _second = app.spawn_worker_process(&env);
        wait_completed(&app, &token, &id).await;

        let job = job_of(&app, &id).await;
        assert_eq!((job.status.as_str(), job.attempts), ("done", 2));
        let stored = analyses_of(&app, &id).await;
        assert_eq!(stored.len(), 1, "exactly one stored report");
        assert_eq!(stored[0].analyzer, "local", "the second attempt's (provider refused) report");
    }

    async fn a_worker_frozen_past_its_lease_cannot_overwrite_the_newer_attempts_result(db: Db) {
        let provider = slow_first_provider(Duration::from_secs(8)).await;
        let app = spawn_app_with(db, short_leases).await;
        let env = provider_env(&provider);
        let frozen = app.spawn_worker_process(&env);
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "분실.txt", TRANSCRIPT).await;
        wait_for_requests(&provider, 1).await;
        let stopped_at = Instant::now();
        frozen.signal("STOP");

        let _replacement = app.spawn_worker_process(&env);
        wait_completed(&app, &token, &id).await;
        frozen.signal("CONT");
        // The frozen worker's slow answer (a valid refinement) arrives 8 s after its request; give
        // it time to try to store that late result.
        let late = Duration::from_secs(8) + Duration::from_secs(4);
        tokio::time::sleep(late.saturating_sub(stopped_at.elapsed())).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !frozen.log().contains("result was discarded") {
            assert!(Instant::now() < deadline, "the late worker never noticed: {}", frozen.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let job = job_of(&app, &id).await;
        assert_eq!((job.status.as_str(), job.attempts), ("done", 2));
        let stored = analyses_of(&app, &id).await;
        assert_eq!(stored.len(), 1, "the late result was rejected");
        assert_eq!(stored[0].analyzer, "local", "the newer attempt's report stands");
    }

    async fn a_burst_of_200_uploads_shared_by_two_worker_processes_all_complete_once(db: Db) {
        use futures_util::StreamExt as _;
        let app = spawn_app_with(db, |s| {
            s.workers.count = 0;
            s.limits.max_upload_bytes = 64 * 1024;
        })
        .await;
        let _first = app.spawn_worker_process(&[]);
        let _second = app.spawn_worker_process(&[]);
        let token = app.counselor_token("kim@example.com").await;
        // 16 uploads in flight at a time: a burst, not a sequence.
        let ids: Vec<String> = futures_util::stream::iter(0..200)
            .map(|i| {
                let (app, token) = (&app, &token);
                async move {
                    let text = format!("{TRANSCRIPT}\n고객: 문의 번호 {i}번입니다.");
                    app.upload_text(token, &format!("burst-{i}.txt"), &text).await
                }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        assert_eq!(ids.len(), 200);
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let done = jobs::Entity::find()
                .filter(jobs::Column::Status.eq("done"))
                .count(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            if done == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "only {done} of 200 finished");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let stored = analyses::Entity::find().all(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.len(), 200, "one analysis per upload, none duplicated");
        let mut per_consultation: Vec<&str> = stored.iter().map(|a| a.consultation_id.as_str()).collect();
        per_consultation.sort_unstable();
        per_consultation.dedup();
        assert_eq!(per_consultation.len(), 200);
        let retried = jobs::Entity::find()
            .filter(jobs::Column::Attempts.ne(1))
            .count(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(retried, 0, "no job ran twice");
        let statuses: Vec<Value> = futures_util::future::join_all(
            ids.iter().take(5).map(|id| app.wait_for_terminal(&token, id)),
        )
        .await;
        assert!(statuses.iter().all(|s| s["status"] == "COMPLETED"));
    }
}

/// Polls `GET /healthz` until it answers `status`.
async fn wait_for_health(app: &TestApp, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answered = app
            .client
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .map(|r| r.status().as_u16());
        if answered.as_ref().is_ok_and(|s| *s == status) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "/healthz never answered {status}: {answered:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The status of a consultation through the API, `None` while the API cannot answer.
async fn api_status(app: &TestApp, token: &str, id: &str) -> Option<String> {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { consultation(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["consultation"]["status"]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_mid_job_gives_503_while_down_and_recovers_without_manual_action() {
    let postgres = tests::PrivatePostgres::start();
    let provider = slow_first_provider(Duration::from_secs(4)).await;
    let app = spawn_app_with(tests::Db::Sqlite, |s| {
        s.database.url = Some(secrecy::SecretString::from(postgres.url()));
        s.workers.count = 1;
        s.workers.lease_secs = 5;
        crate::llm::use_gemini(s, &provider);
        s.providers.gemini.max_retries = 0;
    })
    .await;
    let token = app.counselor_token("kim@example.com").await;
    let id = app.upload_text(&token, "분실.txt", TRANSCRIPT).await;
    wait_for_requests(&provider, 1).await;
    let asked_at = Instant::now();

    postgres.stop_server();
    wait_for_health(&app, 503).await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("Accept-Language", "en")
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("database")),
        "{body}"
    );

    // Stay down until the provider has answered, so the first attempt must store its result
    // into a database that is not there.
    tokio::time::sleep(Duration::from_secs(6).saturating_sub(asked_at.elapsed())).await;
    postgres.start_server();
    wait_for_health(&app, 200).await;

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = api_status(&app, &token, &id).await;
        if status.as_deref() == Some("COMPLETED") {
            break;
        }
        assert_ne!(
            status.as_deref(),
            Some("FAILED"),
            "the job failed instead of recovering"
        );
        assert!(
            Instant::now() < deadline,
            "the job never completed: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let job = job_of(&app, &id).await;
    assert_eq!(job.status, "done");
    assert_eq!(
        analyses_of(&app, &id).await.len(),
        1,
        "exactly one stored report"
    );
}
