// SPDX-License-Identifier: GPL-2.0
/*
 * What a frame is, from its strings alone: a compiler's clone suffix
 * folded into its function, and the class of a language's own library
 * (Go's GOROOT, a Python's standard library, pip's packages) wherever it
 * is installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/clone.h"
#include "classify/frame.h"

/* name with its clone suffix (if any) cut off. */
static const char *base_of(const char *name)
{
	static char buf[256];
	size_t at = clone_suffix_start(name, strlen(name));

	assert_true(at <= strlen(name));
	snprintf(buf, sizeof(buf), "%.*s", (int)at, name);
	return buf;
}

static void test_clone_suffixes(void **state)
{
	static const char *const cases[][2] = {
		{ "crunch_a.constprop.0", "crunch_a" },
		{ "foo.isra.0", "foo" },
		{ "foo.part.12", "foo" },
		{ "foo.cold", "foo" },
		{ "foo.cold.3", "foo" },		/* GCC before 8 */
		{ "foo.lto_priv.0", "foo" },
		{ "foo.constprop.0.isra.0", "foo" },
		{ "foo.isra.0.cold", "foo" },
		{ "foo.part.0.lto_priv.0", "foo" },
		{ "foo.localalias", "foo" },
		{ "_ZL6crunchmm.constprop.0", "_ZL6crunchmm" },
		{ "_ZN3foo3barEv.llvm.12345678", "_ZN3foo3barEv" },
		/* no suffix, or not a clone's */
		{ "foo", "foo" },
		{ "foo.constprop", "foo.constprop" },	/* needs its number */
		{ "foo.isra", "foo.isra" },
		{ "foo._omp_fn.0", "foo._omp_fn.0" },	/* other code */
		{ "foo.resolver", "foo.resolver" },
		{ "foo.1", "foo.1" },
		{ "foo..cold", "foo..cold" },
		{ ".cold", ".cold" },			/* nothing before it */
		{ "cold", "cold" },
		{ "", "" },
		{ "main.main", "main.main" },		/* Go */
		{ "main.(*T).part", "main.(*T).part" },
		{ "[libc.so.6+0x1f]", "[libc.so.6+0x1f]" },
		{ "JSONEncoder.iterencode", "JSONEncoder.iterencode" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(base_of(cases[i][0]), cases[i][1]))
			fail_msg("%s: folded to %s, want %s", cases[i][0],
				 base_of(cases[i][0]), cases[i][1]);
}

/* Many dots cost one pass; a name over the bound is left whole. */
static void test_clone_bounds(void **state)
{
	size_t n = CLONE_MAX_NAME + 16, i;
	char *name = malloc(n + 1);

	(void)state;
	assert_non_null(name);
	for (i = 0; i < n; i++)
		name[i] = i % 2 ? '.' : '1';
	name[n] = '\0';
	assert_int_equal(clone_suffix_start(name, n), n);
	strcpy(name + CLONE_MAX_NAME - 9, ".isra.0");
	assert_int_equal(clone_suffix_start(name, strlen(name)),
			 CLONE_MAX_NAME - 9);
	free(name);
}

static void test_python_classes(void **state)
{
	static const struct {
		const char *file;
		enum frame_class want;
	} cases[] = {
		{ "/root/.pyenv/versions/3.12.1/lib/python3.12/json/encoder.py",
		  CLASS_RUNTIME },
		{ "/usr/lib/python3.11/json/decoder.py", CLASS_RUNTIME },
		{ "/usr/local/lib/python3.13t/re/_parser.py", CLASS_RUNTIME },
		{ "/usr/lib64/python3.9/os.py", CLASS_RUNTIME },
		{ "/home/u/miniconda3/lib/python3.10/asyncio/events.py",
		  CLASS_RUNTIME },
		{ "/home/u/venv/lib/python3.12/site-packages/requests/api.py",
		  CLASS_LIBRARY },
		{ "/home/u/.local/lib/python3.11/site-packages/x/y.py",
		  CLASS_LIBRARY },
		{ "/root/.pyenv/versions/3.12.1/lib/python3.12/site-packages/"
		  "pip/__init__.py", CLASS_LIBRARY },
		{ "/usr/lib/python3/dist-packages/yaml/__init__.py",
		  CLASS_LIBRARY },
		{ "<frozen importlib._bootstrap>", CLASS_RUNTIME },
		{ "<frozen runpy>", CLASS_RUNTIME },
		{ "<string>", CLASS_RUNTIME },	/* dataclasses' __init__ */
		{ "<stdin>", CLASS_APP },
		{ "/home/u/proj/lib/python_tools/x.py", CLASS_APP },
		{ "/home/u/proj/lib/python3x/x.py", CLASS_APP },
		{ "/home/u/proj/app.py", CLASS_APP },
		{ "app.py", CLASS_APP },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (classify_python_file(cases[i].file, false) != cases[i].want)
			fail_msg("%s: want %s", cases[i].file,
				 frame_class_name(cases[i].want));
	/* python -c: "<string>" is its code */
	assert_int_equal(classify_python_file("<string>", true), CLASS_APP);
	assert_int_equal(classify_python_file("<string>x", true),
			 CLASS_RUNTIME);
	assert_int_equal(classify_python_file("/usr/lib/python3.11/os.py",
					      true), CLASS_RUNTIME);
	/* pyenv's C modules and a venv's C extensions */
	assert_int_equal(classify_mapping("/root/.pyenv/versions/3.12.1/lib/"
		"python3.12/lib-dynload/_json.cpython-312-x86_64-linux-gnu.so",
		NULL), CLASS_RUNTIME);
	assert_int_equal(classify_mapping("/home/u/venv/lib/python3.12/"
		"site-packages/numpy/_core/_multiarray_umath.so", NULL),
		CLASS_LIBRARY);
}

static void test_source_classes(void **state)
{
	static const struct {
		const char *file;
		const char *goroot;
		enum frame_class want;
	} cases[] = {
		{ "/usr/lib/go-1.19/src/runtime/proc.go", NULL, CLASS_RUNTIME },
		{ "/usr/lib/go-1.19/src/runtime/memmove_amd64.s", NULL,
		  CLASS_RUNTIME },
		{ "/usr/local/go/src/fmt/print.go", NULL, CLASS_RUNTIME },
		{ "/usr/lib/golang/src/net/http/server.go", NULL, CLASS_RUNTIME },
		{ "/home/u/sdk/go1.21.0/src/sort/slices.go", NULL, CLASS_RUNTIME },
		{ "/home/u/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.0."
		  "linux-amd64/src/strings/builder.go", NULL, CLASS_RUNTIME },
		{ "/opt/mygo/src/os/file.go", "/opt/mygo", CLASS_RUNTIME },
		{ "/opt/mygo/src/os/file.go", "/opt/mygo/", CLASS_RUNTIME },
		{ "/home/u/go/pkg/mod/github.com/pkg/errors@v0.9.1/errors.go",
		  NULL, CLASS_LIBRARY },
		{ "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/"
		  "src/fmt/mod.rs", NULL, CLASS_RUNTIME },
		/* std's HashMap is hashbrown, built with the toolchain */
		{ "/rust/deps/hashbrown-0.16.1/src/raw/mod.rs", NULL,
		  CLASS_RUNTIME },
		{ "/home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/"
		  "serde-1.0.0/src/de.rs", NULL, CLASS_LIBRARY },
		{ "/usr/include/c++/12/bits/stl_algo.h", NULL, CLASS_RUNTIME },
		{ "/usr/lib/llvm-16/bin/../include/c++/v1/__algorithm/sort.h",
		  NULL, CLASS_RUNTIME },
		/* the system's headers: std::mutex's lock inlined from
		 * libstdc++'s target directory, glibc's fortified printf */
		{ "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h",
		  NULL, CLASS_RUNTIME },
		{ "/usr/include/x86_64-linux-gnu/bits/stdio2.h", NULL,
		  CLASS_RUNTIME },
		/* the user's own code: a GOPATH named go, a project go-kit */
		{ "/home/u/go/src/myapp/main.go", NULL, CLASS_APP },
		{ "/home/u/go-kit/src/x.c", NULL, CLASS_APP },
		{ "/home/u/proj/src/main.go", "/opt/mygo", CLASS_APP },
		{ "/opt/mygo2/src/os/file.go", "/opt/mygo", CLASS_APP },
		{ "/home/u/rustc/src/main.rs", NULL, CLASS_APP },
		{ "/home/u/rust/deps/x.rs", NULL, CLASS_APP },
		{ "main.go", NULL, CLASS_APP },
		{ "/home/u/proj/include/cxx/vec.h", NULL, CLASS_APP },
		{ "/home/u/usr/include/x.h", NULL, CLASS_APP },
	};
	static const struct {
		const char *name;
		enum frame_class want;
	} names[] = {
		{ "std::__detail::_Map_base<…>::operator[](…)", CLASS_RUNTIME },
		{ "void std::__introsort_loop<…>(…)", CLASS_RUNTIME },
		{ "unsigned long std::__count<…>(…)", CLASS_RUNTIME },
		{ "__gnu_cxx::__normal_iterator<…>::operator++()",
		  CLASS_RUNTIME },
		{ "<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop",
		  CLASS_RUNTIME },
		{ "core::ptr::drop_in_place<rs::Tree>", CLASS_RUNTIME },
		{ "main::{lambda(auto:1&, auto:2&)#1}::operator()", CLASS_APP },
		{ "std_count(char const*)", CLASS_APP },
		{ "Tree<std::string>::insert(…)", CLASS_APP },
		{ "std::vector<int> make<int>(int)", CLASS_APP },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (classify_source(CLASS_APP, cases[i].file, "f",
				    cases[i].goroot) !=
		    cases[i].want)
			fail_msg("%s (GOROOT %s): want %s", cases[i].file,
				 cases[i].goroot, frame_class_name(cases[i].want));
	/* only what the mapping called the program's own changes */
	assert_int_equal(classify_source(CLASS_LIBRARY,
		"/usr/local/go/src/fmt/print.go", "f", NULL), CLASS_LIBRARY);
	assert_int_equal(classify_source(CLASS_KERNEL,
		"/usr/local/go/src/fmt/print.go", "f", NULL), CLASS_KERNEL);
	assert_int_equal(classify_source(CLASS_APP, NULL, "f", "/x"),
			 CLASS_APP);
	/* Go's compiler-made wrappers: by their package */
	assert_int_equal(classify_source(CLASS_APP, "<autogenerated>",
		"encoding/json.mapEncoder.encode-fm", NULL), CLASS_RUNTIME);
	assert_int_equal(classify_source(CLASS_APP, "./<autogenerated>",
		"runtime.wbBufFlush.abi0", NULL), CLASS_RUNTIME);
	assert_int_equal(classify_source(CLASS_APP, "<autogenerated>",
		"github.com/pkg/errors.(*fundamental).Error", NULL),
		CLASS_LIBRARY);
	assert_int_equal(classify_source(CLASS_APP, "<autogenerated>",
		"main.(*Rec).String", NULL), CLASS_APP);
	assert_int_equal(classify_source(CLASS_APP, "<autogenerated>", NULL,
		NULL), CLASS_APP);
	assert_int_equal(classify_source(CLASS_LIBRARY, "<autogenerated>",
		"main.(*Rec).String", NULL), CLASS_LIBRARY);
	/* built without -g: C++'s and Rust's standard libraries by name */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (classify_source(CLASS_APP, NULL, names[i].name, NULL) !=
		    names[i].want)
			fail_msg("%s: want %s", names[i].name,
				 frame_class_name(names[i].want));
}

/* JIT code by the name its runtime's perf map gives it. */
static void test_jit_classes(void **state)
{
	static const struct {
		const char *name;
		enum frame_class want;
	} cases[] = {
		{ "java.lang.Object java.util.HashMap.merge(java.lang.Object, "
		  "java.lang.Object, java.util.function.BiFunction)",
		  CLASS_RUNTIME },
		{ "long Main.work(int)", CLASS_APP },
		{ "void com.acme.Shop.checkout()", CLASS_APP },
		{ "void kotlin.collections.ArraysKt.sort(int[])", CLASS_RUNTIME },
		{ "Interpreter", CLASS_RUNTIME },
		{ "StubRoutines (1)", CLASS_RUNTIME },
		{ "JS:*fib /tmp/rp/fib.js:1:13", CLASS_APP },
		{ "JS:~ node:internal/main/run_main_module:1:1", CLASS_RUNTIME },
		{ "JS:*parse /app/node_modules/qs/lib/parse.js:9:1",
		  CLASS_LIBRARY },
		{ "LazyCompile:~main /srv/app.js:3:10", CLASS_APP },
		{ "Builtin:ArrayPrototypePush", CLASS_RUNTIME },
		{ "BytecodeHandler:Ldar", CLASS_RUNTIME },
		{ "py::expand:/home/u/ot.py", CLASS_APP },
		{ "py::_run_module_as_main:/usr/lib/python3.12/runpy.py",
		  CLASS_RUNTIME },
		{ "luajit trace 12", CLASS_APP },	/* another JIT's */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (classify_jit(cases[i].name) != cases[i].want)
			fail_msg("%s: want %s", cases[i].name,
				 frame_class_name(cases[i].want));
	assert_int_equal(classify_jit(NULL), CLASS_APP);
}

/* Linkers by the name they were exec'd as. */
static void test_linker(void **state)
{
	(void)state;
	assert_int_equal(classify_linker("ld"), LINKER_BFD);
	assert_int_equal(classify_linker("x86_64-linux-gnu-ld.bfd"),
			 LINKER_BFD);
	assert_int_equal(classify_linker("aarch64-linux-gnu-ld"), LINKER_BFD);
	assert_int_equal(classify_linker("ld.gold"), LINKER_GOLD);
	assert_int_equal(classify_linker("ld.lld"), LINKER_OTHER);
	assert_int_equal(classify_linker("mold"), LINKER_OTHER);
	assert_int_equal(classify_linker("collect2"), LINKER_OTHER);
	assert_int_equal(classify_linker("ldconfig"), LINKER_NONE);
	assert_int_equal(classify_linker("old"), LINKER_NONE);
}

/* An interpreter's own native code, by its module's name. */
static void test_interpreter_module(void **state)
{
	(void)state;
	assert_true(classify_interpreter_module("python3.11"));
	assert_true(classify_interpreter_module("python3"));
	assert_true(classify_interpreter_module("libpython3.12.so.1.0"));
	assert_true(classify_interpreter_module("node"));
	assert_true(classify_interpreter_module("libjvm.so"));
	assert_true(classify_interpreter_module("perl5.36.0"));
	assert_false(classify_interpreter_module("libc.so.6"));
	assert_false(classify_interpreter_module("python-app"));
	assert_false(classify_interpreter_module("_json.cpython-311-x86_64-"
						 "linux-gnu.so"));
	assert_false(classify_interpreter_module(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_suffixes),
		cmocka_unit_test(test_clone_bounds),
		cmocka_unit_test(test_python_classes),
		cmocka_unit_test(test_source_classes),
		cmocka_unit_test(test_jit_classes),
		cmocka_unit_test(test_linker),
		cmocka_unit_test(test_interpreter_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
