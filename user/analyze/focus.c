// SPDX-License-Identifier: GPL-2.0
/*
 * The focus ("sandwich") view: one function, or every function whose name
 * matches a pattern taken as one set, seen from inside.  Its time, who
 * calls it, what it calls, its hot lines and its waits, so that an AI
 * assistant can walk a large profile one function at a time, up through
 * the callers or down through the callees.
 *
 * Built from the merged paths (on-CPU) and waits (off-CPU) of the
 * aggregate, which are function sequences already: a stack counts once
 * for the set however often recursion puts the set on it, once for the
 * caller of its outermost occurrence, and once for each distinct callee.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "analyze/focus.h"

uint64_t focus_link_wall_ns(const struct focus_link *l)
{
	return l->oncpu_ns + l->offcpu_ns;
}

uint64_t focus_wall_ns(const struct focus *fo)
{
	return fo->total_ns + fo->offcpu_ns;
}

const char *focus_func_name(const struct func_stat *fs)
{
	return fs->name ? fs->name : "";
}

/*
 * Mark the functions whose name matches: a POSIX extended regex, or,
 * when the pattern is none, a literal substring.  0 or -ENOENT.
 */
static int match_funcs(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	const char *name;
	size_t i, n = 0;
	regex_t re;

	fo->regex = !regcomp(&re, fo->pattern, REG_EXTENDED | REG_NOSUB);
	for (i = 0; i < agg->n_funcs; i++) {
		name = focus_func_name(&agg->funcs[i]);
		fo->in[i] = fo->regex ? !regexec(&re, name, 0, NULL, 0) :
					strstr(name, fo->pattern) != NULL;
		n += fo->in[i];
	}
	if (fo->regex)
		regfree(&re);
	return n ? 0 : -ENOENT;
}

/* The matches in the order of the functions table: by wall time once
 * waits were traced, else by on-CPU self time. */
static void order_matched(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	bool by_wall = agg->time.offcpu_ns > 0;
	uint32_t func;
	size_t i;

	for (i = 0; i < agg->n_funcs; i++) {
		func = by_wall ? agg->by_wall[i] : i;
		if (fo->in[func])
			fo->matched[fo->n_matched++] = func;
	}
}

/* The stack's weight added to l, once per stack. */
static void add_link(struct focus_link *l, size_t stamp, bool on_cpu,
		     uint64_t samples, uint64_t ns)
{
	if (l->stamp == stamp)
		return;
	l->stamp = stamp;
	if (on_cpu) {
		l->samples += samples;
		l->oncpu_ns += ns;
	} else {
		l->offcpu_ns += ns;
	}
}

/*
 * One merged stack, funcs[0..n-1] root first: its weight to the set, to
 * the caller of the set's outermost occurrence, and to the frame below
 * each occurrence that leaves the set (or (self) at the leaf).
 */
static void count_stack(struct focus *fo, const uint32_t *funcs, uint32_t n,
			size_t stamp, bool on_cpu, uint64_t samples,
			uint64_t ns)
{
	uint32_t none = fo->agg->n_funcs, first, k;

	for (first = 0; first < n && !fo->in[funcs[first]]; first++)
		;
	if (first == n)
		return;
	if (on_cpu) {
		fo->total += samples;
		fo->total_ns += ns;
	} else {
		fo->offcpu_ns += ns;
	}
	add_link(&fo->callers[first ? funcs[first - 1] : none], stamp, on_cpu,
		 samples, ns);
	for (k = first; k + 1 < n; k++)
		if (fo->in[funcs[k]] && !fo->in[funcs[k + 1]])
			add_link(&fo->callees[funcs[k + 1]], stamp, on_cpu,
				 samples, ns);
	if (!fo->in[funcs[n - 1]])
		return;
	add_link(&fo->callees[none], stamp, on_cpu, samples, ns);
	if (on_cpu) {
		fo->self += samples;
		fo->self_ns += ns;
	}
}

static void count_stacks(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	const struct path_stat *path;
	const struct wait_stat *wait;
	size_t i;

	for (i = 0; i < agg->n_paths; i++) {
		path = &agg->paths[i];
		count_stack(fo, path->funcs, path->n_funcs, i + 1, true,
			    path->samples, path->ns);
	}
	for (i = 0; i < agg->n_waits; i++) {
		wait = &agg->waits[i];
		count_stack(fo, wait->funcs, wait->n_funcs,
			    agg->n_paths + i + 1, false, 0, wait->ns);
	}
}

/* Most time first, then most samples, (root)/(self) after functions. */
static int cmp_link(const void *a, const void *b, void *ctx)
{
	const struct focus_link *la = a, *lb = b;
	const struct func_stat *funcs = ctx, *fa, *fb;
	uint64_t wa = focus_link_wall_ns(la), wb = focus_link_wall_ns(lb);

	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (la->samples != lb->samples)
		return la->samples > lb->samples ? -1 : 1;
	if (la->func == FOCUS_NONE || lb->func == FOCUS_NONE)
		return (la->func == FOCUS_NONE) - (lb->func == FOCUS_NONE);
	fa = &funcs[la->func];
	fb = &funcs[lb->func];
	return cmp_identity(fa->name, fa->module, fb->name, fb->module);
}

/* The slots with time moved to the front, named and sorted; how many. */
static size_t compact_links(const struct aggregate *agg,
			    struct focus_link *links)
{
	size_t i, n = 0;

	for (i = 0; i <= agg->n_funcs; i++) {
		if (!links[i].samples && !focus_link_wall_ns(&links[i]))
			continue;
		links[n] = links[i];
		links[n++].func = i < agg->n_funcs ? i : FOCUS_NONE;
	}
	qsort_r(links, n, sizeof(*links), cmp_link, agg->funcs);
	return n;
}

/* Whether a wait's stack passes through the set. */
static bool wait_in_focus(const struct focus *fo, const struct wait_stat *w)
{
	uint32_t k;

	for (k = 0; k < w->n_funcs; k++)
		if (fo->in[w->funcs[k]])
			return true;
	return false;
}

/* The set's hot lines and waits, in the aggregate's order. */
static void select_rows(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	size_t i;

	for (i = 0; i < agg->n_lines; i++)
		if (fo->in[agg->lines[i].func])
			fo->lines[fo->n_lines++] = i;
	for (i = 0; i < agg->n_waits; i++)
		if (wait_in_focus(fo, &agg->waits[i]))
			fo->waits[fo->n_waits++] = i;
}

void focus_free(struct focus *fo)
{
	free(fo->in);
	free(fo->matched);
	free(fo->callers);
	free(fo->callees);
	free(fo->lines);
	free(fo->waits);
}

int focus_build(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	size_t n = agg->n_funcs;
	int err;

	fo->in = calloc(n + 1, sizeof(*fo->in));
	fo->matched = calloc(n + 1, sizeof(*fo->matched));
	fo->callers = calloc(n + 1, sizeof(*fo->callers));
	fo->callees = calloc(n + 1, sizeof(*fo->callees));
	fo->lines = calloc(agg->n_lines + 1, sizeof(*fo->lines));
	fo->waits = calloc(agg->n_waits + 1, sizeof(*fo->waits));
	if (!fo->in || !fo->matched || !fo->callers || !fo->callees ||
	    !fo->lines || !fo->waits)
		return -ENOMEM;
	err = match_funcs(fo);
	if (err)
		return err;
	order_matched(fo);
	count_stacks(fo);
	fo->n_callers = compact_links(agg, fo->callers);
	fo->n_callees = compact_links(agg, fo->callees);
	select_rows(fo);
	return 0;
}
