#!/usr/bin/env bash
# Load and soak (README "Load and soak"): installs what is missing like the test command, starts a
# durable throwaway PostgreSQL cluster (or uses DATABASE_URL) and moto_server, builds the release
# server, then runs the harness (tests/benches/load.rs) in full — 100,000 consultations on SQLite
# and on PostgreSQL, then scaled out on PostgreSQL + S3 — and writes the results table into
# docs/load-results.md and the README. Extra arguments go to the harness, e.g.
#   bash scripts/load.sh --db sqlite --consultations 10000 --soak-minutes 1
# Takes about 45 minutes with the defaults; nothing else should run on the machine meanwhile.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/setup.sh test
source scripts/services.sh
trap stop_services EXIT

PG_DURABLE=1 start_postgres
start_moto
log "building the release server"
cargo build --release --bin consult-coach
export CONSULT_COACH_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/consult-coach"
log "running the load harness"
cargo bench -p tests --bench load -- --scaled-out --write "$@"
