// SPDX-License-Identifier: GPL-2.0
/* What the verdict names (analyze/verdict.c): a runtime function's caller. */
#include "profile_fixture.h"

#include "analyze/aggregate.h"
#include "path_check.h"

/*
 * std::sort's partition runs under sort_many (line 40: 5 samples, line
 * 41: 1) and under build (2), with a runtime frame between; 3 samples of
 * it have no application frame above; its waits for a CPU do not count.
 */
static struct profile *sort_profile(void)
{
	struct profile *p = fx_new("./cpp");
	uint32_t m, s40, s41, b, sort, part, start;

	m = fx_frame_at(p, "main", "cpp", CLASS_APP, "cpp.cpp", 50);
	s40 = fx_frame_at(p, "sort_many<double>", "cpp", CLASS_APP, "cpp.cpp",
			  40);
	s41 = fx_frame_at(p, "sort_many<double>", "cpp", CLASS_APP, "cpp.cpp",
			  41);
	b = fx_frame_at(p, "build", "cpp", CLASS_APP, "cpp.cpp", 45);
	sort = fx_frame_at(p, "std::sort<…>", "cpp", CLASS_RUNTIME,
			   "stl_algo.h", 4800);
	part = fx_frame_at(p, "std::__unguarded_partition<…>", "cpp",
			   CLASS_RUNTIME, "stl_algo.h", 1867);
	start = fx_frame(p, "_start", "cpp", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 5, m, s40, sort, sort, part);
	FX_STACK(p, 1, 1, 1, m, s41, sort, part);
	FX_STACK(p, 1, 1, 2, m, b, sort, part);
	FX_STACK(p, 1, 1, 3, start, part);
	/* under sort, not at its leaf: not partition's own time */
	FX_STACK(p, 1, 1, 9, m, b, part, sort);
	FX_WAIT(p, 1, 1, 1, WAIT_CPU, 900000000ull, NULL, m, b, sort, part);
	return p;
}

static void test_app_caller_of_runtime(void **state)
{
	struct profile *p = sort_profile();
	struct aggregate agg;
	struct app_caller c;
	const struct frame *fr;

	(void)state;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "std::__unguarded_partition<…>", NULL),
			 &c), 0);
	assert_non_null(c.func);
	assert_string_equal(c.func->name, "sort_many<double>");
	assert_int_equal(c.ns, 6 * FX_PERIOD_NS);
	assert_true(c.frame >= 0);
	fr = &p->frames[c.frame];
	assert_string_equal(fr->file, "cpp.cpp");
	assert_int_equal(fr->line, 40);

	/* sort's own time is all under build */
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "std::sort<…>", NULL), &c), 0);
	assert_non_null(c.func);
	assert_string_equal(c.func->name, "build");
	assert_int_equal(c.ns, 9 * FX_PERIOD_NS);

	/* an application function is its own caller: none */
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "build", NULL), &c), 0);
	assert_null(c.func);
	assert_int_equal(c.frame, -1);
	aggregate_free(&agg);
	fx_free(p);
}

/* A runtime function no application frame calls: no caller. */
static void test_app_caller_none(void **state)
{
	struct profile *p = fx_new("./x");
	uint32_t start, memcpy_f;
	struct aggregate agg;
	struct app_caller c;

	(void)state;
	start = fx_frame(p, "_start", "x", CLASS_RUNTIME);
	memcpy_f = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 4, start, memcpy_f);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "memcpy", NULL), &c), 0);
	assert_null(c.func);
	assert_int_equal(c.ns, 0);
	assert_int_equal(aggregate_app_caller(p, &agg, NULL, &c), 0);
	assert_null(c.func);
	aggregate_free(&agg);
	fx_free(p);
}

/*
 * A garbage collection runs under whichever allocation crosses its
 * threshold: five callers of a fifth each name none; one of a quarter is
 * named.
 */
