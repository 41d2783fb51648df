#!/bin/sh
# Install what building and testing whyslow needs, from Debian's archive.
# Only missing packages are installed; apt-get update runs only if needed.
set -eu
pkgs="clang llvm libbpf-dev bpftool libelf-dev libdw-dev zlib1g-dev make gcc
pkg-config libcmocka-dev python3 python3-pytest linux-perf bpftrace jq"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run with sudo" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || true
apt-get install -y -q --no-install-recommends $missing
