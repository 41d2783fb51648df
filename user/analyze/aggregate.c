// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation.  Frames are grouped into functions, and into source lines
 * of functions ("sites"), by sorting them: no hash table, and the groups
 * come out in a stable order.  Counting a function once per stack, even
 * when recursion puts it on the stack several times, uses a stamp: the
 * last stack that counted it.  Call paths and waits are stacks merged the
 * same way: sorted so that equal ones are adjacent.  Hot lines are sites
 * too: those that ran, ranked (their text is read by report/source.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "classify/wait.h"
#include "lib/util.h"

/* A source line of a function: frames equal in name, module, file, line. */
struct site {
	uint32_t frame;		/* one frame of the site, for file and line */
	uint32_t func;		/* function id, in (name, module) order */
	uint64_t self;
	uint64_t total;
	uint64_t offcpu_ns;
	uint64_t own_ns;	/* its self samples' time, and its waits' as
				 * the innermost application frame */
	uint64_t running;	/* samples it is the line running of */
	size_t stamp;		/* 1 + index of the last stack that counted it */
};

/* Scratch state of one aggregation. */
struct work {
	const struct profile *p;
	uint32_t *frame_site;		/* frame index → site id */
	struct site *sites;		/* in (name, module, file, line) order */
	size_t n_sites;
	struct func_stat *funcs;	/* by function id */
	size_t *func_stamp;
	size_t n_funcs;
	uint32_t *func_rank;		/* function id → index in agg->funcs */
	bool serving;			/* event-loop waits are idle */
};

/* Stacks of equal reason, target and functions sort together, to merge. */
struct path_order {
	const struct stack_sample *stacks;
	const uint32_t *pool;		/* function ranks of all stacks */
	const size_t *start;		/* stack index → its first in pool */
};

void *aggregate_alloc_array(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

int aggregate_cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return CMP(a != NULL, b != NULL);
	return strcmp(a, b);
}

int cmp_identity(const char *name_a, const char *module_a,
		 const char *name_b, const char *module_b)
{
	int c = aggregate_cmp_str(name_a, name_b);

	return c ? c : aggregate_cmp_str(module_a, module_b);
}

static int cmp_frame_site(const void *a, const void *b, void *ctx)
{
	const struct frame *frames = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct frame *fa = &frames[ia], *fb = &frames[ib];
	int c;

	c = cmp_identity(fa->name, fa->module, fb->name, fb->module);
	if (!c)
		c = aggregate_cmp_str(fa->file, fb->file);
	if (!c)
		c = CMP(fa->line, fb->line);
	return c ? c : CMP(ia, ib);
}

static void add_site(struct work *w, uint32_t frame)
{
	w->sites[w->n_sites++] = (struct site){
		.frame = frame,
		.func = w->n_funcs - 1,
	};
}

static void add_func(struct work *w, const struct frame *f)
{
	w->funcs[w->n_funcs++] = (struct func_stat){
		.name = f->name,
		.module = f->module,
		.cls = f->cls,
	};
}

/* Group frames into functions and sites. */
static int index_frames(struct work *w)
{
	const struct profile *p = w->p;
	const struct frame *f, *prev = NULL;
	uint32_t *order;
	size_t i;

	order = aggregate_alloc_array(p->n_frames, sizeof(*order));
	w->frame_site = aggregate_alloc_array(p->n_frames,
					      sizeof(*w->frame_site));
	w->sites = aggregate_alloc_array(p->n_frames, sizeof(*w->sites));
	w->funcs = aggregate_alloc_array(p->n_frames, sizeof(*w->funcs));
	w->func_stamp = aggregate_alloc_array(p->n_frames,
					      sizeof(*w->func_stamp));
	if (!order || !w->frame_site || !w->sites || !w->funcs ||
	    !w->func_stamp) {
		free(order);
		return -ENOMEM;
	}
	for (i = 0; i < p->n_frames; i++)
		order[i] = i;
	qsort_r(order, p->n_frames, sizeof(*order), cmp_frame_site, p->frames);

	for (i = 0; i < p->n_frames; i++) {
		f = &p->frames[order[i]];
		if (!prev || cmp_identity(prev->name, prev->module,
					  f->name, f->module)) {
			add_func(w, f);
			add_site(w, order[i]);
		} else if (aggregate_cmp_str(prev->file, f->file) ||
			   prev->line != f->line) {
			add_site(w, order[i]);
		}
		w->frame_site[order[i]] = w->n_sites - 1;
		prev = f;
	}
	free(order);
	return 0;
}

/* A reason out of range (a corrupt profile) counts as WAIT_OTHER. */
static enum wait_reason stack_category(const struct stack_sample *s)
{
	return s->reason < WAIT__COUNT ? s->reason : WAIT_OTHER;
}

void aggregate_count_time(struct time_split *t, const struct stack_sample *s)
{
	enum wait_reason c = stack_category(s);

	t->ns[c] += s->ns;
	if (c != WAIT_NONE)
		t->offcpu_ns += s->ns;
}

void aggregate_add_time(struct time_split *to, const struct time_split *from)
{
	size_t i;

	for (i = 0; i < WAIT__COUNT; i++)
		to->ns[i] += from->ns[i];
	to->offcpu_ns += from->offcpu_ns;
}

static void count_samples(struct aggregate *agg, const struct stack_sample *s)
{
	agg->samples += s->count;
	if (s->kernel_mode)
		agg->kernel_samples += s->count;
	if (s->truncated)
		agg->truncated_samples += s->count;
	if (!s->n_frames)
		agg->empty_samples += s->count;
}

static bool frame_has_line(const struct frame *f)
{
	return f->file && f->line > 0;
}

uint32_t stack_func_position(const struct aggregate *agg,
			     const struct stack_sample *s, uint32_t func)
{
	uint32_t k;

	for (k = 0; k < s->n_frames; k++)
		if (agg->frame_func[s->frames[k]] == func)
			break;
	return k;
}

bool frame_in_source(const struct profile *p, int64_t frame)
{
	const struct frame *f;

	if (frame < 0 || (size_t)frame >= p->n_frames)
		return false;
	f = &p->frames[frame];
	return f->cls == CLASS_APP && frame_has_line(f);
}

/* Index of the innermost app frame with a source line, else -1. */
static int64_t running_frame(const struct profile *p,
			     const struct stack_sample *s)
{
	const struct frame *f;
	uint32_t i = s->n_frames;

	while (i--) {
		f = &p->frames[s->frames[i]];
		if (f->cls == CLASS_APP && frame_has_line(f))
			return s->frames[i];
	}
	return -1;
}

/* The stack into the sites and functions on it, each once. */
static void count_frames(struct work *w, size_t idx)
{
	const struct stack_sample *s = &w->p->stacks[idx];
	bool on_cpu = stack_on_cpu(s);
	/* Waiting for a CPU is the machine's load, not the doing of the
	 * function it caught: a preempted thread switches out at the next
	 * preemption point (a syscall's return, mostly), so its stack names
	 * a syscall stub or caller that may run nothing.  It stays in its
	 * wait category; functions' path time and own time leave it out. */
	uint64_t cp_ns = stack_category(s) == WAIT_CPU ? 0 : s->cp_ns;
	size_t stamp = idx + 1;
	struct func_stat *func;
	struct site *site = NULL;
	int64_t where;
	uint32_t i;

	for (i = 0; i < s->n_frames; i++) {
		site = &w->sites[w->frame_site[s->frames[i]]];
		if (site->stamp != stamp) {
			site->stamp = stamp;
			if (on_cpu)
				site->total += s->count;
			else
				site->offcpu_ns += s->ns;
		}
		if (w->func_stamp[site->func] != stamp) {
			w->func_stamp[site->func] = stamp;
			func = &w->funcs[site->func];
			func->cp_ns += cp_ns;
			if (on_cpu) {
				func->total += s->count;
				func->total_ns += s->ns;
			} else {
				func->offcpu_ns += s->ns;
			}
		}
	}
	if (!on_cpu) {
		/* a wait is the own time of the function that waited */
		if (stack_category(s) == WAIT_CPU)
			return;
		where = display_frame(w->p, s->frames, s->n_frames);
		if (where >= 0) {
			w->sites[w->frame_site[where]].own_ns += s->ns;
			func = &w->funcs[w->sites[w->frame_site[where]].func];
			func->own_offcpu_ns += s->ns;
			func->own_cp_ns += s->cp_ns;
		}
		return;
	}
	if (!site)
		return;
	/* The loop ended on the leaf. */
	site->self += s->count;
	site->own_ns += s->ns;
	func = &w->funcs[site->func];
	func->own_cp_ns += s->cp_ns;
	func->own_cp_cpu_ns += s->cp_ns;
	func->self += s->count;
	func->self_ns += s->ns;
	where = running_frame(w->p, s);
	if (where >= 0)
		w->sites[w->frame_site[where]].running += s->count;
}

static void count_stack(struct work *w, size_t idx, struct aggregate *agg)
{
	const struct stack_sample *s = &w->p->stacks[idx];

	aggregate_count_time(&agg->time, s);
	agg->cp.ns[stack_category(s)] += s->cp_ns;
	if (!stack_on_cpu(s))
		agg->cp.offcpu_ns += s->cp_ns;
	if (!stack_on_cpu(s) && (wait_target_idle(s->target) ||
				 (w->serving && s->reason == WAIT_POLL))) {
		agg->cp_idle.ns[stack_category(s)] += s->cp_ns;
		agg->cp_idle.offcpu_ns += s->cp_ns;
	}
	if (stack_on_cpu(s))
		count_samples(agg, s);
	else if (!s->n_frames)
		agg->offcpu_unstacked_ns += s->ns;
	count_frames(w, idx);
}

static bool site_has_line(const struct work *w, const struct site *site)
{
	return (site->total || site->offcpu_ns) &&
	       frame_has_line(&w->p->frames[site->frame]);
}

static int cmp_site_heat(const struct site *a, const struct site *b)
{
	int c = CMP(a->own_ns, b->own_ns);

	if (!c)
		c = CMP(a->self, b->self);
	if (!c)
		c = CMP(a->total, b->total);
	return c ? c : CMP(a->offcpu_ns, b->offcpu_ns);
}

/*
 * A function's line is where it has the most own time (its self samples,
 * and its waits where it is the innermost application frame: a script's
 * request, not its imports' CPU), else where it is most often on the
 * stack (a call site), else where it waits longest; the first in (file,
 * line) order on ties.  A function's sites are adjacent.
 */
static void pick_lines(struct work *w)
{
	const struct site *site, *best;
	const struct frame *f;
	size_t i = 0, j;

	while (i < w->n_sites) {
		best = NULL;
		for (j = i; j < w->n_sites && w->sites[j].func == w->sites[i].func;
		     j++) {
			site = &w->sites[j];
			if (!site_has_line(w, site))
				continue;
			if (!best || cmp_site_heat(site, best) > 0)
				best = site;
		}
		if (best) {
			f = &w->p->frames[best->frame];
			w->funcs[best->func].file = f->file;
			w->funcs[best->func].line = f->line;
		}
		i = j;
	}
}

static int cmp_func_rank(const void *a, const void *b, void *ctx)
{
	const struct func_stat *funcs = ctx;
	const struct func_stat *fa = &funcs[*(const uint32_t *)a];
	const struct func_stat *fb = &funcs[*(const uint32_t *)b];
	int c;

	c = CMP(fb->self, fa->self);
	if (!c)
		c = CMP(fb->total, fa->total);
	if (!c)
		c = CMP(fb->offcpu_ns, fa->offcpu_ns);
	return c ? c : cmp_identity(fa->name, fa->module, fb->name, fb->module);
}

/* Own time on the critical path of at least this share of it: first. */
#define AGG_PATH_MIN_PCT	1

struct rank_ctx {
	const struct func_stat *funcs;
	uint64_t path_min_ns;	/* own path time that ranks by the path */
};

static int cmp_func_path(const void *a, const void *b, void *ctx)
{
	const struct rank_ctx *r = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct func_stat *fa = &r->funcs[ia], *fb = &r->funcs[ib];
	int c = CMP(fb->own_cp_ns, fa->own_cp_ns);

	if (!c)
		c = CMP(fb->cp_ns, fa->cp_ns);
	return c ? c : CMP(ia, ib);
}

/*
 * Own time first (on-CPU self and the waits it made), so the code that
 * spends the time leads, not main() and its callers: on the critical
 * path when known, then the rest of the CPU and waits, so that work off
 * the path (a child in parallel) stays in view.
 */
static int cmp_func_wall(const void *a, const void *b, void *ctx)
{
	const struct rank_ctx *r = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct func_stat *fa = &r->funcs[ia], *fb = &r->funcs[ib];
	bool pa = fa->own_cp_ns && fa->own_cp_ns >= r->path_min_ns;
	bool pb = fb->own_cp_ns && fb->own_cp_ns >= r->path_min_ns;
	int c = CMP(pb, pa);

	if (!c && pa)
		return cmp_func_path(a, b, ctx);
	if (!c)
		c = CMP(fb->self_ns + fb->own_offcpu_ns,
			fa->self_ns + fa->own_offcpu_ns);
	if (!c)
		c = CMP(func_wall_ns(fb), func_wall_ns(fa));
	return c ? c : CMP(ia, ib);
}

/* Functions with time into agg->funcs, hottest first, and agg->by_wall. */
static int rank_funcs(struct work *w, struct aggregate *agg)
{
	const struct func_stat *fs;
	struct rank_ctx rc;
	uint32_t *order;
	size_t i, n = 0;

	order = aggregate_alloc_array(w->n_funcs, sizeof(*order));
	w->func_rank = aggregate_alloc_array(w->n_funcs, sizeof(*w->func_rank));
	agg->funcs = aggregate_alloc_array(w->n_funcs, sizeof(*agg->funcs));
	agg->by_wall = aggregate_alloc_array(w->n_funcs, sizeof(*agg->by_wall));
	agg->by_cp = aggregate_alloc_array(w->n_funcs, sizeof(*agg->by_cp));
	if (!order || !w->func_rank || !agg->funcs || !agg->by_wall ||
	    !agg->by_cp) {
		free(order);
		return -ENOMEM;
	}
	for (i = 0; i < w->n_funcs; i++) {
		fs = &w->funcs[i];
		if (fs->total || fs->offcpu_ns || fs->cp_ns)
			order[n++] = i;
	}
	qsort_r(order, n, sizeof(*order), cmp_func_rank, w->funcs);
	for (i = 0; i < n; i++) {
		agg->funcs[i] = w->funcs[order[i]];
		w->func_rank[order[i]] = i;
		agg->by_wall[i] = i;
		if (agg->funcs[i].own_cp_ns)
			agg->by_cp[agg->n_by_cp++] = i;
	}
	agg->n_funcs = n;
	rc.funcs = agg->funcs;
	rc.path_min_ns = w->p->critical.ns * AGG_PATH_MIN_PCT / 100;
	qsort_r(agg->by_wall, n, sizeof(*agg->by_wall), cmp_func_wall, &rc);
	qsort_r(agg->by_cp, agg->n_by_cp, sizeof(*agg->by_cp), cmp_func_path,
		&rc);
	free(order);
	return 0;
}

/* Each frame's function in agg->funcs, AGG_NO_FUNC when it has no time. */
static int map_frames(const struct work *w, struct aggregate *agg)
{
	const struct func_stat *fs;
	uint32_t func;
	size_t i;

	agg->frame_func = aggregate_alloc_array(w->p->n_frames,
						sizeof(*agg->frame_func));
	if (!agg->frame_func)
		return -ENOMEM;
	for (i = 0; i < w->p->n_frames; i++) {
		func = w->sites[w->frame_site[i]].func;
		fs = &w->funcs[func];
		agg->frame_func[i] = fs->total || fs->offcpu_ns || fs->cp_ns ?
				     w->func_rank[func] : AGG_NO_FUNC;
	}
	return 0;
}

static int cmp_line(const void *a, const void *b, void *ctx)
{
	const struct func_stat *funcs = ctx;
	const struct line_stat *la = a, *lb = b;
	const struct func_stat *fa = &funcs[la->func], *fb = &funcs[lb->func];
	int c = CMP(lb->samples, la->samples);

	if (!c)
		c = aggregate_cmp_str(la->file, lb->file);
	if (!c)
		c = CMP(la->line, lb->line);
	return c ? c : cmp_identity(fa->name, fa->module, fb->name, fb->module);
}

/* The sites that ran into agg->lines, most samples first. */
static int build_lines(const struct work *w, struct aggregate *agg)
{
	const struct site *site;
	const struct frame *f;
	size_t i;

	agg->lines = aggregate_alloc_array(w->n_sites, sizeof(*agg->lines));
	if (!agg->lines)
		return -ENOMEM;
	for (i = 0; i < w->n_sites; i++) {
		site = &w->sites[i];
		if (!site->running)
			continue;
		f = &w->p->frames[site->frame];
		agg->lines[agg->n_lines++] = (struct line_stat){
			.file = f->file,
			.line = f->line,
			.func = w->func_rank[site->func],
			.samples = site->running,
		};
	}
	qsort_r(agg->lines, agg->n_lines, sizeof(*agg->lines), cmp_line,
		agg->funcs);
	return 0;
}

static int cmp_path_funcs(const struct path_order *po, size_t ia, size_t ib)
{
	uint32_t na = po->stacks[ia].n_frames, nb = po->stacks[ib].n_frames;
	const uint32_t *fa = po->pool + po->start[ia];
	const uint32_t *fb = po->pool + po->start[ib];
	uint32_t i;

	for (i = 0; i < na && i < nb; i++)
		if (fa[i] != fb[i])
			return CMP(fa[i], fb[i]);
	return CMP(na, nb);
}

/* Stacks that merge into one path or wait compare equal. */
static int cmp_stack_group(const struct path_order *po, size_t ia, size_t ib)
{
	const struct stack_sample *a = &po->stacks[ia], *b = &po->stacks[ib];
	int c = CMP(stack_category(a), stack_category(b));

	if (!c)
		c = aggregate_cmp_str(a->target, b->target);
	return c ? c : cmp_path_funcs(po, ia, ib);
}

static int cmp_stack_order(const void *a, const void *b, void *ctx)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = cmp_stack_group(ctx, ia, ib);

	return c ? c : CMP(ia, ib);
}

