#!/bin/sh
# scripts/demo.sh: rotates a copy of examples/sample in a temporary directory and shows the result.
#   ROTATECTL=/path/to/rotatectl scripts/demo.sh     (default: .build/debug/rotatectl, built if missing)
#   scripts/demo.sh --keep                           (leave the temporary directory for a look)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
keep=no
[ "${1:-}" = "--keep" ] && keep=yes

rotatectl=${ROTATECTL:-$root/.build/debug/rotatectl}
if [ ! -x "$rotatectl" ]; then
    echo "== building rotatectl (swift build)"
    (cd "$root" && swift build --product rotatectl)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rotatectl-demo.XXXXXX")
if [ "$keep" = no ]; then
    trap 'rm -rf "$work"' EXIT
fi
mkdir "$work/logs"
cp "$root"/examples/sample/*.log* "$work/logs/"
# '|' cannot occur in a mktemp path built from TMPDIR unless TMPDIR has one; refuse that case.
case "$work" in *'|'*|*'&'*|*'\'*) echo "demo.sh: unusual TMPDIR, set TMPDIR=/tmp" >&2; exit 1 ;; esac
sed "s|@DEMO_DIR@|$work/logs|g" "$root/examples/sample/demo.conf" > "$work/demo.conf"
chmod 0644 "$work/demo.conf"

echo "== before: $work/logs"
ls -l "$work/logs"
echo
echo "== $rotatectl run --verbose --force --state $work/state $work/demo.conf"
status=0
"$rotatectl" run --verbose --force --state "$work/state" "$work/demo.conf" || status=$?
echo
echo "== after (exit status $status)"
ls -l "$work/logs"
for gz in "$work"/logs/*.gz; do
    [ -e "$gz" ] || continue
    echo
    echo "== first lines of $(basename "$gz"), decompressed"
    gzip -dc "$gz" | head -n 3
done
echo
echo "== state file"
cat "$work/state" 2>/dev/null || echo "(none)"
[ "$keep" = yes ] && echo && echo "kept $work"
exit "$status"
