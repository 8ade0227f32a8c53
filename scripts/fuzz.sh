#!/usr/bin/env bash
# Fuzzes the configuration parser with libFuzzer for N seconds (default 60):
#   scripts/fuzz.sh [--seconds N] [--jobs J]
# Builds the config-fuzzer target (only declared when ROTATECTL_FUZZ is set) with the fuzzer and address
# sanitizers into .build-fuzz, seeds a temporary corpus from the configuration fixtures and the kept
# regression inputs, and runs it. A crash, hang or leak exits non-zero, and the input that caused it is
# kept in Tests/RotationEngineTests/Fixtures/fuzz-regressions/ (parsed by the unit tests from then on).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "fuzz.sh: unknown argument: $1" >&2; exit 64 ;;
    esac
done
case "$jobs" in ''|*[!0-9]*|0) echo "fuzz.sh: --jobs needs a positive number" >&2; exit 64 ;; esac
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds needs a whole number" >&2; exit 64 ;; esac

fixtures=Tests/RotationEngineTests/Fixtures
regressions="$fixtures/fuzz-regressions"

echo "fuzz.sh: building config-fuzzer (.build-fuzz)" >&2
work="$(mktemp -d /tmp/rotatectl-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
flags=(--scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
if ! ROTATECTL_FUZZ=1 swift build "${flags[@]}" --product config-fuzzer >"$work/build.out" 2>&1; then
    grep -v 'ld.gold: warning: Cannot export local symbol' "$work/build.out" | tail -n 40 >&2
    echo "fuzz.sh: build failed" >&2
    exit 1
fi
fuzzer="$(ROTATECTL_FUZZ=1 swift build "${flags[@]}" --show-bin-path)/config-fuzzer"
[ -x "$fuzzer" ] || { echo "fuzz.sh: $fuzzer was not built" >&2; exit 1; }
mkdir "$work/corpus" "$work/artifacts"
n=0
while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "$work/corpus/seed-$n"
done < <(find "$fixtures/configs" "$regressions" -type f ! -name 'README*' -print0 2>/dev/null)
echo "fuzz.sh: $n seed inputs; fuzzing for $seconds s" >&2

status=0
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
(cd "$work" && "$fuzzer" -max_len=4096 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    "${parallel[@]}" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" >"$work/fuzz.out" 2>&1) || status=$?
cat "$work"/fuzz-*.log >>"$work/fuzz.out" 2>/dev/null || true
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done|SUMMARY|config-fuzzer:|==[0-9]+==ERROR)' \
    "$work/fuzz.out" >&2 || true

kept=0
for a in "$work"/artifacts/*; do
    [ -f "$a" ] || continue
    mkdir -p "$regressions"
    name="$(basename "$a")"
    cp "$a" "$regressions/$name"
    echo "fuzz.sh: kept $regressions/$name" >&2
    kept=$((kept + 1))
done
if [ "$status" -ne 0 ] || [ "$kept" -gt 0 ]; then
    tail -n 40 "$work/fuzz.out" >&2
    echo "fuzz.sh: FAILED (fuzzer status $status, $kept input(s) kept)" >&2
    exit 1
fi
echo "fuzz.sh: no crash in $seconds s" >&2
