//! Coaching over time: a counselor's trend (scores per consultation, recurring items) and the
//! manager's team overview, on both databases.

use serde_json::{Value, json};
use tests::{TestApp, db_tests, error_code, kpi_today, spawn_app};

const GOOD: &str = "상담원: 안녕하세요, 고객센터 상담원 김하늘입니다. 무엇을 도와드릴까요?\n고객: 카드를 잃어버렸어요.\n상담원: 많이 놀라셨겠어요. 바로 분실 신고 처리해 드리겠습니다.\n고객: 네 부탁드려요.\n상담원: 분실 신고가 완료되었습니다. 새 카드는 5일 안에 도착합니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n상담원: 감사합니다. 좋은 하루 보내세요.\n";

/// No greeting, a curt answer: the same items come back.
fn poor(n: u32) -> String {
    format!(
        "상담원: 네.\n고객: 주문한 물건이 {n}일째 안 와요.\n상담원: 그건 고객님이 주소를 잘못 쓰셔서 그래요.\n고객: 확인 좀 해 주세요.\n상담원: 몰라, 택배사에 물어봐.\n고객: 알겠어요.\n"
    )
}

const TREND: &str =
    "query($r: DayRangeInput!, $c: ID) { coachingTrend(range: $r, counselorId: $c) {
    counselor { id displayName }
    points { consultationId title at scores { overall attitude problemSolving communication } }
    average { overall attitude problemSolving communication }
    change
    recurring { code category title times lastAt improved settled }
} }";

const OVERVIEW: &str = "query($r: DayRangeInput!, $t: ID) { teamOverview(range: $r, teamId: $t) {
    counselor { id displayName }
    teamName consultations change lastAt
    average { overall }
    recurring { code title times }
} }";

fn today() -> Value {
    let day = kpi_today();
    json!({ "from": day, "to": day })
}

