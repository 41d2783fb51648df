/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The focus ("sandwich") view's selection (focus.c): the functions
 * matching a pattern as one set, its time, callers, callees, hot lines
 * and waits.  Written by report/focus_md.c and report/focus_json.c.
 */
#ifndef WHYSLOW_FOCUS_H
#define WHYSLOW_FOCUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/aggregate.h"
#include "profile/profile.h"

#define FOCUS_NONE		UINT32_MAX	/* the (root) or (self) row */

/* A caller or callee of the set, and the set's time that went through it. */
struct focus_link {
	uint32_t func;		/* agg->funcs index, or FOCUS_NONE */
	uint64_t samples;
	uint64_t oncpu_ns;
	uint64_t offcpu_ns;
	size_t stamp;		/* 1 + the last stack that counted it */
};

struct focus {
	const struct profile *p;
	const struct aggregate *agg;
	const char *pattern;
	bool regex;		/* the pattern compiled as a regex */
	bool *in;		/* agg->funcs index → in the set */
	uint32_t *matched;	/* agg->funcs indexes, in table order */
	size_t n_matched;
	/* The set's time, each stack once. */
	uint64_t self;		/* samples with a function of the set as leaf */
	uint64_t self_ns;
	uint64_t total;		/* samples with it on the stack */
	uint64_t total_ns;
	uint64_t offcpu_ns;	/* waits with it on the stack */
	/* n_funcs + 1 slots while counting, the last for FOCUS_NONE; then
	 * those with time, most first. */
	struct focus_link *callers;
	size_t n_callers;
	struct focus_link *callees;
	size_t n_callees;
	size_t *lines;		/* agg->lines indexes of the set's lines */
	size_t n_lines;
	size_t *waits;		/* agg->waits indexes through the set */
	size_t n_waits;
};

/*
 * Everything the view shows, before a byte is written: fo->p, fo->agg and
 * fo->pattern set, the rest zeroed.  -ENOENT when no function matches;
 * 0 or -ENOMEM.  Free with focus_free, also on error.
 */
int focus_build(struct focus *fo);
void focus_free(struct focus *fo);

/* The set's wall time: on-CPU and waits. */
uint64_t focus_wall_ns(const struct focus *fo);
uint64_t focus_link_wall_ns(const struct focus_link *l);

/* fs's name, "" when it has none. */
const char *focus_func_name(const struct func_stat *fs);

#endif
