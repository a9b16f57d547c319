//! Managers answer a survey each period (monthly by default): satisfaction, NPS, time saved,
//! perceived quality. The sources of the satisfaction, NPS and time-saved KPIs.

use serde_json::json;
use shared::access::Role;
use tests::error_code as code;
use tests::{db_tests, spawn_app};

const SUBMIT: &str = "mutation($input: SurveyInput!) { submitSurvey(input: $input) {
    id period satisfaction nps timeSavedPct qualityScore comment } }";
const STATUS: &str = "{ surveyStatus { period due current { id nps } } mySurveys { id period } }";

db_tests! {
    async fn a_manager_answers_the_periods_survey_once_and_may_change_the_answer(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("lead@example.com", "password-for-tests", Role::Manager).await;
        let lead = app.login("lead@example.com", "password-for-tests").await;

        let before = app.graphql(Some(&lead), STATUS, json!({})).await;
        assert!(before["errors"].is_null(), "{before}");
        let period = before["data"]["surveyStatus"]["period"].as_str().unwrap_or_default().to_owned();
        let expected = coach_app::service::surveys::period_of(
            coach_app::config::SurveyPeriod::Monthly,
            shared::clock::now_ms(),
        );
        assert_eq!(period, expected, "monthly by default");
        assert_eq!(before["data"]["surveyStatus"]["due"], true, "a reminder is due");

        let answer = json!({ "satisfaction": 4, "nps": 9, "timeSavedPct": 70, "qualityScore": 4, "comment": " 코칭 시간이 줄었어요 " });
        let first = app.graphql(Some(&lead), SUBMIT, json!({ "input": answer })).await;
        assert!(first["errors"].is_null(), "{first}");
        assert_eq!(first["data"]["submitSurvey"]["comment"], "코칭 시간이 줄었어요");
        let changed = json!({ "satisfaction": 5, "nps": 6, "timeSavedPct": 80, "qualityScore": 3 });
        let second = app.graphql(Some(&lead), SUBMIT, json!({ "input": changed })).await;
        assert_eq!(second["data"]["submitSurvey"]["id"], first["data"]["submitSurvey"]["id"], "one per period");

        let after = app.graphql(Some(&lead), STATUS, json!({})).await;
        assert_eq!(after["data"]["surveyStatus"]["due"], false);
        assert_eq!(after["data"]["surveyStatus"]["current"]["nps"], 6);
        assert_eq!(after["data"]["mySurveys"].as_array().map(Vec::len), Some(1));

        let day = tests::kpi_today();
        let board = app.kpi_board(&lead, &day, &day).await;
        let figure = |id: &str| tests::kpi_of(&board, id);
        assert_eq!((figure("nps")["value"].as_f64(), figure("nps")["sampleSize"].as_i64()), (Some(6.0), Some(1)), "the changed answer counts once");
        assert_eq!(figure("nps")["details"], json!([{"key": "net_promoter_score", "value": -100.0}]), "one detractor");
        assert_eq!(figure("time_saved")["value"], 80.0);
    }

    async fn only_managers_answer_surveys_and_answers_stay_within_their_scales(db: Db) {
        let app = spawn_app(db).await;
        let counselor = app.counselor_token("kim@example.com").await;
        let admin = app.login(tests::ADMIN_EMAIL, tests::ADMIN_PASSWORD).await;
        let valid = json!({ "satisfaction": 4, "nps": 8, "timeSavedPct": 50, "qualityScore": 4 });
        for (who, token) in [("counselor", Some(&counselor)), ("admin", Some(&admin))] {
            let body = app.graphql(token.map(String::as_str), SUBMIT, json!({ "input": valid })).await;
            assert_eq!(code(&body), "FORBIDDEN", "{who}: {body}");
            let status = app.graphql(token.map(String::as_str), STATUS, json!({})).await;
            assert_eq!(code(&status), "FORBIDDEN", "{who}: {status}");
        }
        assert_eq!(code(&app.graphql(None, SUBMIT, json!({ "input": valid })).await), "UNAUTHENTICATED");

        app.create_user("lead@example.com", "password-for-tests", Role::Manager).await;
        let lead = app.login("lead@example.com", "password-for-tests").await;
        for (field, bad, words) in [("satisfaction", 0, "1부터 5"), ("nps", 11, "0부터 10"), ("timeSavedPct", 101, "0부터 100"), ("qualityScore", 6, "1부터 5")] {
            let mut input = valid.clone();
            input[field] = json!(bad);
            let body = app.graphql(Some(&lead), SUBMIT, json!({ "input": input })).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{field}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(words), "{field}: {message}");
        }
        let status = app.graphql(Some(&lead), STATUS, json!({})).await;
        assert_eq!(status["data"]["surveyStatus"]["due"], true, "nothing was stored");
    }
}
