// SPDX-License-Identifier: GPL-2.0
/*
 * The flame graph's tree.  Stacks are sorted by their steps (runs of
 * frames of one function, by name, module and length, then the wait
 * leaf) and walked in that order: a stack
 * shares the nodes of the longest prefix it has in common with the one
 * before it and opens new ones for the rest.  So the tree comes out in
 * pre-order with siblings sorted, in O(n log n) whatever the fan-out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "analyze/flame.h"
#include "analyze/procs.h"
#include "classify/wait.h"
#include "lib/intern.h"
#include "lib/util.h"

void wait_leaf_label(enum wait_reason r, char buf[WAIT_LABEL_SIZE])
{
	snprintf(buf, WAIT_LABEL_SIZE, "[wait:%s]", wait_reason_name(r));
}

/* One step of a stack from the root: a function (count frames of it in
 * a row: a recursion), or the wait it ends in. */
struct step {
	const char *name;
	const char *module;
	enum flame_kind kind;
	uint32_t count;
	enum frame_class cls;
};

/* Frames of one function in a row: first, and how many. */
struct run {
	uint32_t frame;
	uint32_t count;
};

struct build {
	const struct profile *p;
	struct flame_tree *t;
	uint32_t *order;	/* stacks with time, sorted by steps */
	size_t n_order;
	uint32_t *open;		/* the current path's node at each depth */
	uint32_t cap;
	struct run *runs;	/* of every stack, root first */
	size_t *first_run;	/* stack index → its first in runs */
	uint32_t *n_runs;	/* stack index → how many */
	size_t cap_labels;
	uint32_t n_levels;	/* process and thread steps first: 0-2 */
	const char **task_label;	/* stack index → [process, thread] */
};

/* A saved profile's reason is untrusted: keep it inside the table. */
static enum wait_reason stack_reason(const struct stack_sample *s)
{
	return s->reason < WAIT__COUNT ? s->reason : WAIT_OTHER;
}

static uint32_t stack_len(const struct build *b, uint32_t i)
{
	return b->n_levels + b->n_runs[i] + !stack_on_cpu(&b->p->stacks[i]);
}

static struct step stack_step(const struct build *b, uint32_t si, uint32_t i)
{
	const struct stack_sample *s = &b->p->stacks[si];
	const struct frame *fr;
	const struct run *r;

	if (i < b->n_levels)
		return (struct step){ b->task_label[2 * si + i], NULL,
				      i ? FLAME_THREAD : FLAME_PROCESS, 1,
				      CLASS_APP };
	i -= b->n_levels;
	if (i < b->n_runs[si]) {
		r = &b->runs[b->first_run[si] + i];
		fr = &b->p->frames[r->frame];
		return (struct step){ fr->name, fr->module, FLAME_FRAME,
				      r->count, fr->cls };
	}
	return (struct step){ b->t->wait_label[stack_reason(s)], NULL,
			      FLAME_WAIT, 1, CLASS_KERNEL };
}

static int cmp_step(const struct step *a, const struct step *b)
{
	int c = cmp_identity(a->name, a->module, b->name, b->module);

	if (!c)
		c = CMP(a->count, b->count);
	return c ? c : CMP(a->kind, b->kind);
}

/* Steps of the two stacks that are equal from the root. */
static uint32_t common_prefix(const struct build *b, uint32_t x, uint32_t y)
{
	uint32_t n = stack_len(b, x) < stack_len(b, y) ? stack_len(b, x) :
							 stack_len(b, y);
	struct step sx, sy;
	uint32_t i;

	for (i = 0; i < n; i++) {
		sx = stack_step(b, x, i);
		sy = stack_step(b, y, i);
		if (cmp_step(&sx, &sy))
			break;
	}
	return i;
}

