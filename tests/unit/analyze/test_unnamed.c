// SPDX-License-Identifier: GPL-2.0
/* Code that ran without names, and whose (analyze/unnamed.c). */
#include "profile_fixture.h"

#include "analyze/unnamed.h"

/* A frame of code no symbol covered: path NULL for anonymous code. */
static uint32_t unnamed(struct profile *p, const char *name,
			const char *module, const char *path)
{
	uint32_t i = fx_frame(p, name, module, CLASS_APP);

	p->frames[i].resolved = false;
	p->frames[i].path = fx_strdup(path);
	if (!path)
		p->frames[i].cls = CLASS_RUNTIME;
	return i;
}

static void find(const struct profile *p, struct unnamed_code *u)
{
	struct aggregate agg;

	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(unnamed_code_find(p, &agg, u), 0);
	aggregate_free(&agg);
}

/* git's stripped code runs 60 samples (10 of them under a kernel leaf),
 * libc's named code 30 under it, cc1's stripped code 20. */
static void test_stripped_binary(void **state)
{
	struct profile *p = fx_new("git gc");
	uint32_t g1, g2, libc, k, cc1;
	struct stack_sample *s;
	struct unnamed_code u;

	(void)state;
	g1 = unnamed(p, "[git+0x10]", "git", "/usr/bin/git");
	g2 = unnamed(p, "[git+0x20]", "git", "/usr/bin/git");
	libc = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "clear_page", "[kernel]", CLASS_KERNEL);
	cc1 = unnamed(p, "[cc1+0x30]", "cc1", "/usr/lib/gcc/cc1");
	FX_STACK(p, 1, 1, 50, g1, g2);
	s = FX_STACK(p, 1, 1, 10, g1, k);
	s->kernel_mode = true;
	FX_STACK(p, 1, 1, 30, g1, libc);
	FX_STACK(p, 2, 2, 20, cc1);
	FX_WAIT(p, 2, 2, 1, WAIT_DISK, 900000000000ull, NULL, cc1);
	find(p, &u);
	assert_non_null(u.module);
	assert_string_equal(u.module, "git");
	assert_string_equal(u.path, "/usr/bin/git");
	assert_int_equal(u.samples, 60);
	assert_int_equal(u.anon_samples, 0);
	assert_false(u.perf_map);
	assert_true(unnamed_frame_stripped(&p->frames[g1]));
	assert_false(unnamed_frame_stripped(&p->frames[libc]));
	assert_false(unnamed_frame_stripped(&p->frames[k]));
	fx_free(p);
}

/* node's JIT code: anonymous, no perf map, under and over builtins. */
static struct profile *node_profile(const char *exe, const char *comm)
{
	struct profile *p = fx_new("node hot.js");
	uint32_t m, jit, set;

	fx_proc(p, 7, 1, comm, exe);
	m = fx_frame(p, "main", "node", CLASS_APP);
	jit = unnamed(p, "[unknown]", "[unknown]", NULL);
	set = fx_frame(p, "Builtins_MapPrototypeSet", "node", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 40, m, jit, set);
	FX_STACK(p, 7, 7, 10, m, jit);
	FX_STACK(p, 7, 7, 50, m);
	return p;
}

static void test_jit_without_perf_map(void **state)
{
	struct profile *p = node_profile("/usr/bin/node", "node");
	struct unnamed_code u;

	(void)state;
	find(p, &u);
	assert_null(u.module);
	assert_int_equal(u.anon_samples, 50);
	assert_int_equal(u.anon_pid, 7);
	assert_string_equal(u.anon_program, "node");
	assert_int_equal(u.runtime, UNNAMED_RT_NODE);
	assert_false(u.perf_map);
	/* some code named from a perf map: the runtime writes one */
	fx_frame(p, "LazyCompile:~fib hot.js:1", "[jit]", CLASS_APP);
	find(p, &u);
	assert_true(u.perf_map);
	fx_free(p);
}

