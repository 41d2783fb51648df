// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"

void intern_init(struct intern *in)
{
	memset(in, 0, sizeof(*in));
}

void intern_free(struct intern *in)
{
	free(in->slots);
	free(in->hashes);
	free(in->offsets);
	free(in->lengths);
	free(in->arena);
	intern_init(in);
}

/* FNV-1a, then a multiply to spread the low bits used for slots. */
uint64_t intern_hash(const void *key, uint32_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h * 0x9e3779b97f4a7c15ull;
}

static size_t find_slot(const struct intern *in, uint64_t hash,
			const void *key, uint32_t len)
{
	size_t i = hash & (in->n_slots - 1);
	uint32_t item;

	while ((item = in->slots[i])) {
		item--;
		if (in->hashes[item] == hash && in->lengths[item] == len &&
		    !memcmp(intern_key(in, item), key, len))
			break;
		i = (i + 1) & (in->n_slots - 1);
	}
	return i;
}

int64_t intern_find(const struct intern *in, const void *key, uint32_t len)
{
	size_t slot;

	if (!in->n_slots)
		return -1;
	slot = find_slot(in, intern_hash(key, len), key, len);
	return in->slots[slot] ? (int64_t)in->slots[slot] - 1 : -1;
}

static int grow_slots(struct intern *in)
{
	size_t n = in->n_slots ? in->n_slots * 2 : 1024, i, j;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < in->n; i++) {
		j = in->hashes[i] & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(in->slots);
	in->slots = slots;
	in->n_slots = n;
	return 0;
}

static int grow_items(struct intern *in)
{
	size_t cap = in->cap ? in->cap * 2 : 256;
	uint64_t *hashes = realloc(in->hashes, cap * sizeof(*hashes));
	size_t *offsets;
	uint32_t *lengths;

	if (!hashes)
		return -ENOMEM;
	in->hashes = hashes;
	offsets = realloc(in->offsets, cap * sizeof(*offsets));
	if (!offsets)
		return -ENOMEM;
	in->offsets = offsets;
	lengths = realloc(in->lengths, cap * sizeof(*lengths));
	if (!lengths)
		return -ENOMEM;
	in->lengths = lengths;
	in->cap = cap;
	return 0;
}

static int reserve_arena(struct intern *in, uint32_t len)
{
	size_t cap = in->arena_cap ? in->arena_cap : 4096;
	uint8_t *arena;

	while (cap - in->arena_len < len)
		cap *= 2;
	if (cap == in->arena_cap)
		return 0;
	arena = realloc(in->arena, cap);
	if (!arena)
		return -ENOMEM;
	in->arena = arena;
	in->arena_cap = cap;
	return 0;
}

int64_t intern_bytes(struct intern *in, const void *key, uint32_t len,
		     int *added)
{
	uint64_t hash = intern_hash(key, len);
	size_t slot;

	*added = 0;
	if ((in->n + 1) * 2 > in->n_slots && grow_slots(in))
		return -ENOMEM;
	slot = find_slot(in, hash, key, len);
	if (in->slots[slot])
		return in->slots[slot] - 1;
	if ((in->n == in->cap && grow_items(in)) || reserve_arena(in, len + 7))
		return -ENOMEM;
	memcpy(in->arena + in->arena_len, key, len);
	in->hashes[in->n] = hash;
	in->offsets[in->n] = in->arena_len;
	in->lengths[in->n] = len;
	in->arena_len += (len + 7) & ~7u;	/* keys stay 8-byte aligned */
	in->slots[slot] = ++in->n;
	*added = 1;
	return in->n - 1;
}

int intern_items_reserve(void **arr, size_t *cap, size_t i, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *p;

	if (i < *cap)
		return 0;
	while (n <= i)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	memset((uint8_t *)p + *cap * elem, 0, (n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}
