//! The KPI dashboard in the browser: a manager sees every KPI of the sheet in its groups, with
//! status colours and trend charts, switches the range; an admin filters by team in English;
//! counselors have no dashboard.

use serde_json::json;

use crate::support::{
    choose, click, ok, page_lang, require_dist, screenshot, sign_in, start_browser, value_of,
    wait_for, wait_for_text,
};

const TEAM: &str = "상담 1팀";
const EMPTY_TEAM: &str = "신규팀";
const MANAGER_EMAIL: &str = "lead@example.com";
const COUNSELOR_EMAIL: &str = "agent@example.com";
const PASSWORD: &str = "dashboard-password-123";

/// How many KPIs and groups the sheet has.
const KPIS: usize = 42;
const GROUPS: usize = 11;

/// Creates a team and returns its id.
async fn create_team(app: &tests::TestApp, admin: &str, name: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($name: String!) { createTeam(name: $name) { id } }",
            json!({ "name": name }),
        )
        .await;
    body["data"]["createTeam"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createTeam: {body}"))
        .to_owned()
}

/// Creates a user in a team.
async fn create_member(app: &tests::TestApp, admin: &str, email: &str, role: &str, team: &str) {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": {
                "email": email, "password": PASSWORD, "displayName": "",
                "role": role, "teamId": team,
            } }),
        )
        .await;
    assert!(body["errors"].is_null(), "createUser: {body}");
}

