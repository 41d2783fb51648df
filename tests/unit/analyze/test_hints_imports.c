// SPDX-License-Identifier: GPL-2.0
/*
 * The imports hint rule: time spent importing Python modules, named by
 * the module and the line that imported it, site and .pth imports at
 * start-up, across processes and from folded stacks.
 */
#include "analyze/hints_check.h"

/* A Python frame: named by the interpreter, no mapping. */
static uint32_t py_frame(struct profile *p, const char *name, const char *file,
			 int line)
{
	return fx_frame_at(p, name, path_basename(file), CLASS_APP, file, line);
}

/* importlib's outermost frame of an import. */
static uint32_t find_and_load(struct profile *p)
{
	return py_frame(p, "_find_and_load", "<frozen importlib._bootstrap>",
			1176);
}

/*
 * tool.py imports its package at line 3 (60% of the run: the first
 * module body run is the package's __init__) and, through
 * importlib.import_module(), a plugin from load() (20%): the imports
 * hint names them with the lines that imported them, merging the two
 * instructions of line 3.  At 20% of the wall or under 50 ms, nothing.
 */
static void test_imports(void **state)
{
	struct profile *p = fx_new("./tool.py");
	uint32_t mod3a, mod3b, load, imod, gcd, fal, falu, exec, init, sub,
		 plugin, work;
	struct hinted agg;
	const struct hint *h;
	size_t i;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod3a = py_frame(p, "<module>", "/home/u/tool.py", 3);
	mod3b = py_frame(p, "<module>", "/home/u/tool.py", 3);
	load = py_frame(p, "load", "/home/u/tool.py", 9);
	work = py_frame(p, "work", "/home/u/tool.py", 12);
	imod = py_frame(p, "import_module",
			"/usr/lib/python3.11/importlib/__init__.py", 126);
	gcd = py_frame(p, "_gcd_import", "<frozen importlib._bootstrap>", 1204);
	fal = find_and_load(p);
	falu = py_frame(p, "_find_and_load_unlocked",
			"<frozen importlib._bootstrap>", 1147);
	exec = py_frame(p, "_call_with_frames_removed",
			"<frozen importlib._bootstrap>", 241);
	init = py_frame(p, "<module>", "/home/u/heavy/__init__.py", 1);
	sub = py_frame(p, "<module>", "/home/u/heavy/tables.py", 4);
	plugin = py_frame(p, "<module>",
			  "/home/u/.venv/lib/python3.11/site-packages/"
			  "plug/fast.py", 2);
	FX_STACK(p, 1, 1, 40, mod3a, fal, falu, exec, init, fal, falu, exec,
		 sub);
	FX_STACK(p, 1, 1, 20, mod3b, fal, falu, exec, init);
	FX_STACK(p, 1, 1, 20, mod3a, load, imod, gcd, fal, falu, exec, plugin);
	FX_STACK(p, 1, 1, 20, mod3a, work);
	h = only_hint(p, &agg);
	assert_text(h, "imports",
		    "Importing Python modules took 80% of wall time (800 ms), "
		    "most for heavy, imported at <module> (tool.py:3): 60%; "
		    "then plug.fast, imported at load (tool.py:9): 20% — "
		    "importing where a module is used (inside the function "
		    "that needs it) instead of at the top of a file, or "
		    "importing less, would cut it; python -X importtime lists "
		    "each module's own cost.");
	assert_str(h, "location", "<module> (tool.py:3)");
	assert_str(h, "module_file", "/home/u/heavy/__init__.py");
	assert_uint(h, "import_ns", 800 * MS);
	assert_uint(h, "location_ns", 600 * MS);
	hinted_free(&agg);
	/* under 20% of the wall */
	p->wall_ns = 4000 * MS + 1;
	assert_int_equal(n_hints(p), 0);
	p->wall_ns = 4000 * MS;
	assert_int_equal(n_hints(p), 1);
	/* 40 ms of imports in 100: under 50 ms */
	for (i = 0; i < p->n_stacks; i++)
		p->stacks[i].ns /= 20;
	p->wall_ns = 100 * MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* Read from folded stacks, files are relative to site-packages or the
 * standard library (py-spy's, whyslow's own): a module's name is its
 * whole relative path. */
static void test_imports_folded(void **state)
{
	struct profile *p = fx_new("python3");
	uint32_t mod, fal, falu, plugin, work;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod = py_frame(p, "<module>", "tool.py", 3);
	work = py_frame(p, "work", "tool.py", 12);
	fal = py_frame(p, "_find_and_load", "<frozen importlib._bootstrap>", 0);
	falu = py_frame(p, "_find_and_load_unlocked",
			"<frozen importlib._bootstrap>", 0);
	plugin = py_frame(p, "<module>", "plug/fast/__init__.py", 0);
	FX_STACK(p, 1, 1, 40, mod, fal, falu, plugin);
	FX_STACK(p, 1, 1, 60, mod, work);
	h = only_hint(p, &agg);
	assert_str(h, "module_file", "plug/fast/__init__.py");
	assert_non_null(strstr(h->text, "most for plug.fast, imported at "
				       "<module> (tool.py:3): 40%"));
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A test suite's subprocesses each import site as they start (C code
 * imports it: no line): one row, said to be in 3 processes, however many
 * stacks each had of it.
 */
static void test_imports_processes(void **state)
{
	struct profile *p = fx_new("python3 -m unittest");
	uint32_t fal, falu, site, work;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	fal = find_and_load(p);
	falu = py_frame(p, "_find_and_load_unlocked",
			"<frozen importlib._bootstrap>", 1147);
	site = py_frame(p, "<module>", "<frozen site>", 1);
	work = py_frame(p, "test_tool", "/t/test_tool.py", 9);
	FX_STACK(p, 1, 1, 10, fal, falu, site);
	FX_STACK(p, 2, 2, 10, fal, falu, site);
	FX_STACK(p, 2, 2, 5, fal, site);
	FX_STACK(p, 3, 3, 15, fal, falu, site);
	FX_STACK(p, 1, 1, 60, work);
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "most for site, imported at start-up "
				       "in 3 processes: 40% —"));
	assert_uint(h, "location_processes", 3);
	hinted_free(&agg);
	fx_free(p);
}

