/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads of -p targets blocked since before the recording began: the
 * BPF side sees a wait as it begins, so each one blocked in a syscall is
 * given one as the recording starts (blocked_seed: from the start, its
 * syscall and descriptor as /proc shows them), which its switch-in ends
 * as any other, and its stacks are read from its memory then (no
 * switch-out copied them).  Their scheduling counts are read from /proc
 * at the start and at the end: a thread that never ran in between gets a
 * wait over the whole recording, with its stacks read at the end.
 */
#ifndef WHYSLOW_BLOCKED_H
#define WHYSLOW_BLOCKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whyslow.h"
#include "python/attach.h"
#include "record/offcpu.h"

#define BLOCKED_MAX_TASKS	4096	/* threads watched, at most */

struct blocked_task {
	uint32_t pid, tid;
	uint64_t run_ns, switches;	/* at the start */
	int32_t syscall;		/* at the end, when blocked: -1 */
	bool native_stack;		/* its user stack was read, to unwind */
	bool py_stack;			/* its Python stack was read */
	/* its stacks as its seeded wait began, until that wait ends */
	struct ws_wait_top *seed_top;	/* NULL none */
	struct ws_py_frame *seed_py;	/* NULL none */
	uint32_t seed_py_n, seed_py_truncated;
	bool seed_given;		/* to its wait */
};

struct blocked_tasks {
	const char *procfs;
	struct blocked_task *v;
	size_t n, cap;
	size_t found;			/* blocked throughout, at the end */
	size_t stacks;			/* ... with a stack read */
};

/* The threads of pids now; 0 or -errno (-ENOMEM).  Threads and processes
 * already gone are left out. */
int blocked_snapshot(struct blocked_tasks *b, const char *procfs,
		     const uint32_t *pids, size_t n_pids);

#define BLOCKED_SEED_STACKS	256	/* threads whose stacks are read at
					 * the start, at most */

/*
 * Each thread of b blocked in a syscall now, whose wait the BPF side has
 * not seen begin: a wait begun at the recording's start (m->start_ns, set
 * before) in m's map of open waits, for its switch-in to end, and its
 * stacks read (python/walk.h; the code objects handed to c) for
 * blocked_seed_stacks.  0 or -errno.
 */
int blocked_seed(struct blocked_tasks *b, const struct offcpu_maps *m,
		 struct collector *c, const struct py_attach *py);

/*
 * The stacks of w's thread read by blocked_seed, when w is its seeded
 * wait (begun at start_ns, with no user stack of the BPF side's): *top
 * (or NULL) and *pyc (ctx, its sym and kinds set by the caller, filled;
 * or NULL), given once, valid until blocked_free; false otherwise.
 */
bool blocked_seed_stacks(struct blocked_tasks *b, const struct ws_wait *w,
			 uint64_t start_ns, const struct py_attach *py,
			 struct py_context *ctx, const struct ws_wait_top **top,
			 const struct py_context **pyc);

/* Those that have not run since: a wait each, [m->start_ns, end_ns), into
 * the collector, with the user stack read from the process's memory and
 * unwound with CFI, and its Python stack when py knows it runs a CPython
 * (python/walk.h), merged as kinds tells CPython's frames
 * (record/pynative.h): those blocked_seed read, else read now;
 * b->found counts them.  0 or -errno. */
int blocked_collect(struct blocked_tasks *b, const struct offcpu_maps *m,
		    struct collector *c, const struct proc_table *t,
		    const struct py_attach *py, struct pyn_kinds *kinds,
		    uint64_t end_ns);

#define BLOCKED_MAX_NOTES	3

/* A Data quality note for each in out ("Thread 12 (pid 12) was blocked
 * in recvfrom ..."), at most BLOCKED_MAX_NOTES, the last saying how many
 * more.  0 or -ENOMEM. */
int blocked_notes(const struct blocked_tasks *b, struct profile *out);

void blocked_free(struct blocked_tasks *b);

#endif
