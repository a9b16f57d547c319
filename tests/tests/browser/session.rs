//! The session in the browser: the refresh token stays in its `HttpOnly` cookie (nothing a script
//! can read holds it); with one-minute access tokens, a page survives a reload, a new tab and an
//! invalid or expired access token (the cookie renews it, whether the page was reloaded or
//! navigated within the app, or merely left open), and once the session is revoked the next
//! request lands on the sign-in page, which leads back to the page after signing in.

use std::time::Duration;

use serde_json::json;

use crate::support::{
    Store, click, ok, require_dist, screenshot, sign_in, start_browser, storage_entries,
    storage_get, storage_set, submit_login, wait_for, wait_for_path, wait_for_storage,
    wait_for_text,
};

const EMAIL: &str = "park@example.com";
const PASSWORD: &str = "park-password-123456";
const NEW_PASSWORD: &str = "park-password-changed-789";

/// Fails when a script-readable place holds a refresh token or the session cookie.
async fn no_refresh_token_is_readable(client: &fantoccini::Client) {
    for store in [Store::Local, Store::Tab] {
        for entry in storage_entries(client, store).await {
            assert!(
                !entry.contains("ccr_") && !entry.starts_with("cc.refresh"),
                "{store:?} holds a refresh token: {entry}"
            );
        }
    }
    let cookies = client
        .execute("return document.cookie;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(!cookies.contains("cc_refresh"), "{cookies}");
}

/// Waits until this tab holds an access token other than `old`; returns it.
async fn renewed_token(client: &fantoccini::Client, old: Option<&str>) -> Option<String> {
    wait_for_storage(client, Store::Tab, "cc.token", |t| {
        t.is_some_and(|t| !t.is_empty()) && t != old
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_keeps_the_page_and_a_revoked_session_returns_to_sign_in() {
    require_dist();
    let app = tests::spawn_app_with(tests::Db::Sqlite, |s| s.auth.access_token_ttl_secs = 60).await;
    app.create_user(EMAIL, PASSWORD, shared::access::Role::Counselor)
        .await;
    let api_token = app.login(EMAIL, PASSWORD).await;
    let transcript = std::fs::read_to_string(
        tests::workspace_root().join("tests/fixtures/ko_delivery_delay.txt"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let id = app
        .upload_text(&api_token, "delivery.txt", &transcript)
        .await;
    app.wait_for_terminal(&api_token, &id).await;
    let page = format!("/consultations/{id}");

    let (_driver, client) = start_browser().await;
    sign_in(&client, &app.address, EMAIL, PASSWORD).await;
    wait_for(&client, "#file-input").await;
    no_refresh_token_is_readable(&client).await;
    assert!(
        storage_get(&client, Store::Local, "cc.session")
            .await
            .is_some(),
        "the tabs know a session exists"
    );
    ok(
        &client,
        "open the consultation",
        client.goto(&format!("{}{page}", app.address)).await,
    )
    .await;
    wait_for(&client, "#report").await;

    // 1. A reload keeps the user signed in, on the same page.
    let first = storage_get(&client, Store::Tab, "cc.token").await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );
    no_refresh_token_is_readable(&client).await;

    // 2. A garbage access token, then a navigation within the app: the request is refused, the
    //    session is renewed through the cookie once and the request repeated; the user stays.
    storage_set(&client, Store::Tab, "cc.token", "not-a-valid-token").await;
    click(&client, "a.back-link").await;
    wait_for(&client, "#consultation-list").await;
    assert_eq!(wait_for_path(&client, "the list", |p| p == "/").await, "/");
    let second = renewed_token(&client, Some("not-a-valid-token")).await;
    assert_ne!(second, first);

    // 3. A garbage access token, then a reload of the consultation page: it loads again.
    click(&client, &format!("#consultation-list tr[data-id='{id}'] a")).await;
    wait_for(&client, "#report").await;
    storage_set(&client, Store::Tab, "cc.token", "not-a-valid-token").await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );
    let third = renewed_token(&client, Some("not-a-valid-token")).await;
    screenshot(&client, "09-session-refreshed").await;

    // 4. A token the browser knows has expired: the page refreshes before asking.
    storage_set(
        &client,
        Store::Tab,
        "cc.token.expiresAt",
        "2000-01-01T00:00:00.000Z",
    )
    .await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    let fourth = renewed_token(&client, third.as_deref()).await;

    // 5. A page left open renews its token shortly before it expires, without any request.
    let soon = client
        .execute("return new Date(Date.now() + 8000).toISOString();", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    storage_set(&client, Store::Tab, "cc.token.expiresAt", &soon).await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    renewed_token(&client, fourth.as_deref()).await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );

    // 6. A new tab has no access token of its own: it obtains one through the cookie.
    let first_tab = ok(&client, "this tab", client.window().await).await;
    let new_tab = ok(&client, "a new tab", client.new_window(true).await).await;
    ok(
        &client,
        "switch",
        client.switch_to_window(new_tab.handle).await,
    )
    .await;
    ok(
        &client,
        "open the page in the new tab",
        client.goto(&format!("{}{page}", app.address)).await,
    )
    .await;
    wait_for(&client, "#report").await;
    renewed_token(&client, None).await;
    no_refresh_token_is_readable(&client).await;
    ok(&client, "close the tab", client.close_window().await).await;
    ok(
        &client,
        "switch back",
        client.switch_to_window(first_tab).await,
    )
    .await;

    // 7. The session is revoked on the server (a password change elsewhere ends the other
    //    sessions): the next request cannot be renewed and lands on the sign-in page, which
    //    remembers the page.
    let changed = app
        .graphql(
            Some(&api_token),
            "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }",
            json!({ "c": PASSWORD, "n": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed["data"]["changePassword"], true, "{changed}");
    storage_set(&client, Store::Tab, "cc.token", "not-a-valid-token").await;
    ok(&client, "reload", client.refresh().await).await;
    let login = wait_for_path(&client, "the sign-in page", |p| p.starts_with("/login")).await;
    assert!(
        login.contains(&format!("next=%2Fconsultations%2F{id}")),
        "the sign-in page keeps the way back: {login}"
    );
    wait_for(&client, "#email").await;
    wait_for_text(&client, ".notice", "만료").await;
    assert_eq!(storage_get(&client, Store::Local, "cc.session").await, None);
    assert_eq!(storage_get(&client, Store::Tab, "cc.token").await, None);
    screenshot(&client, "10-session-ended").await;

    // Signing in again returns to the page.
    submit_login(&client, EMAIL, NEW_PASSWORD).await;
    wait_for(&client, "#report").await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );
    no_refresh_token_is_readable(&client).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = client.close().await;
}
