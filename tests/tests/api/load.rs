//! The load harness itself (issue 11), at a small scale: it seeds, starts real processes, and every
//! scenario runs without an error, every subscriber hears every event, and every upload of the
//! soak is analysed exactly once. (Its figures are measured by `cargo bench -p tests --bench
//! load`, never here.)

use std::time::Duration;

use coach_app::entity::{analyses, consultations, improvement_items, users};
use sea_orm::{EntityTrait, PaginatorTrait};
use tests::Db;
use tests::load::scenarios::{self, Context, Request, Settings};
use tests::load::seed::Spec;
use tests::load::{Deployment, Topology};

const SPEC: Spec = Spec {
    teams: 2,
    counselors_per_team: 3,
    consultations: 400,
};

fn small() -> Settings {
    Settings {
        clients: 2,
        warmup: Duration::from_millis(200),
        duration: Duration::from_secs(1),
        soak: Duration::from_secs(3),
        soak_share: 0.5,
        subscribers: 12,
        upload_rate: 6.0,
    }
}

async fn every_scenario_runs_cleanly(db: Db, topology: Topology) {
    let mut deployment = Deployment::start(db, topology, SPEC, None)
        .await
        .unwrap_or_else(|e| panic!("starting the deployment: {e:#}"));
    let conn = &deployment.db;
    assert_eq!(
        consultations::Entity::find().count(conn).await.ok(),
        Some(400)
    );
    // 2 managers, 6 counselors and the admin.
    assert_eq!(users::Entity::find().count(conn).await.ok(), Some(9));
    let completed: usize = deployment.seeded.completed.iter().map(Vec::len).sum();
    assert_eq!(
        analyses::Entity::find().count(conn).await.ok(),
        Some(completed as u64),
        "one analysis per completed consultation"
    );
    assert!(
        improvement_items::Entity::find()
            .count(conn)
            .await
            .unwrap_or(0)
            >= 3 * completed as u64
    );

    let ctx = Context::new(&deployment)
        .await
        .unwrap_or_else(|e| panic!("signing in: {e:#}"));
    let settings = small();
    let mut lines = Vec::new();
    for request in [
        Request::List,
        Request::Detail,
        Request::Kpis,
        Request::Overview,
    ] {
        let line = scenarios::throughput(&ctx, &settings, request).await;
        assert!(line.requests > 0, "{line:?}");
        assert_eq!(line.errors, 0, "{line:?}");
        assert!(line.p50 > 0.0 && line.p50 <= line.p99, "{line:?}");
        assert!(line.rss.1 > 0.0, "the servers' memory is sampled: {line:?}");
        assert!(
            line.anon.1 > 0.0 && line.anon.1 <= line.rss.1,
            "the anonymous part is sampled and within the resident total: {line:?}"
        );
        lines.push(line);
    }
    let fan_out = scenarios::fan_out(&ctx, &settings)
        .await
        .unwrap_or_else(|e| panic!("fan-out: {e:#}"));
    assert_eq!(fan_out.requests, 12, "{fan_out:?}");
    assert_eq!(fan_out.met, Some(true), "{fan_out:?}");
    assert!(fan_out.notes[0].contains(", 0 lost"), "{fan_out:?}");
    let capacity = scenarios::throughput(&ctx, &settings, Request::Mixed).await;
    assert_eq!(capacity.errors, 0, "{capacity:?}");
    let fresh = ctx
        .refresh_tokens()
        .await
        .unwrap_or_else(|e| panic!("signing in again: {e:#}"));
    let soak = scenarios::soak(&fresh, &settings, capacity.throughput)
        .await
        .unwrap_or_else(|e| panic!("soak: {e:#}"));
    assert_eq!(soak.errors, 0, "{soak:?}");
    assert!(
        soak.notes
            .iter()
            .any(|n| n.ends_with("each analysed exactly once")),
        "{soak:?}"
    );
    lines.extend([fan_out, capacity, soak]);
    let table = scenarios::markdown("smoke", &lines);
    assert_eq!(
        table.lines().filter(|l| l.starts_with("| ")).count(),
        1 + 7,
        "{table}"
    );
    deployment.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_harness_runs_every_scenario_cleanly_on_sqlite() {
    every_scenario_runs_cleanly(Db::Sqlite, Topology::Single).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_harness_runs_every_scenario_cleanly_on_postgres() {
    every_scenario_runs_cleanly(Db::Postgres, Topology::Single).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_harness_runs_every_scenario_cleanly_scaled_out_on_postgres_and_s3() {
    every_scenario_runs_cleanly(Db::Postgres, Topology::ScaledOut).await;
}