/* Two function sequences by names, root first: a total order. */
static int cmp_func_names(const struct func_stat *funcs, const uint32_t *a,
			  uint32_t na, const uint32_t *b, uint32_t nb)
{
	const struct func_stat *fa, *fb;
	uint32_t i;
	int c;

	for (i = 0; i < na && i < nb; i++) {
		fa = &funcs[a[i]];
		fb = &funcs[b[i]];
		c = cmp_identity(fa->name, fa->module, fb->name, fb->module);
		if (c)
			return c;
	}
	return CMP(na, nb);
}

/* Busiest first, then by function names: a total order on merged paths. */
static int cmp_path(const void *a, const void *b, void *ctx)
{
	const struct path_stat *pa = a, *pb = b;
	int c = CMP(pb->samples, pa->samples);

	return c ? c : cmp_func_names(ctx, pa->funcs, pa->n_funcs, pb->funcs,
				      pb->n_funcs);
}

/* Longest first, then by reason, target, names: the merge key, in full. */
static int cmp_wait(const void *a, const void *b, void *ctx)
{
	const struct wait_stat *wa = a, *wb = b;
	int c = CMP(wb->ns, wa->ns);

	if (!c)
		c = CMP(wa->reason, wb->reason);
	if (!c)
		c = aggregate_cmp_str(wa->target, wb->target);
	return c ? c : cmp_func_names(ctx, wa->funcs, wa->n_funcs, wb->funcs,
				      wb->n_funcs);
}

