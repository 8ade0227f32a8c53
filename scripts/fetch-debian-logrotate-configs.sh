#!/usr/bin/env bash
# Regenerates Tests/RotationEngineTests/Fixtures/debian-logrotate.d: every file that a package of this
# machine's apt lists ships under /etc/logrotate.d, exactly as shipped, as PACKAGE/FILE, with a MANIFEST
# (package, version, file, sha256), and logrotate's own /etc/logrotate.conf as debian-logrotate.conf.
# Needs apt-file (installed and updated here if missing) and about 500 MB of scratch space; the packages
# are downloaded with `apt-get download` (nothing is installed) and only their /etc/logrotate.d is
# extracted. Usage: scripts/fetch-debian-logrotate-configs.sh [--jobs N] [--scratch DIR]
set -euo pipefail
jobs=4
scratch=/tmp/rotatectl-debian-debs
while [ $# -gt 0 ]; do
    case "$1" in
        --jobs) jobs="$2"; shift 2 ;;
        --scratch) scratch="$2"; shift 2 ;;
        *) echo "usage: $0 [--jobs N] [--scratch DIR]" >&2; exit 64 ;;
    esac
done
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/Tests/RotationEngineTests/Fixtures"
out="$fixtures/debian-logrotate.d"
export DEBIAN_FRONTEND=noninteractive

if ! command -v apt-file >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq apt-file >/dev/null
fi
apt-file update >/dev/null

mkdir -p "$scratch/debs" "$scratch/x"
# apt downloads as _apt where it can write.
chown _apt "$scratch/debs" 2>/dev/null || true
apt-file search --regexp '^/etc/logrotate\.d/.' | cut -d: -f1 | sort -u >"$scratch/packages"
# logrotate itself: its /etc/logrotate.conf is the top file the others are included from.
grep -qx logrotate "$scratch/packages" || echo logrotate >>"$scratch/packages"
echo "fetch: $(wc -l <"$scratch/packages") packages ship files under /etc/logrotate.d"

# Download what is not there yet (the newest candidate version of each), $jobs at a time.
(cd "$scratch/debs" && xargs -P "$jobs" -n 8 apt-get download -qq <"$scratch/packages")

rm -rf "$out"
mkdir -p "$out"
manifest="$out/MANIFEST"
printf '# package\tversion\tfile\tsha256\n' >"$manifest"
while read -r pkg; do
    deb=$(ls -t "$scratch/debs/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then echo "fetch: $pkg: not downloaded" >&2; exit 1; fi
    version=$(dpkg-deb -f "$deb" Version)
    rm -rf "$scratch/x/$pkg"
    mkdir -p "$scratch/x/$pkg"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$scratch/x/$pkg" --wildcards './etc/logrotate.d/*' './etc/logrotate.conf' 2>/dev/null || true
    if [ "$pkg" = logrotate ] && [ -f "$scratch/x/$pkg/etc/logrotate.conf" ]; then
        cp "$scratch/x/$pkg/etc/logrotate.conf" "$fixtures/debian-logrotate.conf"
    fi
    [ -d "$scratch/x/$pkg/etc/logrotate.d" ] || continue
    find "$scratch/x/$pkg/etc/logrotate.d" -mindepth 1 \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort |
        while read -r file; do
            src="$scratch/x/$pkg/etc/logrotate.d/$file"
            if [ -L "$src" ]; then echo "fetch: $pkg: /etc/logrotate.d/$file is a link, skipped" >&2; continue; fi
            mkdir -p "$(dirname "$out/$pkg/$file")"
            cp "$src" "$out/$pkg/$file"
            printf '%s\t%s\t%s\t%s\n' "$pkg" "$version" "$file" "$(sha256sum <"$src" | cut -d' ' -f1)" >>"$manifest"
        done
done <"$scratch/packages"
echo "fetch: $(grep -vc '^#' "$manifest") files from $(find "$out" -mindepth 1 -maxdepth 1 -type d | wc -l) packages in $out"