static int cmp_stack(const void *pa, const void *pb, void *ctx)
{
	const struct build *b = ctx;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	uint32_t i = common_prefix(b, ia, ib);
	struct step sx, sy;

	if (i < stack_len(b, ia) && i < stack_len(b, ib)) {
		sx = stack_step(b, ia, i);
		sy = stack_step(b, ib, i);
		return cmp_step(&sx, &sy);
	}
	if (stack_len(b, ia) != stack_len(b, ib))
		return CMP(stack_len(b, ia), stack_len(b, ib));
	return CMP(ia, ib);
}

/* Each stack with time as runs of frames of one function. */
static int find_runs(struct build *b)
{
	const struct profile *p = b->p;
	size_t i, n = 0;
	uint32_t k, r;

	for (i = 0; i < p->n_stacks; i++)
		n += p->stacks[i].n_frames;
	b->runs = calloc(n ? n : 1, sizeof(*b->runs));
	b->first_run = calloc(p->n_stacks ? p->n_stacks : 1,
			      sizeof(*b->first_run));
	b->n_runs = calloc(p->n_stacks ? p->n_stacks : 1, sizeof(*b->n_runs));
	if (!b->runs || !b->first_run || !b->n_runs)
		return -ENOMEM;
	for (n = 0, i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		b->first_run[i] = n;
		for (k = 0; k < s->n_frames; k += r) {
			r = stack_run_length(p, s, k);
			b->runs[n++] = (struct run){ s->frames[k], r };
			b->n_runs[i]++;
		}
	}
	return 0;
}

/* The stacks with time, sorted; their deepest length in *max_len. */
static int sort_stacks(struct build *b, uint32_t *max_len)
{
	const struct profile *p = b->p;
	size_t i;

	*max_len = 0;
	b->order = calloc(p->n_stacks ? p->n_stacks : 1, sizeof(*b->order));
	if (!b->order || find_runs(b))
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		if (!p->stacks[i].ns)
			continue;
		b->order[b->n_order++] = i;
		if (stack_len(b, i) > *max_len)
			*max_len = stack_len(b, i);
	}
	qsort_r(b->order, b->n_order, sizeof(*b->order), cmp_stack, b);
	return 0;
}

/* *label, of asprintf's result len, owned by the tree; 0 or -ENOMEM. */
static int keep_label(struct build *b, int len, char **label)
{
	struct flame_tree *t = b->t;

	if (len < 0)
		return -ENOMEM;
	if (intern_items_reserve((void **)&t->labels, &b->cap_labels,
				 t->n_labels, sizeof(*t->labels))) {
		free(*label);
		return -ENOMEM;
	}
	t->labels[t->n_labels++] = *label;
	return 0;
}

/* One label per process ("comm (pid)") and per thread, found through an
 * intern, the comm looked up once each. */
static int task_labels(struct build *b)
{
	const struct profile *p = b->p;
	struct intern in;
	char comm[AGG_COMM_LEN], *label;
	const char **by_task = NULL;
	size_t cap = 0, i, k;
	int64_t idx;
	int added, err = -ENOMEM;

	b->task_label = calloc(2 * (p->n_stacks ? p->n_stacks : 1),
			       sizeof(*b->task_label));
	if (!b->task_label)
		return -ENOMEM;
	intern_init(&in);
	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		for (k = 0; k < b->n_levels; k++) {
			/* a process: pid, 0; a thread: pid, tid + 1 */
			uint64_t key = (uint64_t)s->pid << 32 |
				       (k ? s->tid + 1ull : 0);

			idx = intern_bytes(&in, &key, sizeof(key), &added);
			if (idx < 0 || intern_items_reserve((void **)&by_task,
					&cap, idx, sizeof(*by_task)))
				goto out;
			if (added) {
				if (k)
					procs_thread_comm(p, s->pid, s->tid, comm);
				else
					procs_comm(p, s->pid, comm);
				if (keep_label(b, asprintf(&label, "%s (%u)",
						comm[0] ? comm : "?",
						k ? s->tid : s->pid), &label))
					goto out;
				by_task[idx] = label;
			}
			b->task_label[2 * i + k] = by_task[idx];
		}
	}
	err = 0;
out:
	free(by_task);
	intern_free(&in);
	return err;
}

