// SPDX-License-Identifier: GPL-2.0
/* The python_gc and go_gc hint rules (analyze/hints_gc.c), on hand-built
 * profiles. */
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

/*
 * Debian's python3.11 has no symbols for its static code: the collector
 * is two frames or more of it under the allocation that crossed the
 * threshold (_PyObject_GC_New); one frame under it, the allocator's own,
 * is not; nor is a library's unnamed code under a name so.
 */
static void test_python_gc_stripped(void **state)
{
	struct profile *p = fx_new("python3 dc.py");
	uint32_t mod, build, entry, link, collect, lib, libcode;
	const struct hint *h;
	struct hinted agg;

	(void)state;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3.11");
	mod = fx_frame_at(p, "<module>", "dc.py", CLASS_APP, "dc.py", 13);
	build = fx_frame_at(p, "build", "dc.py", CLASS_APP, "dc.py", 8);
	entry = fx_frame(p, "_PyObject_GC_New", "python3.11", CLASS_RUNTIME);
	link = fx_frame(p, "[python3.11+0x230c00]", "python3.11",
			CLASS_RUNTIME);
	collect = fx_frame(p, "[python3.11+0x10a500]", "python3.11",
			   CLASS_RUNTIME);
	p->frames[link].resolved = p->frames[collect].resolved = false;
	FX_STACK(p, 1, 1, 30, mod, build, entry, link, collect);
	FX_STACK(p, 1, 1, 60, mod, build, entry, link);
	FX_STACK(p, 1, 1, 10, mod);
	p->wall_ns = SEC;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "python_gc");
	assert_str(h, "function", "[python3.11+0x230c00]");
	assert_uint(h, "cpu_ns", 30 * FX_PERIOD_NS);
	assert_str(h, "location", "build (dc.py:8)");
	assert_non_null(strstr(h->text, "CPython's garbage collector ran 30% "
			       "of on-CPU time (300 ms), in the interpreter's "
			       "code without symbols, most of it triggered in "
			       "build (dc.py:8): "));
	hinted_free(&agg);
	/* a library's unnamed code under an entry of that name */
	lib = fx_frame(p, "_PyObject_GC_New", "libmine.so", CLASS_LIBRARY);
	libcode = fx_frame(p, "[libmine.so+0x100]", "libmine.so",
			   CLASS_LIBRARY);
	p->frames[libcode].resolved = false;
	p->stacks[0].frames[2] = lib;
	p->stacks[0].frames[3] = p->stacks[0].frames[4] = libcode;
	hints_of(p, &agg);
	for (size_t k = 0; k < agg.n_hints; k++)
		assert_string_not_equal(agg.hints[k].rule, "python_gc");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A Go program, wall 1 s, 1 s on the CPU: main.build (main.go:15)
 * allocating, 200 ms of it in runtime.mallocgc, assist_ms of that in a
 * mark assist; a background mark worker on another thread, worker_ms;
 * main.count the rest.  The critical path is the main thread's when
 * path is set.
 */
static struct profile *go_gc_profile(uint64_t assist_ms, uint64_t worker_ms,
				     bool path)
{
	struct profile *p = fx_new("./goalloc");
	uint32_t exit, build, count, malloc_f, assist, drain, scan, start;
	uint32_t worker;
	struct stack_sample *s;
	size_t i;

	fx_proc(p, 1, 0, "goalloc", "/tmp/goalloc");
	exit = fx_frame(p, "runtime.goexit.abi0", "goalloc", CLASS_RUNTIME);
	build = fx_frame_at(p, "main.build", "goalloc", CLASS_APP,
			    "/tmp/main.go", 15);
	count = fx_frame_at(p, "main.count", "goalloc", CLASS_APP,
			    "/tmp/main.go", 24);
	malloc_f = fx_frame(p, "runtime.mallocgc", "goalloc", CLASS_RUNTIME);
	assist = fx_frame(p, "runtime.gcAssistAlloc", "goalloc",
			  CLASS_RUNTIME);
	drain = fx_frame(p, "runtime.gcDrainN", "goalloc", CLASS_RUNTIME);
	scan = fx_frame(p, "runtime.scanobject", "goalloc", CLASS_RUNTIME);
	start = fx_frame(p, "runtime.mstart.abi0", "goalloc", CLASS_RUNTIME);
	worker = fx_frame(p, "runtime.gcBgMarkWorker.func2", "goalloc",
			  CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 10, exit, build, malloc_f, assist, drain,
		 scan)->ns = assist_ms * MS;
	FX_STACK(p, 1, 1, 10, exit, build, malloc_f)->ns =
		(200 - assist_ms) * MS;
	FX_STACK(p, 1, 1, 10, exit, count)->ns = (800 - worker_ms) * MS;
	FX_STACK(p, 1, 2, 10, start, worker, scan)->ns = worker_ms * MS;
	for (i = 0; path && i < p->n_stacks; i++) {
		s = &p->stacks[i];
		s->cp_ns = s->tid == 1 ? s->ns : 0;
		p->critical.ns += s->cp_ns;
	}
	p->wall_ns = p->critical.ns ? p->critical.ns : SEC;
	return p;
}

static void test_go_gc(void **state)
{
	struct profile *p = go_gc_profile(100, 150, true);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "go_gc");
	assert_uint(h, "cpu_ns", 250 * MS);
	assert_real(h, "cpu_pct", 25);
	assert_uint(h, "assist_ns", 100 * MS);
	assert_uint(h, "alloc_ns", 200 * MS);
	assert_uint(h, "critical_path_ns", 100 * MS);
	assert_str(h, "location", "main.build (main.go:15)");
	assert_non_null(strstr(h->text, "Go's garbage collector ran 25% of "
			       "on-CPU time (250 ms), 12% of the wall time on "
			       "the critical path (10% of the CPU in assists, "
			       "marking done by the goroutines that allocate), "
			       "after allocations that took 20% of the CPU "
			       "themselves (runtime.mallocgc), most from "
			       "main.build (main.go:15): "));
	assert_non_null(strstr(h->text, "GOGC=200"));
	hinted_free(&agg);
	/* stripped (frames[1], main.build, named from Go's table): the
	 * function, with no line */
	free(p->frames[1].file);
	p->frames[1].file = NULL;
	p->frames[1].line = 0;
	h = only_hint(p, &agg);
	assert_str(h, "location", "main.build");
	hinted_free(&agg);
	fx_free(p);
}

/* Its marking beside the program, off the critical path, holds nothing
 * up: none; without a path, by its share of the wall time; under 15% of
 * the CPU, none. */
static void test_go_gc_thresholds(void **state)
{
	static const struct {
		uint64_t assist_ms, worker_ms;
		bool path;
		size_t hints;
	} cases[] = {
		{ 20, 300, true, 0 },	/* 32% of the CPU, 2.9% of the path */
		{ 20, 300, false, 1 },	/* 32% of the wall */
		{ 120, 100, true, 1 },	/* 22% of the CPU, 13% of the path */
		{ 40, 100, true, 0 },	/* 14% of the CPU */
	};
	struct profile *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = go_gc_profile(cases[i].assist_ms, cases[i].worker_ms,
				  cases[i].path);
		assert_int_equal(n_hints(p), cases[i].hints);
		fx_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python_gc),
		cmocka_unit_test(test_python_gc_thresholds),
		cmocka_unit_test(test_python_gc_stripped),
		cmocka_unit_test(test_go_gc),
		cmocka_unit_test(test_go_gc_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
