#!/bin/sh
# Install what building and testing whyslow needs, from Debian's archive.
# Only missing packages are installed; apt-get update runs only if needed.
set -eu
pkgs="clang llvm libbpf-dev bpftool libelf-dev libdw-dev zlib1g-dev make gcc
pkg-config libcmocka-dev python3 python3-pytest linux-perf bpftrace jq g++
libiberty-dev help2man man-db libjansson-dev golang-go
nodejs npm libclang-rt-dev libxml2-utils chromium openjdk-17-jdk-headless
libblas3"
missing=""
for p in $pkgs; do
	# node and npm from elsewhere (NodeSource's nodejs bundles npm and
	# conflicts with Debian's) will do: the tests only run them
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
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
