#!/usr/bin/env bash
# Installs what Consult Coach needs on a fresh Debian machine that has only the Rust toolchain.
#   scripts/setup.sh run   build tools for the web app (wasm32 target, trunk, wasm-bindgen, wasm-opt,
#                          brotli)
#                          and for whisper.cpp (cmake, clang, libclang), the Korean PDF font
#   scripts/setup.sh test  the same, plus Chromium + ChromeDriver, PostgreSQL (server and client
#                          tools), promtool, moto_server, cargo-nextest, cargo-deny, ffmpeg, espeak-ng
#                          and the Node packages of the conformance audit
# The Whisper model is built after the server binary, by scripts/install-model.sh.
# Everything already present at the right version is skipped. Meant to be sourced by run.sh/test.sh
# (it exports PATH), but it also works on its own.
set -euo pipefail

MODE=${1:-run}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${CC_TOOLS_DIR:-$HOME/.cache/consult-coach/tools}
TRUNK_VERSION=0.21.14
CARGO_DENY_VERSION=0.20.2
BINARYEN_VERSION=132.0.0
export PATH="$TOOLS/node_modules/.bin:$TOOLS/prometheus/usr/bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    log "apt-get update"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Fast, parallel-friendly release builds of the tools themselves.
cargo_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  cargo_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  log "installing trunk $TRUNK_VERSION (a few minutes)"
  cargo_install --locked trunk --version "$TRUNK_VERSION" --force
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null
fi

# whisper-rs builds whisper.cpp (CMake, a C++ compiler) and generates its bindings (libclang).
if ! command -v cmake >/dev/null 2>&1 || ! command -v clang >/dev/null 2>&1 || ! ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1; then
  apt_install cmake clang libclang-dev
fi

# brotli precompresses the web app after `trunk build --release` (scripts/compress-assets.sh).
if ! command -v brotli >/dev/null 2>&1; then
  apt_install brotli
fi

# Korean glyphs for PDF exports (and the browser tests' screenshots).
if [ ! -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ]; then
  apt_install fonts-nanum fontconfig
fi

if [ "$MODE" = "test" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  # espeak-ng speaks the calls the speech and browser tests transcribe (no recordings needed).
  if ! command -v espeak-ng >/dev/null 2>&1; then
    apt_install espeak-ng
  fi
  # ffmpeg makes the video files (H.264 + AAC in mp4 and mkv) the speech tests decode.
  if ! command -v ffmpeg >/dev/null 2>&1; then
    apt_install ffmpeg
  fi
  # poppler's pdftotext, pdffonts and pdftoppm check the PDF exports.
  if ! command -v pdftoppm >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1; then
    apt_install poppler-utils
  fi
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 && [ -z "${DATABASE_URL:-}" ]; then
    apt_install postgresql
  fi
  # pg_dump and pg_restore for the backup tests, also against a given DATABASE_URL.
  if ! command -v pg_dump >/dev/null 2>&1 || ! command -v pg_restore >/dev/null 2>&1; then
    apt_install postgresql-client
  fi
  # promtool checks the /metrics exposition; unpacked from Debian's package, so no Prometheus
  # service gets installed or started.
  if ! command -v promtool >/dev/null 2>&1; then
    log "unpacking promtool from Debian's prometheus package"
    if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
    PROM_TMP=$(mktemp -d)
    (cd "$PROM_TMP" && apt-get download prometheus >/dev/null 2>&1)
    mkdir -p "$TOOLS/prometheus"
    dpkg-deb -x "$PROM_TMP"/prometheus_*.deb "$TOOLS/prometheus"
    rm -rf "$PROM_TMP"
  fi
  if ! cargo deny --version 2>/dev/null | grep -q " $CARGO_DENY_VERSION\$"; then
    log "installing cargo-deny $CARGO_DENY_VERSION (a few minutes)"
    cargo_install --locked cargo-deny --version "$CARGO_DENY_VERSION" --force
  fi
  if ! command -v cargo-nextest >/dev/null 2>&1; then
    log "installing cargo-nextest"
    cargo_install --locked cargo-nextest
  fi
  if [ ! -x "$TOOLS/moto/bin/moto_server" ]; then
    log "installing moto_server (S3 API for the storage tests)"
    python3 -m venv "$TOOLS/moto"
    "$TOOLS/moto/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
  fi
  if [ ! -d "$ROOT/tests/conformance/node_modules/graphql-http" ] || [ ! -d "$ROOT/tests/conformance/node_modules/graphql-ws" ]; then
    log "installing the conformance audit's Node packages"
    npm ci --prefix "$ROOT/tests/conformance" --no-audit --no-fund --silent >/dev/null
  fi
fi

# Trunk runs cargo offline (Trunk.toml): fetch the dependencies first.
cargo fetch --manifest-path "$ROOT/Cargo.toml" >/dev/null 2>&1 || cargo fetch --manifest-path "$ROOT/Cargo.toml"
