// SPDX-License-Identifier: GPL-2.0
/* The runs longest on the critical path, and their command lines told
 * briefly (analyze/runs.c). */
#include "profile_fixture.h"

#include "analyze/runs.h"

#define MS	1000000ull

static void brief_is(const char *args, size_t size, const char *want)
{
	char out[RUNS_BRIEF_MAX];

	assert_true(size <= sizeof(out));
	runs_brief(args, out, size);
	assert_string_equal(out, want);
}

static void test_brief(void **state)
{
	(void)state;
	/* cc1's options and their values out, its source in */
	brief_is("/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -quiet -I .output -I "
		 "user -imultiarch x86_64-linux-gnu -MMD .output/a.d -MQ "
		 ".output/a.o -D _GNU_SOURCE user/record/collect.c -quiet "
		 "-dumpdir .output/ -dumpbase collect.c -O2 -o /tmp/cc.s",
		 RUNS_BRIEF_MAX, "cc1 … user/record/collect.c");
	brief_is("cc -O2 -c a.c -o a.o", RUNS_BRIEF_MAX, "cc … a.c");
	brief_is("curl -s http://h/p1", RUNS_BRIEF_MAX, "curl … http://h/p1");
	brief_is("python3 fetch.py a b", RUNS_BRIEF_MAX,
		 "python3 fetch.py a b");
	/* at most 4 operands */
	brief_is("gzip a b c d e f", RUNS_BRIEF_MAX, "gzip a b c d …");
	/* no operand: the program alone; nothing: nothing */
	brief_is("make -j2", RUNS_BRIEF_MAX, "make");
	brief_is("", RUNS_BRIEF_MAX, "");
	brief_is(NULL, RUNS_BRIEF_MAX, "");
	/* an option's value that looks like one, spaces in a row */
	brief_is("cc -o -weird  x.o", RUNS_BRIEF_MAX, "cc … x.o");
	/* a linker: what it made */
	brief_is("/usr/bin/x86_64-linux-gnu-ld.bfd -plugin /usr/lib/gcc/"
		 "x86_64-linux-gnu/12/liblto_plugin.so -m elf_x86_64 "
		 "-dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o "
		 "bin/sinklock /usr/lib/x86_64-linux-gnu/Scrt1.o /tmp/cc1.o "
		 "-lstdc++", RUNS_BRIEF_MAX,
		 "x86_64-linux-gnu-ld.bfd -o bin/sinklock");
	brief_is("collect2 -obin/a a.o", RUNS_BRIEF_MAX, "collect2 -o bin/a");
	brief_is("mold --output=app x.o", RUNS_BRIEF_MAX, "mold -o app");
	brief_is("ld.lld x.o", RUNS_BRIEF_MAX, "ld.lld x.o");
	brief_is("ldconfig -o x y", RUNS_BRIEF_MAX, "ldconfig … y");
	/* a quoted option's value holds spaces: not operands; a quoted
	 * operand kept whole, quotes and all */
	brief_is("git index-pack --stdin -v --fix-thin '--keep=fetch-pack "
		 "29166 on vm' --check-self-contained-and-connected",
		 RUNS_BRIEF_MAX, "git index-pack");
	brief_is("sh -c 'make -C a b' 'it'\\''s'", RUNS_BRIEF_MAX,
		 "sh … 'make -C a b' 'it'\\''s'");
	brief_is("'/opt/my app/bin/run' x", RUNS_BRIEF_MAX, "run x");
	brief_is("'my prog' x", RUNS_BRIEF_MAX, "'my prog' x");
	/* cut to fit, at a character, with "…" */
	brief_is("tar xf archive-with-a-long-name.tar", 16, "tar xf archi…");
	brief_is("averyveryverylongprogramname", 8, "aver…");
	brief_is("averyveryverylongprogramname", 6, "…");
	brief_is("x \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 12,
		 "x \xc3\xa9\xc3\xa9\xc3\xa9…");
	brief_is("x \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 11,
		 "x \xc3\xa9\xc3\xa9…");
	/* python -c's code, the run's only operand, as much as fits */
	brief_is("python3 -c 'import asyncio, email.mime.multipart, "
		 "http.server, xml.etree.ElementTree, json, decimal, "
		 "unittest, argparse, logging.handlers, urllib.request'",
		 RUNS_BRIEF_MAX, "python3 … 'import asyncio, "
		 "email.mime.multipart, http.server, xml.etree.ElementTree, "
		 "json, decimal, unittest, argp…");
	brief_is("a b", 1, "");
}

/*
 * cc1 ran 3 times on the path (600, 300, 100 ms), make 50 ms: the runs by
 * their stacks' time there, most first, with their command lines; none
 * without a program of 3 processes or more, or a path.
 */
static void test_on_path(void **state)
{
	struct profile *p = fx_new("make");
	struct path_run runs[RUNS_MAX];
	struct aggregate agg;
	struct critical_program *cp;
	uint32_t f;
	size_t n;

	(void)state;
	f = fx_frame(p, "main", "cc1", CLASS_APP);
	FX_STACK(p, 11, 11, 1, f)->cp_ns = 100 * MS;
	FX_STACK(p, 10, 10, 1, f)->cp_ns = 500 * MS;
	FX_STACK(p, 10, 10, 1, f)->cp_ns = 100 * MS;
	FX_STACK(p, 12, 12, 1, f)->cp_ns = 300 * MS;
	FX_STACK(p, 1, 1, 1, fx_frame(p, "main", "make", CLASS_APP))->cp_ns =
		50 * MS;
	fx_proc(p, 10, 1, "cc1", "/usr/lib/cc1");
	p->procs[p->n_procs - 1].args = fx_strdup("cc1 -quiet big.c");
	p->critical.ns = 1050 * MS;
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("cc1");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	cp->pids[0] = 10;
	cp->pids[1] = 11;
	cp->pids[2] = 12;
	cp->n_pids = 3;
	p->critical.n_programs = 1;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	n = runs_on_path(p, &agg, runs, RUNS_MAX);
	assert_int_equal(n, 4);
	assert_int_equal(runs[0].pid, 10);
	assert_int_equal(runs[0].ns, 600 * MS);
	assert_non_null(runs[0].proc);
	assert_string_equal(runs[0].proc->args, "cc1 -quiet big.c");
	assert_int_equal(runs[1].pid, 12);
	assert_int_equal(runs[2].pid, 11);
	assert_int_equal(runs[3].pid, 1);
	assert_int_equal(runs[3].ns, 50 * MS);
	assert_int_equal(runs_on_path(p, &agg, runs, 2), 2);
	/* two runs of it: the whole profile's program, no table */
	cp->n_pids = 2;
	assert_int_equal(runs_on_path(p, &agg, runs, RUNS_MAX), 0);
	cp->n_pids = 3;
	aggregate_free(&agg);
	/* no command line among them: nothing to tell them by */
	free(p->procs[p->n_procs - 1].args);
	p->procs[p->n_procs - 1].args = NULL;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(runs_on_path(p, &agg, runs, RUNS_MAX), 0);
	aggregate_free(&agg);
	/* no critical path */
	p->critical.ns = 0;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(runs_on_path(p, &agg, runs, RUNS_MAX), 0);
	aggregate_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brief),
		cmocka_unit_test(test_on_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
