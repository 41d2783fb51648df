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
# BPFTRACE (default bpftrace), BENCH_REPS (default 5),
# BENCH_PROG (default tests/workloads/bin/bench_cpu),
# BENCH_PINGPONG (default tests/workloads/bin/pingpong),
# BENCH_ROUNDS (ping-pong round trips, default 50000),
# BENCH_ONLY (the sections to run, space-separated, of: cost cpu offcpu
# python syscalls unwind wakeup; default all of them, in that order).
#
#   BENCH_ONLY=wakeup BENCH_REPS=3 tools/bench.sh
#
# Second section, off-CPU tracing: a pipe ping-pong (a context switch per
# message, the worst case for tracing waits) alone, under whyslow (default,
# waits traced; and --no-offcpu), under `perf record -e sched:sched_switch
# -g`, and under an offcputime-style bpftrace script; then the same with
# the program pinned to CPU 0 (`taskset -c 0`).  Unpinned, the two
# processes mostly sit on different CPUs and every message wakes an idle
# vCPU: here (haltpoll) that costs ~40 us a round trip and varies with
# whatever else keeps the CPUs awake, a tracer's timers included, so a
# tracer can even make it faster.  Pinned, the round trip is a few us and
# the table shows the tracing cost per context switch.
#
# Syscall tracing (last section): tests/workloads/bin/readsmall making
# 1,000,000 1-byte preads of one cached file (the worst case for tracing
# file I/O: a syscall every ~0.6 us, each one counted for its file) alone,
# under whyslow (default: syscalls, waits and samples traced; and
# --no-offcpu: syscalls and samples; --no-io: samples and waits, the
# program's cost without syscall tracing), and under a bpftrace script
# that only counts the preads and their bytes, for comparison (each
# tool's start-up is in its time: ~0.06 s for whyslow, more for bpftrace).
# On the CI VMs merely attaching empty programs to the raw sys_enter and
# sys_exit tracepoints makes such a pread 1.38x slower (measured by hand:
# the kernel's syscall tracing slow path, two BPF dispatches, and the
# SRSO "safe RET" mitigation that makes every kernel return costly).
# Environment: BENCH_READS (default 1000000).
#
# Wakeup tracing (last section): what tracing who ends each wait costs,
# this build against a baseline whyslow built from another commit in the
# same run.  The baseline is BENCH_BASE (a git rev; default
# BENCH_BASE_DEFAULT below, the previous commit), checked out in a
# temporary `git worktree` and built there (`make -j2 whyslow`, ~1 min);
# the section is skipped, with the reason, if that fails.  Two worst cases
# for it: the pipe ping-pong pinned to CPU 0 (a wakeup per message;
# BENCH_WAKE_ROUNDS round trips, default 200000: ~0.8 s alone, so that
# tracing outweighs whyslow's ~0.07 s fixed cost) and a shell loop of
# BENCH_SPAWNS (default 2000) `/bin/true` (a fork, exec, exit and parent
# wakeup each), each alone, under this whyslow and under the baseline,
# interleaved; the table gives medians of "whyslow / alone", of "this
# build / baseline" (aim: at most 1.10x) and of the extra time per round
# trip or spawn, and the fixed cost of `record -- true` under both.
#
# whyslow's cost (first section, `BENCH_ONLY=cost`): the rows of issue 14's
# table, each program alone and under whyslow in the same repetition,
# interleaved: tests/workloads/py/opentree.py (20,000 opens of 10,000 small
# files from 33-36 frames deep, under /usr/bin/python3), readsmall's 1M
# 1-byte preads, bench_cpu at 999 Hz, `record -- true` (ms), and the peak
# RSS (/usr/bin/time -f %M) of `record -- true` and of a BENCH_ALL_SECONDS
# (default 30) `record -a` while opentree.py and bench_cpu run in a loop.
# Beside the end-to-end ratio, "in-run" compares the workload's own time
# (its elapsed_ms= line) under whyslow and alone: what tracing its events
# costs, without whyslow's fixed start-up and report (~0.07 s, a quarter
# of a 0.3 s run's ratio).  Last, the BPF run time of whyslow's programs
# per syscall exit on a longer opentree run, the least of the repetitions
# (see bpf_ns_per_exit): what a change to the BPF side saves, less
# exposed to the host's noise, which moves the ratios by +-0.1x (only
# what the host steals while a program runs counts in it).
# With BENCH_VS=PATH, another whyslow binary (a build of an older commit)
# gets its column in the same run, interleaved with this one.
#
# Reports go to `-o /dev/null` (whyslow writes devices in place since
# 64a0fb3; older builds renamed a temporary file over /dev/null: the script
# refuses to run if /dev/null is not a character device afterwards).
set -euo pipefail

# The wakeup-tracing section's baseline, unless BENCH_BASE names another.
BENCH_BASE_DEFAULT=HEAD~1

cd "$(dirname "$0")/.."

WHYSLOW=${WHYSLOW:-./whyslow}
PERF=${PERF:-perf}
REPS=${BENCH_REPS:-5}
PROG=${BENCH_PROG:-tests/workloads/bin/bench_cpu}
BPFTRACE=${BPFTRACE:-bpftrace}
PP=${BENCH_PINGPONG:-tests/workloads/bin/pingpong}
ROUNDS=${BENCH_ROUNDS:-50000}
BASE_REV=${BENCH_BASE:-$BENCH_BASE_DEFAULT}
SPAWNS=${BENCH_SPAWNS:-2000}
WAKE_ROUNDS=${BENCH_WAKE_ROUNDS:-200000}
SECTIONS=(cost cpu offcpu python syscalls unwind wakeup)
ONLY=${BENCH_ONLY:-${SECTIONS[*]}}

