//! What a query may cost (issue 34 item 3): lists are priced by their length, expensive fields by
//! their work, and an expensive field may appear only a few times per operation. The probes of
//! the security review are refused with a code; the web app's own queries pass.

use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, db_tests, spawn_app};

/// `times` aliases of `field` in one query.
fn aliased(times: usize, field: &str) -> String {
    let fields: Vec<String> = (0..times).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

/// The review's first probe: a hundred aliases of a hundred consultations with their transcripts
/// and reports (9 KB of query; 16.9 MB and 3.2 s of answer before).
const CONSULTATION_PAGE: &str =
    "consultations(limit: 100) { transcript { text } report { summary } }";
/// The review's second probe: a 365-day KPI board.
const YEAR_BOARD: &str =
    r#"kpis(range: {from: "2025-12-01", to: "2026-11-30"}) { summary { met } }"#;

fn first_error(body: &Value) -> &Value {
    &body["errors"][0]
}

/// A counselor (`kim`) with one analysed consultation, and her team's manager (`lead`).
async fn kim_with_a_report(app: &TestApp) -> (String, String, String) {
    let (kim, lead, _) = app.kim_lead_park().await;
    let text = include_str!("../../fixtures/ko_delivery_delay.txt");
    let id = app.upload_text(&kim, "call.txt", text).await;
    let done = app.wait_for_terminal(&kim, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    (kim, lead, id)
}

db_tests! {
    async fn a_hundred_aliases_of_a_hundred_consultations_with_transcripts_and_reports_are_refused(db: Db) {
        let app = spawn_app(db).await;
        let (kim, _, _) = kim_with_a_report(&app).await;
        let query = aliased(100, CONSULTATION_PAGE);
        let body = app.graphql(Some(&kim), &query, json!({})).await;
        let error = first_error(&body);
        assert_eq!(error["extensions"]["code"], "TOO_MANY_EXPENSIVE_FIELDS", "{body}");
        assert_eq!(error["extensions"]["field"], "Query.consultations", "{body}");
        assert_eq!(error["extensions"]["count"], 100);
        assert_eq!(error["extensions"]["limit"], 5);
        assert!(body.get("data").is_none(), "refused before it runs: {body}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains("최대 5번"), "{message}");
        let english = app
            .graphql_with_language(Some(&kim), &query, json!({}), "en")
            .await;
        let message = first_error(&english)["message"].as_str().unwrap_or_default();
        assert!(message.contains("at most 5 times"), "{message}");
    }

    async fn a_hundred_aliases_of_a_year_long_kpi_board_are_refused(db: Db) {
        let app = spawn_app(db).await;
        let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let body = app.graphql(Some(&admin), &aliased(100, YEAR_BOARD), json!({})).await;
        let error = first_error(&body);
        assert_eq!(error["extensions"]["code"], "TOO_MANY_EXPENSIVE_FIELDS", "{body}");
        assert_eq!(error["extensions"]["field"], "Query.kpis");
        assert!(body.get("data").is_none(), "{body}");
        // Within the alias limit, five year-long boards still cost more than one operation may.
        let body = app.graphql(Some(&admin), &aliased(5, YEAR_BOARD), json!({})).await;
        let error = first_error(&body);
        assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{body}");
        assert_eq!(error["extensions"]["limit"], 10_000);
        assert!(error["extensions"]["cost"].as_u64().unwrap_or_default() > 10_000, "{body}");
        // One board is the dashboard's year view.
        let body = app.graphql(Some(&admin), &format!("{{ {YEAR_BOARD} }}"), json!({})).await;
        assert!(body["errors"].is_null(), "{body}");
    }

    async fn lists_are_priced_by_their_length_so_three_pages_of_transcripts_cost_too_much(db: Db) {
        let app = spawn_app(db).await;
        let (kim, _, _) = kim_with_a_report(&app).await;
        let one = app.graphql(Some(&kim), &aliased(1, CONSULTATION_PAGE), json!({})).await;
        assert!(one["errors"].is_null(), "{one}");
        assert!(one["data"]["a0"][0]["transcript"][0]["text"].is_string(), "{one}");
        let three = app.graphql(Some(&kim), &aliased(3, CONSULTATION_PAGE), json!({})).await;
        let error = first_error(&three);
        assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{three}");
        assert!(three.get("data").is_none(), "{three}");
        // The limit is read from variables too: through `$n`, three pages of 100 cost too much,
        // three pages of 20 do not.
        let page = "consultations(limit: $n) { transcript { text } report { summary } }";
        let query = format!("query($n: Int!) {}", aliased(3, page));
        let body = app.graphql(Some(&kim), &query, json!({"n": 100})).await;
        assert_eq!(first_error(&body)["extensions"]["code"], "QUERY_TOO_COMPLEX", "{body}");
        let body = app.graphql(Some(&kim), &query, json!({"n": 20})).await;
        assert!(body["errors"].is_null(), "{body}");
    }

    async fn the_web_apps_own_queries_pass_the_default_limits(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, id) = kim_with_a_report(&app).await;
        let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let year = json!({"from": "2025-12-01", "to": "2026-11-30"});
        let two_years = json!({"from": "2024-12-01", "to": "2026-11-30"});
        // The heaviest query of each page, as frontend/src/api sends it (at the largest page size
        // and the longest period the pages offer).
        let checks = [
            (&kim, format!("query($f: ConsultationFilterInput, $limit: Int, $offset: Int) {{ consultations(filter: $f, limit: $limit, offset: $offset) {{ {SUMMARY} }} consultationCount(filter: $f) }}"), json!({"f": {}, "limit": 100, "offset": 0})),
            (&kim, format!("query($id: ID!) {{ consultation(id: $id) {{ {SUMMARY} processingStartedAt completedAt failureCode failureMessage events {{ {EVENTS} }} report {{ ...ReportFields }} transcript {{ speaker startMs endMs text }} recordingUrl }} }}\n{}", shared::report::GRAPHQL_FRAGMENT), json!({"id": id})),
            (&lead, format!("query($id: ID!) {{ consultation(id: $id) {{ mine acknowledgedAt disputes {{ {DISPUTES} }} feedback {{ {RATINGS} }} shareLinks {{ {SHARE_LINKS} }} }} }}"), json!({"id": id})),
            (&lead, format!("query($s: DisputeStatus) {{ disputes(status: $s, first: 100) {{ {DISPUTES} }} }}"), json!({"s": null})),
            (&admin, format!("query($range: DayRangeInput!, $teamId: ID) {{ kpis(range: $range, teamId: $teamId) {{ from to utcOffsetMinutes teamId summary {{ met notMet noData }} kpis {{ {KPI_FIELDS} }} }} }}"), json!({"range": two_years, "teamId": null})),
            (&kim, format!("query($range: DayRangeInput!, $id: ID) {{ coachingTrend(range: $range, counselorId: $id) {{ counselor {{ {PERSON} }} points {{ consultationId title at scores {{ {SCORES} }} }} average {{ {SCORES} }} change recurring {{ {ITEM} }} }} }}"), json!({"range": year, "id": null})),
            (&lead, format!("query($range: DayRangeInput!, $team: ID) {{ teamOverview(range: $range, teamId: $team) {{ counselor {{ {PERSON} }} teamName consultations average {{ {SCORES} }} change lastAt recurring {{ {ITEM} }} }} }}"), json!({"range": year, "team": null})),
            (&admin, "{ weeklyReports(limit: 52) { id weekStart weekEnd trigger generatedAt markdown } }".to_owned(), json!({})),
        ];
        for (token, query, variables) in checks {
            let body = app.graphql(Some(token), &query, variables).await;
            assert!(body["errors"].is_null(), "{query}: {body}");
        }
    }
}

// Field lists of frontend/src/api (the browser tests run the app's own copies).
const SUMMARY: &str = "id title fileType status byteSize createdAt";
const EVENTS: &str = "seq stage percent message at";
const DISPUTES: &str = "id consultationId consultationTitle position itemTitle reason counselor counselorId status resolution resolvedBy createdAt";
const RATINGS: &str = "rating comment items { position helpful } author mine";
const SHARE_LINKS: &str = "id createdAt expiresAt active viewCount mine";
const SCORES: &str = "overall attitude problemSolving communication";
const ITEM: &str = "code category title times lastAt improved settled";
const PERSON: &str = "id displayName email";
const KPI_FIELDS: &str = "id group section nameKo nameEn unit direction scoped value status sampleSize \
    target { kind min max text byFileType { text audio video } } \
    byFileType { text audio video } details { key value } \
    series { date value byFileType { text audio video } }";
