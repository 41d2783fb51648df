// SPDX-License-Identifier: GPL-2.0
/* Open addressing with linear probing; deletion shifts the entries after
 * a freed slot back, so lookups never need tombstones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idmap.h"

void idmap_init(struct idmap *m)
{
	memset(m, 0, sizeof(*m));
}

void idmap_free(struct idmap *m)
{
	free(m->ids);
	free(m->vals);
	idmap_init(m);
}

static size_t home(const struct idmap *m, uint64_t id)
{
	return (id * 0x9e3779b97f4a7c15ull >> 32) & (m->cap - 1);
}

/* id's slot, or the empty slot where it would go. */
static size_t find(const struct idmap *m, uint64_t id)
{
	size_t i = home(m, id);

	while (m->ids[i] && m->ids[i] != id)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(struct idmap *m)
{
	struct idmap bigger = { .cap = m->cap ? 2 * m->cap : 256 };
	size_t i, j;

	bigger.ids = calloc(bigger.cap, sizeof(*bigger.ids));
	bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
	if (!bigger.ids || !bigger.vals) {
		idmap_free(&bigger);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->ids[i])
			continue;
		j = find(&bigger, m->ids[i]);
		bigger.ids[j] = m->ids[i];
		bigger.vals[j] = m->vals[i];
	}
	bigger.n = m->n;
	idmap_free(m);
	*m = bigger;
	return 0;
}

int idmap_put(struct idmap *m, uint64_t id, uint32_t val)
{
	size_t i;

	if (!id)
		return -EINVAL;
	/* at most half full: probe runs stay short */
	if (2 * (m->n + 1) > m->cap && grow(m))
		return -ENOMEM;
	i = find(m, id);
	if (!m->ids[i]) {
		m->ids[i] = id;
		m->n++;
	}
	m->vals[i] = val;
	return 0;
}

bool idmap_get(const struct idmap *m, uint64_t id, uint32_t *val)
{
	size_t i;

	if (!id || !m->cap)
		return false;
	i = find(m, id);
	if (!m->ids[i])
		return false;
	*val = m->vals[i];
	return true;
}

/* Whether slot j's entry, whose home is h, may move to the free slot i:
 * only if i lies on its probe run, cyclically in [h, j). */
static bool may_move(size_t h, size_t i, size_t j)
{
	return h <= j ? h <= i && i < j : h <= i || i < j;
}

void idmap_del(struct idmap *m, uint64_t id)
{
	size_t i, j, mask = m->cap - 1;

	if (!id || !m->cap)
		return;
	i = find(m, id);
	if (!m->ids[i])
		return;
	m->ids[i] = 0;
	m->n--;
	for (j = (i + 1) & mask; m->ids[j]; j = (j + 1) & mask) {
		if (!may_move(home(m, m->ids[j]), i, j))
			continue;
		m->ids[i] = m->ids[j];
		m->vals[i] = m->vals[j];
		m->ids[j] = 0;
		i = j;
	}
}
