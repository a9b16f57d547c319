#!/usr/bin/env bash
# Writes a `.br` (brotli -q 11) and a `.gz` (gzip -9) beside each text and WebAssembly file of the
# built web app, which `consult-coach serve` sends to clients that accept them (backend/server/src/
# web.rs) instead of compressing anything per request.
#   Trunk runs it after every release build (Trunk.toml's post_build hook, on TRUNK_STAGING_DIR);
#   by hand: bash scripts/compress-assets.sh frontend/dist
# Without the `brotli` command (Debian's brotli package, installed by scripts/setup.sh) only the
# `.gz` files are written. Files under 1 KiB are left alone.
set -euo pipefail
DIR=${1:-${TRUNK_STAGING_DIR:-}}
if [ -z "$DIR" ] || [ ! -d "$DIR" ]; then
  echo "usage: $0 DIR (the built web app)" >&2
  exit 2
fi
# Debug builds (trunk serve) are served by Trunk itself: nothing to do.
if [ "${TRUNK_PROFILE:-release}" != "release" ]; then
  exit 0
fi
if ! command -v brotli >/dev/null 2>&1; then
  echo "compress-assets: no brotli command; writing .gz files only (apt-get install brotli)" >&2
fi
shopt -s nullglob
for file in "$DIR"/*.wasm "$DIR"/*.js "$DIR"/*.css "$DIR"/*.html "$DIR"/*.svg "$DIR"/*.json; do
  [ "$(stat -c %s "$file")" -ge 1024 ] || continue
  # -n: no name or time stamp inside, so a build gives the same bytes again.
  gzip -9 -n -k -f "$file"
  if command -v brotli >/dev/null 2>&1; then
    brotli -q 11 -k -f "$file"
  fi
done