/*
 * Each stack as function ranks in agg->path_pool; start[] says where.  A
 * function seen only in stacks of no weight (no sample, no time) has no
 * rank (0): such stacks are never merged.
 */
static int fill_path_pool(const struct work *w, struct aggregate *agg,
			  size_t *start)
{
	const struct stack_sample *s;
	size_t i, n_pool = 0;
	uint32_t k, site;

	for (i = 0; i < w->p->n_stacks; i++) {
		start[i] = n_pool;
		n_pool += w->p->stacks[i].n_frames;
	}
	agg->path_pool = aggregate_alloc_array(n_pool, sizeof(*agg->path_pool));
	if (!agg->path_pool)
		return -ENOMEM;
	for (i = 0; i < w->p->n_stacks; i++) {
		s = &w->p->stacks[i];
		for (k = 0; k < s->n_frames; k++) {
			site = w->frame_site[s->frames[k]];
			agg->path_pool[start[i] + k] =
				w->func_rank[w->sites[site].func];
		}
	}
	return 0;
}

/* The run of n equal on-CPU stacks as one path; frameless ones are none. */
static void add_path(const struct path_order *po, const size_t *run,
		     size_t n, struct aggregate *agg)
{
	const struct stack_sample *s = &po->stacks[run[0]];
	struct path_stat *path = &agg->paths[agg->n_paths];
	size_t i;

	if (!s->n_frames)
		return;
	*path = (struct path_stat){
		.funcs = po->pool + po->start[run[0]],
		.n_funcs = s->n_frames,
	};
	for (i = 0; i < n; i++) {
		path->samples += po->stacks[run[i]].count;
		path->ns += po->stacks[run[i]].ns;
	}
	agg->n_paths++;
}