/* -X perf came with Python 3.12; a version not known may have it. */
static void test_runtimes(void **state)
{
	static const struct {
		const char *exe, *comm;
		enum unnamed_runtime rt;
	} cases[] = {
		{ "/usr/bin/nodejs", "node", UNNAMED_RT_NODE },
		{ "/usr/bin/cp", "cp", UNNAMED_RT_NONE },
		{ "/usr/bin/python3.11", "python3", UNNAMED_RT_NONE },
		{ "/usr/bin/python3.12", "python3", UNNAMED_RT_PYTHON },
		{ "/usr/bin/python3", "python3", UNNAMED_RT_PYTHON },
		{ "/usr/lib/jvm/bin/java", "java", UNNAMED_RT_JAVA },
		{ "/usr/bin/luajit", "luajit", UNNAMED_RT_NONE },
		{ NULL, "node", UNNAMED_RT_NODE },
	};
	struct unnamed_code u;
	struct profile *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = node_profile(cases[i].exe, cases[i].comm);
		find(p, &u);
		assert_int_equal(u.runtime, cases[i].rt);
		/* no JIT, no JIT code: "[unknown]" in cp or a Python
		 * without -X perf is an unwinding's lost return address */
		assert_int_equal(u.anon_samples,
				 cases[i].rt == UNNAMED_RT_NONE ? 0 : 50);
		fx_free(p);
	}
}

/*
 * Where a perf map still leaves a JIT runtime's stacks incomplete: a
 * JVM's samples that start in compiled code (no frame pointer: callers
 * lost), node's under V8's interpreter trampoline (functions not named).
 * Each is a gap only for its own runtime: node's stacks reach main, and
 * a JVM has no such trampoline.
 */
static void test_jit_gaps(void **state)
{
	static const struct {
		const char *exe, *comm;
		bool jvm_stacks;
		uint64_t gap;
		enum unnamed_runtime rt;
	} cases[] = {
		{ "/usr/lib/jvm/bin/java", "java", true, 50, UNNAMED_RT_JAVA },
		{ "/usr/bin/node", "node", true, 0, UNNAMED_RT_NONE },
		{ "/usr/bin/node", "node", false, 30, UNNAMED_RT_NODE },
		{ "/usr/lib/jvm/bin/java", "java", false, 0, UNNAMED_RT_NONE },
	};
	uint32_t start, code, work, leaf;
	struct unnamed_code u;
	struct profile *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = fx_new("jit");
		fx_proc(p, 9, 1, cases[i].comm, cases[i].exe);
		start = fx_frame(p, "start_thread", "libc.so.6", CLASS_RUNTIME);
		code = fx_frame(p, cases[i].jvm_stacks ? "Interpreter" :
				"Builtins_InterpreterEntryTrampoline",
				cases[i].jvm_stacks ? "[jit]" : "node",
				CLASS_RUNTIME);
		work = fx_frame(p, "long Hot.work(int)", "[jit]", CLASS_APP);
		leaf = fx_frame(p, "java.lang.Object java.util.HashMap."
				"merge(…)", "[jit]", CLASS_RUNTIME);
		if (cases[i].jvm_stacks) {
			FX_STACK(p, 9, 9, 30, leaf);
			FX_STACK(p, 9, 9, 20, work, leaf);
			FX_STACK(p, 9, 9, 50, start, code, work, leaf);
		} else {
			FX_STACK(p, 9, 9, 30, start, code, leaf);
			FX_STACK(p, 9, 9, 70, start, work);
		}
		find(p, &u);
		assert_true(u.perf_map);
		if (u.jit_gap != cases[i].gap || u.jit_gap_rt != cases[i].rt)
			fail_msg("case %zu: gap %" PRIu64 " of runtime %d", i,
				 u.jit_gap, u.jit_gap_rt);
		fx_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stripped_binary),
		cmocka_unit_test(test_jit_without_perf_map),
		cmocka_unit_test(test_runtimes),
		cmocka_unit_test(test_jit_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
