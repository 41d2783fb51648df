// SPDX-License-Identifier: GPL-2.0
/* Rows of the I/O tables by site; see iocounts.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/intern.h"
#include "record/iocounts.h"

/*
 * A key, never 0: table + 1 in bits 61-63, the row in bits 32-60, the
 * site in bits 0-31; a file opened where no site is known (its stacks
 * not sent), by process pid: site -1 - pid.  Rows past 2^29 are not
 * counted (no table has that many).
 */
#define ROW_BITS	29
#define ROW_MAX		((1u << ROW_BITS) - 1)

struct io_count_key {
	uint32_t table;		/* enum io_count_table */
	uint32_t row;
	int32_t site;
};

static uint64_t key_pack(struct io_count_key k)
{
	return (uint64_t)(k.table + 1) << (32 + ROW_BITS) |
	       (uint64_t)k.row << 32 | (uint32_t)k.site;
}

static struct io_count_key key_unpack(uint64_t key)
{
	return (struct io_count_key){
		.table = (key >> (32 + ROW_BITS)) - 1,
		.row = (key >> 32) & ROW_MAX,
		.site = (int32_t)(uint32_t)key,
	};
}

void io_counts_init(struct io_counts *c)
{
	*c = (struct io_counts){ 0 };
}

void io_counts_free(struct io_counts *c)
{
	free(c->slots);
	io_counts_init(c);
}

static size_t slot_of(const struct io_counts *c, uint64_t key)
{
	size_t i = (key * 0x9e3779b97f4a7c15ull >> 32) & (c->cap - 1);

	while (c->slots[i].key && c->slots[i].key != key)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static int grow(struct io_counts *c)
{
	struct io_counts bigger = { .cap = c->cap ? 2 * c->cap : 1024 };
	size_t i;

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (i = 0; i < c->cap; i++)
		if (c->slots[i].key)
			bigger.slots[slot_of(&bigger, c->slots[i].key)] =
				c->slots[i];
	bigger.n = c->n;
	free(c->slots);
	*c = bigger;
	return 0;
}

/* Adds n to key's count. */
static int add_count(struct io_counts *c, struct io_count_key k, uint64_t n)
{
	uint64_t key = key_pack(k);
	size_t i;

	if (4 * (c->n + 1) > 3 * c->cap && grow(c))
		return -ENOMEM;
	i = slot_of(c, key);
	if (!c->slots[i].key) {
		c->slots[i].key = key;
		c->n++;
	}
	c->slots[i].count += n;
	return 0;
}

int io_counts_add(struct io_counts *c, enum io_count_table table,
		  uint32_t row, int64_t site, uint32_t pid)
{
	struct io_count_key k = { .table = table, .row = row,
				  .site = (int32_t)site };

	if ((site < 0 && table != IO_COUNT_FILE) || row > ROW_MAX)
		return 0;
	if (site < 0)
		k.site = -1 - (int32_t)(pid & INT32_MAX);
	return add_count(c, k, 1);
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
	uint32_t *pids = calloc(c->n + 1, sizeof(*pids)), pid;
	struct io_count_key k;
	size_t i, r;

	if (!start || !pids) {
		free(start);
		free(pids);
		return -ENOMEM;
	}
	for (i = 0; i < c->cap; i++) {
		k = key_unpack(c->slots[i].key);
		if (c->slots[i].key && file_opener(&k, sum, &pid))
			start[k.row + 2]++;
	}
	for (r = 2; r < sum->n_files + 2; r++)
		start[r] += start[r - 1];
	for (i = 0; i < c->cap; i++) {
		k = key_unpack(c->slots[i].key);
		if (c->slots[i].key && file_opener(&k, sum, &pid))
			pids[start[k.row + 1]++] = pid;
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

/* Sifts slot i down the max-heap of the first n slots, by key. */
static void sift_down(struct io_count_slot *h, size_t i, size_t n)
{
	struct io_count_slot t;
	size_t child;

	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n && h[child + 1].key > h[child].key)
			child++;
		if (h[i].key >= h[child].key)
			return;
		t = h[i];
		h[i] = h[child];
		h[child] = t;
		i = child;
	}
}

/* The first n slots sorted by key, in place: the table can be large and
 * this is the end of the recording, where memory peaks. */
static void sort_slots(struct io_count_slot *h, size_t n)
{
	struct io_count_slot t;
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(h, i, n);
	while (n-- > 1) {
		t = h[0];
		h[0] = h[n];
		h[n] = t;
		sift_down(h, 0, n);
	}
}

/*
 * Sites whose frames are the same once symbolized (raw stacks differ in
 * a return address within one line, in the process) count as one: the
 * first of them; failed opens count with their file's opens.  In place:
 * the keys rewritten, packed at the front, sorted, and equal ones added
 * up; what is left is a sorted array (c->cap its length), which takes no
 * more events.
 */
static int merge_equal_sites(struct io_counts *c, const struct io_summary *sum)
{
	struct io_count_key k;
	struct intern frames;
	int32_t *first, *rep;	/* site → its first equal; frames → site */
	int added, err = -ENOMEM;
	size_t i, n = 0;
	int64_t j;

	intern_init(&frames);
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
	for (i = 0; i < c->cap; i++) {
		if (!c->slots[i].key)
			continue;
		k = key_unpack(c->slots[i].key);
		if (k.site >= 0 && (size_t)k.site < sum->n_sites)
			k.site = first[k.site];
		if (k.table == IO_COUNT_FILE_FAILED)
			k.table = IO_COUNT_FILE;
		c->slots[n].count = c->slots[i].count;
		c->slots[n++].key = key_pack(k);
	}
	sort_slots(c->slots, n);
	for (i = 0, c->n = 0; i < n; i++) {
		if (c->n && c->slots[c->n - 1].key == c->slots[i].key)
			c->slots[c->n - 1].count += c->slots[i].count;
		else
			c->slots[c->n++] = c->slots[i];
	}
	c->cap = c->n;
	err = 0;
out:
	intern_free(&frames);
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
	for (i = 0; best[0] && best[1] && best[2] && i < c->cap; i++) {
		struct io_count_key k = key_unpack(c->slots[i].key);
		uint64_t n = c->slots[i].count, *b;

		site = row_site(sum, k.table, k.row);
		if (!c->slots[i].key || k.site < 0 || !site)
			continue;	/* a file's opener without a site */
		b = &best[k.table][k.row];
		if (n > *b || (n == *b && (*site < 0 || k.site < *site))) {
			*b = n;
			*site = k.site;
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
