// SPDX-License-Identifier: GPL-2.0
/*
 * Shortened paths that stay distinct; see path_short.h.  A component
 * suffix of a path is what follows one of its '/' (or the whole path):
 * every such suffix of every path is counted by its hash, and a path
 * shows its shortest suffix that only it has.  A hash collision can only
 * raise a count, so it makes a display longer, never shared.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "report/path_short.h"

#define ELLIPSIS	"…/"
#define ELLIPSIS_LEN	(sizeof(ELLIPSIS) - 1)

/* Runs the statement that follows for each component suffix of path,
 * shortest first, with j its start and h a hash of its bytes (FNV-1a,
 * read from the end). */
#define FOR_SUFFIXES(path, len, j, h)					\
	for (j = len, h = 0xcbf29ce484222325ull; j-- > 0;)		\
		if ((h = (h ^ (unsigned char)path[j]) * 0x100000001b3ull), \
		    j == 0 || path[j - 1] == '/')

/* How many paths have each suffix hash: counts[intern index]. */
static int count_suffixes(const char *const *paths, size_t n,
			  struct intern *hashes, uint32_t **counts)
{
	size_t cap = 0, i, len, j;
	int added;
	int64_t k;
	uint64_t h;

	for (i = 0; i < n; i++) {
		len = strlen(paths[i]);
		FOR_SUFFIXES(paths[i], len, j, h) {
			k = intern_bytes(hashes, &h, sizeof(h), &added);
			if (k < 0 || intern_items_reserve((void **)counts, &cap,
							  k, sizeof(**counts)))
				return -ENOMEM;
			(*counts)[k]++;
		}
	}
	return 0;
}

/* Where path's display starts, once its suffixes are counted. */
static size_t plan_one(const char *path, size_t max,
		       const struct intern *hashes, const uint32_t *counts)
{
	size_t len = strlen(path), j, from = 0;
	bool unique = false;
	uint64_t h;
	int64_t k;

	FOR_SUFFIXES(path, len, j, h) {
		if (!unique) {
			k = intern_find(hashes, &h, sizeof(h));
			unique = k >= 0 && counts[k] == 1;
			from = j;
		} else if (ELLIPSIS_LEN + len - j <= max) {
			from = j;	/* longer, still fits: more context */
		} else {
			break;
		}
	}
	return from;
}

int path_short_plan(const char *const *paths, size_t n, size_t max,
		    size_t *from)
{
	struct intern hashes;
	uint32_t *counts = NULL;
	bool any_long = false;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		from[i] = 0;
		any_long |= strlen(paths[i]) > max;
	}
	if (!any_long)
		return 0;
	intern_init(&hashes);
	err = count_suffixes(paths, n, &hashes, &counts);
	for (i = 0; !err && i < n; i++)
		if (strlen(paths[i]) > max)
			from[i] = plan_one(paths[i], max, &hashes, counts);
	intern_free(&hashes);
	free(counts);
	return err;
}

char *path_short(const char *path, size_t from)
{
	char *s;

	if (!from)
		return strdup(path);
	return asprintf(&s, ELLIPSIS "%s", path + from) < 0 ? NULL : s;
}
