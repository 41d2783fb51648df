// SPDX-License-Identifier: GPL-2.0
/* lib/idmap: ids to values, with deletion, checked against a plain
 * array through growth and deletions inside clusters and across the
 * table's wrap-around. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/idmap.h"

#define N_IDS	5000

static void test_put_get_del(void **state)
{
	struct idmap m;
	uint32_t v = 7;

	(void)state;
	idmap_init(&m);
	assert_false(idmap_get(&m, 1, &v));
	idmap_del(&m, 1);			/* empty: nothing to do */
	assert_int_equal(idmap_put(&m, 0, 1), -EINVAL);
	assert_int_equal(idmap_put(&m, 1, 10), 0);
	assert_int_equal(idmap_put(&m, 1ull << 40, 20), 0);
	assert_true(idmap_get(&m, 1, &v));
	assert_int_equal(v, 10);
	assert_int_equal(idmap_put(&m, 1, 11), 0);	/* replaced */
	assert_true(idmap_get(&m, 1, &v));
	assert_int_equal(v, 11);
	assert_int_equal(m.n, 2);
	idmap_del(&m, 1);
	assert_false(idmap_get(&m, 1, &v));
	assert_true(idmap_get(&m, 1ull << 40, &v));
	assert_int_equal(v, 20);
	assert_false(idmap_get(&m, 0, &v));
	assert_int_equal(m.n, 1);
	idmap_free(&m);
}

/* Ids like the BPF side's (a count, then the CPU), put and deleted in a
 * scrambled order: every lookup agrees with the reference. */
static void test_against_reference(void **state)
{
	static uint32_t want[N_IDS];	/* 0: absent; else value + 1 */
	struct idmap m;
	uint64_t x = 88172645463325252ull, id;
	uint32_t v;
	size_t i, k;

	(void)state;
	idmap_init(&m);
	for (k = 0; k < 20 * N_IDS; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = x % N_IDS;
		id = (uint64_t)(i / 4 + 1) << 16 | (i % 4);
		if (x >> 63) {
			assert_int_equal(idmap_put(&m, id, k), 0);
			want[i] = k + 1;
		} else {
			idmap_del(&m, id);
			want[i] = 0;
		}
		if (k % 97)
			continue;
		for (i = 0; i < N_IDS; i++) {
			id = (uint64_t)(i / 4 + 1) << 16 | (i % 4);
			assert_int_equal(idmap_get(&m, id, &v), want[i] != 0);
			if (want[i])
				assert_int_equal(v, want[i] - 1);
		}
	}
	idmap_free(&m);
}

/* A full cluster that wraps past the end: deleting its head keeps the
 * others findable. */
static void test_wrapped_cluster(void **state)
{
	struct idmap m;
	uint64_t ids[8], id;
	size_t n = 0, i;
	uint32_t v;

	(void)state;
	idmap_init(&m);
	assert_int_equal(idmap_put(&m, 1, 0), 0);	/* cap 256 */
	idmap_del(&m, 1);
	/* ids whose home is the last slot or the one before */
	for (id = 1; n < sizeof(ids) / sizeof(ids[0]); id++) {
		if (((id * 0x9e3779b97f4a7c15ull >> 32) & (m.cap - 1)) <
		    m.cap - 2)
			continue;
		ids[n++] = id;
		assert_int_equal(idmap_put(&m, id, n), 0);
	}
	for (i = 0; i < n; i++) {
		idmap_del(&m, ids[i]);
		assert_false(idmap_get(&m, ids[i], &v));
		for (size_t j = i + 1; j < n; j++) {
			assert_true(idmap_get(&m, ids[j], &v));
			assert_int_equal(v, j + 1);
		}
	}
	assert_int_equal(m.n, 0);
	idmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_wrapped_cluster),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