die() { echo "bench: $*" >&2; exit 1; }

for s in $ONLY; do
	[[ " ${SECTIONS[*]} " == *" $s "* ]] ||
		die "BENCH_ONLY: no section '$s' (sections: ${SECTIONS[*]})"
done
[[ $SPAWNS =~ ^[1-9][0-9]{0,6}$ ]] || die "BENCH_SPAWNS: not a count: $SPAWNS"
[[ $WAKE_ROUNDS =~ ^[1-9][0-9]{0,8}$ ]] ||
	die "BENCH_WAKE_ROUNDS: not a count: $WAKE_ROUNDS"
want() { [[ " $ONLY " == *" $1 "* ]]; }

[[ $(id -u) -eq 0 ]] || die "needs root (whyslow and perf load BPF / perf events)"
[[ -x $WHYSLOW ]] || die "no $WHYSLOW: run make first"
[[ -x $PROG ]] || make -s -C tests/workloads
[[ -x $PROG ]] || die "no $PROG"
[[ -x $PP ]] || make -s -C tests/workloads
[[ -x $PP ]] || die "no $PP"
have_perf=1
command -v "$PERF" >/dev/null || have_perf=0
have_bpftrace=1
command -v "$BPFTRACE" >/dev/null || have_bpftrace=0
# perf's and bpftrace's classic tracepoints need tracefs (whyslow does not).
if ((have_perf || have_bpftrace)) && [[ ! -d /sys/kernel/tracing/events ]]; then
	mount -t tracefs nodev /sys/kernel/tracing ||
		die "tracefs is not mounted on /sys/kernel/tracing and mounting it failed"
fi

