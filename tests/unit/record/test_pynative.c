// SPDX-License-Identifier: GPL-2.0
/*
 * CPython's native frames interleaved with its Python frames: synthetic
 * stacks of the shapes 3.10 (an eval call per Python frame) and 3.11+
 * (one eval call running a run of frames, its first marked) give, there
 * being one eval call per run, C code under the Python frame that called
 * it and no evaluation machinery; when they do not match, the native
 * tail under the innermost Python frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "record/pynative.h"

#define MAX_FRAMES	2100

/* A stack as test input: names innermost first; a Python name ending in
 * '*' is the first frame of its eval call. */
struct shape {
	const char *native[64];
	const char *py[64];
	bool py_entries;	/* 3.11+: entries marked; else 3.10 */
	bool native_cut;
	bool py_cut;
};

static uint32_t count(const char *const *names)
{
	uint32_t n = 0;

	while (names[n])
		n++;
	return n;
}

/* The merge of s, as its names root first joined by ';'. */
static enum pyn_how merge(const struct shape *s, char *text, size_t size)
{
	uint8_t kinds[64];
	bool entry[64];
	uint32_t out[128], i, n, len;
	struct pyn_input in = {
		.native = kinds, .n_native = count(s->native),
		.entry = s->py_entries ? entry : NULL, .n_py = count(s->py),
		.native_cut = s->native_cut, .py_cut = s->py_cut,
	};
	enum pyn_how how;
	const char *name;
	size_t at = 0;

	for (i = 0; i < in.n_native; i++)
		kinds[i] = s->native[i][0] == '{' ? PYN_JIT :	/* "{...}" */
			   pynative_kind(s->native[i][0] == '[' ? NULL :
					 s->native[i]);	/* "[...]": stripped */
	for (i = 0; i < in.n_py; i++)
		entry[i] = strchr(s->py[i], '*') != NULL;
	n = pynative_merge(&in, out, &how);
	assert_true(n <= in.n_py + in.n_native);
	text[0] = '\0';
	for (i = 0; i < n; i++) {
		if (out[i] & PYN_PY) {
			assert_true((out[i] & ~PYN_PY) < in.n_py);
			name = s->py[out[i] & ~PYN_PY];
		} else {
			assert_true(out[i] < in.n_native);
			name = s->native[out[i]];
		}
		len = strcspn(name, "*");
		at += snprintf(text + at, size - at, "%s%.*s", i ? ";" : "",
			       (int)len, name);
		assert_true(at < size);
	}
	return how;
}

static void expect(const struct shape *s, enum pyn_how want_how,
		   const char *want)
{
	char text[2048];
	enum pyn_how how = merge(s, text, sizeof(text));

	if (strcmp(text, want))
		fail_msg("merged %s\n  expected %s", text, want);
	assert_int_equal(how, want_how);
}