/* Longer wait first, then the first site: an order of frames' contents. */
static bool shows_better(const struct work *w, int64_t frame, uint64_t ns,
			 int64_t best, uint64_t best_ns)
{
	if (frame < 0 || best < 0)
		return frame >= 0;
	if (ns != best_ns)
		return ns > best_ns;
	return w->frame_site[frame] < w->frame_site[best];
}

/*
 * The run of n equal off-CPU stacks as one wait.  Their display frames
 * are of one function but may be at different lines: the longest wait's
 * is shown, the first site in order on ties, whatever the stacks' order.
 */
static void add_wait(const struct work *w, const struct path_order *po,
		     const size_t *run, size_t n, struct aggregate *agg)
{
	const struct stack_sample *s = &po->stacks[run[0]];
	struct wait_stat *wait = &agg->waits[agg->n_waits++];
	int64_t frame, best = -1;
	uint64_t best_ns = 0;
	size_t i;

	*wait = (struct wait_stat){
		.reason = stack_category(s),
		.target = s->target,
		.funcs = po->pool + po->start[run[0]],
		.n_funcs = s->n_frames,
	};
	for (i = 0; i < n; i++) {
		s = &po->stacks[run[i]];
		wait->count += s->count;
		wait->ns += s->ns;
		wait->cp_ns += s->cp_ns;
		frame = display_frame(w->p, s->frames, s->n_frames);
		if (shows_better(w, frame, s->ns, best, best_ns)) {
			best = frame;
			best_ns = s->ns;
		}
	}
	wait->where = best < 0 ? NULL : &w->p->frames[best];
}

