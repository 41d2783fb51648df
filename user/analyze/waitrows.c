// SPDX-License-Identifier: GPL-2.0
/*
 * Top waits as a table shows them (wait_rows_build, aggregate.h): waits
 * are merged by call path, which the table leaves out, so four waits for
 * a CPU in one function at one line would read as four equal rows; and
 * many small targets of one where are one row.
 */
#include <errno.h>
#include <stdlib.h>

#include "analyze/aggregate.h"
#include "lib/util.h"

/* What a row shows of where: name, module, file, line; NULL first. */
static int cmp_where(const struct frame *a, const struct frame *b)
{
	int c;

	if (!a || !b)
		return CMP(a != NULL, b != NULL);
	c = cmp_identity(a->name, a->module, b->name, b->module);
	if (!c)
		c = aggregate_cmp_str(a->file, b->file);
	return c ? c : CMP(a->line, b->line);
}

static int cmp_shown(const struct wait_stat *a, const struct wait_stat *b)
{
	int c = CMP(a->reason, b->reason);

	if (!c)
		c = aggregate_cmp_str(a->target, b->target);
	return c ? c : cmp_where(a->where, b->where);
}

static int cmp_order(const void *a, const void *b, void *ctx)
{
	const struct wait_stat *waits = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = cmp_shown(&waits[ia], &waits[ib]);

	return c ? c : CMP(ia, ib);
}

static int cmp_row(const void *a, const void *b)
{
	const struct wait_row *ra = a, *rb = b;
	int c = CMP(rb->ns, ra->ns);

	return c ? c : CMP(ra->first, rb->first);
}

/* Rows of one reason and where together, each group longest first. */
static int cmp_group(const void *a, const void *b)
{
	const struct wait_row *ra = a, *rb = b;
	int c = CMP(ra->reason, rb->reason);

	if (!c)
		c = cmp_where(ra->where, rb->where);
	return c ? c : cmp_row(a, b);
}

/*
 * Of the rows of one reason and where, those with a target that each hold
 * under WAIT_ROW_TAIL_PCT of the group's time become one row, shown by the
 * longest of them, when there are two or more: a grep that reads 30,000
 * files from a cold cache once each waits a few µs on each, and rows
 * apiece would hide that the disk held it up 700 ms there.
 */
static void merge_tails(struct wait_row *rows, size_t n)
{
	size_t g, end, i, tail;
	uint64_t total;

	qsort(rows, n, sizeof(*rows), cmp_group);
	for (g = 0; g < n; g = end) {
		total = 0;
		for (end = g; end < n && rows[end].reason == rows[g].reason &&
		     !cmp_where(rows[end].where, rows[g].where); end++)
			total += rows[end].ns;
		tail = end;
		for (i = g; i < end; i++) {
			if (!rows[i].target ||
			    rows[i].ns * 100 >= total * WAIT_ROW_TAIL_PCT)
				continue;
			if (tail == end) {
				tail = i;
				continue;
			}
			rows[tail].ns += rows[i].ns;
			rows[tail].cp_ns += rows[i].cp_ns;
			rows[tail].count += rows[i].count;
			rows[tail].n_waits += rows[i].n_waits;
			rows[tail].n_targets++;
			rows[i].n_waits = 0;	/* merged */
		}
	}
}

int wait_rows_build(const struct aggregate *agg, struct wait_row **rows,
		    size_t *n_rows)
{
	const struct wait_stat *w;
	struct wait_row *row;
	size_t *order, i, n;

	*n_rows = 0;
	order = aggregate_alloc_array(agg->n_waits, sizeof(*order));
	*rows = aggregate_alloc_array(agg->n_waits, sizeof(**rows));
	if (!order || !*rows) {
		free(order);
		free(*rows);
		*rows = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < agg->n_waits; i++)
		order[i] = i;
	qsort_r(order, agg->n_waits, sizeof(*order), cmp_order,
		(void *)agg->waits);
	for (i = 0; i < agg->n_waits; i++) {
		w = &agg->waits[order[i]];
		row = *n_rows ? &(*rows)[*n_rows - 1] : NULL;
		if (!row || cmp_shown(&agg->waits[row->first], w)) {
			row = &(*rows)[(*n_rows)++];
			/* the first in order: the longest of them */
			row->first = order[i];
			row->reason = w->reason;
			row->target = w->target;
			row->where = w->where;
			row->n_targets = 1;
		}
		row->ns += w->ns;
		row->cp_ns += w->cp_ns;
		row->count += w->count;
		row->n_waits++;
	}
	free(order);
	merge_tails(*rows, *n_rows);
	for (i = n = 0; i < *n_rows; i++)
		if ((*rows)[i].n_waits)
			(*rows)[n++] = (*rows)[i];
	*n_rows = n;
	qsort(*rows, *n_rows, sizeof(**rows), cmp_row);
	return 0;
}
