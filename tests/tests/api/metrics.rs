//! Prometheus `/metrics`: a valid exposition (`promtool check metrics`) with the request, queue,
//! stage, LLM, storage, subscription and process metrics, and every metric the Grafana
//! dashboard in `deploy/grafana` queries.

use std::collections::BTreeSet;
use std::io::Write;

use serde_json::Value;
use tests::{db_tests, spawn_app, workspace_root};

/// The value of the first sample line starting with `series` (name and labels).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// Every `consult_coach_…` name in a PromQL expression.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(start) = rest.find("consult_coach_") {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        names.push(tail[..end].to_owned());
        rest = &tail[end..];
    }
    names
}

db_tests! {
    async fn metrics_pass_promtool_and_feed_every_panel_of_the_grafana_dashboard(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "a.txt", "상담원: 안녕하세요, 무엇을 도와드릴까요?\n고객: 배송이 늦어요.").await;
        app.wait_for_terminal(&token, &id).await;
        let ws = app.ws_connect(&token).await.unwrap_or_else(|e| panic!("{e}"));

        let response = reqwest::get(format!("{}/metrics", app.address)).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().is_ok_and(|t| t.starts_with("text/plain; version=0.0.4")));
        let metrics = response.text().await.unwrap_or_default();
        drop(ws);

        assert!(sample(&metrics, "consult_coach_http_request_duration_seconds_count").is_some_and(|n| n >= 2.0), "{metrics}");
        assert!(sample(&metrics, "consult_coach_pipeline_stage_duration_seconds_count{stage=\"analyzing\"}").is_some_and(|n| n >= 1.0));
        assert!(sample(&metrics, "consult_coach_pipeline_stage_duration_seconds_count{stage=\"storing\"}").is_some_and(|n| n >= 1.0));
        assert!(sample(&metrics, "consult_coach_storage_operations_total{op=\"upload\",outcome=\"ok\"}").is_some_and(|n| n >= 1.0));
        assert!(sample(&metrics, "consult_coach_subscription_connections_total{outcome=\"acknowledged\"}").is_some_and(|n| n >= 1.0));
        assert_eq!(sample(&metrics, "consult_coach_subscription_connections_open"), Some(1.0));
        assert_eq!(sample(&metrics, "consult_coach_jobs{status=\"queued\"}"), Some(0.0));
        assert!(sample(&metrics, "consult_coach_process_resident_memory_bytes").is_some_and(|b| b > 1e6));

        // promtool (installed by the test command) accepts the exposition.
        let mut promtool = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("promtool not found ({e}): run the README's test command, which installs it"));
        if let Some(mut stdin) = promtool.stdin.take() {
            stdin.write_all(metrics.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        }
        let checked = promtool.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert!(checked.status.success(), "promtool: {}{}", String::from_utf8_lossy(&checked.stdout), String::from_utf8_lossy(&checked.stderr));

        // Every metric the Grafana dashboard queries is exported.
        let families: BTreeSet<&str> = metrics
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .filter_map(|l| l.split(' ').next())
            .collect();
        let dashboard: Value = serde_json::from_str(
            &std::fs::read_to_string(workspace_root().join("deploy/grafana/consult-coach.json")).unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let panels = dashboard["panels"].as_array().cloned().unwrap_or_default();
        assert!(panels.len() >= 10, "{dashboard}");
        for panel in &panels {
            let targets = panel["targets"].as_array().cloned().unwrap_or_default();
            assert!(!targets.is_empty(), "{panel}");
            for target in targets {
                let expr = target["expr"].as_str().unwrap_or_default();
                let names = metric_names(expr);
                assert!(!names.is_empty(), "{expr}");
                for name in names {
                    let family = ["_bucket", "_sum", "_count"]
                        .iter()
                        .find_map(|suffix| name.strip_suffix(suffix).filter(|base| families.contains(base)))
                        .unwrap_or(&name);
                    assert!(families.contains(family), "the dashboard queries {name}, which /metrics does not export");
                }
            }
        }
    }
}
