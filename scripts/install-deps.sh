#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages mlcost needs to build and test, skipping
# those already present. Runs as root, or through sudo when available.
#   usage: scripts/install-deps.sh [--with-test-tools]
set -eu

BUILD_PKGS="gcc g++ make cmake pkg-config libfyaml-dev libjansson-dev libisal-dev libzstd-dev zlib1g-dev
  libsqlite3-dev libpq-dev libmicrohttpd-dev libcurl4-openssl-dev"
TEST_PKGS="libcmocka-dev clang libclang-rt-14-dev python3 gzip zstd postgresql prometheus chromium
  fonts-dejavu-core curl"

pkgs="$BUILD_PKGS libcmocka-dev"
[ "${1:-}" = "--with-test-tools" ] && pkgs="$BUILD_PKGS $TEST_PKGS"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
  echo "mlcost: need root (or sudo) to install:$missing" >&2; exit 1
fi
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
