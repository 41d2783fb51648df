/* SPDX-License-Identifier: GPL-2.0 */
/*
 * whyslow diff, the comparison (diff.c): two profiles aggregated and
 * matched, each quantity with its noise (noise.c), functions and hot paths
 * that changed, what the verdict names.  The writers are in report/
 * (diff_md.c, diff_json.c, diff_text.c).
 */
#ifndef WHYSLOW_DIFF_H
#define WHYSLOW_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/aggregate.h"
#include "classify/wait.h"
#include "profile/profile.h"

#define DIFF_HOT_PATH_PCT	5.0	/* of the wall time, in one profile */
#define DIFF_GONE_PATH_PART	5	/* under 1/5 of that share: absent */
#define DIFF_VERDICT_FUNCS	3	/* changes named in the verdict */
#define DIFF_VERDICT_WAITS	2

enum diff_which { DIFF_BEFORE, DIFF_AFTER };

/* One quantity in both profiles, and how big a change is noise. */
struct diff_change {
	uint64_t ns[2];
	uint64_t noise;
};

enum diff_func_status {
	DIFF_FUNC_UNCHANGED,
	DIFF_FUNC_FASTER,
	DIFF_FUNC_SLOWER,
	DIFF_FUNC_APPEARED,
	DIFF_FUNC_VANISHED,
};

/* A function in either profile, matched by name without a clone suffix
 * and module, the programs' own executables one module (diff.c). */
struct diff_func {
	const struct func_stat *fs[2];	/* NULL where it has no time */
	/* self_ns + own_offcpu_ns: its own time */
	struct diff_change own;
	/* func_wall_ns: with callees, on or off CPU */
	struct diff_change wall;
	/*
	 * What the order and the status go by: own time, a Python
	 * function's with the runtime and library code it called (their
	 * self time under it) charged to it, that code's without it.
	 * CPython's C frames stay under the Python frame that called them,
	 * so a Python function's own time leaves out most of its work.
	 */
	struct diff_change rank;
	enum diff_func_status status;
};

/* A call path, by its path_format text, in either profile. */
struct diff_path {
	char *text;
	uint64_t ns[2];
	uint64_t samples[2];
	bool appeared;		/* kept as changed: hot in AFTER only */
};

struct diff_side {
	const struct profile *p;
	struct aggregate agg;
	/* Where the wall time went: the main thread's when threaded. */
	const struct thread_stat *main_thread;
	const struct time_split *split;
	uint64_t split_samples;
	struct diff_path *paths;	/* agg.paths grouped by text, sorted */
	size_t n_paths;
	/* per agg.funcs: self time charged to a Python caller (+) or
	 * from the runtime code that ran for it (-), ns and samples */
	int64_t *charge_ns;
	int64_t *charge_samples;
};

struct diff {
	struct diff_side side[2];
	bool by_cpu;		/* a wall time is unknown: compare on-CPU */
	struct diff_change wall;
	struct diff_change cat[WAIT__COUNT];
	/* categories with time in either, biggest change first */
	enum wait_reason cat_order[WAIT__COUNT];
	size_t n_cats;
	struct diff_func *funcs;	/* all, biggest rank change first */
	size_t n_funcs;
	uint32_t *faster;	/* funcs indexes: faster */
	size_t n_faster;
	uint32_t *slower;	/* ... slower */
	size_t n_slower;
	uint32_t *appeared_funcs;	/* ... time in AFTER only */
	size_t n_appeared_funcs;
	uint32_t *vanished_funcs;	/* ... time in BEFORE only */
	size_t n_vanished_funcs;
	struct diff_path *paths;	/* appeared, then vanished */
	size_t n_appeared;
	size_t n_vanished;
	/* What the verdict names: funcs indexes, then wait categories. */
	uint32_t verdict_funcs[DIFF_VERDICT_FUNCS];
	size_t n_verdict_funcs;
	enum wait_reason verdict_waits[DIFF_VERDICT_WAITS];
	size_t n_verdict_waits;
};

/*
 * Compare before and after into d (zeroed by the caller); 0 or -ENOMEM.
 * Free with diff_free, also on error.
 */
int diff_compare(struct diff *d, const struct profile *before,
		 const struct profile *after);
void diff_free(struct diff *d);

int64_t diff_change_delta(const struct diff_change *c);
uint64_t diff_change_size(const struct diff_change *c);
bool diff_change_significant(const struct diff_change *c);

/* Whether the function's change went to the Python function that called
 * it (runtime or library code), nothing of it left beyond noise. */
bool diff_func_charged_away(const struct diff_func *fd);

/* Whether rank is more than own time: a Python function's, with the
 * runtime and library code it called. */
bool diff_func_charged(const struct diff_func *fd);

/* "unchanged", "faster", "slower", "appeared", "vanished". */
const char *diff_func_status_name(enum diff_func_status s);

/* The function's name, module, file and line: after's, else before's. */
const struct func_stat *diff_func_id(const struct diff_func *fd);

/* Of the wall time, or of on-CPU time when a wall time is unknown. */
double diff_path_pct(const struct diff *d, const struct diff_path *pd,
		     enum diff_which which);

#endif
