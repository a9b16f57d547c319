//! Protocol conformance: the `graphql-http` audit of the GraphQL-over-HTTP specification.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_http_audit_passes_with_no_failures() {
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    let dir = tests::workspace_root().join("tests/conformance");
    assert!(
        dir.join("node_modules/graphql-http").exists(),
        "run `npm ci --prefix tests/conformance` (the test command does)"
    );
    let url = format!("{}/graphql", app.address);
    let output = tests::run_node(&dir, &["audit.mjs", &url]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(" 0 warnings, 0 failures"),
        "{stdout}\n{stderr}"
    );
}
