// SPDX-License-Identifier: GPL-2.0
/* Rows of the I/O tables by site; see iocounts.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "record/iocounts.h"

/* A file opened where no site is known, by process pid: site -1 - pid. */
struct io_count_key {
	uint32_t table;		/* enum io_count_table */
	uint32_t row;
	int32_t site;
};

void io_counts_init(struct io_counts *c)
{
	intern_init(&c->keys);
	c->count = NULL;
	c->cap = 0;
}

void io_counts_free(struct io_counts *c)
{
	intern_free(&c->keys);
	free(c->count);
	io_counts_init(c);
}

int io_counts_add(struct io_counts *c, enum io_count_table table,
		  uint32_t row, int64_t site, uint32_t pid)
{
	struct io_count_key k = { .table = table, .row = row,
				  .site = (int32_t)site };
	int added;
	int64_t i;

	if (site < 0 && table != IO_COUNT_FILE)
		return 0;
	if (site < 0)
		k.site = -1 - (int32_t)(pid & INT32_MAX);
	i = intern_bytes(&c->keys, &k, sizeof(k), &added);
	if (i < 0 || intern_items_reserve((void **)&c->count, &c->cap, i,
					  sizeof(*c->count)))
		return -ENOMEM;
	c->count[i]++;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The process that made k's events, when k is a file's (else false). */
static bool file_opener(const struct io_count_key *k,
			const struct io_summary *sum, uint32_t *pid)
{
	if (k->table != IO_COUNT_FILE || k->row >= sum->n_files ||
	    (k->site >= 0 && (size_t)k->site >= sum->n_sites))
		return false;
	*pid = k->site >= 0 ? sum->sites[k->site].pid :
	       (uint32_t)(-1 - k->site);
	return true;
}

/*
 * How many processes opened each file, from the sites its opens were
 * counted at, each a process's: the openers of each file put together
 * (a counting sort by file) and sorted, 4 bytes a site, at the end only.
 */
static int count_openers(const struct io_counts *c, struct io_summary *sum)
{
	size_t *start = calloc(sum->n_files + 2, sizeof(*start));
	uint32_t *pids = calloc(c->keys.n + 1, sizeof(*pids)), pid;
	size_t i, r;

	if (!start || !pids) {
		free(start);
		free(pids);
		return -ENOMEM;
	}
	for (i = 0; i < c->keys.n; i++)
		if (file_opener(intern_key(&c->keys, i), sum, &pid))
			start[((const struct io_count_key *)
			       intern_key(&c->keys, i))->row + 2]++;
	for (r = 2; r < sum->n_files + 2; r++)
		start[r] += start[r - 1];
	for (i = 0; i < c->keys.n; i++) {
		const struct io_count_key *k = intern_key(&c->keys, i);

		if (file_opener(k, sum, &pid))
			pids[start[k->row + 1]++] = pid;
	}
	/* each file's openers are now pids[start[row] .. start[row + 1]) */
	for (r = 0; r < sum->n_files; r++) {
		qsort(pids + start[r], start[r + 1] - start[r], sizeof(*pids),
		      cmp_u32);
		for (i = start[r]; i < start[r + 1]; i++)
			sum->files[r].procs += i == start[r] ||
					       pids[i] != pids[i - 1];
	}
	free(start);
	free(pids);
	return 0;
}

/*
 * Sites whose frames are the same once symbolized (raw stacks differ in
 * a return address within one line, in the process) count as one: the
 * first of them.  Rebuilds the counts with those, failed opens counted
 * with their file's opens.
 */
static int merge_equal_sites(struct io_counts *c, const struct io_summary *sum)
{
	struct io_counts merged;
	struct intern frames;
	int32_t *first, *rep;	/* site → its first equal; frames → site */
	int added, err = -ENOMEM;
	size_t i;
	int64_t j;

	intern_init(&frames);
	io_counts_init(&merged);
	first = calloc(sum->n_sites + 1, sizeof(*first));
	rep = calloc(sum->n_sites + 1, sizeof(*rep));
	if (!first || !rep)
		goto out;
	for (i = 0; i < sum->n_sites; i++) {
		j = intern_bytes(&frames, sum->sites[i].frames,
				 sum->sites[i].n_frames * sizeof(uint32_t), &added);
		if (j < 0)
			goto out;
		if (added)
			rep[j] = i;
		first[i] = rep[j];
	}
	for (i = 0; i < c->keys.n; i++) {
		struct io_count_key k = *(const struct io_count_key *)
					intern_key(&c->keys, i);

		if (k.site >= 0 && (size_t)k.site < sum->n_sites)
			k.site = first[k.site];
		if (k.table == IO_COUNT_FILE_FAILED)
			k.table = IO_COUNT_FILE;
		j = intern_bytes(&merged.keys, &k, sizeof(k), &added);
		if (j < 0 || intern_items_reserve((void **)&merged.count,
						  &merged.cap, j,
						  sizeof(*merged.count)))
			goto out;
		merged.count[j] += c->count[i];
	}
	io_counts_free(c);
	*c = merged;
	io_counts_init(&merged);
	err = 0;
out:
	intern_free(&frames);
	io_counts_free(&merged);
	free(first);
	free(rep);
	return err;
}

/* The site of row in table, NULL when it has no such row. */
static int32_t *row_site(struct io_summary *sum, uint32_t table, uint32_t row)
{
	if (table == IO_COUNT_FILE)
		return row < sum->n_files ? &sum->files[row].site : NULL;
	if (table == IO_COUNT_ENDPOINT)
		return row < sum->n_endpoints ? &sum->endpoints[row].site :
		       NULL;
	if (table == IO_COUNT_PROGRAM)
		return row < sum->n_spawns ? &sum->spawns[row].site : NULL;
	return NULL;
}

/* The site each row came from most often; ties to the lower site. */
static int pick_sites(const struct io_counts *c, struct io_summary *sum)
{
	uint64_t *best[3];
	int32_t *site;
	size_t i;

	best[IO_COUNT_FILE] = calloc(sum->n_files + 1, sizeof(uint64_t));
	best[IO_COUNT_ENDPOINT] = calloc(sum->n_endpoints + 1,
					 sizeof(uint64_t));
	best[IO_COUNT_PROGRAM] = calloc(sum->n_spawns + 1, sizeof(uint64_t));
	for (i = 0; best[0] && best[1] && best[2] && i < c->keys.n; i++) {
		const struct io_count_key *k = intern_key(&c->keys, i);
		uint64_t n = c->count[i], *b;

		site = row_site(sum, k->table, k->row);
		if (k->site < 0 || !site)
			continue;	/* a file's opener without a site */
		b = &best[k->table][k->row];
		if (n > *b || (n == *b && (*site < 0 || k->site < *site))) {
			*b = n;
			*site = k->site;
		}
	}
	for (i = 0; best[0] && i < sum->n_files; i++)
		sum->files[i].site_opens = best[IO_COUNT_FILE][i];
	for (i = 0; best[2] && i < sum->n_spawns; i++)
		sum->spawns[i].site_count = best[IO_COUNT_PROGRAM][i];
	i = best[0] && best[1] && best[2];
	free(best[0]);
	free(best[1]);
	free(best[2]);
	return i ? 0 : -ENOMEM;
}

int io_counts_finish(struct io_counts *c, struct io_summary *sum)
{
	int err = count_openers(c, sum);

	if (!err)
		err = merge_equal_sites(c, sum);
	return err ? err : pick_sites(c, sum);
}
