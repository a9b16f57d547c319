//! Accounts in the browser: an admin creates a team and a counselor, the counselor switches to
//! English and changes their password; admins deactivate users and manage API keys after
//! confirming; too many sign-in attempts show the wait.

use serde_json::json;

use crate::support::{
    Store, answer_confirm, choose, click, fill, ok, page_lang, require_dist, screenshot, sign_in,
    start_browser, storage_set, submit_login, value_of, wait_for, wait_for_path, wait_for_text,
    wait_until_gone,
};

const COUNSELOR_EMAIL: &str = "kim@example.com";
const FIRST_PASSWORD: &str = "first-password-1234";
const SECOND_PASSWORD: &str = "second-password-5678";
const TEAM: &str = "상담 1팀";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_team_and_a_counselor_who_switches_to_english_and_changes_the_password() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    let (_driver, client) = start_browser().await;

    // The admin adds a team and a counselor in it.
    sign_in(
        &client,
        &app.address,
        tests::ADMIN_EMAIL,
        tests::ADMIN_PASSWORD,
    )
    .await;
    click(&client, "#nav-users").await;
    wait_for(
        &client,
        &format!("#user-list tr[data-email='{}']", tests::ADMIN_EMAIL),
    )
    .await;
    fill(&client, "#team-name", TEAM).await;
    click(&client, "#team-submit").await;
    wait_for(&client, &format!("#team-list li[data-name='{TEAM}']")).await;
    wait_for_text(&client, "#admin-notice", TEAM).await;

    fill(&client, "#new-user-email", COUNSELOR_EMAIL).await;
    fill(&client, "#new-user-name", "김상담").await;
    fill(&client, "#new-user-password", "short").await;
    click(&client, "#new-user-submit").await;
    // The shared password rule is checked before anything is sent.
    wait_for_text(&client, "#new-user-error", "12자").await;
    fill(&client, "#new-user-password", FIRST_PASSWORD).await;
    choose(&client, "#new-user-role", "상담원").await;
    choose(&client, "#new-user-team", TEAM).await;
    click(&client, "#new-user-submit").await;
    let row = format!("#user-list tr[data-email='{COUNSELOR_EMAIL}']");
    wait_for(&client, &row).await;
    wait_for_text(&client, "#admin-notice", COUNSELOR_EMAIL).await;
    let team_id = value_of(&client, &format!("{row} .team-select")).await;
    assert!(!team_id.is_empty(), "the new counselor is in the team");
    assert_eq!(
        value_of(&client, &format!("{row} .role-select")).await,
        "COUNSELOR"
    );
    // An admin cannot demote or deactivate themselves from the UI.
    let own_role = wait_for(
        &client,
        &format!(
            "#user-list tr[data-email='{}'] .role-select",
            tests::ADMIN_EMAIL
        ),
    )
    .await;
    assert!(!ok(&client, "own role enabled", own_role.is_enabled().await).await);
    screenshot(&client, "03-admin-users").await;
    click(&client, "#logout").await;
    wait_for(&client, "#email").await;

    // The counselor signs in (Korean by default), sees no admin links, and switches to English.
    submit_login(&client, COUNSELOR_EMAIL, FIRST_PASSWORD).await;
    wait_for(&client, "#file-input").await;
    assert_eq!(page_lang(&client).await, "ko");
    assert!(
        client
            .find_all(fantoccini::Locator::Css("#nav-users, #nav-api-keys"))
            .await
            .unwrap_or_default()
            .is_empty(),
        "counselors see no admin links"
    );
    // The admin pages say so instead of showing anything.
    ok(
        &client,
        "open /admin/users",
        client.goto(&format!("{}/admin/users", app.address)).await,
    )
    .await;
    wait_for(&client, "#forbidden").await;
    wait_for_text(&client, "#nav-profile", "김상담").await;
    click(&client, "#nav-profile").await;
    wait_for_text(&client, "#profile-title", "내 정보").await;
    wait_for_text(&client, "#profile-email", COUNSELOR_EMAIL).await;
    let locale = wait_for(&client, "#locale-select").await;
    ok(
        &client,
        "choose English",
        locale.select_by_value("en").await,
    )
    .await;
    wait_for_text(&client, "#profile-title", "Profile").await;
    wait_for_text(&client, "#locale-status", "Saved").await;
    wait_for_text(&client, "#nav-home", "Consultations").await;
    assert_eq!(page_lang(&client).await, "en");
    let token = app.login(COUNSELOR_EMAIL, FIRST_PASSWORD).await;
    let me = app
        .graphql(Some(&token), "{ me { locale } }", json!({}))
        .await;
    assert_eq!(
        me["data"]["me"]["locale"], "en",
        "the language is saved: {me}"
    );

    // Password change: checked in the browser first, then by the server.
    fill(&client, "#current-password", FIRST_PASSWORD).await;
    fill(&client, "#new-password", SECOND_PASSWORD).await;
    fill(&client, "#confirm-password", "something-else-entirely").await;
    click(&client, "#password-submit").await;
    wait_for_text(&client, "#password-error", "do not match").await;
    fill(&client, "#current-password", "not-my-password-at-all").await;
    fill(&client, "#confirm-password", SECOND_PASSWORD).await;
    click(&client, "#password-submit").await;
    wait_for_text(&client, "#password-error", "current password is incorrect").await;
    fill(&client, "#current-password", FIRST_PASSWORD).await;
    click(&client, "#password-submit").await;
    wait_for_text(&client, "#password-status", "password was changed").await;
    wait_until_gone(&client, "#password-error").await;
    screenshot(&client, "04-profile-en").await;

    // Sign out; this browser goes back to Korean, but signing in applies the saved English.
    click(&client, "#logout").await;
    wait_for(&client, "#email").await;
    storage_set(&client, Store::Local, "cc.lang", "ko").await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for_text(&client, "h1", "로그인").await;
    submit_login(&client, COUNSELOR_EMAIL, FIRST_PASSWORD).await;
    wait_for(&client, "#login-error[data-code='INVALID_CREDENTIALS']").await;
    wait_for_text(&client, "#login-error", "올바르지 않습니다").await;
    submit_login(&client, COUNSELOR_EMAIL, SECOND_PASSWORD).await;
    wait_for(&client, "#file-input").await;
    wait_for_text(&client, "#nav-home", "Consultations").await;
    assert_eq!(page_lang(&client).await, "en");
    wait_for_path(&client, "/", |path| path == "/").await;
    screenshot(&client, "05-home-en").await;
    let _ = client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_deactivates_a_user_and_issues_and_revokes_an_api_key_after_confirming() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    app.create_user(
        "lee@example.com",
        "lee-password-123456",
        shared::access::Role::Counselor,
    )
    .await;
    let (_driver, client) = start_browser().await;
    sign_in(
        &client,
        &app.address,
        tests::ADMIN_EMAIL,
        tests::ADMIN_PASSWORD,
    )
    .await;
    click(&client, "#nav-users").await;

    // Deactivation asks first; cancelling changes nothing.
    let toggle = "#user-list tr[data-email='lee@example.com'] .active-toggle";
    click(&client, toggle).await;
    let question = answer_confirm(&client, false).await;
    assert!(
        question.contains("lee"),
        "the dialog names the user: {question}"
    );
    assert_eq!(
        wait_for(&client, toggle)
            .await
            .prop("checked")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("true")
    );
    click(&client, toggle).await;
    answer_confirm(&client, true).await;
    wait_for(
        &client,
        "#user-list tr.inactive[data-email='lee@example.com']",
    )
    .await;
    wait_for(&client, "#admin-notice").await;
    let refused = app
        .graphql(
            None,
            "mutation { login(email: \"lee@example.com\", password: \"lee-password-123456\") { accessToken } }",
            json!({}),
        )
        .await;
    assert!(
        refused["errors"].is_array(),
        "a deactivated user cannot sign in: {refused}"
    );

    // An API key with two scopes: the secret is shown once, works, and stops working once revoked.
    click(&client, "#nav-api-keys").await;
    wait_for(&client, "#new-key-form").await;
    fill(&client, "#key-name", "대시보드").await;
    click(&client, "#key-submit").await;
    wait_for(&client, "#key-form-error").await;
    click(&client, "#scope-CONSULTATIONS_READ").await;
    click(&client, "#scope-KPIS_READ").await;
    click(&client, "#key-submit").await;
    let secret = {
        wait_for(&client, "#key-secret-value").await;
        value_of(&client, "#key-secret-value").await
    };
    assert!(secret.starts_with("cck_"), "the secret is shown: {secret}");
    click(&client, "#key-copy").await;
    let copy_status = wait_for(&client, "#key-copy-status").await;
    let _ = copy_status; // copied or "copy it yourself", depending on clipboard permission
    let row = "#key-list tr[data-name='대시보드']";
    wait_for_text(&client, &format!("{row} .key-status"), "사용 중").await;
    let used = app
        .graphql(Some(&secret), "{ consultations { id } }", json!({}))
        .await;
    assert!(
        used["data"]["consultations"].is_array(),
        "the key works: {used}"
    );
    screenshot(&client, "06-api-key-created").await;
    click(&client, "#key-secret-done").await;
    wait_until_gone(&client, "#key-secret").await;

    click(&client, &format!("{row} .key-revoke")).await;
    let question = answer_confirm(&client, true).await;
    assert!(
        question.contains("대시보드"),
        "the dialog names the key: {question}"
    );
    wait_for_text(&client, &format!("{row} .key-status"), "폐기됨").await;
    let rejected = app
        .graphql(Some(&secret), "{ consultations { id } }", json!({}))
        .await;
    assert!(
        rejected["errors"].is_array(),
        "a revoked key is refused: {rejected}"
    );
    screenshot(&client, "07-api-keys").await;
    let _ = client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_sign_in_attempts_show_how_long_to_wait() {
    require_dist();
    let app = tests::spawn_app_with(tests::Db::Sqlite, |s| {
        s.auth.login_per_account_per_15_minutes = 2;
    })
    .await;
    let (_driver, client) = start_browser().await;
    sign_in(
        &client,
        &app.address,
        "nobody@example.com",
        "wrong-password-1",
    )
    .await;
    wait_for(&client, "#login-error[data-code='INVALID_CREDENTIALS']").await;
    let mut throttled = false;
    for attempt in 0..4 {
        submit_login(
            &client,
            "nobody@example.com",
            &format!("wrong-password-{attempt}"),
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if client
            .find(fantoccini::Locator::Css(
                "#login-error[data-code='TOO_MANY_ATTEMPTS']",
            ))
            .await
            .is_ok()
        {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "the limit was never reached");
    let text = wait_for_text(&client, "#login-error", "초 후에").await;
    assert!(
        text.chars().any(|c| c.is_ascii_digit()),
        "the wait is shown: {text}"
    );
    let submit = wait_for(&client, "#login-submit").await;
    assert!(
        !ok(&client, "submit enabled", submit.is_enabled().await).await,
        "the button waits for the countdown"
    );
    screenshot(&client, "08-login-throttled").await;
    let _ = client.close().await;
}
