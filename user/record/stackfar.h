/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Longer stack copies for the processes whose frames need them.  A
 * sample carries 8 KiB of user stack for CFI; a function with large local
 * buffers (GNU sort's compare, 8.6 KiB; glibc's strtold, 14 KiB) puts its
 * caller's return address past it, and every sample under it loses its
 * callers; so does a deep stack (clang parsing C++: 32-64 KiB).  Once a
 * process's samples keep stopping there, its samples get
 * the stack past the copy too (stack_far, bpf/stackfar.bpf.h), twice as
 * much as they needed, at most WS_STACK_FAR_MAX more: only such a process pays
 * for the longer copy.  Its executable keeps it for the later runs of the
 * same program (a build's cc1, rustc), which get it at exec.
 */
#ifndef WHYSLOW_STACKFAR_H
#define WHYSLOW_STACKFAR_H

#include <stddef.h>
#include <stdint.h>
#include "lib/idmap.h"
#include "proc/procmap.h"
#include "profile/profile.h"

#define STACK_FAR_PROCS	4096	/* processes followed, like the map */
#define STACK_FAR_AFTER	8	/* samples cut by a frame in reach */

struct stack_far_proc {
	uint32_t pid;
	uint32_t cut;		/* samples cut since the last change */
	uint32_t need;		/* the most bytes from sp one of them read */
	uint32_t far;		/* bytes past the copy asked for */
};

struct stack_far {
	int map_fd;		/* stack_far's; < 0: off (--fp-only) */
	int exe_fd;		/* stack_far_exe's */
	struct idmap index;	/* pid -> procs[] */
	struct stack_far_proc *procs;
	size_t n, cap;
};

void stack_far_init(struct stack_far *sf, int map_fd, int exe_fd);
void stack_far_free(struct stack_far *sf);

/*
 * A sample of pid (in t) whose CFI walk stopped for want of stack: it
 * read need bytes from sp, and the sample had have.  Asks for a longer
 * copy when the process's samples keep needing one that would do.  0 or
 * -ENOMEM.
 */
int stack_far_note(struct stack_far *sf, const struct proc_table *t,
		   uint32_t pid, size_t need, size_t have);

/* A Data quality note naming the processes given a longer copy, if any,
 * and the samples sent without it (skipped: the ring buffer half full):
 * 0 or -ENOMEM. */
int stack_far_notes(const struct stack_far *sf, const struct proc_table *t,
		    uint64_t skipped, struct profile *out);

#endif
