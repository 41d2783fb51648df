// SPDX-License-Identifier: GPL-2.0
/*
 * Call paths as text (path_format, aggregate.h): a recursion, frames of
 * one function in a row, is one frame with its depth; then runs of
 * library, runtime or kernel frames fold to their ends.  Paths that read
 * alike but for how many frames a fold hid (std::sort's recursion, one
 * depth per path) or how deep a recursion they show went (expand (×34)
 * and (×37), a template expander's includes) are one row of the table
 * (path_rows_build).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "lib/util.h"

/* Runs at least this long (functions, a recursion counting once) fold. */
#define FOLD_MIN_RUN	3

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

uint32_t path_run_length(const uint32_t *funcs, uint32_t n, uint32_t i)
{
	uint32_t end = i + 1;

	while (end < n && funcs[end] == funcs[i])
		end++;
	return end - i;
}

uint32_t stack_run_length(const struct profile *p, const struct stack_sample *s,
			  uint32_t i)
{
	const struct frame *a = &p->frames[s->frames[i]], *b;
	uint32_t end;

	for (end = i + 1; end < s->n_frames; end++) {
		b = &p->frames[s->frames[end]];
		if (cmp_identity(a->name, a->module, b->name, b->module))
			break;
	}
	return end - i;
}

/*
 * One function of a path, with its recursion's depth when above 1: from
 * lo to hi over merged paths, "(×34–37)"; lo 0 for a key, which leaves
 * the depth out, "(×)".
 */
static void put_segment(FILE *f, bool first, const char *name, uint32_t lo,
			uint32_t hi)
{
	fprintf(f, "%s%s", first ? "" : " → ", name);
	if (hi <= 1)
		return;
	if (!lo)
		fputs(" (×)", f);
	else if (lo == hi)
		fprintf(f, " (×%u)", lo);
	else
		fprintf(f, " (×%u–%u)", lo, hi);
}

/*
 * The runs of equal functions of a path (recursion) as segments: funcs
 * and counts of n_seg of them.  Malloc'd arrays; -ENOMEM.
 */
static int path_segments(const struct path_stat *path, uint32_t **seg,
			 uint32_t **run, uint32_t *n_seg)
{
	uint32_t i, r;

	*n_seg = 0;
	*seg = aggregate_alloc_array(path->n_funcs, sizeof(**seg));
	*run = aggregate_alloc_array(path->n_funcs, sizeof(**run));
	if (!*seg || !*run)
		return -ENOMEM;
	for (i = 0; i < path->n_funcs; i += r) {
		r = path_run_length(path->funcs, path->n_funcs, i);
		(*seg)[*n_seg] = path->funcs[i];
		(*run)[(*n_seg)++] = r;
	}
	return 0;
}

/* The end of the run of segments from i that fold together, or i + 1. */
static uint32_t fold_end(const struct func_stat *funcs, const uint32_t *seg,
			 uint32_t n, uint32_t i)
{
	int group = fold_group(funcs[seg[i]].cls);
	uint32_t end = i + 1;

	while (group && end < n && fold_group(funcs[seg[end]].cls) == group)
		end++;
	return end;
}

/* Each fold's hidden frames into counts (n entries at most); how many. */
static uint32_t fold_counts(const struct func_stat *funcs, const uint32_t *seg,
			    const uint32_t *run, uint32_t n, uint32_t *counts)
{
	uint32_t i, end, k, folds = 0;

	for (i = 0; i < n; i = end) {
		end = fold_end(funcs, seg, n, i);
		if (end - i < FOLD_MIN_RUN)
			continue;
		for (counts[folds] = 0, k = i + 1; k < end - 1; k++)
			counts[folds] += run[k];
		folds++;
	}
	return folds;
}

/* A fold's hidden frames: "…(5)…", "…(3–12)…" for merged paths, "…" for a
 * key that leaves them out (lo NULL). */
static void put_hidden(FILE *f, const uint32_t *lo, const uint32_t *hi,
		       uint32_t k)
{
	if (!lo)
		fputs(" → …", f);
	else if (lo[k] == hi[k])
		fprintf(f, " → …(%u)…", lo[k]);
	else
		fprintf(f, " → …(%u–%u)…", lo[k], hi[k]);
}

