// SPDX-License-Identifier: GPL-2.0
/* The python_gc hint rule (analyze/hints_gc.c), on hand-built profiles. */
#include "hints_check.h"

/*
 * build (dc.py:8) runs 1 s on the CPU, gc_ms of it in CPython's collector
 * (gc, in module) under it; <module> runs the rest.  Wall 1 s.
 */
static struct profile *gc_profile(uint64_t gc_ms, const char *gc,
				  const char *module)
{
	struct profile *p = fx_new("python3 dc.py");
	uint32_t mod, build, collect, visit;

	fx_proc(p, 1, 0, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "dc.py", CLASS_APP, "dc.py", 13);
	build = fx_frame_at(p, "build", "dc.py", CLASS_APP, "dc.py", 8);
	collect = fx_frame(p, gc, module, CLASS_RUNTIME);
	visit = fx_frame(p, "visit_decref", module, CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 100, mod, build, collect, visit)->ns = gc_ms * MS;
	FX_STACK(p, 1, 1, 100, mod, build)->ns = (900 - gc_ms) * MS;
	FX_STACK(p, 1, 1, 100, mod)->ns = 100 * MS;
	p->wall_ns = SEC;
	return p;
}

static void test_python_gc(void **state)
{
	struct profile *p = gc_profile(300, "gc_collect_main",
				       "libpython3.11.so.1.0");
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "python_gc");
	assert_str(h, "function", "gc_collect_main");
	assert_uint(h, "cpu_ns", 300 * MS);
	assert_real(h, "cpu_pct", 30);
	assert_real(h, "time_pct", 30);
	assert_str(h, "location", "build (dc.py:8)");
	assert_non_null(strstr(h->text, "CPython's garbage collector ran 30% "
			       "of on-CPU time (300 ms), most of it triggered "
			       "in build (dc.py:8): "));
	assert_non_null(strstr(h->text, "gc.freeze()"));
	hinted_free(&agg);
	fx_free(p);
}

/* Under 15% of the CPU: none; 3.9's collect counts; a function named so
 * outside CPython does not. */
static void test_python_gc_thresholds(void **state)
{
	static const struct {
		uint64_t gc_ms;
		const char *gc, *module;
		size_t hints;
	} cases[] = {
		{ 140, "gc_collect_main", "libpython3.11.so.1.0", 0 },
		{ 150, "gc_collect_main", "python3.12", 1 },
		{ 300, "collect", "libpython3.9.so.1.0", 1 },
		{ 300, "collect", "libmine.so", 0 },
	};
	struct profile *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = gc_profile(cases[i].gc_ms, cases[i].gc, cases[i].module);
		assert_int_equal(n_hints(p), cases[i].hints);
		fx_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python_gc),
		cmocka_unit_test(test_python_gc_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
