// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation.  Frames are grouped into functions, and into source lines
 * of functions ("sites"), by sorting them: no hash table, and the groups
 * come out in a stable order.  Counting a function once per sample, even
 * when recursion puts it on the stack several times, uses a stamp: the
 * last stack that counted it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"

/* Three-way comparison that cannot overflow, for any integer type. */
#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* Runs at least this long fold in path_format. */
#define FOLD_MIN_RUN	3

#define PROFILE_COMM_LEN sizeof(((struct thread_info *)0)->comm)
_Static_assert(PROFILE_COMM_LEN < AGG_COMM_LEN, "comm copy needs its NUL");
_Static_assert(sizeof(((struct process_info *)0)->comm) == PROFILE_COMM_LEN,
	       "thread and process comm differ in size");

/* A source line of a function: frames equal in name, module, file, line. */
struct site {
	uint32_t frame;		/* one frame of the site, for file and line */
	uint32_t func;		/* function id, in (name, module) order */
	uint64_t self;
	uint64_t total;
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
};

/* Stacks of equal function sequences sort together, to be merged. */
struct path_order {
	const struct stack_sample *stacks;
	const uint32_t *pool;		/* function ranks of all stacks */
	const size_t *start;		/* stack index → its first in pool */
};

/* calloc that does not fail for zero elements. */
static void *alloc_array(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

/* strcmp with NULL (unknown) before any string. */
static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return CMP(a != NULL, b != NULL);
	return strcmp(a, b);
}

static int cmp_identity(const char *name_a, const char *module_a,
			const char *name_b, const char *module_b)
{
	int c = cmp_str(name_a, name_b);

	return c ? c : cmp_str(module_a, module_b);
}

static int cmp_frame_site(const void *a, const void *b, void *ctx)
{
	const struct frame *frames = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct frame *fa = &frames[ia], *fb = &frames[ib];
	int c;

	c = cmp_identity(fa->name, fa->module, fb->name, fb->module);
	if (!c)
		c = cmp_str(fa->file, fb->file);
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

	order = alloc_array(p->n_frames, sizeof(*order));
	w->frame_site = alloc_array(p->n_frames, sizeof(*w->frame_site));
	w->sites = alloc_array(p->n_frames, sizeof(*w->sites));
	w->funcs = alloc_array(p->n_frames, sizeof(*w->funcs));
	w->func_stamp = alloc_array(p->n_frames, sizeof(*w->func_stamp));
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
		} else if (cmp_str(prev->file, f->file) || prev->line != f->line) {
			add_site(w, order[i]);
		}
		w->frame_site[order[i]] = w->n_sites - 1;
		prev = f;
	}
	free(order);
	return 0;
}

static void count_stack(struct work *w, size_t idx, struct aggregate *agg)
{
	const struct stack_sample *s = &w->p->stacks[idx];
	size_t stamp = idx + 1;
	struct func_stat *func;
	struct site *site = NULL;
	uint32_t i;

	if (!stack_on_cpu(s))
		return;
	agg->samples += s->count;
	agg->ns += s->ns;
	if (s->kernel_mode)
		agg->kernel_samples += s->count;
	if (s->truncated)
		agg->truncated_samples += s->count;
	if (!s->n_frames) {
		agg->empty_samples += s->count;
		return;
	}
	for (i = 0; i < s->n_frames; i++) {
		site = &w->sites[w->frame_site[s->frames[i]]];
		if (site->stamp != stamp) {
			site->stamp = stamp;
			site->total += s->count;
		}
		if (w->func_stamp[site->func] != stamp) {
			w->func_stamp[site->func] = stamp;
			func = &w->funcs[site->func];
			func->total += s->count;
			func->total_ns += s->ns;
		}
	}
	/* The loop ended on the leaf. */
	site->self += s->count;
	func = &w->funcs[site->func];
	func->self += s->count;
	func->self_ns += s->ns;
}

static bool site_has_line(const struct work *w, const struct site *site)
{
	const struct frame *f = &w->p->frames[site->frame];

	return site->total && f->file && f->line > 0;
}

