// SPDX-License-Identifier: GPL-2.0
/*
 * Call paths as text (path_format, aggregate.h): a recursion, frames of
 * one function in a row, is one frame with its depth; then runs of
 * library, runtime or kernel frames fold to their ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze/aggregate.h"

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

static void put_path(FILE *f, const struct func_stat *funcs,
		     const uint32_t *seg, const uint32_t *run, uint32_t n)
{
	char hidden[32];
	uint32_t i = 0, end, k, frames;
	int group;

	while (i < n) {
		group = fold_group(funcs[seg[i]].cls);
		end = i + 1;
		while (group && end < n && fold_group(funcs[seg[end]].cls) == group)
			end++;
		if (end - i >= FOLD_MIN_RUN) {
			for (frames = 0, k = i + 1; k < end - 1; k++)
				frames += run[k];
			snprintf(hidden, sizeof(hidden), "…(%u)…", frames);
			put_segment(f, i == 0, funcs[seg[i]].name, run[i]);
			fprintf(f, " → %s", hidden);
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

char *path_format(const struct aggregate *agg, const struct path_stat *path)
{
	uint32_t *seg, *run, n_seg;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;

	if (path_segments(path, &seg, &run, &n_seg))
		goto out;
	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	put_path(f, agg->funcs, seg, run, n_seg);
	if (fclose(f)) {
		free(buf);
		buf = NULL;
	}
out:
	free(seg);
	free(run);
	return buf;
}
