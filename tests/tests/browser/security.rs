//! The web app under its Content-Security-Policy (issue 34 item 5): the page loads its module, its
//! WebAssembly and its style sheet, and a counselor's whole flow (upload, live stages over the
//! WebSocket, the report with its score bars, the list) runs without a single policy violation.

use crate::support::{click, counselor_signed_in, ok, wait_for};

/// Collects the page's policy violations into `window.cspViolations` from now on.
const LISTEN: &str = "window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', e =>
        window.cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ''}`));";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_runs_its_whole_upload_flow_under_its_policy_without_violations() {
    let (_app, _driver, client) =
        counselor_signed_in("counselor@example.com", "counselor-password-123").await;
    // The module and the WebAssembly ran: the page is there.
    let file_input = wait_for(&client, "#file-input").await;
    ok(&client, "listen", client.execute(LISTEN, vec![]).await).await;
    let styled = ok(
        &client,
        "the style sheet",
        client
            .execute(
                "return [...document.styleSheets].some(s => s.cssRules.length > 0);",
                vec![],
            )
            .await,
    )
    .await;
    assert_eq!(styled, true, "the style sheet applies");

    let fixture = tests::workspace_root().join("tests/fixtures/ko_delivery_delay.txt");
    ok(
        &client,
        "choose the file",
        file_input.send_keys(&fixture.display().to_string()).await,
    )
    .await;
    click(&client, "#upload-submit").await;
    wait_for(&client, "#stages li[data-stage='COMPLETED'].done").await;
    wait_for(
        &client,
        "#report .score-card[data-category='overall'] .score",
    )
    .await;
    // The score bars' widths are set through the CSS object model, which the policy allows.
    let width = ok(
        &client,
        "a score bar",
        client
            .execute(
                "const bar = document.querySelector('#report .score-bar span');
                 return bar ? [bar.style.width, getComputedStyle(bar).width] : null;",
                vec![],
            )
            .await,
    )
    .await;
    let width: Vec<String> = serde_json::from_value(width).unwrap_or_default();
    assert!(
        width.first().is_some_and(|w| w.ends_with('%')) && width.get(1).is_some_and(|w| w != "0px"),
        "{width:?}"
    );
    click(&client, "a.back-link").await;
    wait_for(&client, "#consultation-list").await;

    let violations = ok(
        &client,
        "the violations",
        client.execute("return window.cspViolations;", vec![]).await,
    )
    .await;
    let violations: Vec<String> = serde_json::from_value(violations).unwrap_or_default();
    assert!(violations.is_empty(), "policy violations: {violations:?}");
    let _ = client.close().await;
}
