/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads of -p targets blocked since before the recording began: no
 * event ever describes them (a wait is seen as it begins), so their
 * scheduling counts are read from /proc at the start and at the end, and
 * a thread that never ran in between gets a wait over the whole
 * recording, with the syscall and descriptor /proc shows and its stacks
 * read from its memory (record/taskmem.h).
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

/* Those that have not run since: a wait each, [m->start_ns, end_ns), into
 * the collector, with the user stack read from the process's memory and
 * unwound with CFI, and its Python stack when py knows it runs a CPython
 * (python/walk.h), merged as kinds tells CPython's frames
 * (record/pynative.h); b->found counts them.  0 or -errno. */
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