/* "name (×count)", owned by the tree; NULL on ENOMEM. */
static const char *run_label(struct build *b, const struct step *st)
{
	char *label;

	if (keep_label(b, asprintf(&label, "%s (×%u)", st->name, st->count),
		       &label))
		return NULL;
	return label;
}

/* A new node for step st below parent; its index, FLAME_NONE on ENOMEM. */
static uint32_t add_node(struct build *b, uint32_t parent,
			 const struct step *st, enum frame_class cls,
			 enum wait_reason reason)
{
	struct flame_tree *t = b->t;
	struct flame_node *nodes, *n;
	uint32_t cap;

	if (t->n_nodes == b->cap) {
		if (b->cap >= UINT32_MAX / 2)
			return FLAME_NONE;
		cap = b->cap ? 2 * b->cap : 64;
		nodes = realloc(t->nodes, cap * sizeof(*nodes));
		if (!nodes)
			return FLAME_NONE;
		t->nodes = nodes;
		b->cap = cap;
	}
	n = &t->nodes[t->n_nodes];
	memset(n, 0, sizeof(*n));
	n->name = st->count > 1 ? run_label(b, st) : st->name;
	if (!n->name)
		return FLAME_NONE;
	n->func = st->name;
	n->repeat = st->count;
	n->module = st->module;
	n->kind = st->kind;
	n->cls = cls;
	n->reason = reason;
	n->parent = parent;
	n->depth = parent == FLAME_NONE ? 0 : t->nodes[parent].depth + 1;
	if (n->depth > t->max_depth)
		t->max_depth = n->depth;
	return t->n_nodes++;
}

/* Stack si below the nodes it shares with the previous one (common). */
static int add_stack(struct build *b, uint32_t si, uint32_t common)
{
	const struct stack_sample *s = &b->p->stacks[si];
	struct flame_node *n;
	struct step st;
	uint32_t d, len = stack_len(b, si);

	for (d = common; d < len; d++) {
		st = stack_step(b, si, d);
		b->open[d + 1] = add_node(b, b->open[d], &st, st.cls,
					  st.kind == FLAME_WAIT ?
					  stack_reason(s) : WAIT_NONE);
		if (b->open[d + 1] == FLAME_NONE)
			return -ENOMEM;
	}
	for (d = 0; d <= len; d++) {
		n = &b->t->nodes[b->open[d]];
		n->ns += s->ns;
		if (stack_on_cpu(s)) {
			n->samples += s->count;
			n->oncpu_ns += s->ns;
		}
	}
	return 0;
}

/* Subtree sizes (children come after their parent), then x offsets. */
static void finish_tree(struct flame_tree *t)
{
	uint32_t i, c;
	uint64_t start;

	for (i = 0; i < t->n_nodes; i++)
		t->nodes[i].size = 1;
	for (i = t->n_nodes; i-- > 1;)
		t->nodes[t->nodes[i].parent].size += t->nodes[i].size;
	for (i = 0; i < t->n_nodes; i++) {
		start = t->nodes[i].start;
		for (c = i + 1; c < flame_end(t, i); c += t->nodes[c].size) {
			t->nodes[c].start = start;
			start += t->nodes[c].ns;
		}
	}
}

static int build_nodes(struct build *b, uint32_t max_len)
{
	static const struct step root = { "all", NULL, FLAME_ROOT, 1,
					  CLASS_APP };
	uint32_t si, prev = 0;
	size_t i;
	int err;

	b->open = calloc(max_len + 1, sizeof(*b->open));
	if (!b->open)
		return -ENOMEM;
	b->open[0] = add_node(b, FLAME_NONE, &root, CLASS_APP, WAIT_NONE);
	if (b->open[0] == FLAME_NONE)
		return -ENOMEM;
	for (i = 0; i < b->n_order; i++) {
		si = b->order[i];
		err = add_stack(b, si, i ? common_prefix(b, prev, si) : 0);
		if (err)
			return err;
		prev = si;
	}
	finish_tree(b->t);
	return 0;
}

