//! Migrations over a database that already holds analysed consultations: the latest ones roll
//! back and apply again, and fill what they derive from the existing rows.

use coach_app::entity::{analyses, consultations};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, EntityTrait,
    QueryFilter, Statement,
};
use shared::access::Role;
use tests::{db_tests, spawn_app};

const CALL: &str = "상담원: 안녕하세요, 고객센터 상담원 김하늘입니다. 무엇을 도와드릴까요?\n고객: 카드를 잃어버렸어요.\n상담원: 바로 분실 신고 처리해 드리겠습니다.\n고객: 네 부탁드려요.\n상담원: 분실 신고가 완료되었습니다. 감사합니다.\n";

db_tests! {
    async fn the_latest_three_migrations_roll_back_and_apply_again_giving_stored_rows_their_owner_and_report_use_the_kpi_indexes_and_storage_rollups(db: Db) {
        let app = spawn_app(db).await;
        let password = "counselor-password-123";
        let owner = app.create_user("owner@example.com", password, Role::Counselor).await;
        let token = app.login("owner@example.com", password).await;
        let id = app.upload_text(&token, "call.txt", CALL).await;
        assert_eq!(app.wait_for_terminal(&token, &id).await["status"], "COMPLETED");
        let stored = || async {
            analyses::Entity::find()
                .filter(analyses::Column::ConsultationId.eq(id.clone()))
                .one(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("no analysis stored"))
        };
        assert_eq!(stored().await.owner_id.as_deref(), Some(owner.as_str()));

        // A download stored before `used_at` existed (or imported by hand).
        app.db
            .execute(Statement::from_string(
                app.db.get_database_backend(),
                format!(
                    "INSERT INTO activity_events (user_id, session_id, kind, consultation_id, at) \
                     VALUES ('{owner}', 's', 'download', '{id}', 1234)"
                ),
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        // One connection of its own: on SQLite, a pooled connection that did not run the
        // `DROP COLUMN` may still hold the old schema when it prepares the `ADD COLUMN`, and
        // refuses it as a duplicate (it failed about one run in four on the app's pool).
        let mut options = ConnectOptions::new(app.settings.database_url());
        options.max_connections(1).sqlx_logging(false);
        let migrating = Database::connect(options).await.unwrap_or_else(|e| panic!("{e}"));
        Migrator::down(&migrating, Some(3)).await.unwrap_or_else(|e| panic!("down: {e}"));
        Migrator::up(&migrating, None).await.unwrap_or_else(|e| panic!("up: {e}"));

        // The columns came back empty and the migrations filled them from the stored rows.
        assert_eq!(stored().await.owner_id.as_deref(), Some(owner.as_str()));
        let consultation = consultations::Entity::find_by_id(id.clone())
            .one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no consultation"));
        assert_eq!(consultation.used_at, Some(1234));
        assert!(Migrator::get_pending_migrations(&app.db).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
        let indexes = if app.db.get_database_backend() == DatabaseBackend::Sqlite {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN"
        } else {
            "SELECT COUNT(*) AS n FROM pg_indexes WHERE indexname IN"
        };
        let found = app
            .db
            .query_one(Statement::from_string(
                app.db.get_database_backend(),
                format!(
                    "{indexes} ('idx_users_team', 'idx_consultations_owner_list_kpi', \
                     'idx_consultations_owner_list', 'idx_feedback_updated_kpi', 'idx_feedback_updated_at')"
                ),
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no count"));
        // The wide indexes are back and the ones they replace are gone.
        assert_eq!(found.try_get::<i64>("", "n").unwrap_or_else(|e| panic!("{e}")), 3);
        // The storage events' quarter-hours are counted again into the re-created table.
        let rows = coach_app::service::kpi::sources::roll_up_storage(&app.db, shared::clock::now_ms() + 3_600_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(rows >= 1, "the upload was stored: {rows} rollup rows");
    }
}