/*
 * A function's line is where it has the most self samples, else where it
 * is most often on the stack (a call site); the first in (file, line)
 * order on ties.  A function's sites are adjacent.
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
			if (!best || site->self > best->self ||
			    (site->self == best->self && site->total > best->total))
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
	return c ? c : cmp_identity(fa->name, fa->module, fb->name, fb->module);
}

/* Sampled functions into agg->funcs, hottest first. */
static int rank_funcs(struct work *w, struct aggregate *agg)
{
	uint32_t *order;
	size_t i, n = 0;

	order = alloc_array(w->n_funcs, sizeof(*order));
	w->func_rank = alloc_array(w->n_funcs, sizeof(*w->func_rank));
	agg->funcs = alloc_array(w->n_funcs, sizeof(*agg->funcs));
	if (!order || !w->func_rank || !agg->funcs) {
		free(order);
		return -ENOMEM;
	}
	for (i = 0; i < w->n_funcs; i++)
		if (w->funcs[i].total)
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), cmp_func_rank, w->funcs);
	for (i = 0; i < n; i++) {
		agg->funcs[i] = w->funcs[order[i]];
		w->func_rank[order[i]] = i;
	}
	agg->n_funcs = n;
	free(order);
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

static int cmp_stack_path(const void *a, const void *b, void *ctx)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = cmp_path_funcs(ctx, ia, ib);

	return c ? c : CMP(ia, ib);
}

/* Busiest first, then by function names: a total order on merged paths. */
static int cmp_path(const void *a, const void *b, void *ctx)
{
	const struct func_stat *funcs = ctx, *fa, *fb;
	const struct path_stat *pa = a, *pb = b;
	uint32_t i;
	int c;

	c = CMP(pb->samples, pa->samples);
	for (i = 0; !c && i < pa->n_funcs && i < pb->n_funcs; i++) {
		fa = &funcs[pa->funcs[i]];
		fb = &funcs[pb->funcs[i]];
		c = cmp_identity(fa->name, fa->module, fb->name, fb->module);
	}
	return c ? c : CMP(pa->n_funcs, pb->n_funcs);
}

/*
 * Each stack as function ranks in agg->path_pool; start[] says where.  A
 * function seen only in stacks that hold no sample has no rank (0): such
 * stacks are off-CPU, never merged, or count 0 and add nothing to the
 * path they merge with.
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
	agg->path_pool = alloc_array(n_pool, sizeof(*agg->path_pool));
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

/* Stacks with equal function sequences merged, whatever their thread. */
static int build_paths(const struct work *w, struct aggregate *agg)
{
	const struct profile *p = w->p;
	const struct stack_sample *s;
	struct path_order po;
	struct path_stat *path;
	size_t *start, *order, i, j, n = 0;
	int err = -ENOMEM;

	start = alloc_array(p->n_stacks, sizeof(*start));
	order = alloc_array(p->n_stacks, sizeof(*order));
	agg->paths = alloc_array(p->n_stacks, sizeof(*agg->paths));
	if (!start || !order || !agg->paths || fill_path_pool(w, agg, start))
		goto out;

	po = (struct path_order){ p->stacks, agg->path_pool, start };
	for (i = 0; i < p->n_stacks; i++)
		if (stack_on_cpu(&p->stacks[i]))
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), cmp_stack_path, &po);

	for (i = 0; i < n; i = j) {
		s = &p->stacks[order[i]];
		path = &agg->paths[agg->n_paths];
		*path = (struct path_stat){
			.funcs = agg->path_pool + start[order[i]],
			.n_funcs = s->n_frames,
		};
		for (j = i; j < n && !cmp_path_funcs(&po, order[i], order[j]);
		     j++) {
			path->samples += p->stacks[order[j]].count;
			path->ns += p->stacks[order[j]].ns;
		}
		if (path->n_funcs && path->samples)
			agg->n_paths++;
	}
	qsort_r(agg->paths, agg->n_paths, sizeof(*agg->paths), cmp_path,
		agg->funcs);
	err = 0;
