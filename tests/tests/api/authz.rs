//! The authorization matrix: every object-returning query, mutation and subscription × role ×
//! ownership, with the stable code each denial must carry (`UNAUTHENTICATED`, `FORBIDDEN`, or
//! `NOT_FOUND` where admitting existence would leak data).

use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, db_tests, spawn_app};

const TRANSCRIPT: &str = "상담원: 안녕하세요, 상담원 김하늘입니다.\n고객: 배송이 늦어요.\n상담원: 불편을 드려 죄송합니다. 바로 확인해 드리겠습니다.\n고객: 네.\n상담원: 내일 도착 예정입니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n";

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Owner,
    SameTeamCounselor,
    TeamManager,
    OtherTeamManager,
    Admin,
    ReadOnlyApiKey,
}

const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::Owner,
    Actor::SameTeamCounselor,
    Actor::TeamManager,
    Actor::OtherTeamManager,
    Actor::Admin,
    Actor::ReadOnlyApiKey,
];

struct World {
    app: TestApp,
    tokens: Vec<(Actor, Option<String>)>,
    consultation: String,
    team_manager_key_id: String,
    team_a: String,
    owner_id: String,
}

impl World {
    fn token(&self, actor: Actor) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(a, _)| *a == actor)
            .and_then(|(_, t)| t.as_deref())
    }
}

async fn graphql_id(app: &TestApp, token: &str, query: &str, path: &[&str]) -> String {
    let body = app.graphql(Some(token), query, json!({})).await;
    let mut value = &body["data"];
    for key in path {
        value = &value[key];
    }
    value
        .as_str()
        .unwrap_or_else(|| panic!("{query}: {body}"))
        .to_owned()
}

async fn build_world(db: tests::Db) -> World {
    let app = spawn_app(db).await;
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let team_a = graphql_id(
        &app,
        &admin,
        "mutation { createTeam(name: \"A\") { id } }",
        &["createTeam", "id"],
    )
    .await;
    let team_b = graphql_id(
        &app,
        &admin,
        "mutation { createTeam(name: \"B\") { id } }",
        &["createTeam", "id"],
    )
    .await;
    let people = [
        ("owner@example.com", "COUNSELOR", &team_a),
        ("peer@example.com", "COUNSELOR", &team_a),
        ("lead-a@example.com", "MANAGER", &team_a),
        ("lead-b@example.com", "MANAGER", &team_b),
    ];
    let mut ids = Vec::new();
    for (email, role, team) in people {
        let query = format!(
            "mutation {{ createUser(input: {{email: \"{email}\", password: \"password-for-{role}\", role: {role}, teamId: \"{team}\"}}) {{ id }} }}"
        );
        ids.push(graphql_id(&app, &admin, &query, &["createUser", "id"]).await);
    }
    let login = |email: &'static str, role: &'static str| {
        let app = &app;
        async move { app.login(email, &format!("password-for-{role}")).await }
    };
    let owner = login("owner@example.com", "COUNSELOR").await;
    let peer = login("peer@example.com", "COUNSELOR").await;
    let lead_a = login("lead-a@example.com", "MANAGER").await;
    let lead_b = login("lead-b@example.com", "MANAGER").await;
    let created = app
        .graphql(Some(&lead_a), "mutation { createApiKey(name: \"read\", scopes: [CONSULTATIONS_READ]) { secret apiKey { id } } }", json!({}))
        .await;
    let key = created["data"]["createApiKey"]["secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let key_id = created["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let consultation = app.upload_text(&owner, "call.txt", TRANSCRIPT).await;
    app.wait_for_terminal(&owner, &consultation).await;
    World {
        tokens: vec![
            (Actor::Anonymous, None),
            (Actor::Owner, Some(owner)),
            (Actor::SameTeamCounselor, Some(peer)),
            (Actor::TeamManager, Some(lead_a)),
            (Actor::OtherTeamManager, Some(lead_b)),
            (Actor::Admin, Some(admin)),
            (Actor::ReadOnlyApiKey, Some(key)),
        ],
        app,
        consultation,
        team_manager_key_id: key_id,
        team_a,
        owner_id: ids.swap_remove(0),
    }
}

/// `"ok"` or the error code of the first error.
fn outcome(body: &Value) -> String {
    match body["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None if body["data"].is_object() => "ok".to_owned(),
        None => format!("unexpected: {body}"),
    }
}

fn expect_consultation(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::Owner | Actor::TeamManager | Actor::Admin | Actor::ReadOnlyApiKey => "ok",
        Actor::SameTeamCounselor | Actor::OtherTeamManager => "NOT_FOUND",
    }
}