static void test_kinds(void **state)
{
	static const struct { const char *name; enum pyn_kind kind; } want[] = {
		{ "_PyEval_EvalFrameDefault", PYN_EVAL },
		{ "_PyEval_EvalFrameDefault.cold", PYN_EVAL },
		{ "_PyEval_EvalFrameDefaultX", PYN_C },
		{ "_PyEval_Vector", PYN_GLUE },
		{ "_PyFunction_Vectorcall", PYN_GLUE },
		{ "method_vectorcall_O", PYN_GLUE },
		{ "cfunction_vectorcall_FASTCALL_KEYWORDS", PYN_GLUE },
		{ "cfunction_call", PYN_GLUE },
		{ "PyObject_Call", PYN_GLUE },
		{ "_PyObject_MakeTpCall", PYN_GLUE },
		{ "slot_tp_call", PYN_GLUE },
		{ "gen_send_ex2.lto_priv.0", PYN_GLUE },
		/* real work, even when named like the machinery's neighbours */
		{ "builtin_compile", PYN_C },
		{ "compiler_visit_expr1", PYN_C },
		{ "_PyAST_Compile", PYN_C },
		{ "sre_ucs1_search", PYN_C },
		{ "PyObject_GetAttr", PYN_C },
		{ "PyUnicode_Concat", PYN_C },
		{ "memcpy", PYN_C },
		{ "", PYN_C },
		{ NULL, PYN_UNNAMED },		/* stripped */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (pynative_kind(want[i].name) != want[i].kind)
			fail_msg("%s: kind %d, expected %d", want[i].name,
				 pynative_kind(want[i].name), want[i].kind);
}

/* 3.10: <module> exec'd, scan() calls find(), which calls re's search. */
static const struct shape py310 = {
	.native = { "memchr", "sre_ucs1_search", "_sre_SRE_Pattern_search",
		    "method_vectorcall_FASTCALL_KEYWORDS",
		    "_PyEval_EvalFrameDefault", "_PyEval_Vector",
		    "_PyFunction_Vectorcall", "_PyEval_EvalFrameDefault",
		    "_PyEval_Vector", "builtin_exec_impl",
		    "cfunction_vectorcall_FASTCALL",
		    "_PyEval_EvalFrameDefault", "PyEval_EvalCode", "run_mod",
		    "Py_RunMain", "main" },
	.py = { "find", "scan", "<module>" },
};

static void test_py310(void **state)
{
	(void)state;
	expect(&py310, PYN_EXACT,
	       "<module>;builtin_exec_impl;scan;find;_sre_SRE_Pattern_search;"
	       "sre_ucs1_search;memchr");
}

/*
 * 3.11+: <module> calls sort_it() in the same eval call; sorted() calls
 * key() in a new one, which calls middle() and inner() inline.
 */
static const struct shape py311 = {
	.native = { "PyUnicode_Concat", "_PyEval_EvalFrameDefault",
		    "_PyEval_Vector", "_PyFunction_Vectorcall",
		    "unsafe_object_compare", "list_sort_impl",
		    "builtin_sorted", "cfunction_vectorcall_FASTCALL_KEYWORDS",
		    "_PyEval_EvalFrameDefault", "_PyEval_Vector",
		    "PyEval_EvalCode", "main" },
	.py = { "inner", "middle", "key*", "sort_it", "<module>*" },
	.py_entries = true,
};

static void test_py311(void **state)
{
	(void)state;
	expect(&py311, PYN_EXACT,
	       "<module>;sort_it;builtin_sorted;list_sort_impl;"
	       "unsafe_object_compare;key;middle;inner;PyUnicode_Concat");
}

/*
 * Debian's stripped python3.11: consume() iterates produce(), a generator
 * (gen_iternext, static, unnamed), which calls re's findall through a
 * static vectorcall trampoline: what an eval call called first, unnamed,
 * is taken for such a trampoline; the unnamed code it calls is kept.
 */
static void test_stripped(void **state)
{
	static const struct shape s = {
		.native = { "[sre_ucs1_match]", "[pattern_findall]",
			    "[method_vectorcall_FASTCALL]",
			    "_PyEval_EvalFrameDefault", "[gen_iternext]",
			    "_PyEval_EvalFrameDefault", "PyEval_EvalCode",
			    "[run_mod]", "main" },
		.py = { "produce*", "consume", "<module>*" },
		.py_entries = true,
	};

	(void)state;
	expect(&s, PYN_EXACT, "<module>;consume;produce;[pattern_findall];"
	       "[sre_ucs1_match]");
}

/* 3.12+ -X perf: each call into the interpreter runs through a
 * trampoline in anonymous memory, which calls the eval call; other JIT
 * code is kept. */
static void test_perf_trampoline(void **state)
{
	static const struct shape s = {
		.native = { "{jit code}", "PyObject_Malloc",
			    "_PyEval_EvalFrameDefault", "{py::main}",
			    "py_trampoline_evaluator", "_PyObject_Call",
			    "{jit code}", "_PyEval_EvalFrameDefault",
			    "{py::<module>}", "py_trampoline_evaluator",
			    "PyEval_EvalCode", "main" },
		.py = { "main*", "<module>*" },
		.py_entries = true,
	};

	(void)state;
	expect(&s, PYN_EXACT, "<module>;{jit code};main;PyObject_Malloc;"
	       "{jit code}");
}

/* One eval call more than runs of frames (a call just entered): the C
 * code between them is not placed, only the tail. */
static void test_mismatch_fallback(void **state)
{
	struct shape s = py311;

	(void)state;
	s.native[1] = "_PyEval_EvalFrameDefault";
	s.native[2] = "_PyEval_EvalFrameDefault";
	expect(&s, PYN_FALLBACK,
	       "<module>;sort_it;key;middle;inner;PyUnicode_Concat");
	/* fewer, and the native stack whole: the same */
	s = py311;
	s.native[8] = "builtin_exec_impl";
	expect(&s, PYN_FALLBACK,
	       "<module>;sort_it;key;middle;inner;PyUnicode_Concat");
	/* 3.11+ frames without the outermost's mark, stack not cut */
	s = py311;
	s.py[4] = "<module>";
	expect(&s, PYN_FALLBACK,
	       "<module>;sort_it;key;middle;inner;PyUnicode_Concat");
	/* no eval call at all (unnamed runtime): every native frame that is
	 * not machinery, under the innermost */
	s = py310;
	s.native[4] = s.native[7] = s.native[11] = "[python3.11+0x1234]";
	expect(&s, PYN_FALLBACK,
	       "<module>;scan;find;"
	       "main;Py_RunMain;run_mod;[python3.11+0x1234];builtin_exec_impl;"
	       "[python3.11+0x1234];[python3.11+0x1234];"
	       "_sre_SRE_Pattern_search;sre_ucs1_search;memchr");
}

/* The native stack cut above the innermost eval call: that one matched,
 * the C code seen outer to it under the run of frames outer to it. */
static void test_native_cut(void **state)
{
	struct shape s = py311;

	(void)state;
	s.native[6] = NULL;	/* ... list_sort_impl, then cut */
	s.native_cut = true;
	expect(&s, PYN_PARTIAL,
	       "<module>;sort_it;list_sort_impl;unsafe_object_compare;key;"
	       "middle;inner;PyUnicode_Concat");
	/* cut inside C code, no eval call seen */
	s.native[1] = NULL;
	expect(&s, PYN_PARTIAL,
	       "<module>;sort_it;key;middle;inner;PyUnicode_Concat");
}

/* The Python stack cut (deeper than the walk): the innermost runs of
 * frames walked are matched, the native frames of the rest left out. */
static void test_python_cut(void **state)
{
	struct shape s = py311;

	(void)state;
	s.py[3] = NULL;		/* inner, middle, key* walked */
	s.py_cut = true;
	expect(&s, PYN_PARTIAL, "key;middle;inner;PyUnicode_Concat");
	/* ... cut inside a run: still the innermost eval call's */
	s.py[2] = "key";
	expect(&s, PYN_PARTIAL,
	       "key;middle;inner;PyUnicode_Concat");
}

/* An I/O site: native frames up to the runtime's only, whatever path
 * CPython took to the syscall (a specialized call skips a trampoline). */
static void test_site(void **state)
{
	static const uint8_t kinds[] = {
		PYN_C, PYN_C, PYN_RUNTIME | PYN_C, PYN_RUNTIME | PYN_UNNAMED,
		PYN_RUNTIME | PYN_EVAL, PYN_RUNTIME | PYN_GLUE,
		PYN_RUNTIME | PYN_EVAL, PYN_C,
	};
	struct pyn_input in = { .native = kinds, .n_native = 8, .n_py = 2,
				.site = true };
	enum pyn_how how;
	uint32_t out[16], n;

	(void)state;
	n = pynative_merge(&in, out, &how);
	assert_int_equal(how, PYN_PARTIAL);
	assert_int_equal(n, 4);
	assert_int_equal(out[0], PYN_PY | 1);
	assert_int_equal(out[1], PYN_PY | 0);
	assert_int_equal(out[2], 1);
	assert_int_equal(out[3], 0);
	/* not a site: the runtime's C code kept, machinery left out */
	in.site = false;
	n = pynative_merge(&in, out, &how);
	assert_int_equal(how, PYN_EXACT);
	assert_int_equal(n, 5);
	assert_int_equal(out[2], 2);	/* named, under the inner frame */
	assert_int_equal(out[3], 1);
	assert_int_equal(out[4], 0);
}

/* Nothing to interleave: no native stack (the unwinder failed). */
static void test_no_native(void **state)
{
	struct shape s = py311;

	(void)state;
	s.native[0] = NULL;
	expect(&s, PYN_EXACT, "<module>;sort_it;key;middle;inner");
}

/* Hostile sizes: more native frames than any stack, every one an eval
 * call, or none; the output stays within n_py + n_native. */
static void test_bounds(void **state)
{
	static uint8_t kinds[MAX_FRAMES];
	static uint32_t out[2 * MAX_FRAMES];
	static bool entry[MAX_FRAMES];
	struct pyn_input in = {
		.native = kinds, .n_native = MAX_FRAMES, .entry = entry,
		.n_py = MAX_FRAMES,
	};
	enum pyn_how how;
	uint32_t n, i;

	(void)state;
	memset(kinds, PYN_EVAL, sizeof(kinds));
	memset(entry, 1, sizeof(entry));
	n = pynative_merge(&in, out, &how);
	/* 1,024 native frames looked at, so cut: all eval calls matched */
	assert_int_equal(how, PYN_PARTIAL);
	assert_int_equal(n, MAX_FRAMES);
	for (i = 0; i < n; i++)
		assert_true(out[i] & PYN_PY);
	memset(kinds, PYN_C, sizeof(kinds));
	n = pynative_merge(&in, out, &how);
	assert_int_equal(how, PYN_PARTIAL);
	assert_int_equal(n, MAX_FRAMES + 1024);
	in.n_py = 1;
	in.entry = NULL;
	in.n_native = 3;
	n = pynative_merge(&in, out, &how);
	assert_int_equal(how, PYN_FALLBACK);
	assert_int_equal(n, 4);
	assert_int_equal(out[0], PYN_PY | 0);
	assert_int_equal(out[1], 2);
	assert_int_equal(out[3], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_py310),
		cmocka_unit_test(test_py311),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_perf_trampoline),
		cmocka_unit_test(test_mismatch_fallback),
		cmocka_unit_test(test_native_cut),
		cmocka_unit_test(test_python_cut),
		cmocka_unit_test(test_site),
		cmocka_unit_test(test_no_native),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
