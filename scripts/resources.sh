#!/usr/bin/env bash
# Resource measurements too slow for the test suite (not run in CI):
#   scripts/resources.sh [--debug] [--keep] [--logrotate] [--million]
# - a 10 GiB sparse log rotated and compressed: seconds, peak RSS, output size;
# - a glob of 100,000 files with nothing due (first run, which records them, and a second run), then
#   with one of them due, and `rotatectl status` over them: seconds, peak RSS;
# - --logrotate: logrotate 3.21 on the same 100,000 files (about a minute); --million: 1,000,000 files
#   (about 3 minutes to create, 1 GB of inodes).
# Uses a release build with the Swift runtime linked in (as scripts/install.sh builds it) unless --debug. Data is generated in a temporary directory
# under /tmp (sparse: the 10 GiB log takes no disk space) and removed at the end unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."

config=release
keep=0
logrotate=0
million=0
for a in "$@"; do
    case "$a" in
        --debug) config=debug ;;
        --keep) keep=1 ;;
        --logrotate) logrotate=1 ;;
        --million) million=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "resources.sh: unknown argument: $a" >&2; exit 64 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "resources.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

static=
[ "$config" = release ] && static=--static-swift-stdlib   # as scripts/install.sh builds it
swift build -c "$config" $static --product rotatectl >&2
bin="$(swift build -c "$config" $static --show-bin-path)/rotatectl"
work="$(mktemp -d /tmp/rotatectl-resources.XXXXXX)"
chmod 755 "$work"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT

measure() {   # LABEL COMMAND...: prints "LABEL: S s, peak RSS K KiB" (the command's output to a log)
    local label="$1"; shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; echo "$label: FAILED" >&2; return 1; }
    read -r secs kib <"$work/time"
    printf '%-48s %8s s   peak RSS %8s KiB\n' "$label" "$secs" "$kib"
}

echo "rotatectl $config build, $(nproc) cores"

mkdir "$work/big"
truncate -s 10G "$work/big/big.log"
printf '%s/big/big.log {\n rotate 1\n compress\n}\n' "$work" >"$work/big.conf"
measure "10 GiB sparse log, rotate + compress" "$bin" run --force -s "$work/state-big" "$work/big.conf"
printf '%-48s %8s bytes\n' "  compressed size" "$(stat -c %s "$work/big/big.log.1.gz")"
measure "10 GiB sparse log, rotate + compress -j 1" sh -c "truncate -s 10G '$work/big/big.log' && '$bin' run -j 1 --force -s '$work/state-big' '$work/big.conf'"

# Names of 18 bytes, as real logs have: longer than the 15 bytes Swift keeps inside a String.
mkdir "$work/many"
(cd "$work/many" && seq -f 'session-%06g.log' 1 100000 | xargs touch)
printf '%s/many/*.log {\n rotate 1\n size 1M\n}\n' "$work" >"$work/many.conf"
measure "100,000 files, nothing due (first run)" "$bin" run -s "$work/state-many" "$work/many.conf"
measure "100,000 files, nothing due (second run)" "$bin" run -s "$work/state-many" "$work/many.conf"
printf '%-48s %8s bytes\n' "  state file" "$(stat -c %s "$work/state-many")"
head -c 2000000 /dev/zero >"$work/many/session-050000.log"
measure "100,000 files, one due (rotated)" "$bin" run -s "$work/state-many" "$work/many.conf"
measure "100,000 files, status" "$bin" status -s "$work/state-many" "$work/many.conf"
measure "100,000 files, status --json" "$bin" status --json -s "$work/state-many" "$work/many.conf"
if [ "$logrotate" = 1 ]; then
    command -v logrotate >/dev/null || { echo "resources.sh: --logrotate needs logrotate" >&2; exit 1; }
    measure "logrotate 3.21, 100,000 files (first run)" logrotate -s "$work/lr-state-many" "$work/many.conf"
    measure "logrotate 3.21, 100,000 files (second run)" logrotate -s "$work/lr-state-many" "$work/many.conf"
fi
if [ "$million" = 1 ]; then
    mkdir "$work/million"
    (cd "$work/million" && seq -f 'session-%07g.log' 1 1000000 | xargs touch)
    printf '%s/million/*.log {\n rotate 1\n size 1M\n}\n' "$work" >"$work/million.conf"
    measure "1,000,000 files, nothing due (first run)" "$bin" run -s "$work/state-million" "$work/million.conf"
    measure "1,000,000 files, nothing due (second run)" "$bin" run -s "$work/state-million" "$work/million.conf"
fi
