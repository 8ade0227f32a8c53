#!/usr/bin/env bash
# A long soak of the built-in gzip (not run in CI, which runs 40 files):
#   scripts/soak-compress.sh [FILES] [SEED]
# FILES random files (default 3000, about 100 s) of random sizes and contents through every engine
# (libdeflate pieces, zlib, the two mixed) on one to three threads, each output checked with gzip -t and
# zcat. SEED (default: a new one, printed) makes a run repeatable.
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-3000}"
seed="${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "soak-compress: $files files, seed $seed" >&2
ROTATECTL_COMPRESS_SOAK="$files" ROTATECTL_COMPRESS_SOAK_SEED="$seed" \
    swift test --filter CompressSoakTests 2>&1 | grep -E "✘|passed|failed" | cut -c1-400
exit "${PIPESTATUS[0]}"