/*
 * Stacks merged, whatever their thread: on-CPU ones with equal function
 * sequences into paths, off-CPU ones with equal reason, target and
 * function sequence into waits.
 */
static int build_groups(const struct work *w, struct aggregate *agg)
{
	const struct profile *p = w->p;
	struct path_order po;
	size_t *start, *order, i, j, n = 0;
	int err = -ENOMEM;

	start = aggregate_alloc_array(p->n_stacks, sizeof(*start));
	order = aggregate_alloc_array(p->n_stacks, sizeof(*order));
	agg->paths = aggregate_alloc_array(p->n_stacks, sizeof(*agg->paths));
	agg->waits = aggregate_alloc_array(p->n_stacks, sizeof(*agg->waits));
	if (!start || !order || !agg->paths || !agg->waits ||
	    fill_path_pool(w, agg, start))
		goto out;

	po = (struct path_order){ p->stacks, agg->path_pool, start };
	for (i = 0; i < p->n_stacks; i++)
		if (stack_weight(&p->stacks[i]))
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), cmp_stack_order, &po);

	for (i = 0; i < n; i = j) {
		j = i + 1;
		while (j < n && !cmp_stack_group(&po, order[i], order[j]))
			j++;
		if (stack_on_cpu(&p->stacks[order[i]]))
			add_path(&po, order + i, j - i, agg);
		else
			add_wait(w, &po, order + i, j - i, agg);
	}
	qsort_r(agg->paths, agg->n_paths, sizeof(*agg->paths), cmp_path,
		agg->funcs);
	qsort_r(agg->waits, agg->n_waits, sizeof(*agg->waits), cmp_wait,
		agg->funcs);
	err = 0;
