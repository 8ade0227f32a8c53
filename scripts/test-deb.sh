#!/bin/sh
# scripts/test-deb.sh DEB: installs the package for real into a throwaway root (`dpkg --root` on an
# empty dpkg database, maintainer scripts run with --force-script-chrootless and DPKG_ROOT), checks
# what it installed, runs `rotatectl check` on the installed /etc/rotatectl.conf and a rotation with
# the installed binary, removes and purges it, and fails unless the root is then exactly as it was.
# The host's libraries stand in for the dependencies the empty database lacks (--force-depends).
set -eu

prog=test-deb.sh
die() { echo "$prog: FAIL: $*" >&2; exit 1; }
[ $# -eq 1 ] && [ -f "$1" ] || die "usage: $prog DEB"
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: > "$root/var/lib/dpkg/status"
: > "$root/var/lib/dpkg/available"
tree() { (cd "$root" && find . -mindepth 1 ! -path './var/lib/dpkg/*' | LC_ALL=C sort); }
tree > "$work/before"
dpkg_root() { dpkg --root="$root" --log=/dev/null --force-script-chrootless "$@"; }

echo "== install"
dpkg_root --force-depends -i "$deb"
dpkg_root -s rotatectl | grep -qx 'Status: install ok installed' || die "not installed"
bin=$root/usr/sbin/rotatectl
for f in usr/sbin/rotatectl etc/rotatectl.conf usr/share/man/man8/rotatectl.8.gz usr/share/man/man5/rotatectl.conf.5.gz \
         usr/share/bash-completion/completions/rotatectl lib/systemd/system/rotatectl.service \
         lib/systemd/system/rotatectl.timer lib/systemd/system/rotatectl-hourly.timer lib/systemd/system/rotatectl-watch.service \
         usr/share/doc/rotatectl/MIGRATING.md; do
    [ -f "$root/$f" ] || die "/$f not installed"
done
[ -x "$bin" ] || die "/usr/sbin/rotatectl not executable"
grep -qx 'ExecStart=/usr/sbin/rotatectl run -v /etc/rotatectl.conf' "$root/lib/systemd/system/rotatectl.service" \
    || die "the service does not run /usr/sbin/rotatectl"
[ -z "$(find "$root/etc" -path '*.wants*' -name 'rotatectl*')" ] || die "a unit was enabled"
grep -qx '/etc/rotatectl.conf' "$root/var/lib/dpkg/info/rotatectl.conffiles" || die "/etc/rotatectl.conf is not a conffile"
! ldd "$bin" | grep -E 'libswift|libFoundation|libdispatch|not found' || die "the binary needs the Swift toolchain"
# Depends names the package of every library the binary links (libz, libdeflate among them).
depends=$(dpkg_root -s rotatectl | sed -n 's/^Depends: //p')
for lib in $(ldd "$bin" | awk '/=>/ { print $3 }'); do
    owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || owner=
    [ -z "$owner" ] && owner=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1)
    case ", $depends" in *", $owner"*) ;; *) die "Depends ($depends) lacks $owner, the package of $lib" ;; esac
done

echo "== rotatectl check /etc/rotatectl.conf (as installed)"
"$bin" --version
"$bin" check "$root/etc/rotatectl.conf" 2> "$work/check.err" || die "check failed: $(cat "$work/check.err")"
[ ! -s "$work/check.err" ] || die "check is not clean: $(cat "$work/check.err")"
"$bin" run --dry-run --state "$work/dry.state" "$root/etc/rotatectl.conf" > /dev/null 2> "$work/dry.err" \
    || die "a dry run of /etc/rotatectl.conf failed: $(cat "$work/dry.err")"
! grep -q 'already named' "$work/dry.err" || die "/etc/rotatectl.conf names a log twice: $(cat "$work/dry.err")"

echo "== a rotation with the installed binary"
mkdir -p "$work/logs"
seq 1 5000 > "$work/logs/app.log"
printf '%s/logs/app.log {\n    rotate 2\n    create\n    compress\n}\n' "$work" > "$work/app.conf"
"$bin" run --force --state "$root/var/lib/rotatectl/status" "$work/app.conf" || die "the rotation failed"
[ -s "$root/var/lib/rotatectl/status" ] || die "no state written"
[ "$(gzip -dc "$work/logs/app.log.1.gz" | md5sum)" = "$(seq 1 5000 | md5sum)" ] || die "app.log.1.gz is not the log"
[ -f "$work/logs/app.log" ] && [ ! -s "$work/logs/app.log" ] || die "no new empty app.log"
"$bin" cleanup --remove "$work/app.conf" > /dev/null || die "cleanup failed"
[ -z "$(find "$work/logs" -name '.rotatectl.*')" ] || die "cleanup left rotatectl's files"

echo "== remove, then purge"
dpkg_root -r rotatectl
[ ! -e "$bin" ] || die "/usr/sbin/rotatectl left after remove"
[ -f "$root/etc/rotatectl.conf" ] || die "remove took the conffile (only purge should)"
dpkg_root -P rotatectl
tree > "$work/after"
if ! cmp -s "$work/before" "$work/after"; then
    diff "$work/before" "$work/after" >&2 || true
    die "the purge left files behind"
fi
dpkg_root -s rotatectl > /dev/null 2>&1 && die "still known to dpkg after purge"
echo "$prog: OK: installed, checked, rotated, removed and purged $(basename "$deb"); nothing left"