/// The `data-status` of a KPI's card.
async fn status_of(client: &fantoccini::Client, kpi: &str) -> String {
    wait_for(client, &format!("#kpi-board [data-kpi='{kpi}']"))
        .await
        .attr("data-status")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Waits until a KPI's card shows `status` (the board reloads after each change).
async fn wait_for_status(client: &fantoccini::Client, kpi: &str, status: &str) {
    wait_for(
        client,
        &format!("#kpi-board[aria-busy='false'] [data-kpi='{kpi}'][data-status='{status}']"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reads_every_kpi_with_targets_and_trends_and_an_admin_filters_by_team() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
    let team = create_team(&app, &admin, TEAM).await;
    create_team(&app, &admin, EMPTY_TEAM).await;
    create_member(&app, &admin, MANAGER_EMAIL, "MANAGER", &team).await;
    create_member(&app, &admin, COUNSELOR_EMAIL, "COUNSELOR", &team).await;

    // The counselor's consultations are what the KPIs count.
    let counselor = app.login(COUNSELOR_EMAIL, PASSWORD).await;
    let transcript = std::fs::read_to_string(
        tests::workspace_root().join("tests/fixtures/ko_delivery_delay.txt"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for n in 0..3 {
        let id = app
            .upload_text(&counselor, &format!("상담 {n}.txt"), &transcript)
            .await;
        let done = app.wait_for_terminal(&counselor, &id).await;
        assert_eq!(done["status"], "COMPLETED", "{done}");
    }

    let (_driver, client) = start_browser().await;

    // Counselors have no dashboard: no link, and the page says so.
    sign_in(&client, &app.address, COUNSELOR_EMAIL, PASSWORD).await;
    wait_for(&client, "#file-input").await;
    let links = client
        .find_all(fantoccini::Locator::Css("#nav-dashboard"))
        .await
        .unwrap_or_default();
    assert!(links.is_empty(), "a counselor sees the dashboard link");
    ok(
        &client,
        "goto",
        client.goto(&format!("{}/dashboard", app.address)).await,
    )
    .await;
    wait_for(&client, "#forbidden").await;
    click(&client, "#logout").await;
    wait_for(&client, "#email").await;

    // The manager: every group and KPI of the sheet, in Korean, the last 30 days.
    sign_in(&client, &app.address, MANAGER_EMAIL, PASSWORD).await;
    click(&client, "#nav-dashboard").await;
    wait_for(&client, "#kpi-board[aria-busy='false']").await;
    assert_eq!(page_lang(&client).await, "ko");
    let groups = client
        .find_all(fantoccini::Locator::Css("#kpi-board section.kpi-group"))
        .await
        .unwrap_or_default();
    assert_eq!(groups.len(), GROUPS);
    let cards = client
        .find_all(fantoccini::Locator::Css("#kpi-board .kpi-card"))
        .await
        .unwrap_or_default();
    assert_eq!(cards.len(), KPIS);
    assert_eq!(
        wait_for(&client, "#range-30")
            .await
            .attr("aria-pressed")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("true")
    );
    // The summary adds up to the whole sheet.
    let mut total = 0;
    for status in ["MET", "NOT_MET", "NO_DATA"] {
        let pill = wait_for(&client, &format!("#kpi-summary [data-status='{status}']")).await;
        let count: usize = pill
            .attr("data-count")
            .await
            .ok()
            .flatten()
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no count for {status}"));
        total += count;
    }
    assert_eq!(total, KPIS);

    // Three successful analyses: success rate met with a trend line; three uploads a day fall
    // short of ten; no survey yet means no NPS.
    assert_eq!(status_of(&client, "analysis_success_rate").await, "MET");
    assert_eq!(status_of(&client, "daily_uploads").await, "NOT_MET");
    assert_eq!(status_of(&client, "nps").await, "NO_DATA");
    wait_for(
        &client,
        "[data-kpi='analysis_success_rate'] .kpi-trend svg path",
    )
    .await;
    wait_for(&client, "[data-kpi='nps'] .kpi-trend-empty").await;
    wait_for_text(
        &client,
        "[data-kpi='analysis_success_rate'] .kpi-value",
        "100%",
    )
    .await;
    wait_for_text(
        &client,
        "[data-kpi='analysis_success_rate'] .kpi-target-text",
        "95",
    )
    .await;
    wait_for_text(
        &client,
        "[data-kpi='daily_uploads'] .kpi-name",
        "일일 업로드 수",
    )
    .await;
    screenshot(&client, "10-dashboard-ko").await;
    // The group index scrolls to a group.
    click(&client, ".kpi-group-nav a[href='#group-PROCESSING']").await;
    let mut scrolled = 0.0;
    for _ in 0..50 {
        scrolled = client
            .execute("return window.scrollY;", vec![])
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or_default();
        if scrolled > 300.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(scrolled > 300.0, "scrolled to 2.1: {scrolled}");
    // Let the smooth scroll settle before the picture.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    screenshot(&client, "12-dashboard-processing-ko").await;
    ok(
        &client,
        "scroll back",
        client
            .execute("window.scrollTo({ top: 0, behavior: 'instant' });", vec![])
            .await,
    )
    .await;

    // Another preset reloads the board.
    click(&client, "#range-7").await;
    wait_for(&client, "#range-7[aria-pressed='true']").await;
    wait_for(&client, "#kpi-board[aria-busy='false']").await;
    let from = value_of(&client, "#kpi-from").await;
    let to = value_of(&client, "#kpi-to").await;
    let span = chrono::NaiveDate::parse_from_str(&to, "%Y-%m-%d")
        .and_then(|to| Ok(to - chrono::NaiveDate::parse_from_str(&from, "%Y-%m-%d")?))
        .unwrap_or_else(|e| panic!("{from}..{to}: {e}"));
    assert_eq!(span.num_days(), 6);
    wait_for_status(&client, "analysis_success_rate", "MET").await;

    // A start after the end is refused before anything is sent.
    ok(
        &client,
        "set dates",
        client
            .execute(
                "const el = document.querySelector('#kpi-from');
                 el.value = '2099-01-01';
                 el.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![],
            )
            .await,
    )
    .await;
    wait_for(&client, "#range-error").await;
    click(&client, "#range-30").await;
    wait_for(&client, "#range-30[aria-pressed='true']").await;
    wait_for_status(&client, "analysis_success_rate", "MET").await;
    click(&client, "#logout").await;
    wait_for(&client, "#email").await;

    // The admin, in English, narrows the board to a team without consultations and back.
    sign_in(
        &client,
        &app.address,
        tests::ADMIN_EMAIL,
        tests::ADMIN_PASSWORD,
    )
    .await;
    // Signed in first: signing in applies the account's language, which would undo the toggle.
    wait_for(&client, "#nav-home").await;
    click(&client, "#lang-toggle").await;
    click(&client, "#nav-dashboard").await;
    wait_for(&client, "#kpi-board[aria-busy='false']").await;
    assert_eq!(page_lang(&client).await, "en");
    wait_for_text(
        &client,
        "[data-kpi='daily_uploads'] .kpi-name",
        "Daily uploads",
    )
    .await;
    wait_for_text(
        &client,
        "[data-kpi='analysis_success_rate'] .kpi-target-text",
        "≥ 95%",
    )
    .await;
    wait_for(&client, &format!("#kpi-team option[value='{team}']")).await;
    choose(&client, "#kpi-team", EMPTY_TEAM).await;
    wait_for_status(&client, "analysis_success_rate", "NO_DATA").await;
    // System-wide KPIs ignore the team filter and say so.
    wait_for(&client, "[data-kpi='uptime'] .kpi-system").await;
    choose(&client, "#kpi-team", TEAM).await;
    wait_for_status(&client, "analysis_success_rate", "MET").await;
    screenshot(&client, "11-dashboard-en").await;
    let _ = client.close().await;
}