/*
 * site's start-up spends most of its time in a .pth file's import (site
 * exec()s its import lines in addpackage): the row says which module,
 * and that a .pth file imports it; one site itself imports, less.
 */
static void test_imports_site_pth(void **state)
{
	struct profile *p = fx_new("python3 tool.py");
	uint32_t fal, site, main_, addpkg, line, certifi, rlc, work;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	fal = find_and_load(p);
	site = py_frame(p, "<module>", "<frozen site>", 1);
	main_ = py_frame(p, "main", "<frozen site>", 600);
	addpkg = py_frame(p, "addpackage", "<frozen site>", 190);
	line = py_frame(p, "<module>", "<string>", 1);
	certifi = py_frame(p, "<module>", "/v/lib/python3.11/site-packages/"
			   "certifi/__init__.py", 1);
	rlc = py_frame(p, "<module>", "/v/lib/python3.11/rlcompleter.py", 1);
	work = py_frame(p, "work", "/t/tool.py", 9);
	FX_STACK(p, 1, 1, 5, fal, site);
	FX_STACK(p, 1, 1, 20, fal, site, main_, addpkg, line, fal, certifi);
	FX_STACK(p, 2, 2, 10, fal, site, main_, addpkg, line, fal, certifi);
	FX_STACK(p, 1, 1, 5, fal, site, main_, fal, rlc);
	FX_STACK(p, 1, 1, 60, work);
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "most for site, imported at start-up "
				       "in 2 processes: 40% (most of it "
				       "certifi, imported by a .pth file in "
				       "site-packages at each start: 30%) —"));
	assert_str(h, "site_import", "certifi");
	assert_uint(h, "site_import_ns", 300 * MS);
	assert_str(h, "site_import_by", "pth");
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imports),
		cmocka_unit_test(test_imports_folded),
		cmocka_unit_test(test_imports_processes),
		cmocka_unit_test(test_imports_site_pth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