fn expect_reanalyze(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::Owner | Actor::Admin => "ok",
        Actor::TeamManager | Actor::ReadOnlyApiKey => "FORBIDDEN",
        Actor::SameTeamCounselor | Actor::OtherTeamManager => "NOT_FOUND",
    }
}

/// Only the owner rates; readers who may not rate get FORBIDDEN, others NOT_FOUND.
fn expect_rate(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::Owner => "ok",
        Actor::TeamManager | Actor::Admin | Actor::ReadOnlyApiKey => "FORBIDDEN",
        Actor::SameTeamCounselor | Actor::OtherTeamManager => "NOT_FOUND",
    }
}

fn expect_admin_op(actor: Actor, op: &str) -> &'static str {
    match (actor, op) {
        (Actor::Anonymous, _) => "UNAUTHENTICATED",
        (Actor::Admin, _) => "ok",
        (_, "teams") => "ok",
        (Actor::TeamManager, "users" | "apiKeys" | "createApiKey") => "ok",
        (Actor::OtherTeamManager, "users" | "apiKeys" | "createApiKey") => "ok",
        (Actor::OtherTeamManager, "revokeApiKey") => "NOT_FOUND",
        (Actor::TeamManager, "revokeApiKey") => "ok",
        _ => "FORBIDDEN",
    }
}

/// Sharing: whoever may read the consultation, with a credential that may write.
fn expect_share(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::Owner | Actor::TeamManager | Actor::Admin => "ok",
        Actor::ReadOnlyApiKey => "FORBIDDEN",
        Actor::SameTeamCounselor | Actor::OtherTeamManager => "NOT_FOUND",
    }
}

/// Reviewing a dispute: the counselor's team managers and admins, acting themselves.
fn expect_resolve(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::TeamManager | Actor::Admin => "ok",
        Actor::OtherTeamManager => "NOT_FOUND",
        Actor::Owner | Actor::SameTeamCounselor | Actor::ReadOnlyApiKey => "FORBIDDEN",
    }
}

/// KPIs: managers and admins; a manager only of the whole organisation or their own team.
fn expect_kpis(actor: Actor, own_team_only: bool) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::TeamManager | Actor::Admin => "ok",
        Actor::OtherTeamManager if !own_team_only => "ok",
        _ => "FORBIDDEN",
    }
}

/// A counselor's trend: themselves, their team's manager, admins, and keys of those; others are
/// told it does not exist.
fn expect_trend(actor: Actor) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::Owner | Actor::TeamManager | Actor::Admin | Actor::ReadOnlyApiKey => "ok",
        Actor::SameTeamCounselor | Actor::OtherTeamManager => "NOT_FOUND",
    }
}

/// The team overview: managers (their own team) and admins; keys need `kpis:read`.
fn expect_overview(actor: Actor, team_a_asked: bool) -> &'static str {
    match actor {
        Actor::Anonymous => "UNAUTHENTICATED",
        Actor::TeamManager | Actor::Admin => "ok",
        Actor::OtherTeamManager if !team_a_asked => "ok",
        _ => "FORBIDDEN",
    }
}

