#!/bin/sh
# Regenerate vmlinux.h (kernel types for CO-RE) from the running kernel's BTF.
set -eu
out=${1:-vmlinux/x86/vmlinux.h}
btf=/sys/kernel/btf/vmlinux
[ -r "$btf" ] || { echo "gen-vmlinux: $btf missing: this kernel has no BTF" >&2; exit 1; }
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
