#!/usr/bin/env bash
# Sets up everything and runs the whole test suite: unit tests, API tests on SQLite and on
# PostgreSQL, the GraphQL-over-HTTP conformance audit and the browser tests in headless Chromium.
# PostgreSQL: $DATABASE_URL when it names one, else the server on 127.0.0.1:5432 when one answers,
# else a throwaway cluster on a free loopback port, removed afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [ -n "${CI:-}" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  # CI keeps build outputs outside the fresh clone so a second run on the same machine is fast.
  export CARGO_TARGET_DIR="${CC_CACHE_DIR:-$HOME/.cache/consult-coach}/target"
fi
source scripts/setup.sh test

source scripts/services.sh
trap stop_services EXIT

log "checking the dependencies' licenses, bans and sources (cargo deny, deny.toml)"
cargo deny check licenses bans sources
log "building the web app (trunk build --release)"
trunk build --release
start_postgres
start_moto
log "building the server binary (fault tests run it as separate processes)"
cargo build --bin consult-coach
export CONSULT_COACH_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/consult-coach"
bash scripts/install-model.sh "$CONSULT_COACH_BIN"
log "running the test suite"
cargo nextest run --no-fail-fast "$@"