out:
	free(start);
	free(order);
	return err;
}

static const struct process_info *find_process(const struct profile *p,
					       uint32_t pid)
{
	size_t i;

	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].pid == pid)
			return &p->procs[i];
	return NULL;
}

static const struct thread_info *find_thread(const struct profile *p,
					     uint32_t pid, uint32_t tid)
{
	size_t i;

	for (i = 0; i < p->n_threads; i++)
		if (p->threads[i].pid == pid && p->threads[i].tid == tid)
			return &p->threads[i];
	return NULL;
}

/* comm may fill its array without a NUL. */
static void copy_comm(char dst[AGG_COMM_LEN], const char *comm)
{
	size_t len = strnlen(comm, PROFILE_COMM_LEN);

	memcpy(dst, comm, len);
	dst[len] = '\0';
}

void process_comm(const struct profile *p, uint32_t pid,
		  char comm[AGG_COMM_LEN])
{
	const struct process_info *pi = find_process(p, pid);
	const struct thread_info *ti = find_thread(p, pid, pid);

	if (pi && pi->comm[0])
		copy_comm(comm, pi->comm);
	else if (ti)
		copy_comm(comm, ti->comm);
	else
		comm[0] = '\0';
}

static int cmp_thread_id(const void *a, const void *b)
{
	const struct thread_stat *ta = a, *tb = b;
	int c = CMP(ta->pid, tb->pid);

	return c ? c : CMP(ta->tid, tb->tid);
}

static int cmp_thread_busiest(const void *a, const void *b)
{
	const struct thread_stat *ta = a, *tb = b;
	int c = CMP(tb->samples, ta->samples);

	return c ? c : cmp_thread_id(a, b);
}

static int cmp_proc_busiest(const void *a, const void *b)
{
	const struct proc_stat *pa = a, *pb = b;
	int c = CMP(pb->samples, pa->samples);

	return c ? c : CMP(pa->pid, pb->pid);
}

/* A thread's own comm, else its process's. */
static void thread_comm(const struct profile *p, struct thread_stat *t)
{
	const struct thread_info *ti = find_thread(p, t->pid, t->tid);

	if (ti && ti->comm[0])
		copy_comm(t->comm, ti->comm);
	else
		process_comm(p, t->pid, t->comm);
}

/* Sampled threads, merged by (pid, tid), in (pid, tid) order. */
static int collect_threads(const struct profile *p, struct aggregate *agg)
{
	const struct stack_sample *s;
	struct thread_stat *t = NULL;
	size_t i, n_stacks = 0, n = 0;

	agg->threads = alloc_array(p->n_stacks, sizeof(*agg->threads));
	if (!agg->threads)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		if (!stack_on_cpu(s))
			continue;
		agg->threads[n_stacks++] = (struct thread_stat){
			.pid = s->pid,
			.tid = s->tid,
			.samples = s->count,
			.ns = s->ns,
		};
	}
	qsort(agg->threads, n_stacks, sizeof(*agg->threads), cmp_thread_id);
	for (i = 0; i < n_stacks; i++) {
		if (t && !cmp_thread_id(t, &agg->threads[i])) {
			t->samples += agg->threads[i].samples;
			t->ns += agg->threads[i].ns;
		} else if (agg->threads[i].samples) {
			t = &agg->threads[n++];
			*t = agg->threads[i];
		}
	}
	agg->n_threads = n;
	for (i = 0; i < n; i++)
		thread_comm(p, &agg->threads[i]);
	return 0;
}

static void describe_proc(const struct profile *p, struct proc_stat *ps)
{
	const struct process_info *pi = find_process(p, ps->pid);

	process_comm(p, ps->pid, ps->comm);
	if (pi) {
		ps->ppid = pi->ppid;
		ps->exe = pi->exe;
	}
}

