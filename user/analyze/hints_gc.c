// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about CPython's cyclic garbage collector: a program that
 * builds many objects and keeps them makes each of its full collections
 * scan all of them, again and again.  See hints.c for what a rule does;
 * the thresholds are in hints_rules.h and the README's Hints table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"

/* The collector's entry in CPython 3.10-3.13 (3.9 and older: collect),
 * in the interpreter's own code. */
static bool python_gc(const struct func_stat *fs)
{
	static const char *const names[] = {
		"gc_collect_main", "gc_collect_region", "gc_collect_full",
		"gc_collect_young", "gc_collect_increment", "collect",
	};

	return fs->module && (!strncmp(fs->module, "libpython", 9) ||
			      !strncmp(fs->module, "python", 6)) &&
	       name_in(fs->name, names, ARRAY_SIZE(names));
}

/* The app frame with a source line innermost above func in most of the
 * on-CPU samples with func: where the collections were triggered. */
static int64_t gc_trigger(const struct hint_list *h, uint32_t func)
{
	const struct profile *p = h->p;
	uint64_t *by_frame = calloc(p->n_frames ? p->n_frames : 1,
				    sizeof(*by_frame));
	int64_t best = -1, app;
	uint32_t k;
	size_t i;

	if (!by_frame)
		return -1;
	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (!stack_on_cpu(s))
			continue;
		k = stack_func_position(h->agg, s, func);
		if (k == s->n_frames)
			continue;
		for (app = -1; app < 0 && k--;)
			if (frame_in_source(p, s->frames[k]))
				app = s->frames[k];
		if (app < 0)
			continue;
		by_frame[app] += s->ns;
		if (best < 0 || by_frame[app] > by_frame[best])
			best = app;
	}
	free(by_frame);
	return best;
}

/*
 * CPython's collector ran a fair share of the CPU and of the wall time:
 * named with the line it ran under most, and what cuts it.
 */
void hint_python_gc(struct hint_list *h)
{
	const struct aggregate *agg = h->agg;
	const struct func_stat *gc = NULL;
	struct hint hint = { .rule = "python_gc", .names_cause = true };
	char cpu[NUM_SIZE], time[TIME_SIZE], *where;
	uint64_t on_cpu = agg->time.ns[WAIT_NONE];
	size_t i;

	for (i = 0; i < agg->n_funcs; i++)
		if (python_gc(&agg->funcs[i]) &&
		    (!gc || agg->funcs[i].total_ns > gc->total_ns))
			gc = &agg->funcs[i];
	if (!gc || !hint_at_least_pct(gc->total_ns, on_cpu, PYGC_MIN_PCT) ||
	    !hint_at_least_pct(gc->total_ns, h->p->wall_ns, PYGC_MIN_WALL_PCT))
		return;
	where = hint_location(h, gc_trigger(h, gc - agg->funcs));
	hint_fmt_pct(cpu, gc->total_ns, on_cpu);
	hint_fmt_time(time, gc->total_ns);
	hint_text(&hint, "CPython's garbage collector ran %s of on-CPU time "
		  "(%s)%s%s: a program that builds many objects and keeps "
		  "them makes each full collection scan them all, again and "
		  "again — gc.freeze() once what stays is built, gc.disable() "
		  "around the building (gc.enable() after), or a higher "
		  "gc.set_threshold() would cut most of it.", cpu, time,
		  where ? ", most of it triggered in " : "", where ? where : "");
	hint_field_copy(h, &hint, "function", gc->name);
	hint_field_uint(&hint, "cpu_ns", gc->total_ns);
	hint_field_real(&hint, "cpu_pct", pct_of(gc->total_ns, on_cpu));
	hint_field_real(&hint, "time_pct", pct_of(gc->total_ns,
						  h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}
