/* SPDX-License-Identifier: GPL-2.0 */
/* A map of 64-bit ids (never 0) to 32-bit values, with deletion: for
 * what lives a while and goes, where interning would keep every id. */
#ifndef WHYSLOW_IDMAP_H
#define WHYSLOW_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap {
	uint64_t *ids;		/* 0: empty slot */
	uint32_t *vals;
	size_t cap;		/* slots: 0 or a power of two */
	size_t n;
};

void idmap_init(struct idmap *m);
void idmap_free(struct idmap *m);

/* Sets id's value.  0, -EINVAL for id 0, or -ENOMEM. */
int idmap_put(struct idmap *m, uint64_t id, uint32_t val);

/* id's value into *val: false when id is not in the map. */
bool idmap_get(const struct idmap *m, uint64_t id, uint32_t *val);

/* Removes id, if there. */
void idmap_del(struct idmap *m, uint64_t id);

#endif
