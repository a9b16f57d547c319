#!/usr/bin/env bash
# Sets up everything, builds the web app and the server, and runs `consult-coach serve` on the
# embedded defaults (SQLite in ./data, files in ./data/files, in-process workers). On first start it
# prints the admin account it created.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/setup.sh run
log "building the web app (trunk build --release)"
trunk build --release
log "building the server (cargo build --release)"
cargo build --release -p consult-coach
bash scripts/install-model.sh "${CARGO_TARGET_DIR:-$ROOT/target}/release/consult-coach"
exec "${CARGO_TARGET_DIR:-$ROOT/target}/release/consult-coach" serve "$@"