static void test_app_caller_sliver(void **state)
{
	struct profile *p = fx_new("python3 t.py");
	uint32_t gc, callers[5];
	struct aggregate agg;
	struct app_caller c;
	char name[8];
	int i;

	(void)state;
	gc = fx_frame(p, "gc_collect_main", "libpython3.11.so.1.0",
		      CLASS_RUNTIME);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		callers[i] = fx_frame_at(p, name, "t.py", CLASS_APP, "t.py",
					 i + 1);
		FX_STACK(p, 1, 1, 4, callers[i], gc);
	}
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "gc_collect_main", NULL), &c), 0);
	assert_null(c.func);
	assert_int_equal(c.frame, -1);
	aggregate_free(&agg);
	p->stacks[0].count = 5;		/* f0: 5 of 20 */
	p->stacks[0].ns = 5 * FX_PERIOD_NS;
	p->stacks[1].count = 3;
	p->stacks[1].ns = 3 * FX_PERIOD_NS;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "gc_collect_main", NULL), &c), 0);
	assert_non_null(c.func);
	assert_string_equal(c.func->name, "f0");
	aggregate_free(&agg);
	fx_free(p);
}

/* On the critical path the weight is the path's time, not the samples'. */
static void test_app_caller_path_weight(void **state)
{
	struct profile *p = sort_profile();
	struct aggregate agg;
	struct app_caller c;
	size_t i;

	(void)state;
	/* only the stack under build is on the path */
	for (i = 0; i < p->n_stacks; i++)
		p->stacks[i].cp_ns = i == 2 ? 1000 : 0;
	p->critical.ns = 1000;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_true(agg.cp_known);
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "std::__unguarded_partition<…>", NULL),
			 &c), 0);
	assert_non_null(c.func);
	assert_string_equal(c.func->name, "build");
	assert_int_equal(c.ns, 1000);
	assert_ptr_equal(aggregate_path_function(&agg, &p->critical),
			 agg_func(&agg, "std::__unguarded_partition<…>", NULL));
	aggregate_free(&agg);
	fx_free(p);
}

/* python -m compileall: no application frame at all; the interpreter's
 * C code ran under py_compile's compile, through importlib's frozen
 * trampoline: it is called from compile.  A library's code is not. */
static void test_app_caller_stdlib_program(void **state)
{
	struct profile *p = fx_new("python3 -m compileall");
	uint32_t mod, comp, tramp, ceval, lib;
	struct aggregate agg;
	struct app_caller c;

	(void)state;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3.11");
	mod = fx_frame_at(p, "compile_dir", "compileall.py", CLASS_RUNTIME,
			  "/usr/lib/python3.11/compileall.py", 117);
	comp = fx_frame_at(p, "compile", "py_compile.py", CLASS_RUNTIME,
			   "/usr/lib/python3.11/py_compile.py", 144);
	tramp = fx_frame_at(p, "_call_with_frames_removed",
			    "<frozen importlib._bootstrap>", CLASS_RUNTIME,
			    "<frozen importlib._bootstrap>", 241);
	ceval = fx_frame(p, "[python3.11+0xfee40]", "python3.11",
			 CLASS_RUNTIME);
	lib = fx_frame(p, "inflate", "libz.so.1", CLASS_LIBRARY);
	p->frames[ceval].path = fx_strdup("/usr/bin/python3.11");
	p->frames[lib].path = fx_strdup("/usr/lib/libz.so.1");
	FX_STACK(p, 1, 1, 10, mod, comp, tramp, ceval);
	FX_STACK(p, 1, 1, 10, mod, comp, tramp, lib);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "[python3.11+0xfee40]", NULL), &c), 0);
	assert_non_null(c.func);
	assert_string_equal(c.func->name, "compile");
	assert_int_equal(aggregate_app_caller(p, &agg,
			 agg_func(&agg, "inflate", NULL), &c), 0);
	assert_null(c.func);
	aggregate_free(&agg);
	fx_free(p);
}

/* A syscall loop on the path: the kernel's switch-in, where a virtual
 * machine's samples pile up after each wait, is not the function named;
 * the code that runs next is. */
static void test_path_function_not_switch_in(void **state)
{
	struct profile *p = fx_new("sq");
	struct aggregate agg;
	uint32_t save, fts, sync;

	(void)state;
	fx_proc(p, 1, 0, "sq", "/bin/sq");
	save = fx_frame_at(p, "save", "sq", CLASS_APP, "sq.c", 7);
	fts = fx_frame(p, "finish_task_switch", "[kernel]", CLASS_KERNEL);
	sync = fx_frame(p, "ext4_sync_file", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 1, 1, 30, save, fts)->cp_ns = 300;
	FX_STACK(p, 1, 1, 20, save, sync)->cp_ns = 200;
	p->critical.ns = 500;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_ptr_equal(aggregate_path_function(&agg, &p->critical),
			 agg_func(&agg, "ext4_sync_file", NULL));
	aggregate_free(&agg);
	fx_free(p);
}

