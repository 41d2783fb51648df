// SPDX-License-Identifier: GPL-2.0
/* The linker hint rule (analyze/hints_link.c), on hand-built profiles. */
#include "hints_check.h"

/* make (pid 1) ran n links of name (pids 10...), each path_ms on the
 * critical path and 10 ms on the CPU, in a run of wall_ms. */
static struct profile *link_profile(const char *name, uint32_t n,
				    uint64_t path_ms, uint64_t wall_ms)
{
	struct profile *p = fx_new("make -j2");
	struct critical_program *cp;
	uint32_t f, i;

	p->wall_ns = wall_ms * MS;
	fx_proc(p, 1, 0, "make", "/usr/bin/make");
	f = fx_frame(p, "bfd_link_hash_traverse", "libbfd-2.40-system.so",
		     CLASS_LIBRARY);
	p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	cp = &p->critical.programs[0];
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup(name);
	cp->pids = fx_grow(NULL, 0, n * sizeof(*cp->pids));
	for (i = 0; i < n; i++) {
		fx_proc(p, 10 + i, 1, "ld", "/usr/bin/x86_64-linux-gnu-ld.bfd");
		FX_STACK(p, 10 + i, 10 + i, 1, f);
		cp->pids[i] = 10 + i;
	}
	cp->n_pids = n;
	cp->ns = n * path_ms * MS;
	p->critical.n_programs = 1;
	return p;
}

static void test_linker(void **state)
{
	struct profile *p = link_profile("x86_64-linux-gnu-ld.bfd", 36, 17,
					 2300);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "linker",
		    "GNU ld (x86_64-linux-gnu-ld.bfd) linked 36 times for 27% "
		    "of the wall time (612 ms on the critical path, 360 ms of "
		    "CPU): mold, lld or gold link the same objects faster, "
		    "often several times — -fuse-ld=mold (or lld, gold) in "
		    "LDFLAGS (Debian packages mold, lld; gold comes with "
		    "binutils).");
	assert_str(h, "program", "x86_64-linux-gnu-ld.bfd");
	assert_str(h, "linker", "bfd");
	assert_uint(h, "processes", 36);
	assert_uint(h, "critical_path_ns", 612 * MS);
	hinted_free(&agg);
	/* links the path did not take (make -j) count by their execs */
	p->critical.programs[0].runs = 40;
	h = only_hint(p, &agg);
	assert_uint(h, "processes", 40);
	assert_non_null(strstr(h->text, "linked 40 times"));
	hinted_free(&agg);
	fx_free(p);
	/* gold: mold or lld */
	p = link_profile("ld.gold", 1, 500, 1000);
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "GNU gold (ld.gold) linked 1 time "
				       "for 50% of the wall time"));
	assert_non_null(strstr(h->text, ": mold or lld link"));
	hinted_free(&agg);
	fx_free(p);
}

/* 20% of the wall and 100 ms fire; less, or a fast linker, not. */
static void test_linker_thresholds(void **state)
{
	struct profile *p;

	(void)state;
	p = link_profile("ld", 1, 200, 1000);
	assert_int_equal(n_hints(p), 1);
	p->wall_ns++;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = link_profile("ld", 1, 99, 400);	/* 25%, 99 ms */
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = link_profile("ld.lld", 1, 500, 1000);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = link_profile("mold", 1, 500, 1000);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = link_profile("ldconfig", 1, 500, 1000);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linker),
		cmocka_unit_test(test_linker_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