out:
	free(start);
	free(order);
	return err;
}

static void free_work(struct work *w)
{
	free(w->frame_site);
	free(w->sites);
	free(w->funcs);
	free(w->func_stamp);
	free(w->func_rank);
}

/*
 * A server and nothing else: it accepted connections and made none over
 * the network.  Its waits in poll, select or epoll that no traced thread
 * ended (the path charges those to the thread) wait for its clients: an
 * event loop's idle time (node, asyncio).  A socket it had before the
 * recording (-p) is neither: its accept or connect was not seen (an
 * asyncio server attached to between a request and its answer sent on
 * a client's socket, not a connection it made).
 */
static bool only_serving(const struct io_summary *io)
{
	bool inbound = false;
	size_t i;

	for (i = 0; i < io->n_endpoints; i++) {
		const struct io_endpoint *e = &io->endpoints[i];

		if (e->inbound)
			inbound = true;
		else if (e->connections && strcmp(e->proto, "unix"))
			return false;
	}
	return inbound;
}

int aggregate_profile(const struct profile *p, struct aggregate *agg)
{
	struct work w = { .p = p, .serving = only_serving(&p->io) };
	size_t i;
	int err;

	memset(agg, 0, sizeof(*agg));
	agg->cp_known = p->critical.ns > 0;
	err = index_frames(&w);
	if (err)
		goto out;
	for (i = 0; i < p->n_stacks; i++)
		count_stack(&w, i, agg);
	pick_lines(&w);
	err = rank_funcs(&w, agg);
	if (!err)
		err = build_lines(&w, agg);
	if (!err)
		err = build_groups(&w, agg);
	if (!err)
		err = aggregate_procs_build(p, agg);
	if (!err)
		err = map_frames(&w, agg);
	if (!err)
		err = aggregate_symbols_build(p, agg);
out:
	free_work(&w);
	if (err)
		aggregate_free(agg);
	return err;
}

