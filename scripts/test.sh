#!/usr/bin/env bash
# Sets up everything and runs the whole test suite: unit tests, API tests on SQLite and on
# PostgreSQL, the GraphQL-over-HTTP conformance audit and the browser tests in headless Chromium.
# PostgreSQL: $DATABASE_URL when it names one, else the server on 127.0.0.1:5432 when one answers,
# else a throwaway cluster on a free loopback port, removed afterwards.
set -euo pipefail
SKIP_WHY=()
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
# The shared evaluation recordings and the original KPI sheet are not part of the repository: the
# tests that need them (in modules named shared_material) run where they are, and are listed as
# skipped, with the reason, where they are not.
export CONSULT_COACH_EVAL_DIR="${CONSULT_COACH_EVAL_DIR:-$ROOT/../shared/eval}"
export CONSULT_COACH_SPEC_DIR="${CONSULT_COACH_SPEC_DIR:-$ROOT/../shared/spec}"
SKIP=()
if [ ! -d "$CONSULT_COACH_EVAL_DIR" ]; then
  SKIP+=("test(/(^|::)shared_material::/) & not test(/::kpi_sheet::/)")
  SKIP_WHY+=("the evaluation material is not at $CONSULT_COACH_EVAL_DIR (set CONSULT_COACH_EVAL_DIR)")
fi
if [ ! -d "$CONSULT_COACH_SPEC_DIR" ]; then
  SKIP+=("test(/::kpi_sheet::/)")
  SKIP_WHY+=("the original KPI sheet is not at $CONSULT_COACH_SPEC_DIR (set CONSULT_COACH_SPEC_DIR)")
fi
FILTER=()
if [ ${#SKIP[@]} -gt 0 ]; then
  SKIPPED=""
  for expression in "${SKIP[@]}"; do
    SKIPPED="${SKIPPED:+$SKIPPED | }($expression)"
  done
  log "skipping the tests that need material outside the repository: ${SKIP_WHY[*]}"
  cargo nextest list --message-format oneline -E "$SKIPPED" 2>/dev/null | sed 's/^/    skipped: /' >&2
  FILTER=(-E "not ($SKIPPED)")
fi
log "running the test suite"
cargo nextest run --no-fail-fast "${FILTER[@]}" "$@"
