#!/usr/bin/env bash
# Installs the Debian packages rotatectl builds and tests with (zlib, libdeflate and libzstd for the build; logrotate, gzip,
# pigz and friends for the comparison tests and benchmarks; libnss-wrapper gives the Debian-config comparison
# the packages' users; dpkg-dev and lintian for scripts/build-deb.sh). Runs apt-get only for what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need=()
for pkg in zlib1g-dev libdeflate-dev libzstd-dev logrotate gzip pigz bzip2 xz-utils zstd time groff mandoc systemd python3 \
           e2fsprogs util-linux bsdutils strace libnss-wrapper \
           dpkg-dev lintian; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "setup.sh: installing ${need[*]}"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
