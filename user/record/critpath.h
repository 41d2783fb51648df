/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The critical path: the root thread's wall time, each nanosecond charged
 * to what held up the end of the run.  A wait that another traced thread
 * ended (a lock released, a pipe written, a child exited) is charged to
 * what that thread did meanwhile, recursively; time on the CPU to the
 * samples taken then; every other wait (network, disk, timers, untraced
 * processes) to its own stack.  The charges partition the root's wall
 * time exactly: profile.stacks[].cp_ns add up to profile.critical.ns.
 *
 * The timeline is what the collector saw, event by event; critpath_build
 * is a pure function of it and the finished profile.
 */
#ifndef WHYSLOW_CRITPATH_H
#define WHYSLOW_CRITPATH_H

#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

struct cp_sample {
	uint64_t ts;
	uint32_t tid;
	uint32_t stack;		/* profile.stacks index */
};

/* One off-CPU interval: blocked [start, wake), runnable [wake, end). */
struct cp_wait {
	uint64_t start, wake, end;
	uint32_t tid;
	uint32_t waker_tid;	/* 0: none seen */
	uint32_t stack;		/* profile.stacks index of the blocked part */
	uint32_t runq_stack;	/* ... of the runnable part */
};

struct cp_exec {
	uint64_t ts;
	uint32_t pid;
	const char *program;	/* the path given to execve() */
};

struct cp_timeline {
	struct cp_sample *samples;
	size_t n_samples;
	struct cp_wait *waits;
	size_t n_waits;
	struct cp_exec *execs;
	size_t n_execs;
};

struct cp_window {
	uint32_t root_tid;
	uint64_t start, end;	/* the root's wall time */
};

/*
 * Charges the root's wall time along the critical path: sets
 * p->stacks[].cp_ns and p->critical (programs, launchers, locks); may add
 * stacks for time on the CPU that no sample fell in.  Sorts tl in place.
 * 0 or -ENOMEM (p->critical left empty).
 */
int critpath_build(struct profile *p, struct cp_timeline *tl,
		   const struct cp_window *win);

#endif
