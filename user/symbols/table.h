/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growable arrays sorted by a leading uint64_t key: the symbol tables of
 * the symbolizer (kernel, ELF, perf maps) share these.
 */
#ifndef WHYSLOW_TABLE_H
#define WHYSLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for element n (doubling); 0 or -ENOMEM. */
int table_grow(void **arr, size_t *cap, size_t n, size_t elem_size);

/* How many elements of a sorted table have a key <= key. */
size_t table_count_le(const void *base, size_t n, size_t elem_size,
		      uint64_t key);

/* qsort() that accepts the NULL of a table that never grew. */
void table_sort(void *base, size_t n, size_t elem_size,
		int (*cmp)(const void *, const void *));

#endif