unsigned int flame_default_levels(const struct profile *p, bool per_thread)
{
	const struct stack_sample *first = NULL;
	size_t i;

	if (per_thread)
		return FLAME_BY_PROCESS | FLAME_BY_THREAD;
	for (i = 0; i < p->n_stacks; i++) {
		if (!p->stacks[i].ns)
			continue;
		if (first && p->stacks[i].pid != first->pid)
			return FLAME_BY_PROCESS;
		first = &p->stacks[i];
	}
	return 0;
}

int flame_build(const struct profile *p, struct flame_tree *t)
{
	return flame_build_levels(p, t, 0);
}

int flame_build_levels(const struct profile *p, struct flame_tree *t,
		       unsigned int levels)
{
	struct build b = { .p = p, .t = t };
	uint32_t max_len;
	int r, err;

	memset(t, 0, sizeof(*t));
	for (r = 0; r < WAIT__COUNT; r++)
		wait_leaf_label(r, t->wait_label[r]);
	t->program = procs_program_module(p);
	b.n_levels = levels & FLAME_BY_THREAD ? 2 :
		     levels & FLAME_BY_PROCESS ? 1 : 0;
	err = b.n_levels ? task_labels(&b) : 0;
	if (!err)
		err = sort_stacks(&b, &max_len);
	if (!err)
		err = build_nodes(&b, max_len);
	free(b.order);
	free(b.open);
	free(b.runs);
	free(b.first_run);
	free(b.n_runs);
	free(b.task_label);
	if (err)
		flame_free(t);
	return err;
}

void flame_free(struct flame_tree *t)
{
	size_t i;

	for (i = 0; i < t->n_labels; i++)
		free(t->labels[i]);
	free(t->labels);
	free(t->nodes);
	t->labels = NULL;
	t->n_labels = 0;
	t->nodes = NULL;
	t->n_nodes = 0;
}

/* A node's module to match by: the program's executable is one. */
static const char *match_module(const struct flame_tree *t,
				const struct flame_node *n)
{
	static const char program[] = "[the program]";

	return t->program && n->module && !strcmp(n->module, t->program) ?
	       program : n->module;
}

static int cmp_node(const struct flame_tree *ta, const struct flame_node *a,
		    const struct flame_tree *tb, const struct flame_node *b)
{
	struct step sa = { a->func, match_module(ta, a), a->kind, a->repeat,
			   a->cls };
	struct step sb = { b->func, match_module(tb, b), b->kind, b->repeat,
			   b->cls };

	return cmp_step(&sa, &sb);
}

/* The children of after's node a and before's node b, merged by name. */
static void match_children(const struct flame_tree *before,
			   const struct flame_tree *after, uint32_t a,
			   uint32_t b, uint32_t *match, uint64_t *vanished_ns)
{
	uint32_t ca = a + 1, cb = b + 1;
	int c;

	while (ca < flame_end(after, a) && cb < flame_end(before, b)) {
		c = cmp_node(after, &after->nodes[ca], before,
			     &before->nodes[cb]);
		if (c <= 0) {
			if (!c)
				match[ca] = cb;
			ca += after->nodes[ca].size;
		}
		if (c >= 0) {
			if (c)
				*vanished_ns += before->nodes[cb].ns;
			cb += before->nodes[cb].size;
		}
	}
	for (; cb < flame_end(before, b); cb += before->nodes[cb].size)
		*vanished_ns += before->nodes[cb].ns;
}

void flame_match(const struct flame_tree *before,
		 const struct flame_tree *after, uint32_t *match,
		 uint64_t *vanished_ns)
{
	uint32_t i;

	*vanished_ns = 0;
	for (i = 0; i < after->n_nodes; i++)
		match[i] = FLAME_NONE;
	if (!after->n_nodes || !before->n_nodes)
		return;
	match[0] = 0;
	for (i = 0; i < after->n_nodes; i++)
		if (match[i] != FLAME_NONE)
			match_children(before, after, i, match[i], match,
				       vanished_ns);
}