/*
 * How a path is put: the counts of its folds' hidden frames (lo, hi) and
 * the depths of the segments it shows (run_lo, run_hi; NULL: their own)
 * as ranges over merged paths; lo NULL for a key, without either.  shown,
 * when set, gets the depth of each segment shown, in order.
 */
struct path_put {
	const uint32_t *lo, *hi;
	const uint32_t *run_lo, *run_hi;
	uint32_t *shown;
	uint32_t n_shown;	/* set by put_path */
};

static void put_shown(FILE *f, const struct func_stat *funcs,
		      const uint32_t *seg, const uint32_t *run, uint32_t k,
		      struct path_put *how)
{
	uint32_t i = how->n_shown++, lo = run[k], hi = run[k];

	if (how->shown)
		how->shown[i] = run[k];
	if (!how->lo) {
		lo = 0;
	} else if (how->run_lo) {
		lo = how->run_lo[i];
		hi = how->run_hi[i];
	}
	put_segment(f, k == 0, funcs[seg[k]].name, lo, hi);
}

static void put_path(FILE *f, const struct func_stat *funcs,
		     const uint32_t *seg, const uint32_t *run, uint32_t n,
		     struct path_put *how)
{
	uint32_t i = 0, end, k, folds = 0;

	how->n_shown = 0;
	while (i < n) {
		end = fold_end(funcs, seg, n, i);
		if (end - i >= FOLD_MIN_RUN) {
			put_shown(f, funcs, seg, run, i, how);
			put_hidden(f, how->lo, how->hi, folds++);
			put_shown(f, funcs, seg, run, end - 1, how);
		} else {
			for (k = i; k < end; k++)
				put_shown(f, funcs, seg, run, k, how);
		}
		i = end;
	}
}

/* The path as text, put as how says; malloc'd, NULL on error. */
static char *format_segments(const struct aggregate *agg, const uint32_t *seg,
			     const uint32_t *run, uint32_t n,
			     struct path_put *how)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	put_path(f, agg->funcs, seg, run, n, how);
	if (fclose(f)) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

char *path_format(const struct aggregate *agg, const struct path_stat *path)
{
	uint32_t *seg, *run, *counts = NULL, n_seg;
	char *buf = NULL;

	if (path_segments(path, &seg, &run, &n_seg))
		goto out;
	counts = aggregate_alloc_array(n_seg, sizeof(*counts));
	if (!counts)
		goto out;
	fold_counts(agg->funcs, seg, run, n_seg, counts);
	buf = format_segments(agg, seg, run, n_seg,
			      &(struct path_put){ .lo = counts, .hi = counts });
out:
	free(seg);
	free(run);
	free(counts);
	return buf;
}

/* One path's parts while rows are built. */
struct path_key {
	char *key;		/* folds without counts, recursions without
				 * depths */
	uint32_t *seg, *run, *counts;
	uint32_t *shown;	/* depths of the segments shown */
	uint32_t n_seg, n_folds, n_shown;
};

static void path_key_free(struct path_key *k)
{
	free(k->key);
	free(k->seg);
	free(k->run);
	free(k->counts);
	free(k->shown);
}

static int path_key_build(const struct aggregate *agg,
			  const struct path_stat *path, struct path_key *k)
{
	struct path_put how = { 0 };

	if (path_segments(path, &k->seg, &k->run, &k->n_seg))
		return -ENOMEM;
	k->counts = aggregate_alloc_array(k->n_seg, sizeof(*k->counts));
	k->shown = aggregate_alloc_array(k->n_seg, sizeof(*k->shown));
	if (!k->counts || !k->shown)
		return -ENOMEM;
	k->n_folds = fold_counts(agg->funcs, k->seg, k->run, k->n_seg,
				 k->counts);
	how.shown = k->shown;
	k->key = format_segments(agg, k->seg, k->run, k->n_seg, &how);
	k->n_shown = how.n_shown;
	return k->key ? 0 : -ENOMEM;
}

/* Keys in order; the counts too, as names are the program's: one that
 * reads like a fold or a depth must not make two shapes one key. */
static int key_cmp(const struct path_key *a, const struct path_key *b)
{
	int c = strcmp(a->key, b->key);

	if (!c)
		c = CMP(a->n_folds, b->n_folds);
	return c ? c : CMP(a->n_shown, b->n_shown);
}

static int cmp_key(const void *a, const void *b, void *ctx)
{
	const struct path_key *keys = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = key_cmp(&keys[ia], &keys[ib]);

	return c ? c : CMP(ia, ib);
}

