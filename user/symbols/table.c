// SPDX-License-Identifier: GPL-2.0
/* Growable arrays sorted by a leading uint64_t key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/table.h"

int table_grow(void **arr, size_t *cap, size_t n, size_t elem_size)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 256;
	p = reallocarray(*arr, new_cap, elem_size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = new_cap;
	return 0;
}

/*
 * Every table starts with its uint64_t sort key, so one search serves them
 * all.
 */
size_t table_count_le(const void *base, size_t n, size_t elem_size,
		      uint64_t key)
{
	const char *p = base;
	size_t lo = 0, hi = n, mid;
	uint64_t k;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&k, p + mid * elem_size, sizeof(k));
		if (k <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void table_sort(void *base, size_t n, size_t elem_size,
		int (*cmp)(const void *, const void *))
{
	if (n)
		qsort(base, n, elem_size, cmp);
}
