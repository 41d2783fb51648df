/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spawned programs: the execs, exits and forks the I/O stage kept → runs
 * (one per exec, to the process's exit or next exec) → each program's
 * figures in profile.io.spawns: runs, summed wall time, wall time as an
 * interval union, CPU time, runs at once, the program that ran it.
 */
#ifndef WHYSLOW_SPAWNS_H
#define WHYSLOW_SPAWNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proc/procmap.h"
#include "profile/profile.h"

struct spawn_exec {
	uint32_t pid;
	uint32_t program;	/* row of the program */
	uint64_t time;
	uint64_t cpu;		/* the process's CPU time so far */
};

struct spawn_exit {
	uint32_t pid;
	uint32_t exit_tid;	/* ws_exit's */
	uint64_t time;
	uint64_t cpu;		/* the process's CPU time, all of it */
};

struct spawn_fork {
	uint32_t child;
	uint32_t parent;
	int32_t site;		/* where it was forked, IO_NO_SITE */
	uint64_t time;
};

/* What the I/O stage kept; spawn_runs sorts the arrays. */
struct spawn_trace {
	struct spawn_exec *execs;
	size_t n_execs, cap_execs;
	struct spawn_exit *exits;
	size_t n_exits, cap_exits;
	struct spawn_fork *forks;
	size_t n_forks, cap_forks;
};

struct spawn_run {
	uint32_t pid;
	uint32_t program;
	uint64_t start;
	uint64_t end;		/* its exit, its process's next exec, or the
				 * end of the recording */
	uint64_t cpu;		/* 0 when not known */
	bool spawn;		/* not the profiled command's own exec */
};

void spawn_trace_free(struct spawn_trace *st);

/*
 * The runs of st, by pid and start, into *runs (allocated): root_pid's
 * first exec is the command, not a spawn; a run whose process neither
 * exec'd again nor exited ends at end_ns.  0 or -ENOMEM.
 */
int spawn_runs(struct spawn_trace *st, const struct proc_table *t,
	       uint32_t root_pid, uint64_t end_ns, struct spawn_run **runs,
	       size_t *n);

/* Where pid was forked from (its latest fork, should the pid be reused);
 * after spawn_runs. */
int32_t spawn_fork_site(const struct spawn_trace *st, uint32_t pid);

/*
 * Each program's figures from its runs (spawn_runs's): rows[program]
 * gets count, wall_ns, union_ns (runs cut at end_ns), cpu_ns,
 * max_parallel, parent and prelude_count; rows[].program are the names.
 * 0 or -ENOMEM.
 */
int spawn_figures(const struct spawn_run *runs, size_t n,
		  const struct spawn_trace *st, const struct proc_table *t,
		  uint64_t end_ns, struct io_spawn *rows, size_t n_rows);

#endif