db_tests! {
    async fn every_coaching_query_is_allowed_or_denied_per_role_and_team(db: Db) {
        let world = build_world(db).await;
        let app = &world.app;
        let range = json!({"from": "2026-01-01", "to": "2026-01-31"});
        let mut failures = Vec::new();
        for actor in ACTORS {
            let token = world.token(actor);
            let own = app.graphql(token, "query($r: DayRangeInput!) { coachingTrend(range: $r) { points { title } } }", json!({"r": range})).await;
            let expected_own = match actor {
                Actor::Anonymous => "UNAUTHENTICATED",
                Actor::ReadOnlyApiKey => "FORBIDDEN",
                _ => "ok",
            };
            let cases = [
                ("coachingTrend", own, expected_own),
                ("coachingTrend(counselorId)", app.graphql(token, "query($r: DayRangeInput!, $c: ID) { coachingTrend(range: $r, counselorId: $c) { points { title } } }", json!({"r": range, "c": world.owner_id})).await, expect_trend(actor)),
                ("teamOverview", app.graphql(token, "query($r: DayRangeInput!) { teamOverview(range: $r) { consultations } }", json!({"r": range})).await, expect_overview(actor, false)),
                ("teamOverview(teamId)", app.graphql(token, "query($r: DayRangeInput!, $t: ID) { teamOverview(range: $r, teamId: $t) { consultations } }", json!({"r": range, "t": world.team_a})).await, expect_overview(actor, true)),
            ];
            for (name, body, expected) in cases {
                if outcome(&body) != expected {
                    failures.push(format!("{actor:?} {name}: {} (expected {expected})", outcome(&body)));
                }
            }
        }
        assert!(failures.is_empty(), "authorization matrix violations:\n{}", failures.join("\n"));
    }

    async fn every_kpi_query_is_allowed_or_denied_per_role_and_team(db: Db) {
        let world = build_world(db).await;
        let app = &world.app;
        let range = json!({"from": "2026-01-01", "to": "2026-01-31"});
        let mut failures = Vec::new();
        for actor in ACTORS {
            let token = world.token(actor);
            let cases = [
                ("kpis", "query($r: DayRangeInput!) { kpis(range: $r) { summary { met } } }", json!({"r": range}), false),
                ("kpis(teamId)", "query($r: DayRangeInput!, $t: ID) { kpis(range: $r, teamId: $t) { kpis { id value } } }", json!({"r": range, "t": world.team_a}), true),
                ("kpi", "query($r: DayRangeInput!, $t: ID) { kpi(id: \"dau\", range: $r, teamId: $t) { value } }", json!({"r": range, "t": world.team_a}), true),
                ("generateWeeklyReport", "mutation { generateWeeklyReport(weekOf: \"2026-01-05\") { id } }", json!({}), false),
                ("weeklyReports", "{ weeklyReports { id } }", json!({}), false),
                ("weeklyReport", "{ weeklyReport(weekOf: \"2026-01-05\") { markdown } }", json!({}), false),
            ];
            for (name, query, variables, own_team_only) in cases {
                let body = app.graphql(token, query, variables).await;
                let expected = expect_kpis(actor, own_team_only);
                if outcome(&body) != expected {
                    failures.push(format!("{actor:?} {name}: {} (expected {expected})", outcome(&body)));
                }
            }
        }
        assert!(failures.is_empty(), "authorization matrix violations:\n{}", failures.join("\n"));
    }

    async fn every_consultation_operation_is_allowed_or_denied_per_role_and_ownership(db: Db) {
        let world = build_world(db).await;
        let app = &world.app;
        let id = world.consultation.clone();
        let mut failures = Vec::new();
        for actor in ACTORS {
            let token = world.token(actor);
            let detail = app
                .graphql(token, "query($id: ID!) { consultation(id: $id) { id report { summary } transcript { text } events { seq } } }", json!({"id": id}))
                .await;
            if outcome(&detail) != expect_consultation(actor) {
                failures.push(format!("{actor:?} consultation: {}", outcome(&detail)));
            }
            let list = app.graphql(token, "{ consultations { id } consultationCount }", json!({})).await;
            let listed = list["data"]["consultations"].as_array().is_some_and(|a| a.iter().any(|c| c["id"] == id.as_str()));
            let expected_listed = expect_consultation(actor) == "ok";
            if actor == Actor::Anonymous {
                if outcome(&list) != "UNAUTHENTICATED" {
                    failures.push(format!("{actor:?} consultations: {}", outcome(&list)));
                }
            } else if listed != expected_listed {
                failures.push(format!("{actor:?} consultations lists it: {listed}"));
            }
            if let Some(token) = token {
                let result = app.collect_progress(token, &id, 0).await;
                let got = match result {
                    Ok(events) if !events.is_empty() => "ok".to_owned(),
                    Ok(_) => "empty".to_owned(),
                    Err(e) if e.to_string().contains("NOT_FOUND") => "NOT_FOUND".to_owned(),
                    Err(e) => e.to_string(),
                };
                if got != expect_consultation(actor) {
                    failures.push(format!("{actor:?} analysisProgress: {got}"));
                }
            } else {
                let denied = app.ws_connect("").await.err().map(|e| e.to_string()).unwrap_or_default();
                if !denied.contains("4403") {
                    failures.push(format!("anonymous socket: {denied}"));
                }
            }
        }
        // Mutations last: a successful re-analysis adds consultations.
        for actor in ACTORS {
            let body = app
                .graphql(world.token(actor), "mutation($id: ID!) { rateAnalysis(consultationId: $id, input: {rating: 4}) { id } }", json!({"id": id}))
                .await;
            if outcome(&body) != expect_rate(actor) {
                failures.push(format!("{actor:?} rateAnalysis: {}", outcome(&body)));
            }
            let read = app
                .graphql(world.token(actor), "query($id: ID!) { consultation(id: $id) { feedback { rating } } }", json!({"id": id}))
                .await;
            if outcome(&read) != expect_consultation(actor) {
                failures.push(format!("{actor:?} consultation.feedback: {}", outcome(&read)));
            }
        }
        for actor in ACTORS {
            let body = app
                .graphql(world.token(actor), "mutation($id: ID!) { reanalyze(consultationId: $id) { id } }", json!({"id": id}))
                .await;
            if outcome(&body) != expect_reanalyze(actor) {
                failures.push(format!("{actor:?} reanalyze: {}", outcome(&body)));
            }
        }
        assert!(failures.is_empty(), "authorization matrix violations:\n{}", failures.join("\n"));
    }

    async fn every_export_share_and_dispute_operation_is_allowed_or_denied_per_role_and_ownership(db: Db) {
        let world = build_world(db).await;
        let app = &world.app;
        let id = world.consultation.clone();
        let owner = world.token(Actor::Owner).unwrap_or_default().to_owned();
        let mut failures = Vec::new();
        let mut check = |actor: Actor, name: &str, body: &Value, expected: &str| {
            if outcome(body) != expected {
                failures.push(format!("{actor:?} {name}: {} (expected {expected})", outcome(body)));
            }
        };
        for actor in ACTORS {
            let token = world.token(actor);
            let body = app.graphql(token, "mutation($id: ID!) { exportReport(consultationId: $id, format: MARKDOWN) { byteSize } }", json!({"id": id})).await;
            check(actor, "exportReport", &body, expect_consultation(actor));
            let body = app.graphql(token, "query($id: ID!) { consultation(id: $id) { shareLinks { id } acknowledgedAt disputes { id } } }", json!({"id": id})).await;
            check(actor, "consultation.shareLinks/acknowledgedAt/disputes", &body, expect_consultation(actor));
            let body = app.graphql(token, "mutation($id: ID!) { createShareLink(consultationId: $id) { token } }", json!({"id": id})).await;
            check(actor, "createShareLink", &body, expect_share(actor));
            let link = graphql_id(app, &owner, &format!("mutation {{ createShareLink(consultationId: \"{id}\") {{ link {{ id }} }} }}"), &["createShareLink", "link", "id"]).await;
            let body = app.graphql(token, "mutation($id: ID!) { revokeShareLink(id: $id) { active } }", json!({"id": link})).await;
            check(actor, "revokeShareLink", &body, expect_share(actor));
            let body = app.graphql(token, "mutation($id: ID!) { acknowledgeReport(consultationId: $id) }", json!({"id": id})).await;
            check(actor, "acknowledgeReport", &body, expect_rate(actor));
            let body = app.graphql(token, "mutation($id: ID!) { disputeItem(consultationId: $id, position: 0, reason: \"근거가 맞지 않습니다.\") { id } }", json!({"id": id})).await;
            check(actor, "disputeItem", &body, expect_rate(actor));
            let body = app.graphql(token, "{ disputes { id } }", json!({})).await;
            let expected = if actor == Actor::Anonymous { "UNAUTHENTICATED" } else { "ok" };
            check(actor, "disputes", &body, expected);
            let sees = body["data"]["disputes"].as_array().is_some_and(|d| !d.is_empty());
            let should_see = if expect_consultation(actor) == "ok" { "visible" } else { "hidden" };
            let listed = json!({"data": {}, "seen": if sees { "visible" } else { "hidden" }});
            check(actor, "disputes lists the owner's dispute", &listed, if listed["seen"] == should_see { "ok" } else { should_see });
        }
        // Reviews: one open dispute per item, so every allowed reviewer has one to decide.
        let mut position = 1;
        let admin_last = ACTORS.into_iter().filter(|a| *a != Actor::Admin).chain([Actor::Admin]);
        for actor in admin_last {
            let dispute = graphql_id(app, &owner, &format!("mutation {{ disputeItem(consultationId: \"{id}\", position: {position}, reason: \"근거가 맞지 않습니다.\") {{ id }} }}"), &["disputeItem", "id"]).await;
            let body = app.graphql(world.token(actor), "mutation($id: ID!) { resolveDispute(id: $id, input: {accept: false}) { status } }", json!({"id": dispute})).await;
            check(actor, "resolveDispute", &body, expect_resolve(actor));
            if outcome(&body) == "ok" {
                position += 1;
            }
        }
        // Share links need no account, but only a live token opens one.
        let token = graphql_id(app, &owner, &format!("mutation {{ createShareLink(consultationId: \"{id}\") {{ token }} }}"), &["createShareLink", "token"]).await;
        for actor in ACTORS {
            let body = app.graphql(world.token(actor), "query($t: String!) { sharedReport(token: $t) { fileType } }", json!({"t": token})).await;
            check(actor, "sharedReport", &body, "ok");
            let body = app.graphql(world.token(actor), "mutation($t: String!) { exportSharedReport(token: $t, format: JSON) { byteSize } }", json!({"t": token})).await;
            check(actor, "exportSharedReport", &body, "ok");
            let body = app.graphql(world.token(actor), "query { sharedReport(token: \"0000000000000000000000000000000000000000000000000000000000000000\") { fileType } }", json!({})).await;
            check(actor, "sharedReport(unknown)", &body, "NOT_FOUND");
        }
        assert!(failures.is_empty(), "authorization matrix violations:\n{}", failures.join("\n"));
    }

    async fn every_administration_operation_is_allowed_or_denied_per_role(db: Db) {
        let world = build_world(db).await;
        let app = &world.app;
        let mut failures = Vec::new();
        for actor in ACTORS {
            let token = world.token(actor);
            let suffix = format!("{actor:?}").to_lowercase();
            let ops = [
                ("users", "{ users { id } }".to_owned()),
                ("teams", "{ teams { id } }".to_owned()),
                ("apiKeys", "{ apiKeys { id } }".to_owned()),
                ("createUser", format!("mutation {{ createUser(input: {{email: \"new-{suffix}@example.com\", password: \"new-user-password\", role: COUNSELOR}}) {{ id }} }}")),
                ("createTeam", format!("mutation {{ createTeam(name: \"team-{suffix}\") {{ id }} }}")),
                ("createApiKey", "mutation { createApiKey(name: \"k\", scopes: [KPIS_READ]) { secret } }".to_owned()),
                ("backups", "{ backups { id } }".to_owned()),
                ("systemStatus", "{ systemStatus { database analyzer providerKeyConfigured } }".to_owned()),
                ("runBackup", "mutation { runBackup { id } }".to_owned()),
            ];
            for (op, query) in ops {
                let body = app.graphql(token, &query, json!({})).await;
                let expected = match (actor, op) {
                    (Actor::ReadOnlyApiKey, _) if op != "teams" => "FORBIDDEN",
                    _ => expect_admin_op(actor, op),
                };
                if outcome(&body) != expected {
                    failures.push(format!("{actor:?} {op}: {} (expected {expected})", outcome(&body)));
                }
            }
            let counselor_id = app
                .graphql(world.token(Actor::Admin), "{ users { id email } }", json!({}))
                .await["data"]["users"]
                .as_array()
                .and_then(|users| users.iter().find(|u| u["email"] == "peer@example.com").map(|u| u["id"].clone()))
                .unwrap_or_default();
            let update = app
                .graphql(token, "mutation($id: ID!) { updateUser(id: $id, input: {role: COUNSELOR}) { id } }", json!({"id": counselor_id}))
                .await;
            let expected = if actor == Actor::ReadOnlyApiKey { "FORBIDDEN" } else { expect_admin_op(actor, "updateUser") };
            if outcome(&update) != expected {
                failures.push(format!("{actor:?} updateUser: {}", outcome(&update)));
            }
        }
        // Revocation last, by everyone but the key's owner and the admin first.
        for actor in [Actor::Anonymous, Actor::Owner, Actor::SameTeamCounselor, Actor::OtherTeamManager, Actor::ReadOnlyApiKey, Actor::TeamManager] {
            let body = app
                .graphql(world.token(actor), "mutation($id: ID!) { revokeApiKey(id: $id) { id } }", json!({"id": world.team_manager_key_id}))
                .await;
            let expected = if actor == Actor::ReadOnlyApiKey { "FORBIDDEN" } else { expect_admin_op(actor, "revokeApiKey") };
            if outcome(&body) != expected {
                failures.push(format!("{actor:?} revokeApiKey: {}", outcome(&body)));
            }
        }
        assert!(failures.is_empty(), "authorization matrix violations:\n{}", failures.join("\n"));
    }
}