/* One proc_stat per run of equal pids in the (pid, tid) ordered threads. */
static int group_procs(const struct profile *p, struct aggregate *agg)
{
	struct thread_stat *threads = agg->threads;
	struct proc_stat *ps;
	size_t i, j;

	agg->procs = alloc_array(agg->n_threads, sizeof(*agg->procs));
	if (!agg->procs)
		return -ENOMEM;
	for (i = 0; i < agg->n_threads; i = j) {
		ps = &agg->procs[agg->n_procs++];
		ps->pid = threads[i].pid;
		ps->threads = &threads[i];
		for (j = i; j < agg->n_threads && threads[j].pid == ps->pid; j++) {
			ps->samples += threads[j].samples;
			ps->ns += threads[j].ns;
		}
		ps->n_threads = j - i;
		qsort(&threads[i], j - i, sizeof(*threads), cmp_thread_busiest);
		describe_proc(p, ps);
	}
	qsort(agg->procs, agg->n_procs, sizeof(*agg->procs), cmp_proc_busiest);
	return 0;
}

/* Lay the threads out in procs order, so that rows can simply follow. */
static int order_threads_by_procs(struct aggregate *agg)
{
	struct thread_stat *threads;
	size_t i, n = 0;

	threads = alloc_array(agg->n_threads, sizeof(*threads));
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < agg->n_procs; i++) {
		memcpy(threads + n, agg->procs[i].threads,
		       agg->procs[i].n_threads * sizeof(*threads));
		agg->procs[i].threads = threads + n;
		n += agg->procs[i].n_threads;
	}
	free(agg->threads);
	agg->threads = threads;
	return 0;
}

static int build_procs(const struct profile *p, struct aggregate *agg)
{
	int err;

	err = collect_threads(p, agg);
	if (!err)
		err = group_procs(p, agg);
	if (!err)
		err = order_threads_by_procs(agg);
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

int aggregate_profile(const struct profile *p, struct aggregate *agg)
{
	struct work w = { .p = p };
	size_t i;
	int err;

	memset(agg, 0, sizeof(*agg));
	err = index_frames(&w);
	if (err)
		goto out;
	for (i = 0; i < p->n_stacks; i++)
		count_stack(&w, i, agg);
	pick_lines(&w);
	err = rank_funcs(&w, agg);
	if (!err)
		err = build_paths(&w, agg);
	if (!err)
		err = build_procs(p, agg);
out:
	free_work(&w);
	if (err)
		aggregate_free(agg);
	return err;
}

void aggregate_free(struct aggregate *agg)
{
	free(agg->funcs);
	free(agg->paths);
	free(agg->procs);
	free(agg->threads);
	free(agg->path_pool);
	memset(agg, 0, sizeof(*agg));
}

/* Runs of frames with the same non-zero group fold; app frames never do. */
static int fold_group(enum frame_class cls)
{
	switch (cls) {
	case CLASS_LIBRARY:
	case CLASS_RUNTIME:
		return 1;
	case CLASS_KERNEL:
		return 2;
	default:
		return 0;
	}
}

static void put_segment(FILE *f, bool first, const char *text)
{
	fprintf(f, "%s%s", first ? "" : " → ", text);
}

char *path_format(const struct aggregate *agg, const struct path_stat *path)
{
	const struct func_stat *funcs = agg->funcs;
	char *buf = NULL, hidden[32];
	size_t len = 0;
	uint32_t i = 0, end, k;
	int group;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	while (i < path->n_funcs) {
		group = fold_group(funcs[path->funcs[i]].cls);
		end = i + 1;
		while (group && end < path->n_funcs &&
		       fold_group(funcs[path->funcs[end]].cls) == group)
			end++;
		if (end - i >= FOLD_MIN_RUN) {
			snprintf(hidden, sizeof(hidden), "…(%u)…", end - i - 2);
			put_segment(f, i == 0, funcs[path->funcs[i]].name);
			put_segment(f, false, hidden);
			put_segment(f, false, funcs[path->funcs[end - 1]].name);
		} else {
			for (k = i; k < end; k++)
				put_segment(f, k == 0, funcs[path->funcs[k]].name);
		}
		i = end;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
