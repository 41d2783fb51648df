// SPDX-License-Identifier: GPL-2.0
/*
 * Call paths as text (path_format, aggregate.h): a recursion, frames of
 * one function in a row, is one frame with its depth; then runs of
 * library, runtime or kernel frames fold to their ends.  Paths that read
 * alike but for how many frames a fold hid (std::sort's recursion, one
 * depth per path) are one row of the table (path_rows_build).
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

/* One function of a path, with its recursion's depth when above 1. */
static void put_segment(FILE *f, bool first, const char *name, uint32_t run)
{
	fprintf(f, "%s%s", first ? "" : " → ", name);
	if (run > 1)
		fprintf(f, " (×%u)", run);
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

static void put_path(FILE *f, const struct func_stat *funcs,
		     const uint32_t *seg, const uint32_t *run, uint32_t n,
		     const uint32_t *lo, const uint32_t *hi)
{
	uint32_t i = 0, end, k, folds = 0;

	while (i < n) {
		end = fold_end(funcs, seg, n, i);
		if (end - i >= FOLD_MIN_RUN) {
			put_segment(f, i == 0, funcs[seg[i]].name, run[i]);
			put_hidden(f, lo, hi, folds++);
			put_segment(f, false, funcs[seg[end - 1]].name,
				    run[end - 1]);
		} else {
			for (k = i; k < end; k++)
				put_segment(f, k == 0, funcs[seg[k]].name,
					    run[k]);
		}
		i = end;
	}
}

/* The path as text, folds' counts from lo/hi; malloc'd, NULL on error. */
static char *format_segments(const struct aggregate *agg, const uint32_t *seg,
			     const uint32_t *run, uint32_t n,
			     const uint32_t *lo, const uint32_t *hi)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	put_path(f, agg->funcs, seg, run, n, lo, hi);
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
	buf = format_segments(agg, seg, run, n_seg, counts, counts);
out:
	free(seg);
	free(run);
	free(counts);
	return buf;
}

/* One path's parts while rows are built. */
struct path_key {
	char *key;		/* folds without counts */
	uint32_t *seg, *run, *counts;
	uint32_t n_seg, n_folds;
};

static void path_key_free(struct path_key *k)
{
	free(k->key);
	free(k->seg);
	free(k->run);
	free(k->counts);
}

static int path_key_build(const struct aggregate *agg,
			  const struct path_stat *path, struct path_key *k)
{
	if (path_segments(path, &k->seg, &k->run, &k->n_seg))
		return -ENOMEM;
	k->counts = aggregate_alloc_array(k->n_seg, sizeof(*k->counts));
	if (!k->counts)
		return -ENOMEM;
	k->n_folds = fold_counts(agg->funcs, k->seg, k->run, k->n_seg,
				 k->counts);
	k->key = format_segments(agg, k->seg, k->run, k->n_seg, NULL, NULL);
	return k->key ? 0 : -ENOMEM;
}

static int cmp_key(const void *a, const void *b, void *ctx)
{
	const struct path_key *keys = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = strcmp(keys[ia].key, keys[ib].key);

	return c ? c : CMP(ia, ib);
}

static int cmp_row(const void *a, const void *b)
{
	const struct path_row *ra = a, *rb = b;
	int c = CMP(rb->samples, ra->samples);

	return c ? c : CMP(ra->first, rb->first);
}

/* Paths order[from, to) share a key: one row, shown by the first. */
static int add_row(const struct aggregate *agg, const struct path_key *keys,
		   const size_t *order, size_t from, size_t to,
		   struct path_row *row)
{
	const struct path_key *k = &keys[order[from]];
	uint32_t *lo, *hi, f, c;
	size_t i;

	lo = aggregate_alloc_array(k->n_folds, sizeof(*lo));
	hi = aggregate_alloc_array(k->n_folds, sizeof(*hi));
	if (!lo || !hi)
		goto fail;
	memcpy(lo, k->counts, k->n_folds * sizeof(*lo));
	memcpy(hi, k->counts, k->n_folds * sizeof(*hi));
	row->first = order[from];
	for (i = from; i < to; i++) {
		row->samples += agg->paths[order[i]].samples;
		row->ns += agg->paths[order[i]].ns;
		/* equal keys fold alike: as many folds */
		for (f = 0; f < k->n_folds; f++) {
			c = keys[order[i]].counts[f];
			lo[f] = c < lo[f] ? c : lo[f];
			hi[f] = c > hi[f] ? c : hi[f];
		}
	}
	row->n_paths = to - from;
	row->text = format_segments(agg, k->seg, k->run, k->n_seg, lo, hi);
fail:
	free(lo);
	free(hi);
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
		    !strcmp(keys[order[i]].key, keys[order[from]].key))
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
