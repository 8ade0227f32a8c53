#!/usr/bin/env bash
# The long mode of the simulation test (SimulationTests, issue 16):
#   scripts/simulate.sh [--minutes M] [--seed S] [--seeds S1,S2] [--dimensions LIST] [--keep] [--timeout SECONDS]
# Generates log sets with live writers for M minutes (default 60), seeds from S (default: a new one,
# printed), under crashes at every point, SIGKILLs, overlapping runs (the first held in a script or in
# its compressor), rotatectl watch killed at random moments, and hostile files, and checks every line
# once, nothing outside the set touched, no hang. Prints each failing case as a reproduction and, at the
# end, the figures: scenarios, kills, overlaps, holds in compression, watch scenarios, hostile plants,
# lines checked, violations.
# --dimensions takes crash,kill,overlap,compresshold,watch,hostile,longnames,su,deaf,copy,leftovers,mail,zstd
# (or -NAME to leave one out), so that a fix can be verified one dimension at a time. Needs root; builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=60
seed="$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"
seeds=""
dimensions="all"
keep=0
timeout=20
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        --dimensions) dimensions="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --timeout) timeout="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "simulate.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
report="$(mktemp /tmp/rotatectl-sim-figures.XXXXXX)"
trap 'rm -f "$report"' EXIT
echo "simulate: $minutes min, first seed $seed, dimensions $dimensions" >&2
swift build --build-tests >&2
status=0
env ROTATECTL_SIM_SECONDS="$((minutes * 60))" ROTATECTL_SIM_SEED="$seed" ROTATECTL_SIM_DIMENSIONS="$dimensions" \
    ROTATECTL_SIM_KEEP="$keep" ROTATECTL_SIM_RUN_TIMEOUT="$timeout" ROTATECTL_SIM_REPORT="$report" \
    ${seeds:+ROTATECTL_SIM_SEEDS="$seeds"} \
    swift test --skip-build --filter SimulationTests || status=$?
echo
echo "==== figures (first seed $seed) ===="
cat "$report" 2>/dev/null || echo "(no figures: the test did not finish)"
exit "$status"