tmp=$(mktemp -d /tmp/whyslow-bench.XXXXXX)
base_wt=""	# the baseline's git worktree, once added
stats_was=""	# kernel.bpf_stats_enabled before section_cost turned it on
cleanup() {
	if [[ -n $base_wt ]]; then
		git worktree remove --force "$base_wt" >/dev/null 2>&1 || true
	fi
	if [[ -n $stats_was ]]; then
		sysctl -q -w kernel.bpf_stats_enabled="$stats_was" || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- configurations --------------------------------------------------------
c_alone()    { "$PROG"; }
c_ws99()     { "$WHYSLOW" record -F 99 -o /dev/null -- "$PROG"; }
c_ws999()    { "$WHYSLOW" record -F 999 -o /dev/null -- "$PROG"; }
c_perf99()   { "$PERF" record -g -F 99 -o "$tmp/x.data" -- "$PROG"; }
c_perf999()  { "$PERF" record -g -F 999 -o "$tmp/x.data" -- "$PROG"; }
c_ws_true()  { "$WHYSLOW" record -o /dev/null -- true; }
c_perf_true() { "$PERF" record -o "$tmp/x.data" -- true; }
c_pp_alone() { "$PP" "$ROUNDS"; }
c_pp_ws()    { "$WHYSLOW" record -o /dev/null -- "$PP" "$ROUNDS"; }
c_pp_wsno()  { "$WHYSLOW" record --no-offcpu -o /dev/null -- "$PP" "$ROUNDS"; }
c_pp_perf()  { "$PERF" record -e sched:sched_switch -g -o "$tmp/s.data" -- "$PP" "$ROUNDS"; }
c_pp_bt()    { "$BPFTRACE" -c "$PP $ROUNDS" "$tmp/offcputime.bt"; }
TASKSET=$(command -v taskset || true)
PIN=("$TASKSET" -c 0)
c_pin_alone() { "${PIN[@]}" "$PP" "$ROUNDS"; }
c_pin_ws()    { "$WHYSLOW" record -o /dev/null -- "${PIN[@]}" "$PP" "$ROUNDS"; }
c_pin_wsno()  { "$WHYSLOW" record --no-offcpu -o /dev/null -- "${PIN[@]}" "$PP" "$ROUNDS"; }
c_pin_perf()  { "$PERF" record -e sched:sched_switch -g -o "$tmp/s.data" -- "${PIN[@]}" "$PP" "$ROUNDS"; }
c_pin_bt()    { "$BPFTRACE" -c "${PIN[*]} $PP $ROUNDS" "$tmp/offcputime.bt"; }

# offcputime in bpftrace: on switch-out of a traced thread (by comm, so the
# forked child is included) note the time and its kernel and user stacks;
# on its switch-in add the time off-CPU to those stacks.  The sums are
# printed at exit, as offcputime does.
pp_comm=$(basename "$PP")
pp_comm=${pp_comm:0:15}
cat >"$tmp/offcputime.bt" <<EOF
tracepoint:sched:sched_switch
{
	if (args->prev_comm == "$pp_comm") {
		@start[args->prev_pid] = nsecs;
		@kst[args->prev_pid] = kstack;
		@ust[args->prev_pid] = ustack;
	}
	\$s = @start[args->next_pid];
	if (\$s) {
		@off[@kst[args->next_pid], @ust[args->next_pid], args->next_comm] =
			sum(nsecs - \$s);
		delete(@start[args->next_pid]);
		delete(@kst[args->next_pid]);
		delete(@ust[args->next_pid]);
	}
}

END { clear(@start); clear(@kst); clear(@ust); }
EOF

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
	[pp_alone]="program alone"
	[pp_ws]="whyslow record"
	[pp_wsno]="whyslow record --no-offcpu"
	[pp_perf]="perf -e sched_switch -g"
	[pp_bt]="bpftrace offcputime"
	[pin_alone]="program alone"
	[pin_ws]="whyslow record"
	[pin_wsno]="whyslow record --no-offcpu"
	[pin_perf]="perf -e sched_switch -g"
	[pin_bt]="bpftrace offcputime"
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
# The same for the workload's own time, from its "elapsed_ms=" line on
# stderr (bench_cpu, readsmall, opentree.py): the run without the
# tracer's start-up and report, i.e. what tracing each event costs.
declare -A inrun inratios

"$WHYSLOW" record -o /dev/null -- true 2>/dev/null || die "$WHYSLOW record -- true fails"
[[ -c /dev/null ]] || die "whyslow -o /dev/null replaced /dev/null with a file: restore it with 'rm /dev/null; mknod -m 666 /dev/null c 1 3'"

# bench SECTION BASE CONFIG...: every configuration once per repetition,
# rotated; times[c] and ratios[c] (to BASE, same repetition) filled in.
bench() {
	local section=$1 base=$2 c k rep n
	shift 2
	local cs=("$@")
	n=${#cs[@]}
	for ((rep = 0; rep < REPS; rep++)); do
		[[ -t 2 ]] && printf '\rbench: %s, repetition %d/%d ' \
			"$section" $((rep + 1)) "$REPS" >&2
		declare -A t=() e=()
		for ((k = 0; k < n; k++)); do
			c=${cs[(k + rep) % n]}
			t[$c]=$(run_ms "$c")
			times[$c]+="${t[$c]} "
			e[$c]=$(sed -n 's/.*elapsed_ms=\([0-9.]*\).*/\1/p' \
				"$tmp/err" | tail -n 1)
		done
		for c in "${cs[@]}"; do
			[[ $c != "$base" && -n ${t[$c]:-} ]] || continue
			ratios[$c]+="$(awk -v a="${t[$c]}" -v b="${t[$base]}" \
				'BEGIN { printf "%.4f", a / b }') "
			[[ -n ${e[$c]:-} && -n ${e[$base]:-} ]] || continue
			inrun[$c]+="${e[$c]} "
			inratios[$c]+="$(awk -v a="${e[$c]}" -v b="${e[$base]}" \
				'BEGIN { printf "%.4f", a / b }') "
		done
		unset t e
	done
	[[ -t 2 ]] && printf '\r\033[K' >&2
	return 0
}

# A table of wall times and ratios: ratio_table TITLE BASE CONFIG...
ratio_table() {
	local title=$1 base=$2 c
	shift 2
	printf '%-26s %10s %14s\n' "$title" "wall ms" "ratio vs alone"
	printf '%-26s %10s %14s\n' "--------------------------" "-------" "--------------"
	printf '%-26s %10.0f %14s\n' "${label[$base]}" "$(median ${times[$base]})" "1.00"
	for c in "$@"; do
		[[ -n ${times[$c]:-} ]] || continue
		printf '%-26s %10.0f %13.2fx\n' "${label[$c]}" "$(median ${times[$c]})" \
			"$(median ${ratios[$c]})"
	done
}

# --- whyslow's cost: issue 14's table ------------------------------------------
# peak_kb CMD...: the peak RSS of CMD in KiB (its output discarded).
peak_kb() {
	/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; return 1; }
	tail -n 1 "$tmp/rss"
}

# rss_all WS: peak RSS of a BENCH_ALL_SECONDS `record -a` by WS while the
# Python script and bench_cpu run in a loop.
rss_all() {
	local ws=$1 load kb
	(while :; do "$PYBIN" "$OT" "$ot_dir" >/dev/null 2>&1; "$PROG" 2>/dev/null; done) &
	load=$!
	kb=$(peak_kb "$ws" record -a -d "$ALL_S" -o /dev/null) || kb=0
	kill "$load" 2>/dev/null
	wait "$load" 2>/dev/null
	echo "$kb"
}

# bpf_ns_per_exit WS: the BPF run time whyslow's programs took per syscall
# exit traced, while WS records opentree.py at depth 36 ten rounds (100,000
# opens, ~9 syscalls each): the kernel's BPF statistics (the caller turns
# them on), read every 0.2 s from the programs loaded after it started, and divided
# by the exits counted in the same read.  A host's noise moves wall-clock
# ratios by more than a change to a BPF program: this counts only what it
# steals while a program runs.  Prints nothing when bpftool or jq is
# missing.
bpf_ns_per_exit() {
	local ws=$1 last_id poll
	command -v bpftool >/dev/null && command -v jq >/dev/null || return 0
	last_id=$(bpftool prog show -j | jq '[.[].id] | max // 0')
	(while sleep 0.2; do
		bpftool prog show -j >"$tmp/progs.new" 2>/dev/null &&
			mv "$tmp/progs.new" "$tmp/progs.json"
	done) &
	poll=$!
	rm -f "$tmp/progs.json"
	"$ws" record -o /dev/null -- "$PYBIN" "$OT" "$ot_dir" 10000 10 36 \
		>/dev/null 2>&1 || true
	kill "$poll" 2>/dev/null
	wait "$poll" 2>/dev/null || true
	[[ -s $tmp/progs.json ]] || return 0
	jq --argjson id "$last_id" '[.[] | select(.id > $id)] |
		([.[] | .run_time_ns // 0] | add) as $ns |
		([.[] | select(.name | startswith("io_exit")) | .run_cnt // 0] |
		 add) as $n |
		if $n > 0 then $ns / $n | round else empty end' "$tmp/progs.json"
}

section_cost() {
	PYBIN=${BENCH_PYTHON:-/usr/bin/python3}
	OT=tests/workloads/py/opentree.py
	RS=tests/workloads/bin/readsmall
	ALL_S=${BENCH_ALL_SECONDS:-30}
	VS=${BENCH_VS:-}
	[[ -x $PYBIN ]] || die "no $PYBIN"
	[[ -x /usr/bin/time ]] || die "no /usr/bin/time (Debian package time)"
	[[ -z $VS || -x $VS ]] || die "BENCH_VS: no executable $VS"
	[[ $ALL_S =~ ^[1-9][0-9]{0,4}$ ]] || die "BENCH_ALL_SECONDS: not a count: $ALL_S"
	ot_dir=$tmp/ot
	cost_file=$tmp/small1
	mkdir -p "$ot_dir"
	printf 'x\n' >"$cost_file"
	chmod 755 "$tmp" "$ot_dir"
	chmod 644 "$cost_file"
	"$PYBIN" "$OT" "$ot_dir" >/dev/null 2>&1 || die "$OT failed"
	chmod -R a+rX "$ot_dir"
	c_ot_alone() { "$PYBIN" "$OT" "$ot_dir"; }
	c_ot_ws()    { "$WHYSLOW" record -o /dev/null -- "$PYBIN" "$OT" "$ot_dir"; }
	c_ot_vs()    { "$VS" record -o /dev/null -- "$PYBIN" "$OT" "$ot_dir"; }
	c_pr_alone() { "$RS" "$cost_file" 1000000; }
	c_pr_ws()    { "$WHYSLOW" record -o /dev/null -- "$RS" "$cost_file" 1000000; }
	c_pr_vs()    { "$VS" record -o /dev/null -- "$RS" "$cost_file" 1000000; }
	c_cc_alone() { "$PROG"; }
	c_cc_ws()    { "$WHYSLOW" record -F 999 -o /dev/null -- "$PROG"; }
	c_cc_vs()    { "$VS" record -F 999 -o /dev/null -- "$PROG"; }
	# the floor: the same sampling clock, no BPF, no stacks
	c_cc_perf()  { perf record -q -F 999 -e cpu-clock -o "$tmp/perf.data" -- "$PROG"; }
	c_tr_ws()    { "$WHYSLOW" record -o /dev/null -- true; }
	c_tr_vs()    { "$VS" record -o /dev/null -- true; }
	label+=(
		[ot_alone]="alone" [pr_alone]="alone" [cc_alone]="alone"
		[ot_ws]="whyslow" [pr_ws]="whyslow" [cc_ws]="whyslow"
		[tr_ws]="whyslow"
		[ot_vs]="BENCH_VS" [pr_vs]="BENCH_VS" [cc_vs]="BENCH_VS"
		[tr_vs]="BENCH_VS" [cc_perf]="perf record -F 999 (no stacks)"
	)
	local cs=(ot_alone ot_ws pr_alone pr_ws cc_alone cc_ws tr_ws) w
	[[ -n $VS ]] && cs+=(ot_vs pr_vs cc_vs tr_vs)
	command -v perf >/dev/null && cs+=(cc_perf)
	c_ot_alone >/dev/null 2>&1	# warm the page cache
	# Each workload's ratios are to its own "alone" of the repetition.
	for w in ot pr cc; do
		local sub=()
		for c in "${cs[@]}"; do
			[[ $c == ${w}_* ]] && sub+=("$c")
		done
		bench "cost: $w" "${w}_alone" "${sub[@]}"
	done
	bench "cost: record -- true" tr_ws tr_ws ${VS:+tr_vs}
	local -a rt=() rv=()
	for ((rep = 0; rep < REPS; rep++)); do
		rt+=("$(peak_kb "$WHYSLOW" record -o /dev/null -- true)")
		[[ -n $VS ]] && rv+=("$(peak_kb "$VS" record -o /dev/null -- true)")
	done
	local all_ws all_vs=""
	local -a bw=() bv=()
	# on for these runs only (they cost every BPF program a clock read);
	# cleanup() restores them if the bench is stopped meanwhile
	stats_was=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -q -w kernel.bpf_stats_enabled=1
	for ((rep = 0; rep < REPS; rep++)); do
		bw+=($(bpf_ns_per_exit "$WHYSLOW"))
		[[ -n $VS ]] && bv+=($(bpf_ns_per_exit "$VS"))
	done
	sysctl -q -w kernel.bpf_stats_enabled="$stats_was"
	stats_was=""
	all_ws=$(rss_all "$WHYSLOW")
	[[ -n $VS ]] && all_vs=$(rss_all "$VS")

	echo "whyslow's cost (issue 14): $REPS repetitions interleaved, medians;" \
	     "ratios to the program alone in the same repetition"
	[[ -n $VS ]] && echo "BENCH_VS: $VS"
	echo
	echo "(in-run: the workload's own time under whyslow against alone, without"
	echo " whyslow's start-up and report: the cost of tracing its events)"
	echo
	printf '%-44s %9s %9s %8s %10s\n' "workload" "alone ms" "whyslow" "in-run" "BENCH_VS"
	printf '%-44s %9s %9s %8s %10s\n' "--------------------------------------------" \
		"--------" "-------" "------" "--------"
	cost_row() {	# cost_row TITLE PREFIX
		printf '%-44s %9.0f %8.2fx %7.2fx %10s\n' "$1" \
			"$(median ${times[${2}_alone]})" \
			"$(median ${ratios[${2}_ws]})" \
			"$(median ${inratios[${2}_ws]:-0})" \
			"${VS:+$(printf '%.2fx' "$(median ${ratios[${2}_vs]})")}"
	}
	cost_row "Python, 20k opens 33-36 deep (opentree.py)" ot
	cost_row "1M 1-byte preads (readsmall)" pr
	cost_row "CPU-bound C at 999 Hz (bench_cpu)" cc
	if [[ -n ${ratios[cc_perf]:-} ]]; then
		printf '%-44s %9s %8.2fx %7.2fx\n' "  the same, perf record -F 999, no stacks" "" \
			"$(median ${ratios[cc_perf]})" "$(median ${inratios[cc_perf]:-0})"
	fi
	if ((${#bw[@]})); then
		printf '%-44s %9s %7.0fns %8s %10s\n' \
			"BPF per syscall, opentree (min of $REPS)" "" \
			"$(printf '%s\n' "${bw[@]}" | sort -g | head -n 1)" "" \
			"${VS:+$( ((${#bv[@]})) && printf '%.0fns' "$(printf '%s\n' "${bv[@]}" | sort -g | head -n 1)")}"
	fi
	printf '%-44s %9s %7.0fms %8s %10s\n' "record -- true" "" \
		"$(median ${times[tr_ws]})" "" \
		"${VS:+$(printf '%.0fms' "$(median ${times[tr_vs]})")}"
	printf '%-44s %9s %6.1fMiB %8s %10s\n' "peak RSS, record -- true" "" \
		"$(awk -v k="$(median "${rt[@]}")" 'BEGIN { print k / 1024 }')" "" \
		"${VS:+$(awk -v k="$(median "${rv[@]}")" 'BEGIN { printf "%.1fMiB", k / 1024 }')}"
	printf '%-44s %9s %6.1fMiB %8s %10s\n' "peak RSS, record -a -d $ALL_S (under load)" "" \
		"$(awk -v k="$all_ws" 'BEGIN { print k / 1024 }')" "" \
		"${VS:+$(awk -v k="$all_vs" 'BEGIN { printf "%.1fMiB", k / 1024 }')}"
}

# --- CPU-bound -------------------------------------------------------------
section_cpu() {
	c_alone >/dev/null 2>&1	# warm the page cache
	bench "CPU-bound" alone "${configs[@]}"
	echo "CPU-bound: $(basename "$PROG") ($(median ${times[alone]}) ms alone)"
	echo
	ratio_table "CPU-bound program" alone ws99 ws999 perf99 perf999
	echo
	printf '%-26s %10s\n' "fixed cost" "wall ms"
	printf '%-26s %10s\n' "--------------------------" "-------"
	for c in ws_true perf_true; do
		[[ -n ${times[$c]:-} ]] || continue
		printf '%-26s %10.0f\n' "${label[$c]}" "$(median ${times[$c]})"
	done
	((have_perf)) || echo "(perf not found: its rows are missing)"
}

# --- off-CPU tracing -------------------------------------------------------
section_offcpu() {
	pp_configs=(pp_alone pp_ws pp_wsno)
	((have_perf)) && pp_configs+=(pp_perf)
	((have_bpftrace)) && pp_configs+=(pp_bt)
	c_pp_alone >/dev/null	# warm the page cache
	bench "ping-pong" pp_alone "${pp_configs[@]}"
	if [[ -n $TASKSET ]]; then
		bench "ping-pong on CPU 0" pin_alone "${pp_configs[@]/#pp_/pin_}"
	fi

	# What whyslow kept of the ping-pong's waits (one more run, in JSON).
	pp_quality=$("$WHYSLOW" record --format json -- "$PP" "$ROUNDS" 2>/dev/null |
		jq -r '.quality | "lost samples \(.lost_samples), lost side-band \(.lost_sideband), off-CPU intervals dropped \(.offcpu_dropped), stack collisions \(.stack_collisions), kernel stack errors \(.kstack_errors)"' \
		2>/dev/null) || pp_quality="(not available: jq missing or the run failed)"

	echo "off-CPU tracing: pipe ping-pong ($(basename "$PP") $ROUNDS round trips," \
	     "$(median ${times[pp_alone]}) ms alone)"
	echo
	ratio_table "pipe ping-pong" pp_alone pp_ws pp_wsno pp_perf pp_bt
	if [[ -n $TASKSET ]]; then
		echo
		ratio_table "same, pinned to CPU 0" pin_alone pin_ws pin_wsno pin_perf pin_bt
	else
		echo "(taskset not found: the pinned table is missing)"
	fi
	echo
	echo "whyslow on the ping-pong: $pp_quality"
	((have_perf)) || echo "(perf not found: its row is missing)"
	((have_bpftrace)) || echo "(bpftrace not found: its row is missing)"
}

# --- Python ----------------------------------------------------------------
# A CPU-bound Python script (tests/workloads/py/bench_cpu.py, ~1.5 s, calls
# 4 frames deep) under Debian's python3: alone, under whyslow (which walks
# the Python stack at every sample) and under perf (native stacks only);
# then the same CPU at the bottom of a recursion 300 deep
# (tests/workloads/py/deep.py: 302 Python frames walked per sample), alone
# and under whyslow, with what the sampler's BPF program cost per sample
# in each (its run time from the kernel's BPF stats, over the samples).
# Environment: BENCH_PYTHON (default /usr/bin/python3),
# BENCH_PY_SCRIPT (default tests/workloads/py/bench_cpu.py),
# BENCH_PY_DEPTH (default 300).
sampler_us() {	# µs of sampler per sample of one JSON report on stdin
	jq -r 'if .samples > 0 then "\(.quality.sampler_ns / .samples / 1000 | . * 10 | round / 10) us per sample (\(.samples) samples, \(.quality.py_truncated_samples) Python stacks cut)" else "no samples" end' 2>/dev/null ||
		echo "(not available: jq missing or the run failed)"
}

section_python() {
	PYBIN=${BENCH_PYTHON:-/usr/bin/python3}
	PYSCRIPT=${BENCH_PY_SCRIPT:-tests/workloads/py/bench_cpu.py}
	PYDEPTH=${BENCH_PY_DEPTH:-300}
	[[ $PYDEPTH =~ ^[1-9][0-9]{0,3}$ ]] || die "BENCH_PY_DEPTH: not a depth: $PYDEPTH"
	c_py_alone()   { "$PYBIN" "$PYSCRIPT"; }
	c_pyd_alone()  { "$PYBIN" tests/workloads/py/deep.py "$PYDEPTH" 15000000; }
	c_pyd_ws999()  { "$WHYSLOW" record -F 999 -o /dev/null -- "$PYBIN" tests/workloads/py/deep.py "$PYDEPTH" 15000000; }
	c_py_ws99()    { "$WHYSLOW" record -F 99 -o /dev/null -- "$PYBIN" "$PYSCRIPT"; }
	c_py_ws999()   { "$WHYSLOW" record -F 999 -o /dev/null -- "$PYBIN" "$PYSCRIPT"; }
	c_py_perf99()  { "$PERF" record -g -F 99 -o "$tmp/py.data" -- "$PYBIN" "$PYSCRIPT"; }
	c_py_perf999() { "$PERF" record -g -F 999 -o "$tmp/py.data" -- "$PYBIN" "$PYSCRIPT"; }
	label+=(
		[py_alone]="python3 alone"
		[py_ws99]="whyslow record -F 99"
		[py_ws999]="whyslow record -F 999"
		[py_perf99]="perf record -g -F 99"
		[py_perf999]="perf record -g -F 999"
		[pyd_alone]="python3 alone"
		[pyd_ws999]="whyslow record -F 999"
	)
	if [[ -x $PYBIN && -f $PYSCRIPT ]]; then
		py_configs=(py_alone py_ws99 py_ws999)
		((have_perf)) && py_configs+=(py_perf99 py_perf999)
		c_py_alone >/dev/null 2>&1	# warm the page cache
		bench "Python" py_alone "${py_configs[@]}"
		# Python frames whyslow named in one more run at 999 Hz (jq).
		py_quality=$("$WHYSLOW" record --format json -- "$PYBIN" "$PYSCRIPT" 2>/dev/null |
			jq -r '"samples \(.samples), lost \(.quality.lost_samples), truncated \(.quality.truncated_samples); hottest: \(.functions[0].name) (\(.functions[0].file // .functions[0].module)) \(.functions[0].self_pct)% self"' \
			2>/dev/null) || py_quality="(not available: jq missing or the run failed)"
		echo "Python: $PYBIN $PYSCRIPT ($(median ${times[py_alone]}) ms alone)," \
		     "$REPS repetitions interleaved, medians"
		echo
		ratio_table "CPU-bound Python" py_alone py_ws99 py_ws999 py_perf99 py_perf999
		echo
		echo "whyslow on the Python script: $py_quality"
		((have_perf)) || echo "(perf not found: its rows are missing)"
		bench "Python, deep" pyd_alone pyd_alone pyd_ws999
		echo
		ratio_table "Python, $PYDEPTH deep" pyd_alone pyd_ws999
		echo
		echo "sampler, shallow: $("$WHYSLOW" record --format json -- "$PYBIN" "$PYSCRIPT" 2>/dev/null | sampler_us)"
		echo "sampler, $PYDEPTH deep: $("$WHYSLOW" record --format json -- "$PYBIN" tests/workloads/py/deep.py "$PYDEPTH" 15000000 2>/dev/null | sampler_us)"
	else
		echo "(Python section skipped: no $PYBIN or no $PYSCRIPT)"
	fi
}

# --- syscall tracing -------------------------------------------------------
# readsmall FILE N: N 1-byte preads at offset 0 of a 2-byte file, all from
# the page cache.  The file is in $tmp, made readable by the user whyslow
# runs the command as under sudo.
section_syscalls() {
	RS=tests/workloads/bin/readsmall
	READS=${BENCH_READS:-1000000}
	[[ -x $RS ]] || make -s -C tests/workloads
	[[ -x $RS ]] || die "no $RS"
	rs_file=$tmp/small
	printf 'x\n' >"$rs_file"
	chmod 755 "$tmp"
	chmod 644 "$rs_file"
	cat >"$tmp/preads.bt" <<-'EOF'
	tracepoint:syscalls:sys_exit_pread64 /pid == cpid/
	{
		@reads = count();
		@bytes = sum(args->ret);
	}
	EOF
	c_rs_alone() { "$RS" "$rs_file" "$READS"; }
	c_rs_ws()    { "$WHYSLOW" record -o /dev/null -- "$RS" "$rs_file" "$READS"; }
	c_rs_wsno()  { "$WHYSLOW" record --no-offcpu -o /dev/null -- "$RS" "$rs_file" "$READS"; }
	c_rs_wsnoio() { "$WHYSLOW" record --no-io -o /dev/null -- "$RS" "$rs_file" "$READS"; }
	c_rs_bt()    { "$BPFTRACE" -c "$RS $rs_file $READS" "$tmp/preads.bt"; }
	label+=(
		[rs_alone]="program alone"
		[rs_ws]="whyslow record"
		[rs_wsno]="whyslow record --no-offcpu"
		[rs_wsnoio]="whyslow record --no-io"
		[rs_bt]="bpftrace pread counter"
	)
	rs_configs=(rs_alone rs_ws rs_wsno rs_wsnoio)
	((have_bpftrace)) && rs_configs+=(rs_bt)
	c_rs_alone >/dev/null 2>&1	# warm the page cache
	bench "syscall tracing" rs_alone "${rs_configs[@]}"
	# What whyslow counted for the file (one more run, in JSON).
	rs_counted=$("$WHYSLOW" record --format json -- "$RS" "$rs_file" "$READS" 2>/dev/null |
		jq -r --arg f "$rs_file" '.quality.io_dropped as $drop | (.io.files // [])[] |
			select(.path == $f or ($f | endswith("/" + .path))) |
			"opens \(.opens), reads \(.reads), bytes read \(.read_bytes), time in its syscalls \(.time_ns / 1e6 | floor) ms; I/O events dropped \($drop // "?")"' \
		2>/dev/null) || true
	echo "syscall tracing: $(basename "$RS") $READS 1-byte preads" \
	     "($(median ${times[rs_alone]}) ms alone), $REPS repetitions interleaved, medians"
	echo
	ratio_table "1-byte preads" rs_alone rs_ws rs_wsno rs_wsnoio rs_bt
	echo
	echo "whyslow on the preads: ${rs_counted:-(not available: jq missing, the run failed or no io.files entry for the file)}"
	((have_bpftrace)) || echo "(bpftrace not found: its row is missing)"
}

# --- unwinding without frame pointers ----------------------------------------
# tests/workloads/bin/nofp_tree (and its libnofp.so) is built -O2
# -fomit-frame-pointer: whyslow (an 8 KiB stack copy per sample, unwound
# with .eh_frame in user space), whyslow --fp-only (no copy: callers lost),
# and perf record --call-graph dwarf (perf's own 8 KiB copy), at 99 and
# 999 Hz.
section_unwind() {
	NF=tests/workloads/bin/nofp_tree
	[[ -x $NF ]] || make -s -C tests/workloads
	[[ -x $NF ]] || die "no $NF"
	c_nf_alone()  { "$NF"; }
	c_nf_ws99()   { "$WHYSLOW" record -F 99 -o /dev/null -- "$NF"; }
	c_nf_ws999()  { "$WHYSLOW" record -F 999 -o /dev/null -- "$NF"; }
	c_nf_fp999()  { "$WHYSLOW" record -F 999 --fp-only -o /dev/null -- "$NF"; }
	c_nf_perf99() { "$PERF" record --call-graph dwarf -F 99 -o "$tmp/d.data" -- "$NF"; }
	c_nf_perf999() { "$PERF" record --call-graph dwarf -F 999 -o "$tmp/d.data" -- "$NF"; }
	label+=(
		[nf_alone]="program alone"
		[nf_ws99]="whyslow -F 99"
		[nf_ws999]="whyslow -F 999"
		[nf_fp999]="whyslow -F 999 --fp-only"
		[nf_perf99]="perf --call-graph dwarf 99"
		[nf_perf999]="perf --call-graph dwarf 999"
	)
	nf_configs=(nf_alone nf_ws99 nf_ws999 nf_fp999)
	((have_perf)) && nf_configs+=(nf_perf99 nf_perf999)
	c_nf_alone >/dev/null 2>&1	# warm the page cache
	bench "unwinding" nf_alone "${nf_configs[@]}"
	echo "unwinding without frame pointers: $(basename "$NF")" \
	     "($(median ${times[nf_alone]}) ms alone), $REPS repetitions interleaved, medians"
	echo
	ratio_table "-O2, no frame pointers" nf_alone nf_ws99 nf_ws999 nf_fp999 nf_perf99 nf_perf999
}

# --- wakeup tracing ----------------------------------------------------------
# (described at the top).  build_base REV: the baseline whyslow built at
# $tmp/base/whyslow and its short hash in base_sha; or status 1 and the
# reason in base_why.  Not in a subshell: cleanup needs base_wt.
build_base() {
	local rev=$1 sha
	if ! command -v git >/dev/null; then
		base_why="git not found"
		return 1
	fi
	if ! sha=$(git rev-parse --verify -q "$rev^{commit}" 2>/dev/null); then
		base_why="'$rev' is not a commit of this repository"
		return 1
	fi
	echo "bench: building the baseline whyslow ($rev = ${sha:0:12})..." >&2
	if ! git worktree add -q --detach "$tmp/base" "$sha" >"$tmp/base.log" 2>&1; then
		base_why="git worktree add failed: $(tail -n 3 "$tmp/base.log")"
		return 1
	fi
	base_wt=$tmp/base
	if ! make -C "$base_wt" -j2 whyslow >>"$tmp/base.log" 2>&1; then
		base_why="building $rev failed: $(tail -n 5 "$tmp/base.log")"
		return 1
	fi
	if ! "$base_wt/whyslow" record -o /dev/null -- true >>"$tmp/base.log" 2>&1; then
		base_why="its 'record -- true' fails: $(tail -n 3 "$tmp/base.log")"
		return 1
	fi
	[[ -c /dev/null ]] || die "the baseline whyslow replaced /dev/null with a file: restore it with 'rm /dev/null; mknod -m 666 /dev/null c 1 3'"
	base_sha=${sha:0:12}
}

# pair_stat A B ratio|diff: median over the repetitions of A's time / B's
# (or A's - B's) in the same repetition.
pair_stat() {
	local -a a b r=()
	local i
	read -ra a <<<"${times[$1]}"
	read -ra b <<<"${times[$2]}"
	for ((i = 0; i < ${#a[@]} && i < ${#b[@]}; i++)); do
		r+=("$(awk -v x="${a[i]}" -v y="${b[i]}" -v op="$3" \
			'BEGIN { if (op == "diff") printf "%d", x - y
				 else printf "%.4f", (y > 0) ? x / y : 0 }')")
	done
	median "${r[@]}"
}

# wake_table TITLE ALONE NEW BASE UNIT N: wall times, ratios to the program
# alone and of this build to the baseline, and the extra time per UNIT
# (N of them in a run).
wake_table() {
	local title=$1 alone=$2 new=$3 base=$4 unit=$5 n=$6 diff
	printf '%-26s %10s %10s %12s\n' "$title" "wall ms" "vs alone" "vs baseline"
	printf '%-26s %10s %10s %12s\n' "--------------------------" "-------" \
		"--------" "-----------"
	printf '%-26s %10.0f %10s\n' "${label[$alone]}" "$(median ${times[$alone]})" "1.00"
	printf '%-26s %10.0f %9.2fx %11.2fx\n' "${label[$new]}" \
		"$(median ${times[$new]})" "$(median ${ratios[$new]})" \
		"$(pair_stat "$new" "$base" ratio)"
	printf '%-26s %10.0f %9.2fx %12s\n' "${label[$base]}" \
		"$(median ${times[$base]})" "$(median ${ratios[$base]})" "1.00"
	diff=$(pair_stat "$new" "$base" diff)
	awk -v d="$diff" -v n="$n" -v u="$unit" 'BEGIN {
		printf "this build - baseline: %+.0f ms a run, %+.2f us per %s\n",
			d, d * 1000 / n, u }'
}

section_wakeup() {
	if ! build_base "$BASE_REV"; then
		echo "wakeup tracing: skipped, no baseline whyslow: $base_why"
		return 0
	fi
	BASE_WS=$base_wt/whyslow
	SPAWN_LOOP="for i in \$(seq $SPAWNS); do /bin/true; done"
	c_wk_pp_alone() { "${PIN[@]}" "$PP" "$WAKE_ROUNDS"; }
	c_wk_pp_new()   { "$WHYSLOW" record -o /dev/null -- "${PIN[@]}" "$PP" "$WAKE_ROUNDS"; }
	c_wk_pp_base()  { "$BASE_WS" record -o /dev/null -- "${PIN[@]}" "$PP" "$WAKE_ROUNDS"; }
	c_wk_sp_alone() { sh -c "$SPAWN_LOOP"; }
	c_wk_sp_new()   { "$WHYSLOW" record -o /dev/null -- sh -c "$SPAWN_LOOP"; }
	c_wk_sp_base()  { "$BASE_WS" record -o /dev/null -- sh -c "$SPAWN_LOOP"; }
	c_wk_true_new()  { "$WHYSLOW" record -o /dev/null -- true; }
	c_wk_true_base() { "$BASE_WS" record -o /dev/null -- true; }
	label+=(
		[wk_pp_alone]="program alone"
		[wk_pp_new]="whyslow (this build)"
		[wk_pp_base]="whyslow (baseline)"
		[wk_sp_alone]="program alone"
		[wk_sp_new]="whyslow (this build)"
		[wk_sp_base]="whyslow (baseline)"
		[wk_true_new]="whyslow (this build)"
		[wk_true_base]="whyslow (baseline)"
	)
	if [[ -n $TASKSET ]]; then
		c_wk_pp_alone >/dev/null	# warm the page cache
		bench "wakeups: ping-pong" wk_pp_alone wk_pp_alone wk_pp_new wk_pp_base
	fi
	c_wk_sp_alone >/dev/null
	bench "wakeups: spawns" wk_sp_alone wk_sp_alone wk_sp_new wk_sp_base
	bench "wakeups: fixed cost" wk_true_base wk_true_base wk_true_new

	echo "wakeup tracing: this build against the baseline $BASE_REV ($base_sha)," \
	     "$REPS repetitions interleaved, medians; aim: at most 1.10x"
	echo
	if [[ -n $TASKSET ]]; then
		wake_table "ping-pong, CPU 0 ($WAKE_ROUNDS)" wk_pp_alone wk_pp_new \
			wk_pp_base "round trip" "$WAKE_ROUNDS"
	else
		echo "(taskset not found: the pinned ping-pong is missing)"
	fi
	echo
	wake_table "sh loop, $SPAWNS /bin/true" wk_sp_alone wk_sp_new wk_sp_base \
		"spawn" "$SPAWNS"
	echo
	printf '%-26s %10s %12s\n' "fixed cost: record -- true" "wall ms" "vs baseline"
	printf '%-26s %10s %12s\n' "--------------------------" "-------" "-----------"
	printf '%-26s %10.0f %11.2fx\n' "${label[wk_true_new]}" \
		"$(median ${times[wk_true_new]})" "$(median ${ratios[wk_true_new]})"
	printf '%-26s %10.0f %12s\n' "${label[wk_true_base]}" \
		"$(median ${times[wk_true_base]})" "1.00"
}

# --- run -----------------------------------------------------------------------
echo "whyslow bench: $REPS repetitions interleaved, medians;" \
     "$(nproc) CPUs, $(uname -r)"
for s in "${SECTIONS[@]}"; do
	want "$s" || continue
	echo
	"section_$s"
done
