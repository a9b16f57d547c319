//! The session in the browser: with one-minute access tokens, a page survives an invalid or
//! expired access token (the refresh token renews it, whether the page was reloaded or navigated
//! within the app, or merely left open), and once the session is revoked the next request lands on
//! the sign-in page, which leads back to the page after signing in.

use std::time::Duration;

use serde_json::json;

use crate::support::{
    click, fail, ok, require_dist, screenshot, sign_in, start_browser, storage_get, storage_set,
    submit_login, wait_for, wait_for_path, wait_for_storage, wait_for_text,
};

const EMAIL: &str = "park@example.com";
const PASSWORD: &str = "park-password-123456";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_refresh_token_keeps_the_page_and_a_revoked_session_returns_to_sign_in() {
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
    ok(
        &client,
        "open the consultation",
        client.goto(&format!("{}{page}", app.address)).await,
    )
    .await;
    wait_for(&client, "#report").await;
    let first_refresh = storage_get(&client, "cc.refresh").await;
    assert!(first_refresh.is_some(), "the refresh token is kept");

    // 1. A garbage access token, then a navigation within the app: the request is refused, the
    //    session is refreshed once and the request repeated; the user stays.
    storage_set(&client, "cc.token", "not-a-valid-token").await;
    click(&client, "a.back-link").await;
    wait_for(&client, "#consultation-list").await;
    assert_eq!(wait_for_path(&client, "the list", |p| p == "/").await, "/");
    let second_refresh = wait_for_storage(&client, "cc.refresh", |r| {
        r.is_some() && r != first_refresh.as_deref()
    })
    .await;
    assert_ne!(
        storage_get(&client, "cc.token").await.as_deref(),
        Some("not-a-valid-token")
    );

    // 2. A garbage access token, then a reload of the consultation page: it loads again.
    click(&client, &format!("#consultation-list tr[data-id='{id}'] a")).await;
    wait_for(&client, "#report").await;
    storage_set(&client, "cc.token", "not-a-valid-token").await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );
    let third_refresh = wait_for_storage(&client, "cc.refresh", |r| {
        r.is_some() && r != second_refresh.as_deref()
    })
    .await;
    screenshot(&client, "09-session-refreshed").await;

    // 3. A token the browser knows has expired: the page refreshes before asking.
    storage_set(&client, "cc.token.expiresAt", "2000-01-01T00:00:00.000Z").await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    let fourth_refresh = wait_for_storage(&client, "cc.refresh", |r| {
        r.is_some() && r != third_refresh.as_deref()
    })
    .await;

    // 4. A page left open renews its token shortly before it expires, without any request.
    let soon = client
        .execute("return new Date(Date.now() + 8000).toISOString();", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    storage_set(&client, "cc.token.expiresAt", &soon).await;
    ok(&client, "reload", client.refresh().await).await;
    wait_for(&client, "#report").await;
    let renewed = wait_for_storage(&client, "cc.refresh", |r| {
        r.is_some() && r != fourth_refresh.as_deref()
    })
    .await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );

    // 5. The session is revoked on the server (as if signed out elsewhere): the next request
    //    cannot be renewed and lands on the sign-in page, which remembers the page.
    let Some(refresh_token) = renewed else {
        fail::<()>(&client, "refresh", "no refresh token").await;
        return;
    };
    let revoked = app
        .graphql(
            None,
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": refresh_token }),
        )
        .await;
    assert_eq!(revoked["data"]["logout"], true, "{revoked}");
    storage_set(&client, "cc.token", "not-a-valid-token").await;
    ok(&client, "reload", client.refresh().await).await;
    let login = wait_for_path(&client, "the sign-in page", |p| p.starts_with("/login")).await;
    assert!(
        login.contains(&format!("next=%2Fconsultations%2F{id}")),
        "the sign-in page keeps the way back: {login}"
    );
    wait_for(&client, "#email").await;
    wait_for_text(&client, ".notice", "만료").await;
    assert_eq!(storage_get(&client, "cc.refresh").await, None);
    screenshot(&client, "10-session-ended").await;

    // Signing in again returns to the page.
    submit_login(&client, EMAIL, PASSWORD).await;
    wait_for(&client, "#report").await;
    assert_eq!(
        wait_for_path(&client, "the page", |p| p == page).await,
        page
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = client.close().await;
}