/* CPython 2.7, whose Python whyslow cannot walk: its interpreter's
 * function is named, not the kernel's page clearing under it that
 * passed 5% of the path (a sometimes-verdict of "clear_page_erms"). */
static void test_path_function_interpreter_not_kernel(void **state)
{
	struct profile *p = fx_new("python2.7");
	struct aggregate agg;
	uint32_t eval, list, clear;

	(void)state;
	fx_proc(p, 1, 0, "python2.7", "/usr/bin/python2.7");
	eval = fx_frame(p, "PyEval_EvalFrameEx", "libpython2.7.so.1.0",
			CLASS_RUNTIME);
	list = fx_frame(p, "list_dealloc", "libpython2.7.so.1.0",
			CLASS_RUNTIME);
	clear = fx_frame(p, "clear_page_erms", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 1, 1, 60, eval)->cp_ns = 600;
	FX_STACK(p, 1, 1, 34, eval, list)->cp_ns = 340;
	FX_STACK(p, 1, 1, 6, eval, list, clear)->cp_ns = 60;
	p->critical.ns = 1000;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_ptr_equal(aggregate_path_function(&agg, &p->critical),
			 agg_func(&agg, "PyEval_EvalFrameEx", NULL));
	aggregate_free(&agg);
	fx_free(p);
}

/* A stripped library's code: what fx_frame makes it, unresolved. */
static uint32_t stripped(struct profile *p, const char *name,
			 const char *module, const char *path)
{
	uint32_t i = fx_frame(p, name, module, CLASS_RUNTIME);

	p->frames[i].resolved = false;
	p->frames[i].path = fx_strdup(path);
	return i;
}

/*
 * git in zlib: the static inflate_fast, unnamed, runs inside the exported
 * inflate (8 samples, one of them through another unnamed frame of zlib)
 * and once under a callback from git's code (another binary first: no
 * entry); named code, or a named function's own time, has none.
 */
static void test_stripped_entry(void **state)
{
	struct profile *p = fx_new("git log -p");
	uint32_t git, infl, fast, mid, cb;
	struct aggregate agg;
	struct func_time e;

	(void)state;
	git = stripped(p, "[git+0x2949f0]", "git", "/usr/bin/git");
	p->frames[git].cls = CLASS_APP;
	infl = fx_frame(p, "inflate", "libz.so.1", CLASS_RUNTIME);
	fast = stripped(p, "[libz.so.1+0xaa60]", "libz.so.1",
			"/usr/lib/libz.so.1");
	mid = stripped(p, "[libz.so.1+0xefd0]", "libz.so.1",
		       "/usr/lib/libz.so.1");
	cb = fx_frame(p, "git_callback", "git", CLASS_APP);
	FX_STACK(p, 1, 1, 7, git, infl, fast);
	FX_STACK(p, 1, 1, 1, git, infl, mid, fast);
	FX_STACK(p, 1, 1, 1, git, infl, cb, fast);
	FX_STACK(p, 1, 1, 4, git, infl);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_stripped_entry(p, &agg,
			 agg_func(&agg, "[libz.so.1+0xaa60]", NULL), &e), 0);
	assert_non_null(e.func);
	assert_string_equal(e.func->name, "inflate");
	assert_int_equal(e.ns, 8 * FX_PERIOD_NS);
	assert_int_equal(aggregate_stripped_entry(p, &agg,
			 agg_func(&agg, "inflate", NULL), &e), 0);
	assert_null(e.func);
	assert_int_equal(aggregate_stripped_entry(p, &agg, NULL, &e), 0);
	assert_null(e.func);
	aggregate_free(&agg);

	/* under a callback most of the time: fewer than half, none */
	FX_STACK(p, 1, 1, 9, git, infl, cb, fast);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(aggregate_stripped_entry(p, &agg,
			 agg_func(&agg, "[libz.so.1+0xaa60]", NULL), &e), 0);
	assert_null(e.func);
	aggregate_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_caller_of_runtime),
		cmocka_unit_test(test_app_caller_none),
		cmocka_unit_test(test_app_caller_sliver),
		cmocka_unit_test(test_app_caller_path_weight),
		cmocka_unit_test(test_path_function_not_switch_in),
		cmocka_unit_test(test_path_function_interpreter_not_kernel),
		cmocka_unit_test(test_app_caller_stdlib_program),
		cmocka_unit_test(test_stripped_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