void aggregate_free(struct aggregate *agg)
{
	free(agg->funcs);
	free(agg->by_wall);
	free(agg->by_cp);
	free(agg->lines);
	free(agg->paths);
	free(agg->waits);
	free(agg->procs);
	free(agg->threads);
	free(agg->path_pool);
	free(agg->frame_func);
	free(agg->symbols);
	memset(agg, 0, sizeof(*agg));
}

static int cmp_category(const void *a, const void *b, void *ctx)
{
	const struct time_split *t = ctx;
	enum wait_reason ra = *(const enum wait_reason *)a;
	enum wait_reason rb = *(const enum wait_reason *)b;
	int c = CMP(t->ns[rb], t->ns[ra]);

	return c ? c : CMP(ra, rb);
}

size_t categories_by_time(const struct time_split *t,
			  enum wait_reason order[WAIT__COUNT])
{
	size_t n = 0;
	int r;

	for (r = 0; r < WAIT__COUNT; r++)
		if (t->ns[r])
			order[n++] = r;
	qsort_r(order, n, sizeof(*order), cmp_category, (void *)t);
	/* the rest set, so that order[0] is a reason even with no time (a
	 * critical path whose stacks carry none, in a file) */
	for (r = n; r < WAIT__COUNT; r++)
		order[r] = WAIT_NONE;
	return n;
}
