/* SPDX-License-Identifier: GPL-2.0 */
/* Interning of byte-string keys: equal keys get one dense index, so
 * callers keep their per-item data in plain arrays indexed by it. */
#ifndef WHYSLOW_INTERN_H
#define WHYSLOW_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct intern {
	uint32_t *slots;	/* item index + 1; 0 = empty */
	size_t n_slots;
	uint64_t *hashes;
	size_t *offsets;	/* of each key in arena */
	uint32_t *lengths;
	uint8_t *arena;
	size_t arena_len, arena_cap;
	size_t n, cap;
};

void intern_init(struct intern *in);
void intern_free(struct intern *in);

/* Index of key, added when new (*added set); -ENOMEM on failure. */
int64_t intern_bytes(struct intern *in, const void *key, uint32_t len,
		     int *added);
/* The hash intern uses: FNV-1a, its low bits spread. */
uint64_t intern_hash(const void *key, uint32_t len);
/* Index of key, or -1 when it was never added. */
int64_t intern_find(const struct intern *in, const void *key, uint32_t len);

/*
 * Grows *arr, an array of per-item data of elem bytes with *cap items,
 * to hold item i; new items are zeroed.  0 or -ENOMEM.
 */
int intern_items_reserve(void **arr, size_t *cap, size_t i, size_t elem);

static inline const void *intern_key(const struct intern *in, size_t i)
{
	return in->arena + in->offsets[i];
}

#endif