async fn upload_all(app: &TestApp, token: &str, files: &[(&str, String)]) -> Vec<String> {
    let mut ids = Vec::new();
    for (name, text) in files {
        let id = app.upload_text(token, name, text).await;
        assert_eq!(
            app.wait_for_terminal(token, &id).await["status"],
            "COMPLETED"
        );
        ids.push(id);
    }
    ids
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let body = app.graphql(Some(token), "{ me { id } }", json!({})).await;
    body["data"]["me"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

db_tests! {
    async fn a_counselor_sees_their_scores_over_time_and_the_items_that_keep_coming_back(db: Db) {
        let app = spawn_app(db).await;
        let (kim, _lead, _park) = app.kim_lead_park().await;
        let ids = upload_all(&app, &kim, &[
            ("첫 상담.txt", poor(3)),
            ("둘째 상담.txt", poor(5)),
            ("셋째 상담.txt", GOOD.to_owned()),
        ]).await;
        // A re-analysis is the same conversation: it is not a fourth point.
        let again = app.graphql(Some(&kim), "mutation($id: ID!) { reanalyze(consultationId: $id) { id } }", json!({ "id": ids[2] })).await;
        let again = again["data"]["reanalyze"]["id"].as_str().unwrap_or_default().to_owned();
        app.wait_for_terminal(&kim, &again).await;

        let body = app.graphql(Some(&kim), TREND, json!({ "r": today() })).await;
        assert!(body["errors"].is_null(), "{body}");
        let trend = &body["data"]["coachingTrend"];
        assert_eq!(trend["counselor"]["displayName"], "김하늘");
        let points = trend["points"].as_array().cloned().unwrap_or_default();
        assert_eq!(points.len(), 3, "{trend}");
        let order: Vec<&str> = points.iter().filter_map(|p| p["consultationId"].as_str()).collect();
        assert_eq!(order, ids.iter().map(String::as_str).collect::<Vec<_>>(), "oldest first");
        assert_eq!(points[0]["title"], "첫 상담");
        let overall: Vec<f64> = points.iter().filter_map(|p| p["scores"]["overall"].as_f64()).collect();
        assert!(overall[2] > overall[0], "the good consultation scores higher: {overall:?}");
        let mean = overall.iter().sum::<f64>() / 3.0;
        assert!((trend["average"]["overall"].as_f64().unwrap_or_default() - mean).abs() < 1e-9, "{trend}");
        // Later half (2 points) against the earlier half (1 point).
        let change = (overall[1] + overall[2]) / 2.0 - overall[0];
        assert!((trend["change"].as_f64().unwrap_or_default() - change).abs() < 1e-9, "{trend}");

        let recurring = trend["recurring"].as_array().cloned().unwrap_or_default();
        assert!(!recurring.is_empty() && recurring.len() <= 10, "{trend}");
        // Both poor consultations lack a greeting; the good one has one.
        let greeting = recurring.iter().find(|i| i["code"] == "missing_greeting")
            .unwrap_or_else(|| panic!("no missing_greeting: {recurring:?}"));
        assert_eq!(greeting["times"], 2, "{greeting}");
        assert_eq!(greeting["category"], "ATTITUDE");
        assert_eq!(greeting["title"], "첫 인사로 상담 시작하기");
        assert!(recurring.iter().all(|i| i["times"].as_i64().is_some_and(|t| (1..=3).contains(&t))), "{recurring:?}");
        assert!(recurring.windows(2).all(|w| w[0]["times"].as_i64() >= w[1]["times"].as_i64()), "{recurring:?}");

        // Nothing in another range.
        let body = app.graphql(Some(&kim), TREND, json!({ "r": { "from": "2020-01-01", "to": "2020-01-31" } })).await;
        assert_eq!(body["data"]["coachingTrend"]["points"], json!([]), "{body}");
        assert!(body["data"]["coachingTrend"]["average"].is_null());
    }

    async fn a_manager_sees_their_team_and_opens_a_counselors_trend_but_not_another_teams(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, park) = app.kim_lead_park().await;
        upload_all(&app, &kim, &[("하나.txt", poor(2)), ("둘.txt", GOOD.to_owned())]).await;
        upload_all(&app, &park, &[("다른 팀.txt", GOOD.to_owned())]).await;
        let kim_id = user_id(&app, &kim).await;
        let park_id = user_id(&app, &park).await;

        let body = app.graphql(Some(&lead), OVERVIEW, json!({ "r": today() })).await;
        assert!(body["errors"].is_null(), "{body}");
        let rows = body["data"]["teamOverview"].as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 1, "only the manager's team's counselors: {rows:?}");
        let row = &rows[0];
        assert_eq!(row["counselor"]["id"], kim_id.as_str());
        assert_eq!(row["teamName"], "상담1팀");
        assert_eq!(row["consultations"], 2);
        assert!(row["average"]["overall"].as_f64().is_some());
        assert!(row["change"].as_f64().is_some());
        assert!(row["lastAt"].is_string());
        assert!(row["recurring"].as_array().is_some_and(|r| !r.is_empty() && r.len() <= 3), "{row}");

        let body = app.graphql(Some(&lead), TREND, json!({ "r": today(), "c": kim_id })).await;
        assert!(body["errors"].is_null(), "{body}");
        assert_eq!(body["data"]["coachingTrend"]["points"].as_array().map(Vec::len), Some(2));
        // Another team's counselor does not exist for this manager, nor for a counselor.
        let body = app.graphql(Some(&lead), TREND, json!({ "r": today(), "c": park_id })).await;
        assert_eq!(error_code(&body), "NOT_FOUND", "{body}");
        let body = app.graphql(Some(&park), TREND, json!({ "r": today(), "c": kim_id })).await;
        assert_eq!(error_code(&body), "NOT_FOUND", "{body}");
        let body = app.graphql(Some(&kim), OVERVIEW, json!({ "r": today() })).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
        let body = app.graphql(Some(&lead), TREND, json!({ "r": today(), "c": "not-an-id" })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        let body = app.graphql(Some(&lead), TREND, json!({ "r": { "from": "2026-02-01", "to": "2026-01-01" } })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");

        // The admin sees every counselor, or one team.
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let body = app.graphql(Some(&admin), OVERVIEW, json!({ "r": today() })).await;
        let rows = body["data"]["teamOverview"].as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 2, "{body}");
        assert_eq!(rows[0]["consultations"], 2, "most active first: {rows:?}");
    }
}
