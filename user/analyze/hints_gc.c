// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about garbage collectors: CPython's cyclic one, where a
 * program that builds many objects and keeps them makes each of its full
 * collections scan all of them, again and again; Go's, whose marking
 * runs beside the program and in the goroutines that allocate (assists),
 * in proportion to how much they allocate.  See hints.c for what a rule
 * does; the thresholds are in hints_rules.h and the README's Hints table.
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

	return cpython_file_name(fs->module) &&
	       name_in(fs->name, names, ARRAY_SIZE(names));
}

/*
 * In a CPython without symbols (Debian's python3.11), the collector is
 * static code called from an allocation that crossed the threshold, or
 * from gc.collect(): the position in s of such an entry with two frames
 * or more of the interpreter's code without a name under it (the
 * allocator's own is one deep, when not inlined); n_frames when none.
 */
static uint32_t stripped_gc_at(const struct profile *p,
			       const struct stack_sample *s)
{
	static const char *const entries[] = {
		"_PyObject_GC_New", "_PyObject_GC_NewVar", "_PyObject_GC_Link",
		"PyType_GenericAlloc", "PyGC_Collect", "_PyGC_CollectNoFail",
	};
	const struct frame *f, *g;
	uint32_t k, j;

	for (k = 0; k + 2 < s->n_frames; k++) {
		f = &p->frames[s->frames[k]];
		if (!cpython_file_name(f->module) ||
		    !name_in(f->name, entries, ARRAY_SIZE(entries)))
			continue;
		for (j = k + 1; j <= k + 2; j++) {
			g = &p->frames[s->frames[j]];
			if (g->resolved || g->cls == CLASS_KERNEL ||
			    !g->module || strcmp(g->module, f->module))
				break;
		}
		if (j > k + 2)
			return k;
	}
	return s->n_frames;
}

/* Where the collector is in s: func's position (AGG_NO_FUNC: the
 * stripped collector's entry); n_frames when it is not there. */
static uint32_t gc_at(const struct hint_list *h, const struct stack_sample *s,
		      uint32_t func)
{
	return func == AGG_NO_FUNC ? stripped_gc_at(h->p, s) :
				     stack_func_position(h->agg, s, func);
}

/* A frame of the program's own code with a name (not `[prog+0x…]`). */
static bool frame_named_app(const struct profile *p, uint32_t frame)
{
	const struct frame *f = &p->frames[frame];

	return f->cls == CLASS_APP && f->resolved && f->name &&
	       f->name[0] != '[';
}

/* The app frame with a source line innermost above func (gc_at()) in
 * most of the on-CPU samples with func, where the collections were
 * triggered; in a stack with none (a stripped Go binary's), its innermost
 * named app frame. */
static int64_t gc_trigger(const struct hint_list *h, uint32_t func)
{
	const struct profile *p = h->p;
	uint64_t *by_frame = calloc(p->n_frames ? p->n_frames : 1,
				    sizeof(*by_frame));
	int64_t best = -1, app, named;
	uint32_t k;
	size_t i;

	if (!by_frame)
		return -1;
	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (!stack_on_cpu(s))
			continue;
		k = gc_at(h, s, func);
		if (k == s->n_frames)
			continue;
		for (app = named = -1; app < 0 && k--;) {
			if (frame_in_source(p, s->frames[k]))
				app = s->frames[k];
			else if (named < 0 && frame_named_app(p, s->frames[k]))
				named = s->frames[k];
		}
		if (app < 0)
			app = named;
		if (app < 0)
			continue;
		by_frame[app] += s->ns;
		if (best < 0 || by_frame[app] > by_frame[best])
			best = app;
	}
	free(by_frame);
	return best;
}

/* The on-CPU time of the stripped collector, and (*name) the name its
 * code is shown by, under its entry, in the most of it. */
static uint64_t stripped_gc_ns(const struct hint_list *h, const char **name)
{
	const struct profile *p = h->p;
	uint64_t ns = 0, best = 0;
	uint32_t k;
	size_t i;

	*name = NULL;
	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (!stack_on_cpu(s) ||
		    (k = stripped_gc_at(p, s)) == s->n_frames)
			continue;
		ns += s->ns;
		if (s->ns > best) {
			best = s->ns;
			*name = p->frames[s->frames[k + 1]].name;
		}
	}
	return ns;
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
	uint64_t on_cpu = agg->time.ns[WAIT_NONE], ns;
	uint32_t func = AGG_NO_FUNC;
	const char *name;
	size_t i;

	for (i = 0; i < agg->n_funcs; i++)
		if (python_gc(&agg->funcs[i]) &&
		    (!gc || agg->funcs[i].total_ns > gc->total_ns))
			gc = &agg->funcs[i];
	if (gc) {
		func = gc - agg->funcs;
		ns = gc->total_ns;
		name = gc->name;
	} else {
		ns = stripped_gc_ns(h, &name);
	}
	if (!ns || !hint_at_least_pct(ns, on_cpu, PYGC_MIN_PCT) ||
	    !hint_at_least_pct(ns, h->p->wall_ns, PYGC_MIN_WALL_PCT))
		return;
	where = hint_location(h, gc_trigger(h, func));
	hint_fmt_pct(cpu, ns, on_cpu);
	hint_fmt_time(time, ns);
	hint_text(&hint, "CPython's garbage collector ran %s of on-CPU time "
		  "(%s)%s%s%s: a program that builds many objects and keeps "
		  "them makes each full collection scan them all, again and "
		  "again — gc.freeze() once what stays is built, gc.disable() "
		  "around the building (gc.enable() after), or a higher "
		  "gc.set_threshold() would cut most of it.", cpu, time,
		  gc ? "" : ", in the interpreter's code without symbols",
		  where ? ", most of it triggered in " : "", where ? where : "");
	hint_field_copy(h, &hint, "function", name);
	hint_field_uint(&hint, "cpu_ns", ns);
	hint_field_real(&hint, "cpu_pct", pct_of(ns, on_cpu));
	hint_field_real(&hint, "time_pct", pct_of(ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}

/* Go's collector at work, by the runtime's functions that run it: its
 * background workers, the assists allocating goroutines are made to do
 * (GO_ASSIST), sweeping; their closures and ABI wrappers too
 * (gcBgMarkWorker.func2, .abi0); and the write barriers while it marks,
 * one per register (gcWriteBarrierCX). */
#define GO_ASSIST	"runtime.gcAssistAlloc"

static bool go_gc_frame(const char *name)
{
	static const char *const names[] = {
		"runtime.gcBgMarkWorker", GO_ASSIST, "runtime.gcDrain",
		"runtime.gcDrainN", "runtime.markroot", "runtime.bgsweep",
		"runtime.sweepone", "runtime.gcStart", "runtime.gcMarkDone",
		"runtime.gcMarkTermination", "runtime.wbBufFlush",
	};
	size_t i, n;

	if (!name)
		return false;
	if (!strncmp(name, "runtime.gcWriteBarrier", 22))
		return true;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		n = strlen(names[i]);
		if (!strncmp(name, names[i], n) && (!name[n] || name[n] == '.'))
			return true;
	}
	return false;
}

