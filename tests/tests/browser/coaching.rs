//! Coaching over time in the browser: a counselor's own progress (score chart, recurring items,
//! recent consultations) in Korean, and a manager's team overview in English, opening a
//! counselor's progress from it.

use crate::support::{
    click, require_dist, screenshot, sign_in, start_browser, wait_for, wait_for_path, wait_for_text,
};

const GOOD: &str = "상담원: 안녕하세요, 고객센터 상담원 김하늘입니다. 무엇을 도와드릴까요?\n고객: 카드를 잃어버렸어요.\n상담원: 많이 놀라셨겠어요. 바로 분실 신고 처리해 드리겠습니다.\n고객: 네 부탁드려요.\n상담원: 분실 신고가 완료되었습니다. 새 카드는 5일 안에 도착합니다. 더 궁금하신 점 있으신가요?\n고객: 없어요.\n상담원: 감사합니다. 좋은 하루 보내세요.\n";

fn poor(days: u32) -> String {
    format!(
        "상담원: 네.\n고객: 주문한 물건이 {days}일째 안 와요.\n상담원: 그건 고객님이 주소를 잘못 쓰셔서 그래요.\n고객: 확인 좀 해 주세요.\n상담원: 몰라, 택배사에 물어봐.\n고객: 알겠어요.\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_follows_their_progress_and_a_manager_opens_it_from_the_team_overview() {
    require_dist();
    let app = tests::spawn_app(tests::Db::Sqlite).await;
    let (kim, _lead, _park) = app.kim_lead_park().await;
    for (name, text) in [
        ("첫 상담.txt", poor(3)),
        ("둘째 상담.txt", poor(4)),
        ("셋째 상담.txt", GOOD.to_owned()),
    ] {
        let id = app.upload_text(&kim, name, &text).await;
        assert_eq!(
            app.wait_for_terminal(&kim, &id).await["status"],
            "COMPLETED"
        );
    }

    // The counselor, in Korean.
    let (_driver, client) = start_browser().await;
    sign_in(
        &client,
        &app.address,
        "kim@example.com",
        "password-for-tests",
    )
    .await;
    wait_for(&client, "#nav-home").await;
    click(&client, "#nav-progress").await;
    wait_for_path(&client, "progress", |p| p == "/progress").await;
    wait_for_text(&client, "#progress-page h1", "내 성장").await;
    wait_for_text(&client, "#progress-count", "3").await;
    wait_for(&client, "#score-trend svg g.series circle").await;
    wait_for_text(
        &client,
        "#recurring-items [data-code='missing_greeting']",
        "2회",
    )
    .await;
    wait_for_text(&client, "#progress-recent", "셋째 상담").await;
    // A shorter period still holds today's consultations.
    click(&client, "#period-30").await;
    wait_for(&client, "#period-30[aria-pressed='true']").await;
    wait_for_text(&client, "#progress-count", "3").await;
    screenshot(&client, "20-progress-ko").await;
    click(&client, "#logout").await;
    wait_for(&client, "#email").await;

    // The manager, in English: the team overview, then the counselor's progress.
    sign_in(
        &client,
        &app.address,
        "lead@example.com",
        "password-for-tests",
    )
    .await;
    wait_for(&client, "#nav-home").await;
    click(&client, "#lang-toggle").await;
    click(&client, "#nav-team").await;
    wait_for_path(&client, "team", |p| p == "/team").await;
    wait_for_text(&client, "#team-page h1", "Team overview").await;
    wait_for_text(&client, "#team-table tbody tr", "김하늘").await;
    wait_for_text(&client, "#team-table tbody tr", "2 times").await;
    let rows = client
        .find_all(fantoccini::Locator::Css("#team-table tbody tr"))
        .await
        .map(|r| r.len())
        .unwrap_or_default();
    assert_eq!(rows, 1, "only the manager's own team");
    screenshot(&client, "21-team-en").await;
    click(&client, "#team-table tbody tr td a").await;
    wait_for_path(&client, "a counselor's progress", |p| {
        p.starts_with("/progress?counselor=")
    })
    .await;
    wait_for_text(&client, "#progress-page h1", "김하늘's progress").await;
    wait_for_text(&client, "#progress-count", "3").await;
}
