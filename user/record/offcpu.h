/* SPDX-License-Identifier: GPL-2.0 */
/* Off-CPU data into the collector: long waits as they arrive, the short
 * ones and those still open from the maps once recording ends. */
#ifndef WHYSLOW_OFFCPU_H
#define WHYSLOW_OFFCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "python/attach.h"
#include "record/collect.h"
#include "record/splice.h"
#include "symbols/symbolize.h"

struct offcpu_maps {
	int offcpu_fd;		/* ws_offcpu_key → ws_offcpu_val */
	int start_fd;		/* tid → ws_offcpu_start: waits still open */
	int stacks_fd;		/* stack id → WS_MAX_STACK addresses */
	struct symbolizer *sym;	/* for CFI unwinding of long waits */
	struct stack_splices *splices;	/* learnt from long waits, put
					 * back in short ones */
	uint64_t start_ns;	/* recording start: earlier time is not ours */
	const char *procfs;	/* "/proc": descriptors of waits still open */
	/* waits still open: their stacks read from memory (record/taskmem.h) */
	const struct py_attach *py;
	struct pyn_kinds *kinds;
};

/* A long wait from the ring buffer; top: its user stack's top (w->top
 * when the event holds it: it is cut before it otherwise), NULL.  0 or
 * -errno. */
int offcpu_add_wait(const struct offcpu_maps *m, struct collector *c,
		    const struct proc_table *t, const struct ws_wait *w,
		    const struct ws_wait_top *top, const struct py_context *py);

/* Feeds the short waits, and those still open at end_ns (the stacks of
 * the first OFFCPU_OPEN_READS of their threads still in that syscall read
 * from their memory now); *short_ns gets the time of the short ones.  0
 * or -errno. */
#define OFFCPU_OPEN_READS	256
int offcpu_collect(const struct offcpu_maps *m, struct collector *c,
		   const struct proc_table *t, uint64_t end_ns,
		   uint64_t *short_ns);

/* Whether the BPF side saw tid's current wait begin (not one seeded at
 * the start, record/blocked.h): offcpu_collect adds it. */
bool offcpu_wait_open(const struct offcpu_maps *m, uint32_t tid);

/* A wait of k from m->start_ns, still going at end_ns, of a thread
 * blocked since before the recording (record/blocked.c), whose wait the
 * BPF side did not see begin (offcpu_wait_open): its user stack unwound
 * with CFI from top when not NULL (its registers and stack as they are
 * now), with its Python stack when py is not NULL.  0 or -errno. */
int offcpu_add_blocked(const struct offcpu_maps *m, struct collector *c,
		       const struct proc_table *t,
		       const struct ws_offcpu_key *k, uint64_t end_ns,
		       const struct ws_wait_top *top,
		       const struct py_context *py);

#endif