#[test]
fn the_matrix_covers_every_root_field_of_the_schema() {
    let sdl = consult_coach::graphql::schema::schema_sdl();
    // Matrix rows above, plus the session and own-account fields tested in accounts.rs and the
    // manager-only survey fields tested in surveys.rs.
    let covered = [
        "me",
        "coachingTrend",
        "teamOverview",
        "consultations",
        "consultation",
        "consultationCount",
        "users",
        "teams",
        "apiKeys",
        "login",
        "refreshSession",
        "logout",
        "signUp",
        "changePassword",
        "setLocale",
        "uploadConsultation",
        "reanalyze",
        "rateAnalysis",
        "exportReport",
        "createShareLink",
        "revokeShareLink",
        "sharedReport",
        "exportSharedReport",
        "acknowledgeReport",
        "disputeItem",
        "resolveDispute",
        "disputes",
        "surveyStatus",
        "mySurveys",
        "submitSurvey",
        "createUser",
        "updateUser",
        "createTeam",
        "createApiKey",
        "revokeApiKey",
        "analysisProgress",
        "kpis",
        "kpi",
        "backups",
        "systemStatus",
        "runBackup",
        "weeklyReports",
        "weeklyReport",
        "generateWeeklyReport",
    ];
    let mut root_fields = Vec::new();
    for root in ["type Query {", "type Mutation {", "type Subscription {"] {
        let Some(start) = sdl.find(root) else {
            continue;
        };
        let block = &sdl[start + root.len()..];
        let block = &block[..block.find("\n}").unwrap_or(block.len())];
        let mut in_doc = false;
        for line in block.lines().map(str::trim) {
            if line.starts_with("\"\"\"") {
                // A one-line doc string opens and closes on the same line.
                if !(line.len() > 3 && line.ends_with("\"\"\"")) {
                    in_doc = !in_doc;
                }
                continue;
            }
            if in_doc || line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.split(['(', ':']).next() {
                root_fields.push(name.trim().to_owned());
            }
        }
    }
    let missing: Vec<_> = root_fields
        .iter()
        .filter(|f| !covered.contains(&f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "new root fields need authorization tests: {missing:?}"
    );
    assert!(root_fields.len() >= covered.len(), "{root_fields:?}");
}
