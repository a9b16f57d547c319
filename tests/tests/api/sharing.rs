//! Report exports (Markdown, PDF with Korean text, JSON), share links with expiry and revocation,
//! and acknowledgements and disputes (issue 7 items 3 and 5).

use std::process::Command;

use base64::Engine;
use serde_json::{Value, json};
use tests::error_code as code;
use tests::{TestApp, db_tests, spawn_app, workspace_root};

const CALL: &str = "상담원: 안녕하세요, 행복카드 상담원 김하늘입니다.\n고객: 카드 결제가 안 돼요. 제 번호는 010-2345-6789예요.\n상담원: 불편을 드려 죄송합니다. 확인해 드리겠습니다.\n고객: 네.\n상담원: 한도 초과로 확인됩니다. 한도를 올려 드렸습니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n";

const EXPORT: &str = "mutation($id: ID!, $f: ReportFormat!) { exportReport(consultationId: $id, format: $f) { fileName mediaType byteSize contentBase64 } }";

const SHARE: &str = "mutation($id: ID!, $h: Int) { createShareLink(consultationId: $id, expiresInHours: $h) { token path link { id active expiresAt mine } } }";

const SHARED: &str = "query($t: String!) { sharedReport(token: $t) { fileType expiresAt report { summary improvements { title } } transcript { speaker text } } }";

async fn export(
    app: &TestApp,
    token: &str,
    id: &str,
    format: &str,
    lang: &str,
) -> (Value, Vec<u8>) {
    let body = app
        .graphql_with_language(Some(token), EXPORT, json!({ "id": id, "f": format }), lang)
        .await;
    let file = body["data"]["exportReport"].clone();
    assert!(file.is_object(), "{body}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file["contentBase64"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("base64: {e}"));
    assert_eq!(file["byteSize"], json!(bytes.len()));
    (file, bytes)
}

/// Runs a poppler tool on a PDF and returns its standard output.
fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils; scripts/test.sh installs it): {e}"));
    assert!(
        output.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The share of dark pixels of a binary PGM (`P5`, 8-bit) page image.
fn ink_share(pgm: &std::path::Path) -> f64 {
    let bytes = std::fs::read(pgm).unwrap_or_else(|e| panic!("{}: {e}", pgm.display()));
    // Header: "P5", width, height, maxval, each followed by one whitespace byte.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        at += 1;
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let pixels = &bytes[at..];
    let size = |f: &str| {
        f.parse::<usize>()
            .unwrap_or_else(|e| panic!("PGM size {f}: {e}"))
    };
    let (w, h) = (size(&fields[1]), size(&fields[2]));
    assert_eq!(pixels.len(), w * h);
    pixels.iter().filter(|&&p| p < 160).count() as f64 / pixels.len() as f64
}

async fn downloads_and_shares(app: &TestApp) -> (i64, i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT SUM(CASE WHEN kind = 'download' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 'share' THEN 1 ELSE 0 END) FROM activity_events".to_owned(),
        ))
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("activity_events could not be counted"));
    let count = |i| {
        row.try_get_by_index::<Option<i64>>(i)
            .ok()
            .flatten()
            .unwrap_or(0)
    };
    (count(0), count(1))
}