static int cmp_row(const void *a, const void *b)
{
	const struct path_row *ra = a, *rb = b;
	int c = CMP(rb->samples, ra->samples);

	return c ? c : CMP(ra->first, rb->first);
}

/* lo[i], hi[i] widened to take v[i], for i < n. */
static void widen(uint32_t *lo, uint32_t *hi, const uint32_t *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		lo[i] = v[i] < lo[i] ? v[i] : lo[i];
		hi[i] = v[i] > hi[i] ? v[i] : hi[i];
	}
}

/* Paths order[from, to) share a key: one row, shown by the first.  Equal
 * keys have as many folds and show as many segments. */
static int add_row(const struct aggregate *agg, const struct path_key *keys,
		   const size_t *order, size_t from, size_t to,
		   struct path_row *row)
{
	const struct path_key *k = &keys[order[from]], *o;
	uint32_t *lo, *hi, *run_lo, *run_hi;
	size_t i;

	lo = aggregate_alloc_array(k->n_folds, sizeof(*lo));
	hi = aggregate_alloc_array(k->n_folds, sizeof(*hi));
	run_lo = aggregate_alloc_array(k->n_shown, sizeof(*run_lo));
	run_hi = aggregate_alloc_array(k->n_shown, sizeof(*run_hi));
	if (!lo || !hi || !run_lo || !run_hi)
		goto fail;
	memcpy(lo, k->counts, k->n_folds * sizeof(*lo));
	memcpy(hi, k->counts, k->n_folds * sizeof(*hi));
	memcpy(run_lo, k->shown, k->n_shown * sizeof(*run_lo));
	memcpy(run_hi, k->shown, k->n_shown * sizeof(*run_hi));
	row->first = order[from];
	for (i = from; i < to; i++) {
		o = &keys[order[i]];
		row->samples += agg->paths[order[i]].samples;
		row->ns += agg->paths[order[i]].ns;
		widen(lo, hi, o->counts, k->n_folds);
		widen(run_lo, run_hi, o->shown, k->n_shown);
	}
	row->n_paths = to - from;
	row->text = format_segments(agg, k->seg, k->run, k->n_seg,
				    &(struct path_put){ .lo = lo, .hi = hi,
							.run_lo = run_lo,
							.run_hi = run_hi });
fail:
	free(lo);
	free(hi);
	free(run_lo);
	free(run_hi);
	return row->text ? 0 : -ENOMEM;
}

static int group_rows(const struct aggregate *agg, const struct path_key *keys,
		      size_t *order, struct path_row *rows, size_t *n_rows)
{
	size_t i, from = 0;
	int err;

	qsort_r(order, agg->n_paths, sizeof(*order), cmp_key, (void *)keys);
	for (i = 1; i <= agg->n_paths; i++) {
		if (i < agg->n_paths &&
		    !key_cmp(&keys[order[i]], &keys[order[from]]))
			continue;
		err = add_row(agg, keys, order, from, i, &rows[*n_rows]);
		if (err)
			return err;
		(*n_rows)++;
		from = i;
	}
	qsort(rows, *n_rows, sizeof(*rows), cmp_row);
	return 0;
}

int path_rows_build(const struct aggregate *agg, struct path_row **rows,
		    size_t *n_rows)
{
	struct path_key *keys;
	size_t *order, i;
	int err = -ENOMEM;

	*n_rows = 0;
	keys = aggregate_alloc_array(agg->n_paths, sizeof(*keys));
	order = aggregate_alloc_array(agg->n_paths, sizeof(*order));
	*rows = aggregate_alloc_array(agg->n_paths, sizeof(**rows));
	if (!keys || !order || !*rows)
		goto out;
	for (i = 0; i < agg->n_paths; i++) {
		order[i] = i;
		err = path_key_build(agg, &agg->paths[i], &keys[i]);
		if (err)
			goto out;
	}
	err = group_rows(agg, keys, order, *rows, n_rows);
out:
	for (i = 0; keys && i < agg->n_paths; i++)
		path_key_free(&keys[i]);
	free(keys);
	free(order);
	if (err) {
		path_rows_free(*rows, *n_rows);
		*rows = NULL;
		*n_rows = 0;
	}
	return err;
}

void path_rows_free(struct path_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		free(rows[i].text);
	free(rows);
}
