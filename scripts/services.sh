# Shared by test.sh and load.sh (sourced after setup.sh): a PostgreSQL server for the tests
# (TEST_DATABASE_URL) and moto_server for S3 (TEST_S3_ENDPOINT); stop_services removes both.
PG_DIR=""
MOTO_PID=""
stop_services() {
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

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
  # Tests need no durability; the load harness (PG_DURABLE=1) measures a durable server.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ -n "${PG_DURABLE:-}" ]; then durability="-c shared_buffers=1GB"; fi
  local port
  port=$(free_port)
  PG_DIR=$(mktemp -d /tmp/consult-coach-pg.XXXXXX)
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$PG_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 $durability -c max_connections=300" \
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