db_tests! {
    async fn a_report_exports_as_markdown_json_and_a_pdf_whose_korean_text_renders(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, park) = app.kim_lead_park().await;
        let id = app.upload_text(&kim, "결제 문의.txt", CALL).await;
        app.wait_for_terminal(&kim, &id).await;

        let (md_file, md) = export(&app, &kim, &id, "MARKDOWN", "ko").await;
        assert_eq!(md_file["mediaType"], "text/markdown; charset=utf-8");
        assert_eq!(md_file["fileName"], format!("consultation-report-{id}.md"));
        let md = String::from_utf8_lossy(&md).into_owned();
        for expected in ["# 상담 분석 보고서", "## 요약", "## 개선 항목", "## 대화 기록 (개인정보 가림)", "**상담원** 안녕하세요", "결제 문의"] {
            assert!(md.contains(expected), "{expected} missing from:\n{md}");
        }
        assert!(!md.contains("2345-6789"), "the transcript must be the redacted one:\n{md}");

        let (_, md_en) = export(&app, &lead, &id, "MARKDOWN", "en").await;
        let md_en = String::from_utf8_lossy(&md_en).into_owned();
        assert!(md_en.contains("# Consultation analysis report") && md_en.contains("**Agent** 안녕하세요"), "{md_en}");

        let (json_file, json_bytes) = export(&app, &kim, &id, "JSON", "ko").await;
        assert_eq!(json_file["mediaType"], "application/json");
        let parsed: Value = serde_json::from_slice(&json_bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed["title"], "결제 문의");
        assert!(parsed["report"]["improvements"].as_array().is_some_and(|a| a.len() >= 3), "{parsed}");
        assert_eq!(parsed["transcript"][0]["speaker"], "AGENT");

        let (pdf_file, pdf) = export(&app, &kim, &id, "PDF", "ko").await;
        assert_eq!(pdf_file["mediaType"], "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let dir = workspace_root().join("tests/artifacts/exports");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let stem = format!("report-{}", if app.settings.database.url.is_some() { "postgres" } else { "sqlite" });
        let path = dir.join(format!("{stem}.pdf"));
        std::fs::write(&path, &pdf).unwrap_or_else(|e| panic!("{e}"));
        let path = path.to_string_lossy().into_owned();
        // The text is real text in an embedded font, not pictures of it.
        let text = poppler("pdftotext", &["-layout", &path, "-"]);
        for expected in ["상담 분석 보고서", "개선 항목", "상담원 [이름]입니다."] {
            assert!(text.contains(expected), "{expected} missing from the PDF text:\n{text}");
        }
        let fonts = poppler("pdffonts", &[&path]);
        assert!(fonts.lines().skip(2).all(|l| l.contains(" yes ")), "every font embedded:\n{fonts}");
        assert!(fonts.to_lowercase().contains("nanum") || fonts.contains("CJK"), "{fonts}");
        let info = poppler("pdfinfo", &[&path]);
        assert!(info.contains("595 x 842 pts (A4)"), "{info}");
        // Rendered to PNG, the first page shows glyphs (checked by eye in tests/artifacts too).
        let png_root = dir.join(&stem).to_string_lossy().into_owned();
        poppler("pdftoppm", &["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", &path, &png_root]);
        poppler("pdftoppm", &["-gray", "-r", "80", "-f", "1", "-l", "1", "-singlefile", &path, &png_root]);
        let ink = ink_share(&std::path::PathBuf::from(format!("{png_root}.pgm")));
        assert!((0.01..0.5).contains(&ink), "page 1 ink share {ink}");

        // Three downloads by the owner and one by the manager were recorded (utilisation KPI).
        assert_eq!(downloads_and_shares(&app).await, (4, 0));

        let denied = app.graphql(Some(&park), EXPORT, json!({ "id": id, "f": "PDF" })).await;
        assert_eq!(code(&denied), "NOT_FOUND");
        // A consultation whose processing failed has no report to export.
        let failed = app.upload_text(&kim, "빈 파일.txt", "\u{feff}\n \n\t\n").await;
        let status = app.wait_for_terminal(&kim, &failed).await;
        assert_eq!(status["status"], "FAILED", "{status}");
        let early = app.graphql(Some(&kim), EXPORT, json!({ "id": failed, "f": "MARKDOWN" })).await;
        assert_eq!(code(&early), "NOT_ANALYSED", "{early}");
    }

    async fn a_share_link_shows_the_redacted_report_without_an_account_until_revoked_or_expired(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, park) = app.kim_lead_park().await;
        let id = app.upload_text(&kim, "결제 문의.txt", CALL).await;
        app.wait_for_terminal(&kim, &id).await;

        let created = app.graphql(Some(&kim), SHARE, json!({ "id": id })).await;
        assert!(created["errors"].is_null(), "{created}");
        let created = &created["data"]["createShareLink"];
        let token = created["token"].as_str().unwrap_or_default().to_owned();
        assert_eq!(token.len(), 64);
        assert_eq!(created["path"], format!("/share/{token}"));
        assert_eq!((created["link"]["active"].clone(), created["link"]["mine"].clone()), (json!(true), json!(true)));
        let expires = chrono::DateTime::parse_from_rfc3339(created["link"]["expiresAt"].as_str().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        let days = (expires.timestamp() - chrono::Utc::now().timestamp()) as f64 / 86_400.0;
        assert!((6.9..=7.0).contains(&days), "default lifetime 7 days, got {days}");

        // Anyone with the link reads the report and the redacted transcript, and nothing else.
        let shared = app.graphql(None, SHARED, json!({ "t": token })).await;
        let view = &shared["data"]["sharedReport"];
        assert!(view["report"]["summary"].is_string(), "{shared}");
        assert_eq!(view["fileType"], "text");
        let transcript = view["transcript"].to_string();
        assert!(transcript.contains("안녕하세요") && !transcript.contains("2345-6789"), "{transcript}");
        let no_title = app.graphql(None, "query($t: String!) { sharedReport(token: $t) { title } }", json!({ "t": token })).await;
        assert!(no_title["errors"][0]["message"].as_str().is_some_and(|m| m.contains("Unknown field \"title\"")), "{no_title}");
        let exported = app
            .graphql(None, "mutation($t: String!) { exportSharedReport(token: $t, format: MARKDOWN) { fileName contentBase64 } }", json!({ "t": token }))
            .await;
        let md = base64::engine::general_purpose::STANDARD
            .decode(exported["data"]["exportSharedReport"]["contentBase64"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        let md = String::from_utf8_lossy(&md).into_owned();
        assert!(md.contains("# 상담 분석 보고서") && !md.contains("결제 문의"), "no title in shared exports:\n{md}");

        // The manager sees the link with its views; the other team cannot list or revoke it.
        let listed = app.graphql(Some(&lead), "query($id: ID!) { consultation(id: $id) { shareLinks { id active viewCount mine } } }", json!({ "id": id })).await;
        let links = listed["data"]["consultation"]["shareLinks"].as_array().cloned().unwrap_or_default();
        assert_eq!(links.len(), 1);
        assert_eq!((links[0]["viewCount"].clone(), links[0]["mine"].clone()), (json!(1), json!(false)));
        let link_id = links[0]["id"].as_str().unwrap_or_default().to_owned();
        let revoke = "mutation($id: ID!) { revokeShareLink(id: $id) { active revokedAt } }";
        assert_eq!(code(&app.graphql(Some(&park), revoke, json!({ "id": link_id })).await), "NOT_FOUND");

        // Validation: lifetimes of 1-720 hours.
        for bad in [0, 721] {
            let body = app.graphql(Some(&kim), SHARE, json!({ "id": id, "h": bad })).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        }
        assert_eq!(code(&app.graphql(None, SHARED, json!({ "t": "f".repeat(64) })).await), "NOT_FOUND");
        assert_eq!(code(&app.graphql(None, SHARED, json!({ "t": "../../etc/passwd" })).await), "NOT_FOUND");

        // Revoked: stops at once, with a message saying so.
        let revoked = app.graphql(Some(&lead), revoke, json!({ "id": link_id })).await;
        assert_eq!(revoked["data"]["revokeShareLink"]["active"], json!(false), "{revoked}");
        let gone = app.graphql_with_language(None, SHARED, json!({ "t": token }), "ko").await;
        assert_eq!(code(&gone), "SHARE_LINK_REVOKED");
        assert_eq!(gone["errors"][0]["message"], "공유가 취소된 링크입니다.");

        // Expired: a one-hour link whose hour is over.
        let short = app.graphql(Some(&kim), SHARE, json!({ "id": id, "h": 1 })).await;
        let short_token = short["data"]["createShareLink"]["token"].as_str().unwrap_or_default().to_owned();
        let short_id = short["data"]["createShareLink"]["link"]["id"].as_str().unwrap_or_default().to_owned();
        assert!(app.graphql(None, SHARED, json!({ "t": short_token })).await["errors"].is_null());
        app.exec_sql(format!("UPDATE share_links SET expires_at = 1 WHERE id = '{short_id}'")).await;
        let expired = app.graphql_with_language(None, SHARED, json!({ "t": short_token }), "en").await;
        assert_eq!(code(&expired), "SHARE_LINK_EXPIRED");
        assert!(expired["errors"][0]["message"].as_str().unwrap_or_default().contains("expired"));

        // Two shares were recorded (utilisation KPI); the token is stored only as its hash.
        assert_eq!(downloads_and_shares(&app).await.1, 2);
        use sea_orm::{ConnectionTrait, Statement};
        let stored = app.db.query_all(Statement::from_string(app.db.get_database_backend(), "SELECT token_hash FROM share_links".to_owned())).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(stored.iter().all(|r| r.try_get_by_index::<String>(0).ok().as_deref() != Some(token.as_str())));
    }

    async fn a_counselor_acknowledges_a_report_and_disputes_an_item_which_their_manager_resolves(db: Db) {
        let app = spawn_app(db).await;
        let (kim, lead, park) = app.kim_lead_park().await;
        let id = app.upload_text(&kim, "결제 문의.txt", CALL).await;
        app.wait_for_terminal(&kim, &id).await;

        let ack = "mutation($id: ID!) { acknowledgeReport(consultationId: $id) }";
        let first = app.graphql(Some(&kim), ack, json!({ "id": id })).await;
        let at = first["data"]["acknowledgeReport"].clone();
        assert!(at.is_string(), "{first}");
        let again = app.graphql(Some(&kim), ack, json!({ "id": id })).await;
        assert_eq!(again["data"]["acknowledgeReport"], at, "acknowledging twice keeps the first time");
        let seen = app.graphql(Some(&lead), "query($id: ID!) { consultation(id: $id) { acknowledgedAt } }", json!({ "id": id })).await;
        assert_eq!(seen["data"]["consultation"]["acknowledgedAt"], at);

        let dispute = "mutation($id: ID!, $p: Int!, $r: String!) { disputeItem(consultationId: $id, position: $p, reason: $r) { id position code itemTitle reason status counselor consultationTitle } }";
        let reason = "고객이 먼저 인사를 생략해 바로 용건으로 들어갔습니다.";
        let raised = app.graphql(Some(&kim), dispute, json!({ "id": id, "p": 0, "r": reason })).await;
        let raised = &raised["data"]["disputeItem"];
        assert_eq!((raised["status"].clone(), raised["reason"].clone(), raised["counselor"].clone()), (json!("OPEN"), json!(reason), json!("김하늘")), "{raised}");
        assert_eq!(raised["consultationTitle"], "결제 문의");
        assert!(raised["itemTitle"].as_str().is_some_and(|t| !t.is_empty()));
        let dispute_id = raised["id"].as_str().unwrap_or_default().to_owned();

        // Bad input: a short reason, an item that does not exist, someone else's consultation.
        let short = app.graphql_with_language(Some(&kim), dispute, json!({ "id": id, "p": 1, "r": "싫음" }), "ko").await;
        assert_eq!(code(&short), "BAD_USER_INPUT");
        assert!(short["errors"][0]["message"].as_str().unwrap_or_default().contains("5자 이상"));
        assert_eq!(code(&app.graphql(Some(&kim), dispute, json!({ "id": id, "p": 9, "r": reason })).await), "BAD_USER_INPUT");
        assert_eq!(code(&app.graphql(Some(&kim), dispute, json!({ "id": id, "p": -1, "r": reason })).await), "BAD_USER_INPUT");
        assert_eq!(code(&app.graphql(Some(&park), dispute, json!({ "id": id, "p": 0, "r": reason })).await), "NOT_FOUND");
        assert_eq!(code(&app.graphql(Some(&lead), dispute, json!({ "id": id, "p": 0, "r": reason })).await), "FORBIDDEN");

        // The manager's inbox holds it; the other team's counselor sees nothing.
        let inbox = "query($s: DisputeStatus) { disputes(status: $s) { id status reason counselor resolution resolvedBy } }";
        let open = app.graphql(Some(&lead), inbox, json!({ "s": "OPEN" })).await;
        assert_eq!(open["data"]["disputes"].as_array().map(Vec::len), Some(1), "{open}");
        assert_eq!(open["data"]["disputes"][0]["id"], dispute_id.as_str());
        let none = app.graphql(Some(&park), inbox, json!({})).await;
        assert_eq!(none["data"]["disputes"], json!([]));

        let resolve = "mutation($id: ID!, $a: Boolean!, $n: String) { resolveDispute(id: $id, input: {accept: $a, note: $n}) { status resolution resolvedBy resolvedAt } }";
        assert_eq!(code(&app.graphql(Some(&kim), resolve, json!({ "id": dispute_id, "a": true })).await), "FORBIDDEN", "no one reviews their own dispute");
        let resolved = app.graphql(Some(&lead), resolve, json!({ "id": dispute_id, "a": true, "n": "맞습니다. 이 항목은 제외하겠습니다." })).await;
        let resolved = &resolved["data"]["resolveDispute"];
        assert_eq!((resolved["status"].clone(), resolved["resolvedBy"].clone()), (json!("ACCEPTED"), json!("이팀장")), "{resolved}");
        assert_eq!(code(&app.graphql(Some(&lead), resolve, json!({ "id": dispute_id, "a": false })).await), "DISPUTE_RESOLVED");
        assert_eq!(code(&app.graphql(Some(&kim), dispute, json!({ "id": id, "p": 0, "r": reason })).await), "DISPUTE_RESOLVED");

        // The counselor sees the outcome on the consultation and in their own list.
        let mine = app.graphql(Some(&kim), "query($id: ID!) { consultation(id: $id) { disputes { position status resolution } } }", json!({ "id": id })).await;
        assert_eq!(mine["data"]["consultation"]["disputes"], json!([{ "position": 0, "status": "ACCEPTED", "resolution": "맞습니다. 이 항목은 제외하겠습니다." }]));
        let accepted = app.graphql(Some(&kim), inbox, json!({ "s": "ACCEPTED" })).await;
        assert_eq!(accepted["data"]["disputes"].as_array().map(Vec::len), Some(1));
        assert_eq!(app.graphql(Some(&lead), inbox, json!({ "s": "OPEN" })).await["data"]["disputes"], json!([]));
    }
}