/* On-CPU time of Go's collector: in all (t->gc_ns), on the critical path
 * (t->path_ns), in assists (t->assist_ns); each stack counted once. */
struct go_gc_time {
	uint64_t gc_ns, path_ns, assist_ns;
};

static void go_gc_time(const struct profile *p, struct go_gc_time *t)
{
	const struct stack_sample *s;
	const char *name;
	bool gc, assist;
	uint32_t k;
	size_t i;

	*t = (struct go_gc_time){ 0 };
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		if (!stack_on_cpu(s))
			continue;
		gc = assist = false;
		for (k = 0; k < s->n_frames; k++) {
			name = p->frames[s->frames[k]].name;
			gc |= go_gc_frame(name);
			assist |= name && !strncmp(name, GO_ASSIST,
						   sizeof(GO_ASSIST) - 1);
		}
		t->gc_ns += gc ? s->ns : 0;
		t->path_ns += gc ? s->cp_ns : 0;
		t->assist_ns += assist ? s->ns : 0;
	}
}

/*
 * Go's collector ran a fair share of the CPU and held up the run (on the
 * critical path: its marking beside the program, on a CPU to spare,
 * costs no wall time): named with its assists, the allocation
 * (runtime.mallocgc) it follows and where that came from most, and what
 * cuts it.  Without a path, its share of the wall time.
 */
void hint_go_gc(struct hint_list *h)
{
	const struct aggregate *agg = h->agg;
	const struct profile *p = h->p;
	const struct func_stat *alloc = NULL;
	struct hint hint = { .rule = "go_gc", .names_cause = true };
	char cpu[NUM_SIZE], time[TIME_SIZE], assists[NUM_SIZE];
	char allocs[NUM_SIZE], wall[NUM_SIZE], *where = NULL;
	uint64_t on_cpu = agg->time.ns[WAIT_NONE];
	uint64_t whole = p->critical.ns ? p->critical.ns : p->wall_ns;
	struct go_gc_time t;
	uint64_t held;
	size_t i;

	go_gc_time(p, &t);
	held = p->critical.ns ? t.path_ns : t.gc_ns;
	if (!hint_at_least_pct(t.gc_ns, on_cpu, GOGC_MIN_PCT) ||
	    !hint_at_least_pct(held, whole, GOGC_MIN_WALL_PCT))
		return;
	for (i = 0; i < agg->n_funcs; i++)
		if (!strcmp(agg->funcs[i].name, "runtime.mallocgc"))
			alloc = &agg->funcs[i];
	if (alloc)
		where = hint_location(h, gc_trigger(h, alloc - agg->funcs));
	hint_fmt_pct(cpu, t.gc_ns, on_cpu);
	hint_fmt_time(time, t.gc_ns);
	hint_fmt_pct(wall, held, whole);
	hint_fmt_pct(assists, t.assist_ns, on_cpu);
	hint_fmt_pct(allocs, alloc ? alloc->total_ns : 0, on_cpu);
	hint_text(&hint, "Go's garbage collector ran %s of on-CPU time (%s), "
		  "%s of the wall time%s (%s of the CPU in assists, marking "
		  "done by the goroutines that allocate), after allocations "
		  "that took %s of the CPU themselves (runtime.mallocgc)%s%s: "
		  "allocating less (buffers reused, sync.Pool, slices made at "
		  "their size) cuts both; GOGC=200 or more, or a GOMEMLIMIT, "
		  "trades memory for fewer collections.", cpu, time, wall,
		  p->critical.ns ? " on the critical path" : "", assists,
		  allocs, where ? ", most from " : "", where ? where : "");
	hint_field_uint(&hint, "cpu_ns", t.gc_ns);
	hint_field_real(&hint, "cpu_pct", pct_of(t.gc_ns, on_cpu));
	hint_field_uint(&hint, "critical_path_ns", t.path_ns);
	hint_field_uint(&hint, "assist_ns", t.assist_ns);
	hint_field_uint(&hint, "alloc_ns", alloc ? alloc->total_ns : 0);
	hint_field_real(&hint, "time_pct", pct_of(held, whole));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}
