#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# whyslow's overhead next to perf's, measured in one run on this machine.
#
# Every configuration runs once per repetition, in an order rotated from one
# repetition to the next (interleaved), so drift hits all alike; a ratio is
# "configuration / program alone" within the same repetition, and the table
# shows the median over the repetitions.
#
#   tools/bench.sh            (or `make bench`; needs root)
#   BENCH_REPS=9 tools/bench.sh
#
# Environment: WHYSLOW (default ./whyslow), PERF (default perf),
# BENCH_REPS (default 5), BENCH_PROG (default tests/workloads/bin/bench_cpu).
#
# Reports go to `-o /dev/null` (whyslow writes devices in place since
# 64a0fb3; older builds renamed a temporary file over /dev/null: the script
# refuses to run if /dev/null is not a character device afterwards).
set -euo pipefail

cd "$(dirname "$0")/.."

WHYSLOW=${WHYSLOW:-./whyslow}
PERF=${PERF:-perf}
REPS=${BENCH_REPS:-5}
PROG=${BENCH_PROG:-tests/workloads/bin/bench_cpu}

die() { echo "bench: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root (whyslow and perf load BPF / perf events)"
[[ -x $WHYSLOW ]] || die "no $WHYSLOW: run make first"
[[ -x $PROG ]] || make -s -C tests/workloads
[[ -x $PROG ]] || die "no $PROG"
have_perf=1
command -v "$PERF" >/dev/null || have_perf=0

tmp=$(mktemp -d /tmp/whyslow-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# --- configurations --------------------------------------------------------
c_alone()    { "$PROG"; }
c_ws99()     { "$WHYSLOW" record -F 99 -o /dev/null -- "$PROG"; }
c_ws999()    { "$WHYSLOW" record -F 999 -o /dev/null -- "$PROG"; }
c_perf99()   { "$PERF" record -g -F 99 -o "$tmp/x.data" -- "$PROG"; }
c_perf999()  { "$PERF" record -g -F 999 -o "$tmp/x.data" -- "$PROG"; }
c_ws_true()  { "$WHYSLOW" record -o /dev/null -- true; }
c_perf_true() { "$PERF" record -o "$tmp/x.data" -- true; }

configs=(alone ws99 ws999 ws_true)
((have_perf)) && configs+=(perf99 perf999 perf_true)

declare -A label=(
	[alone]="program alone"
	[ws99]="whyslow record -F 99"
	[ws999]="whyslow record -F 999"
	[perf99]="perf record -g -F 99"
	[perf999]="perf record -g -F 999"
	[ws_true]="whyslow record -- true"
	[perf_true]="perf record -- true"
)

# Wall time of one run, in ms (stdout discarded; stderr shown on failure).
run_ms() {
	local t0 t1
	t0=$(date +%s%N)
	if ! "c_$1" >/dev/null 2>"$tmp/err"; then
		echo "bench: '${label[$1]}' failed:" >&2
		cat "$tmp/err" >&2
		return 1
	fi
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
		END { if (NR % 2) print a[(NR + 1) / 2]
		      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

declare -A times ratios	# "config" -> space-separated values per repetition

"$WHYSLOW" record -o /dev/null -- true 2>/dev/null || die "$WHYSLOW record -- true fails"
[[ -c /dev/null ]] || die "whyslow -o /dev/null replaced /dev/null with a file: restore it with 'rm /dev/null; mknod -m 666 /dev/null c 1 3'"
c_alone >/dev/null	# warm the page cache

n=${#configs[@]}
for ((rep = 0; rep < REPS; rep++)); do
	[[ -t 2 ]] && printf '\rbench: repetition %d/%d ' $((rep + 1)) "$REPS" >&2
	declare -A t=()
	for ((k = 0; k < n; k++)); do
		c=${configs[(k + rep) % n]}
		t[$c]=$(run_ms "$c")
		times[$c]+="${t[$c]} "
	done
	for c in ws99 ws999 perf99 perf999; do
		[[ -n ${t[$c]:-} ]] || continue
		ratios[$c]+="$(awk -v a="${t[$c]}" -v b="${t[alone]}" \
			'BEGIN { printf "%.4f", a / b }') "
	done
	unset t
done
[[ -t 2 ]] && printf '\r\033[K' >&2

# --- report ----------------------------------------------------------------
echo "whyslow bench: $(basename "$PROG") ($(median ${times[alone]}) ms alone)," \
     "$REPS repetitions interleaved, medians; $(nproc) CPUs, $(uname -r)"
echo
printf '%-26s %10s %14s\n' "CPU-bound program" "wall ms" "ratio vs alone"
printf '%-26s %10s %14s\n' "--------------------------" "-------" "--------------"
printf '%-26s %10.0f %14s\n' "${label[alone]}" "$(median ${times[alone]})" "1.00"
for c in ws99 ws999 perf99 perf999; do
	[[ -n ${times[$c]:-} ]] || continue
	printf '%-26s %10.0f %13.2fx\n' "${label[$c]}" "$(median ${times[$c]})" \
		"$(median ${ratios[$c]})"
done
echo
printf '%-26s %10s\n' "fixed cost" "wall ms"
printf '%-26s %10s\n' "--------------------------" "-------"
for c in ws_true perf_true; do
	[[ -n ${times[$c]:-} ]] || continue
	printf '%-26s %10.0f\n' "${label[$c]}" "$(median ${times[$c]})"
done
((have_perf)) || echo "(perf not found: its rows are missing)"
