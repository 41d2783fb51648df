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

#include <stdbool.h>
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
	uint32_t waker_pid;
	uint32_t stack;		/* profile.stacks index of the blocked part */
	uint32_t runq_stack;	/* ... of the runnable part */
};

/* An exec, or a fork: the process's birth. */
struct cp_exec {
	uint64_t ts;
	uint32_t pid;
	const char *program;	/* the path given to execve(); NULL: pid
				 * was forked at ts */
	const char *exe;	/* the file it runs, its basename (ld.bfd
				 * for /usr/bin/ld); NULL: not known */
	uint32_t parent;	/* a fork: the process that forked pid */
	uint32_t parent_tid;	/* ... and its thread that did */
};

/* A thread made by another thread of its process. */
struct cp_birth {
	uint64_t ts;
	uint32_t pid;
	uint32_t tid;
	uint32_t parent_tid;
};

struct cp_timeline {
	struct cp_sample *samples;
	size_t n_samples;
	struct cp_wait *waits;
	size_t n_waits;
	struct cp_exec *execs;
	size_t n_execs;
	const struct cp_birth *births;	/* sorted by tid; NULL none known */
	size_t n_births;
};

struct cp_window {
	uint32_t root_tid;	/* the root process (its first thread) */
	uint32_t end_tid;	/* its thread that ended it (exit_group()),
				 * where the path ends; 0: root_tid */
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

/* ---- inside the walk: critpath.c charges the path, critlock.c reads
 * lock contention off the same timeline ---- */

#define WS_COMM_SIZE		17

/* A process image: what one pid ran between two execs. */
struct cp_image {
	uint32_t pid;
	uint32_t seq;		/* execs of pid before it; 0: as forked */
	uint64_t start;		/* its exec, 0 for seq 0 */
	uint64_t own_ns;	/* charged to its own stacks */
	uint64_t passed_ns;	/* passed on to the threads that woke it,
				 * waiting for them to end or to answer (a
				 * launcher's wait), not to make room (a
				 * producer's pipe write) */
	uint64_t first_ns;	/* its first charge; UINT64_MAX none */
	uint64_t source_ns;	/* of own_ns, in the program's own source
				 * code (its innermost application frame
				 * has a line: a script's, or a program
				 * built with -g): work, not launching */
	uint64_t born;		/* seq 0: its first event */
	uint32_t parent;	/* seq 0: who forked it, when seen; 0 */
	uint32_t parent_tid;	/* ... its thread that did; 0 */
	int64_t parent_image;	/* seq 0: the image it was forked from; -1 */
	const char *name;	/* the program as exec'd; NULL until named */
	const char *exe;	/* the file exec'd, by its own name; NULL */
	int64_t exe_frame;	/* a frame of its executable, charged; -1 */
	char comm[WS_COMM_SIZE];	/* name of last resort */
};

struct walker {
	struct profile *p;
	struct cp_timeline *tl;
	struct cp_image *images;	/* by pid, then seq */
	size_t n_images;
	uint32_t *thread_pid;		/* by the threads' order below */
	uint32_t *thread_ppid;		/* ... their process's parent, 0 */
	uint32_t *tids;			/* sorted, distinct */
	size_t n_tids;
	int64_t *unsampled;		/* per image: stack for unsampled CPU */
	size_t cap_stacks;
	int err;
};

/* First sample of tid at or after ts in the sorted timeline. */
size_t cp_sample_at(const struct cp_timeline *tl, uint32_t tid, uint64_t ts);

/* First wait of tid ending after ts (a thread's waits do not overlap). */
size_t cp_wait_after(const struct cp_timeline *tl, uint32_t tid, uint64_t ts);

/* The thread (index in w->tids) of pid's process, or of a process it
 * started (a child, a grandchild...), other than tid, that ran or was ready to most in [s, e), when that is
 * a fair share of it; -1 none (critbusy.c). */
int64_t cp_busiest_thread(const struct walker *w, uint32_t tid,
			  uint32_t pid, uint64_t s, uint64_t e);

/* The thread (index in w->tids) of a child process of pid, forked by s
 * and seen last within `within` of wake, that ran or waited for a CPU
 * most in [s, wake); -1 none (critbusy.c). */
int64_t cp_child_ending_near(const struct walker *w, uint32_t pid,
			     uint64_t s, uint64_t wake, uint64_t within);

/* pid's process was started by anc, or by a process anc started (a
 * grandchild...): its parents' chain, bounded, reaches anc. */
bool cp_descends_from(const struct walker *w, uint32_t pid, uint32_t anc);

/* pid's process had been forked by ts. */
bool cp_alive_at(const struct walker *w, uint32_t pid, uint64_t ts);

/* How long tid ran or waited for a CPU in [s, e): alive, not blocked. */
uint64_t cp_busy_in(const struct walker *w, uint32_t tid, uint64_t s,
		   uint64_t e);

/* ... running only: not blocked, not waiting for a CPU. */
uint64_t cp_running_in(const struct walker *w, uint32_t tid, uint64_t s,
		       uint64_t e);

/* tid spent most of [s, e) blocked: a pool's worker waiting for work. */
bool cp_thread_idle(const struct walker *w, uint32_t tid, uint64_t s,
		    uint64_t e);

/* pid's image going at ts (its first, seq 0, for ts 0); NULL none. */
struct cp_image *cp_image_at(const struct walker *w, uint32_t pid,
			     uint64_t ts);

/* Index of tid in w->tids, -1 when no event of it was seen. */
int64_t cp_tid_index(const struct walker *w, uint32_t tid);

/* What an image runs: its executable's module when a frame showed it
 * ("bash" for a script), else its name. */
const char *cp_image_program(const struct walker *w,
			     const struct cp_image *img);

/* pid's entry in the process table; NULL none. */
const struct process_info *cp_proc_of(const struct profile *p, uint32_t pid);

/* p->critical.launchers from the charged images (critlaunch.c). */
int critpath_launchers(struct walker *w);

/* Lock waits that another thread of the process ended, by where the
 * releasers ran: p->critical.locks. */
int critpath_locks(struct walker *w, const struct cp_window *win);


#endif
