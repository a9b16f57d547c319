//! Counselors rate their analyses; managers of their team read the ratings (KPI §3.1 사용자 만족도).

use serde_json::{Value, json};
use tests::error_code as code;
use tests::{db_tests, spawn_app, spawn_app_with};

const CALL: &str = "상담원: 안녕하세요, 행복카드 상담원 김하늘입니다.\n고객: 카드 결제가 안 돼요.\n상담원: 불편을 드려 죄송합니다. 확인해 드리겠습니다.\n고객: 네.\n상담원: 한도 초과로 확인됩니다. 한도를 올려 드렸습니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n";

const RATE: &str = "mutation($id: ID!, $input: RateAnalysisInput!) { rateAnalysis(consultationId: $id, input: $input) {
    id rating comment mine author items { position code helpful } } }";

const FEEDBACK: &str = "query($id: ID!) { consultation(id: $id) { feedback { id rating comment mine author items { position helpful } } } }";

db_tests! {
    async fn a_counselor_rates_an_analysis_edits_the_rating_and_their_manager_reads_it(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, park) = app.kim_lead_park().await;
        let id = app.upload_text(&kim, "결제.txt", CALL).await;
        assert_eq!(app.wait_for_terminal(&kim, &id).await["status"], "COMPLETED");

        let first = app.graphql(Some(&kim), RATE, json!({ "id": id, "input": {
            "rating": 4, "comment": "  공감 표현 조언이 도움이 됐어요  ",
            "items": [{ "position": 0, "helpful": true }, { "position": 1, "helpful": false }]
        } })).await;
        assert!(first["errors"].is_null(), "{first}");
        let rated = &first["data"]["rateAnalysis"];
        assert_eq!((rated["rating"].clone(), rated["mine"].clone()), (json!(4), json!(true)));
        assert_eq!(rated["comment"], "공감 표현 조언이 도움이 됐어요");
        assert_eq!(rated["author"], "김하늘");
        assert_eq!(rated["items"].as_array().map(Vec::len), Some(2));
        assert!(rated["items"][0]["code"].as_str().is_some_and(|c| !c.is_empty()));

        // Rating again replaces the rating and its item judgements.
        let second = app.graphql(Some(&kim), RATE, json!({ "id": id, "input": {
            "rating": 2, "items": [{ "position": 0, "helpful": false }]
        } })).await;
        assert!(second["errors"].is_null(), "{second}");
        assert_eq!(second["data"]["rateAnalysis"]["id"], rated["id"], "one rating per user and analysis");

        let as_owner = app.graphql(Some(&kim), FEEDBACK, json!({ "id": id })).await;
        let list = &as_owner["data"]["consultation"]["feedback"];
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{as_owner}");
        assert_eq!((list[0]["rating"].clone(), list[0]["comment"].clone()), (json!(2), Value::Null));
        assert_eq!(list[0]["items"], json!([{ "position": 0, "helpful": false }]));

        let as_manager = app.graphql(Some(&lead), FEEDBACK, json!({ "id": id })).await;
        let seen = &as_manager["data"]["consultation"]["feedback"][0];
        assert_eq!((seen["rating"].clone(), seen["mine"].clone(), seen["author"].clone()), (json!(2), json!(false), json!("김하늘")));
        let manager_rates = app.graphql(Some(&lead), RATE, json!({ "id": id, "input": { "rating": 5 } })).await;
        assert_eq!(code(&manager_rates), "FORBIDDEN", "only the owner rates: {manager_rates}");

        for query in [FEEDBACK, RATE] {
            let other = app.graphql(Some(&park), query, json!({ "id": id, "input": { "rating": 5 } })).await;
            assert_eq!(code(&other), "NOT_FOUND", "another team's counselor: {other}");
        }
        let anonymous = app.graphql(None, RATE, json!({ "id": id, "input": { "rating": 5 } })).await;
        assert_eq!(code(&anonymous), "UNAUTHENTICATED");

        let kinds = app.graphql(Some(&kim), FEEDBACK, json!({ "id": id })).await;
        assert!(kinds["errors"].is_null());
        use sea_orm::{ConnectionTrait, Statement};
        let recorded = app.db.query_one(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM activity_events WHERE kind = 'feedback'",
        )).await.ok().flatten().and_then(|r| r.try_get::<i64>("", "n").ok());
        assert_eq!(recorded, Some(2), "each rating is a feedback activity");
    }

    async fn bad_ratings_are_refused_with_a_clear_code_in_the_counselors_language(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "결제.txt", CALL).await;
        app.wait_for_terminal(&token, &id).await;
        let cases = [
            (json!({ "rating": 6 }), "BAD_USER_INPUT", "1점부터 5점"),
            (json!({ "rating": 0 }), "BAD_USER_INPUT", "1점부터 5점"),
            (json!({ "rating": 3, "comment": "가".repeat(2001) }), "BAD_USER_INPUT", "2,000자"),
            (json!({ "rating": 3, "items": [{ "position": 9, "helpful": true }] }), "BAD_USER_INPUT", "9번 개선 항목"),
            (json!({ "rating": 3, "items": [{ "position": -1, "helpful": true }] }), "BAD_USER_INPUT", "개선 항목"),
        ];
        for (input, expected, words) in cases {
            let body = app.graphql(Some(&token), RATE, json!({ "id": id, "input": input })).await;
            assert_eq!(code(&body), expected, "{input}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(words), "{input}: {message}");
        }
        let listed = app.graphql(Some(&token), FEEDBACK, json!({ "id": id })).await;
        assert_eq!(listed["data"]["consultation"]["feedback"], json!([]), "nothing was stored");
    }

    async fn an_analysis_that_has_not_finished_cannot_be_rated(db: Db) {
        let app = spawn_app_with(db, |s| s.workers.count = 0).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "결제.txt", CALL).await;
        let body = app.graphql(Some(&token), RATE, json!({ "id": id, "input": { "rating": 4 } })).await;
        assert_eq!(code(&body), "NOT_ANALYSED", "{body}");
    }
}
