// SPDX-License-Identifier: GPL-2.0
/*
 * The shim rule: a command that exec'd its way to the program it was
 * named for (pyenv's python3) is said once, with how to skip it, and the
 * processes it ran choosing the program get no spawns hint of their own.
 */
#include "analyze/hints_check.h"

/* The launcher row the critical path gives an exec chain. */
static void add_launcher(struct profile *p, const char *name,
			 const char *interp, const char *started,
			 uint32_t processes, uint64_t ns, bool waited)
{
	struct critical_launcher *l;

	p->critical.launchers = fx_grow(p->critical.launchers,
					p->critical.n_launchers, sizeof(*l));
	l = &p->critical.launchers[p->critical.n_launchers++];
	memset(l, 0, sizeof(*l));
	l->name = fx_strdup(name);
	l->interpreter = interp ? fx_strdup(interp) : NULL;
	l->started = fx_strdup(started);
	l->processes = processes;
	l->ns = ns;
	l->waited = waited;
}

/*
 * `python3 tp.py` through pyenv: 41 processes, 79 ms of 700 before
 * python3.11 started, 16 of them bash subshells (76 ms with their
 * nesting counted once: 11% of wall) all over before it did.
 */
static struct profile *pyenv_profile(const char *command)
{
	struct profile *p = fx_new(command);
	struct io_spawn *bash;

	p->wall_ns = p->critical.ns = 700 * MS;
	p->root_pid = 100;
	fx_proc(p, 100, 1, "python3",
		"/home/u/.pyenv/versions/3.11.7/bin/python3.11");
	add_launcher(p, "python3", "bash", "python3.11", 41, 79 * MS, false);
	bash = fx_io_spawn(p, "/usr/bin/bash", 16, 176 * MS, IO_NO_SITE);
	bash->union_ns = 76 * MS;
	bash->cpu_ns = 50 * MS;
	bash->max_parallel = 1;
	bash->prelude_count = 16;
	return p;
}

static void test_shim(void **state)
{
	struct profile *p = pyenv_profile("/home/u/.pyenv/shims/python3 tp.py");
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "shim",
		    "python3 is a shim (/home/u/.pyenv/shims/python3, run by "
		    "bash): it ran 41 processes for 79 ms, 11% of wall time, "
		    "before python3.11 started; running "
		    "/home/u/.pyenv/versions/3.11.7/bin/python3.11 directly "
		    "(\"pyenv which python3\" prints its path) would skip "
		    "that.");
	assert_str(h, "shim", "/home/u/.pyenv/shims/python3");
	assert_str(h, "interpreter", "bash");
	assert_str(h, "started", "python3.11");
	assert_str(h, "executable",
		   "/home/u/.pyenv/versions/3.11.7/bin/python3.11");
	assert_str(h, "manager", "pyenv");
	assert_uint(h, "processes", 41);
	assert_uint(h, "runs", 1);
	assert_uint(h, "ns", 79 * MS);
	assert_real(h, "wall_pct", 100.0 * 79 / 700);
	hinted_free(&agg);
	fx_free(p);
}

/* Under 5% of the path: no hint, and still none about its bash runs. */
static void test_shim_threshold(void **state)
{
	struct profile *p = pyenv_profile("/home/u/.pyenv/shims/python3 tp.py");

	(void)state;
	p->critical.launchers[0].ns = 35 * MS;
	assert_int_equal(n_hints(p), 1);
	p->critical.launchers[0].ns = 35 * MS - 1;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/*
 * Not from a shims directory: a shim all the same when it started the
 * program it is named for; no manager to ask.  A launcher that waited
 * for its program (sh -c) is none.
 */
static void test_shim_by_name(void **state)
{
	struct profile *p = pyenv_profile("./bin/python3 tp.py");
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "shim");
	assert_non_null(strstr(h->text, "(./bin/python3, run by bash)"));
	assert_null(strstr(h->text, "which"));
	assert_str(h, "manager", NULL);
	hinted_free(&agg);
	p->critical.launchers[0].waited = true;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "spawns");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * sh -c 'for ...; do grep ...; done; exec sort': an exec chain to
 * another program than its name is no shim: the loop before is work, and
 * its spawns hint stays.  So do runs of a shim's program after it
 * started (os.system in the script).
 */
static void test_shim_not_a_shim(void **state)
{
	struct profile *p = pyenv_profile("sh -c loop");
	struct hinted agg;
	const struct hint *h;

	(void)state;
	free(p->critical.launchers[0].name);
	p->critical.launchers[0].name = fx_strdup("sh");
	free(p->critical.launchers[0].started);
	p->critical.launchers[0].started = fx_strdup("sort");
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "spawns");
	hinted_free(&agg);
	fx_free(p);

	p = pyenv_profile("/home/u/.pyenv/shims/python3 tp.py");
	p->io.spawns[0].prelude_count = 15;
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 2);
	assert_string_equal(agg.hints[0].rule, "shim");
	assert_string_equal(agg.hints[1].rule, "spawns");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A script (build.sh) runs python3 through pyenv's shim at each of its
 * lines: the shim is no longer the command, but one the command ran,
 * found by its shims directory among the programs run; the interpreter
 * it chose is a process that runs its started program.
 */
static void test_shim_run_by_a_script(void **state)
{
	struct profile *p = pyenv_profile("./build.sh");
	struct io_spawn *shim;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	free(p->procs[0].exe);
	p->procs[0].exe = fx_strdup("/usr/bin/dash");
	fx_proc(p, 101, 100, "python3",
		"/home/u/.pyenv/versions/3.11.7/bin/python3.11");
	shim = fx_io_spawn(p, "/home/u/.pyenv/shims/python3", 8, 9 * MS,
			   IO_NO_SITE);
	shim->max_parallel = 1;
	shim->prelude_count = 8;
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 1);
	h = &agg.hints[0];
	assert_string_equal(h->rule, "shim");
	assert_str(h, "shim", "/home/u/.pyenv/shims/python3");
	assert_str(h, "executable",
		   "/home/u/.pyenv/versions/3.11.7/bin/python3.11");
	assert_str(h, "manager", "pyenv");
	assert_non_null(strstr(h->text, "python3 is a shim "
			       "(/home/u/.pyenv/shims/python3, run by bash): "
			       "its 8 runs ran 41 processes for 79 ms"));
	assert_uint(h, "runs", 8);
	hinted_free(&agg);
	/* the shim off the path (beside a producer that held it): no
	 * launcher row, and still no spawns hint on its prelude */
	free(p->critical.launchers[0].name);
	p->critical.launchers[0].name = fx_strdup("sleep-loop");
	assert_int_equal(n_hints(p), 0);
	free(p->critical.launchers[0].name);
	p->critical.launchers[0].name = fx_strdup("python3");
	/* not from a shims directory: no shim named so was run */
	free(p->io.spawns[1].program);
	p->io.spawns[1].program = fx_strdup("/home/u/bin/python3");
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "spawns");
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shim),
		cmocka_unit_test(test_shim_threshold),
		cmocka_unit_test(test_shim_by_name),
		cmocka_unit_test(test_shim_not_a_shim),
		cmocka_unit_test(test_shim_run_by_a_script),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
