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

PG_DIR=""
MOTO_PID=""
cleanup() {
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap cleanup EXIT

start_postgres() {
  case "${DATABASE_URL:-}" in
    postgres://*|postgresql://*) export TEST_DATABASE_URL="$DATABASE_URL"; log "PostgreSQL: DATABASE_URL"; return ;;
  esac
  if command -v psql >/dev/null 2>&1 && psql "postgres://postgres@127.0.0.1:5432/postgres" -qAtc 'select 1' >/dev/null 2>&1; then
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    log "PostgreSQL: the server on 127.0.0.1:5432"
    return
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  local port
  port=$(free_port)
  PG_DIR=$(mktemp -d /tmp/consult-coach-pg.XXXXXX)
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$PG_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL: throwaway cluster on 127.0.0.1:$port"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_moto() {
  if [ -n "${TEST_S3_ENDPOINT:-}" ]; then log "S3: $TEST_S3_ENDPOINT"; return; fi
  local port
  port=$(free_port)
  "$TOOLS/moto/bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" >/dev/null 2>&1; then
      export TEST_S3_ENDPOINT="http://127.0.0.1:$port"
      log "S3: moto_server on 127.0.0.1:$port"
      return
    fi
    sleep 0.2
  done
  echo "moto_server did not start" >&2
  exit 1
}

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
