//! The GraphQL schema is part of the public API: its SDL is snapshot-tested.

#[test]
fn the_schema_sdl_matches_the_committed_snapshot() {
    let sdl = consult_coach::graphql::schema::schema_sdl();
    let path = tests::workspace_root().join("tests/snapshots/schema.graphql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &sdl).unwrap_or_else(|e| panic!("{e}"));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "the schema changed; review it and run with UPDATE_SNAPSHOTS=1 to accept:\n{sdl}"
    );
}
