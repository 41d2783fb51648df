/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Completing a frame-pointer stack with CFI.  bpf_get_stack() follows
 * frame pointers; code built without them (libc's syscall wrappers, where
 * every file open, connect and fork starts) hides its caller, or sends
 * the walk into garbage.  Given the user registers and a copy of the top
 * of the stack taken at the same moment, the innermost frames are unwound
 * with their .eh_frame rules, and the frame-pointer stack is kept from
 * where the two agree.
 */
#ifndef WHYSLOW_UNWIND_H
#define WHYSLOW_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "proc/procmap.h"
#include "profile/profile.h"
#include "symbols/symbolize.h"
#include "whyslow.h"

#define UNWIND_TRACE_WORDS	WS_SITE_WORDS

/*
 * What a walk's result depends on besides the registers' ip and the
 * frame-pointer stack, for telling a later stack that unwinds the same
 * (bpf/iosite.bpf.c): the words of the copy it read, as offsets from sp,
 * and bp - sp when it used the bp it was given.  A saved bp the walk
 * loaded but never used is not among them.
 */
struct unwind_trace {
	uint32_t n;
	bool uncheckable;	/* words the BPF side cannot compare: more
				 * than UNWIND_TRACE_WORDS, or one not
				 * 8-byte aligned from sp */
	bool bp_used;
	int fp_from;		/* the frame-pointer stack is kept from this
				 * index on; -1 not at all */
	int ra_off;		/* where the innermost frame's return
				 * address was read, -1 not from the copy */
	uint16_t off[UNWIND_TRACE_WORDS];
	uint64_t val[UNWIND_TRACE_WORDS];
};

struct unwind_input {
	uint64_t ip, sp, bp;	/* user registers at the event */
	const uint8_t *stack;	/* user memory from sp */
	size_t stack_len;
	uint32_t holes;		/* bit i: the copy's i-th page from sp's
				 * page was not there (struct ws_user_top) */
	uint64_t time;		/* for the mappings then */
	struct unwind_trace *trace;	/* filled when not NULL */
	size_t *need;		/* not NULL: set to the bytes from sp the
				 * walk read past stack_len, if it did */
};

/* Why the CFI walk stopped, for Data quality. */
enum unwind_stop {
	UNWIND_DONE,		/* an end (return address undefined), the
				 * frame-pointer tail spliced on, or full */
	UNWIND_NO_COPY,		/* no usable stack copy (--fp-only, the read
				 * failed, or not the sample's leaf) */
	UNWIND_COPY_END,	/* needed memory beyond the copy */
	UNWIND_NO_CFI,		/* code with no CFI or in no mapped file
				 * (JIT, stripped .eh_frame) */
	UNWIND_BAD_RULE,	/* a CFI rule or expression not evaluated */
};

/*
 * Rewrites stack[0..*n) (innermost first, at most max entries) when the
 * CFI walk gets anywhere; leaves it as it was otherwise.  Returns why the
 * walk stopped.
 */
enum unwind_stop unwind_complete(struct symbolizer *sym, const struct proc_table *t,
		     uint32_t pid, const struct unwind_input *in, __u64 *stack,
		     int *n, int max);

/* Why the CFI walk ended a truncated on-CPU stack (enum unwind_stop),
 * count samples of it in Data quality's counters. */
void unwind_count_stop(struct profile_quality *q, uint32_t why,
		       uint64_t count);

#endif
