//! What people do with a report, in the browser: the counselor downloads it (PDF, Markdown),
//! shares it, acknowledges it, rates it and disputes an item (Korean); someone without an account
//! opens the share link; the manager (English) reviews the dispute in the inbox, revokes the link
//! and answers the due survey.

use fantoccini::Locator;
use serde_json::json;

use crate::support::{
    choose, click, fill, ok, require_dist, screenshot, sign_in, start_browser, value_of, wait_for,
    wait_for_download, wait_for_path, wait_for_text, wait_until_gone,
};

const PASSWORD: &str = "reviews-password-123";
const CALL: &str = "상담원: 안녕하세요, 행복카드 상담원 김하늘입니다.\n고객: 카드 결제가 안 돼요. 제 번호는 010-2345-6789예요.\n상담원: 불편을 드려 죄송합니다. 확인해 드리겠습니다.\n고객: 네.\n상담원: 한도 초과로 확인됩니다. 한도를 올려 드렸습니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n";

async fn create_member(
    app: &tests::TestApp,
    admin: &str,
    email: &str,
    name: &str,
    role: &str,
    team: &str,
) {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": { "email": email, "password": PASSWORD, "displayName": name, "role": role, "teamId": team } }),
        )
        .await;
    assert!(body["errors"].is_null(), "createUser: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_shares_rates_and_disputes_a_report_and_the_manager_reviews_it() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
    let team = app
        .graphql(
            Some(&admin),
            "mutation { createTeam(name: \"상담 1팀\") { id } }",
            json!({}),
        )
        .await["data"]["createTeam"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    create_member(
        &app,
        &admin,
        "kim@example.com",
        "김하늘",
        "COUNSELOR",
        &team,
    )
    .await;
    create_member(
        &app,
        &admin,
        "lead@example.com",
        "Lee Lead",
        "MANAGER",
        &team,
    )
    .await;
    let kim = app.login("kim@example.com", PASSWORD).await;
    let id = app.upload_text(&kim, "결제 문의.txt", CALL).await;
    app.wait_for_terminal(&kim, &id).await;

    let (driver, client) = start_browser().await;
    sign_in(&client, &app.address, "kim@example.com", PASSWORD).await;
    wait_for(&client, "#nav-home").await;
    ok(
        &client,
        "open the consultation",
        client
            .goto(&format!("{}/consultations/{id}", app.address))
            .await,
    )
    .await;
    wait_for(&client, "#responses").await;

    // Downloads: a real PDF and the Markdown report.
    click(&client, "#export-pdf").await;
    let pdf = wait_for_download(&client, &driver, ".pdf").await;
    assert!(pdf.starts_with(b"%PDF-"), "the download is a PDF");
    wait_for_text(&client, "#responses-notice", "내려받았습니다").await;
    click(&client, "#export-markdown").await;
    let md =
        String::from_utf8_lossy(&wait_for_download(&client, &driver, ".md").await).into_owned();
    assert!(
        md.contains("# 상담 분석 보고서") && !md.contains("2345-6789"),
        "{md}"
    );

    // A share link valid for a day.
    choose(&client, "#share-expiry", "1일").await;
    click(&client, "#share-create").await;
    wait_for(&client, "#share-url").await;
    let share_url = value_of(&client, "#share-url").await;
    assert!(
        share_url.starts_with(&format!("{}/share/", app.address)),
        "{share_url}"
    );
    wait_for(&client, "#share-links .share-link[data-active='true']").await;

    // Acknowledge, rate with a per-item judgement, dispute an item.
    click(&client, "#acknowledge").await;
    wait_for_text(&client, "#acknowledged", "확인했습니다").await;
    click(&client, "#feedback-submit").await;
    wait_for_text(&client, "#feedback-form .error", "1점부터 5점").await;
    click(&client, "#rating-4 + span").await;
    click(&client, "#helpful-0-yes").await;
    click(&client, "#helpful-1-no").await;
    fill(&client, "#feedback-comment", "첫 항목은 바로 써먹겠습니다.").await;
    click(&client, "#feedback-submit").await;
    wait_for_text(&client, "#responses-notice", "평가를 저장했습니다").await;
    click(&client, "#dispute-toggle-1").await;
    fill(&client, "#dispute-reason-1", "짧음").await;
    click(&client, "#dispute-submit-1").await;
    wait_for_text(
        &client,
        ".item-response[data-position='1'] .error",
        "5자 이상",
    )
    .await;
    fill(
        &client,
        "#dispute-reason-1",
        "고객이 이미 해결을 확인해서 다시 묻지 않았습니다.",
    )
    .await;
    click(&client, "#dispute-submit-1").await;
    wait_for(
        &client,
        ".item-response[data-position='1'] .dispute[data-status='OPEN']",
    )
    .await;
    wait_for_text(&client, "#responses-notice", "이의 제기를 보냈습니다").await;
    screenshot(&client, "13-report-responses-ko").await;

    // The rating was stored as given.
    let stored = app
        .graphql(Some(&kim), "query($id: ID!) { consultation(id: $id) { feedback { rating comment items { position helpful } } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        stored["data"]["consultation"]["feedback"][0],
        json!({ "rating": 4, "comment": "첫 항목은 바로 써먹겠습니다.", "items": [{ "position": 0, "helpful": true }, { "position": 1, "helpful": false }] }),
        "{stored}"
    );

    // Someone without an account opens the link: the report, without the title.
    click(&client, "#logout").await;
    wait_for(&client, "#login-submit").await;
    ok(
        &client,
        "open the share link",
        client.goto(&share_url).await,
    )
    .await;
    wait_for(&client, "#shared-report #report").await;
    let page = ok(
        &client,
        "shared page text",
        ok(
            &client,
            "shared page",
            client.find(Locator::Css("#shared-report")).await,
        )
        .await
        .text()
        .await,
    )
    .await;
    assert!(
        page.contains("공유된 상담 분석 보고서")
            && !page.contains("결제 문의")
            && !page.contains("2345-6789"),
        "{page}"
    );
    screenshot(&client, "14-shared-report-ko").await;

    // The manager, in English: the survey reminder, the dispute inbox, revoking the link.
    sign_in(&client, &app.address, "lead@example.com", PASSWORD).await;
    wait_for(&client, "#nav-home").await;
    click(&client, "#lang-toggle").await;
    wait_for_text(&client, "#survey-reminder", "survey").await;
    click(&client, "#nav-disputes").await;
    wait_for_path(&client, "disputes", |p| p == "/disputes").await;
    let card = ".dispute-card[data-status='OPEN']";
    wait_for_text(&client, card, "김하늘").await;
    wait_for_text(&client, card, "고객이 이미 해결을 확인해서").await;
    fill(
        &client,
        ".dispute-card .dispute-note",
        "Agreed: the customer had confirmed it.",
    )
    .await;
    screenshot(&client, "15-disputes-en").await;
    click(&client, ".dispute-card .dispute-accept").await;
    wait_for(&client, "#disputes-empty").await;
    click(&client, "#disputes-accepted").await;
    wait_for_text(
        &client,
        ".dispute-card[data-status='ACCEPTED']",
        "Agreed: the customer had confirmed it.",
    )
    .await;

    ok(
        &client,
        "back to the consultation",
        client
            .goto(&format!("{}/consultations/{id}", app.address))
            .await,
    )
    .await;
    wait_for_text(&client, "#ratings", "4 / 5").await;
    wait_for_text(&client, "#ack-state", "Acknowledged").await;
    click(&client, "#share-links .share-revoke").await;
    wait_for(&client, "#share-links .share-link[data-active='false']").await;
    wait_until_gone(&client, "#share-links .share-link[data-active='true']").await;
    ok(&client, "the revoked link", client.goto(&share_url).await).await;
    wait_for_text(&client, "#shared-error", "revoked").await;

    ok(&client, "home", client.goto(&app.address).await).await;
    click(&client, "#survey-reminder a").await;
    wait_for_path(&client, "survey", |p| p == "/survey").await;
    click(&client, "#survey-submit").await;
    wait_for_text(&client, "#survey-error", "every scale question").await;
    click(&client, "#satisfaction-4 + span").await;
    click(&client, "#nps-9 + span").await;
    fill(&client, "#survey-time-saved", "30").await;
    click(&client, "#quality-4 + span").await;
    fill(
        &client,
        "#survey-comment",
        "Coaching one-on-ones got shorter.",
    )
    .await;
    click(&client, "#survey-submit").await;
    wait_for(&client, "#survey-saved").await;
    wait_for_text(&client, "#survey-period", "answered").await;
    screenshot(&client, "16-survey-en").await;
    ok(&client, "home again", client.goto(&app.address).await).await;
    wait_for(&client, "#nav-home").await;
    assert!(
        client.find(Locator::Css("#survey-reminder")).await.is_err(),
        "no reminder once answered"
    );

    let lead = app.login("lead@example.com", PASSWORD).await;
    let survey = app
        .graphql(
            Some(&lead),
            "{ surveyStatus { due current { satisfaction nps timeSavedPct qualityScore } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        survey["data"]["surveyStatus"],
        json!({ "due": false, "current": { "satisfaction": 4, "nps": 9, "timeSavedPct": 30, "qualityScore": 4 } }),
        "{survey}"
    );
    let _ = client.close().await;
}
