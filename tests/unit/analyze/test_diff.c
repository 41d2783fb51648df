// SPDX-License-Identifier: GPL-2.0
/* whyslow diff: two hand-built profiles compared, in Markdown and JSON:
 * what got faster, slower, appeared or moved, and whose time it is. */
#include "diff_check.h"

#include "analyze/diff.h"

/* burn_a twice as fast: 700 samples (7 s) → 350, burn_b unchanged. */
static void test_speedup(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = demo(FX_PERIOD_NS, 350, 300, 7000000000ull);
	char *md, *json;

	(void)state;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"# whyslow diff: ./demo --iterations 5 → ./demo --iterations 5",
		"## Verdict",
		"AFTER is 1.5× faster: wall 10.50 s → 7.00 s (−3.50 s). Most "
		"of the change: `burn_a` −3.50 s (2.0× faster).",
		"## Wall time and waits",
		"| **wall** | 10.50 s | 7.00 s | −3.50 s | 1.5× faster |",
		"| on-CPU (sampled) | 10.00 s | 6.50 s | −3.50 s | "
		"1.5× faster |",
		"## Functions", "Faster:",
		"| `burn_a` | hot.c:12 | 7.00 s | 3.50 s | −3.50 s | "
		"2.0× faster | 7.00 s | 3.50 s |",
		"omitted: nothing",
	}, 9);
	/* burn_b did not change, and main has no time of its own. */
	assert_lacks(md, "`burn_b`");
	assert_lacks(md, "`main`");
	assert_lacks(md, "Slower:");
	assert_lacks(md, "## Hot paths");

	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"d[\"wall\"] == {\"by\": \"wall\", \"before_ns\": 10500000000, "
		"\"after_ns\": 7000000000, \"delta_ns\": -3500000000, "
		"\"ratio\": 0.667, \"noise_ns\": 210000000, "
		"\"significant\": True}"), 0);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"status\"], f[\"before_ns\"], "
		"f[\"after_ns\"], f[\"delta_ns\"], f[\"ratio\"]) for f in d[\"functions\"]] == ["
		"(\"burn_a\", \"faster\", 7000000000, 3500000000, -3500000000, "
		"0.5), "
		"(\"main\", \"unchanged\", 0, 0, 0, None), "
		"(\"burn_b\", \"unchanged\", 3000000000, 3000000000, 0, 1.0)]"),
		0);
	/* main's time with its callees fell by as much. */
	assert_int_equal(json_check(json,
		"[(f[\"total_before_ns\"], f[\"total_after_ns\"], "
		"f[\"wall_before_ns\"], f[\"wall_after_ns\"]) for f in "
		"d[\"functions\"] if f[\"name\"] == \"main\"] == "
		"[(10000000000, 6500000000, 10000000000, 6500000000)]"), 0);
	assert_int_equal(json_check(json,
		"(lambda f: f[\"self_samples_before\"] == 700 and "
		"f[\"self_samples_after\"] == 350 and f[\"file\"] == "
		"\"hot.c\" and f[\"line\"] == 12 and f[\"module\"] == "
		"\"demo\")(d[\"functions\"][0])"), 0);
	assert_int_equal(json_check(json,
		"d[\"before\"][\"wall_ns\"] == 10500000000 and "
		"d[\"after\"][\"samples\"] == 650 and "
		"d[\"before\"][\"command\"] == \"./demo --iterations 5\" and "
		"d[\"paths\"] == {\"appeared\": [], \"vanished\": []} and "
		"d[\"verdict\"].startswith(\"AFTER is 1.5× faster\") and "
		"\"burn_a −3.50 s (2.0× faster)\" in d[\"verdict\"]"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/* The other way round: slower, with the ratio the right way up. */
static void test_slowdown(void **state)
{
	struct profile *before = demo(FX_PERIOD_NS, 350, 300, 7000000000ull);
	struct profile *after = fx_profile_70_30();
	char *md;

	(void)state;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"AFTER is 1.5× slower: wall 7.00 s → 10.50 s (+3.50 s). Most "
		"of the change: `burn_a` +3.50 s (2.0× slower).",
		"Slower:",
		"| `burn_a` | hot.c:12 | 3.50 s | 7.00 s | +3.50 s | "
		"2.0× slower |",
	}, 3);
	assert_lacks(md, "Faster:");
	free(md);
	fx_free(before);
	fx_free(after);
}

/* main → name → burn_a in place of main → burn_a: a new function under
 * main; its frame. */
static uint32_t insert_caller(struct profile *after, const char *name)
{
	uint32_t f = fx_frame_at(after, name, "demo", CLASS_APP, "hot.c", 50);

	after->stacks[0].n_frames = 3;
	after->stacks[0].frames = realloc(after->stacks[0].frames,
					  3 * sizeof(uint32_t));
	assert_non_null(after->stacks[0].frames);
	after->stacks[0].frames[1] = f;
	after->stacks[0].frames[2] = 1;	/* burn_a */
	return f;
}

/* batch appears with 1.00 s of its own and 8.00 s with its callees (burn_a
 * under it): the verdict quotes its own, what functions are ranked by;
 * its total would count burn_a's again, past the whole change. */
static void test_appeared_own_time(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = fx_profile_70_30();
	uint32_t batch;
	char *md;

	(void)state;
	batch = insert_caller(after, "batch");
	FX_STACK(after, 100, 100, 100, 0, batch);	/* main → batch */
	after->wall_ns = 11500000000ull;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"AFTER is 1.1× slower: wall 10.50 s → 11.50 s (+1.00 s). Most "
		"of the change: `batch` +1.00 s (appeared).",
	}, 1);
	free(md);
	fx_free(before);
	fx_free(after);
}

/* burn_b gone, burn_c in its place: a function and a path each way. */
static void test_appeared_vanished(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = fx_profile_70_30();
	char *md, *json;

	(void)state;
	rename_frame(after, 2, "burn_c");
	set_samples(after, 1, 100);
	after->wall_ns = 8500000000ull;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"AFTER is 1.2× faster: wall 10.50 s → 8.50 s (−2.00 s). Most "
		"of the change: `burn_b` −3.00 s (vanished), `burn_c` +1.00 s "
		"(appeared).",
		"Appeared (time beyond noise in AFTER only):",
		"| function | where | own | total |",
		"| `burn_c` | hot.c:30 | 1.00 s | 1.00 s |",
		"Vanished (time beyond noise in BEFORE only):",
		"| `burn_b` | hot.c:30 | 3.00 s | 3.00 s |",
		"## Hot paths appeared or vanished",
		"| appeared | 0.0% | 11.8% | `main → burn_c` |",
		"| vanished | 28.6% | 0.0% | `main → burn_b` |",
	}, 9);
	assert_lacks(md, "`burn_a`");
	/* neither under Faster or Slower with a delta of nothing */
	assert_lacks(md, "Faster:");
	assert_lacks(md, "Slower:");

	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"{f[\"name\"]: f[\"status\"] for f in d[\"functions\"]} == "
		"{\"burn_b\": \"vanished\", \"burn_c\": \"appeared\", "
		"\"burn_a\": \"unchanged\", \"main\": \"unchanged\"}"), 0);
	assert_int_equal(json_check(json,
		"[(p[\"path\"], p[\"before_ns\"], p[\"after_ns\"], "
		"p[\"after_samples\"]) for p in d[\"paths\"][\"appeared\"]] == "
		"[(\"main → burn_c\", 0, 1000000000, 100)] and "
		"[(p[\"path\"], p[\"before_pct\"]) for p in "
		"d[\"paths\"][\"vanished\"]] == [(\"main → burn_b\", 28.57)]"),
		0);
	/* ratio is after / before: null with nothing on a side */
	assert_int_equal(json_check(json,
		"[f[\"ratio\"] for f in d[\"functions\"] if f[\"name\"] in "
		"(\"burn_b\", \"burn_c\")] == [None, None]"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/*
 * A path that moved: burn_a called through a new helper.  burn_a's own
 * time is the same; the helper appeared with time on the stack only.
 */
static void test_path_moved(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = fx_profile_70_30();
	char *md, *json;

	(void)state;
	insert_caller(after, "batch");
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"No significant change: wall 10.50 s → 10.50 s (0 ns, within "
		"the ±210.0 ms noise). Changed beyond noise all the same: "
		"`batch` +7.00 s with its callees (appeared).",
		"Appeared (time beyond noise in AFTER only):",
		"| `batch` | hot.c:50 | — | 7.00 s |",
		"| appeared | 0.0% | 66.7% | `main → batch → burn_a` |",
		"| vanished | 66.7% | 0.0% | `main → burn_a` |",
	}, 5);
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"[p[\"path\"] for p in d[\"paths\"][\"appeared\"]] == "
		"[\"main → batch → burn_a\"] and [p[\"path\"] for p in "
		"d[\"paths\"][\"vanished\"]] == [\"main → burn_a\"] and "
		"[f[\"status\"] for f in d[\"functions\"] if f[\"name\"] == "
		"\"burn_a\"] == [\"unchanged\"]"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/*
 * "./client": parse runs cpu_samples samples, fetch_one waits net_ns on
 * the network in recv; the wall time is both.
 */
static struct profile *client(uint64_t cpu_samples, uint64_t net_ns)
{
	struct profile *p = fx_new("./client");
	uint32_t m, parse, fetch, recv;

	p->wall_ns = cpu_samples * FX_PERIOD_NS + net_ns;
	p->root_pid = 100;
	p->quality.offcpu = true;
	fx_proc(p, 100, 1, "client", "/home/u/client");
	m = fx_frame_at(p, "main", "client", CLASS_APP, "client.c", 60);
	parse = fx_frame_at(p, "parse", "client", CLASS_APP, "client.c", 20);
	fetch = fx_frame_at(p, "fetch_one", "client", CLASS_APP, "client.c",
			    42);
	recv = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, cpu_samples, m, parse);
	FX_WAIT(p, 100, 100, 40, WAIT_NETWORK, net_ns,
		"recv from 127.0.0.1:8080", m, fetch, recv);
	return p;
}

/* Network time halved: the wait category and the function that waits. */
static void test_wait_halved(void **state)
{
	struct profile *before = client(100, 4000000000ull);
	struct profile *after = client(100, 2000000000ull);
	char *md, *json;

	(void)state;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"AFTER is 1.7× faster: wall 5.00 s → 3.00 s (−2.00 s). Most of "
		"the change: `fetch_one` −2.00 s (2.0× faster); waits: network "
		"−2.00 s (2.0× less).",
		"| **wall** | 5.00 s | 3.00 s | −2.00 s | 1.7× faster |",
		"| network | 4.00 s | 2.00 s | −2.00 s | 2.0× less |",
		"| on-CPU (sampled) | 1.00 s | 1.00 s | 0 ns | ≈ |",
		"| `fetch_one` | client.c:42 | 4.00 s | 2.00 s | −2.00 s | "
		"2.0× faster | 4.00 s | 2.00 s |",
	}, 5);
	assert_lacks(md, "`parse`");
	assert_lacks(md, "`recv`");
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"d[\"categories\"] == [{\"name\": \"network\", "
		"\"before_ns\": 4000000000, \"after_ns\": 2000000000, "
		"\"delta_ns\": -2000000000, \"ratio\": 0.5, "
		"\"noise_ns\": 80000000, \"significant\": True}, "
		"{\"name\": \"on_cpu\", \"before_ns\": 1000000000, "
		"\"after_ns\": 1000000000, \"delta_ns\": 0, \"ratio\": 1.0, "
		"\"noise_ns\": 282842713, \"significant\": False}]"), 0);
	assert_int_equal(json_check(json,
		"{f[\"name\"]: f[\"status\"] for f in d[\"functions\"]} == "
		"{\"fetch_one\": \"faster\", \"parse\": \"unchanged\", "
		"\"main\": \"unchanged\", \"recv\": \"unchanged\"} and "
		"\"waits: network −2.00 s (2.0× less)\" in d[\"verdict\"]"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/*
 * Different lengths and sampling rates compare in absolute time: burn_a
 * 7 s at 100 Hz against 3.5 s at 1000 Hz is 2× faster; burn_b's 3 s is 3 s.
 */
static void test_different_durations(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = demo(1000000, 3500, 3000, 7000000000ull);
	char *md, *json;

	(void)state;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"BEFORE: wall 10.50 s, CPU 10.00 s, 1000 samples at 100 Hz",
		"AFTER: wall 7.00 s, CPU 10.00 s, 6500 samples at 1000 Hz",
		"AFTER is 1.5× faster: wall 10.50 s → 7.00 s (−3.50 s). Most "
		"of the change: `burn_a` −3.50 s (2.0× faster).",
	}, 3);
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"status\"], f[\"delta_ns\"]) for f in "
		"d[\"functions\"]] == [(\"burn_a\", \"faster\", -3500000000), "
		"(\"main\", \"unchanged\", 0), (\"burn_b\", \"unchanged\", 0)] "
		"and d[\"after\"][\"period_ns\"] == 1000000"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/*
 * "./pool": the main thread (100) waits on a lock for worker 101, which
 * computes work samples; the worker's on-CPU time is not wall time.
 */
static struct profile *pool(uint64_t work, uint64_t lock_ns)
{
	struct profile *p = fx_new("./pool");
	uint32_t m, join, run, crunch;

	p->wall_ns = lock_ns + 100000000ull;
	p->root_pid = 100;
	p->quality.offcpu = true;
	fx_proc(p, 100, 1, "pool", "/home/u/pool");
	fx_thread(p, 100, 101, "worker");
	m = fx_frame_at(p, "main", "pool", CLASS_APP, "pool.c", 10);
	join = fx_frame_at(p, "join_all", "pool", CLASS_APP, "pool.c", 20);
	run = fx_frame_at(p, "worker_run", "pool", CLASS_APP, "pool.c", 30);
	crunch = fx_frame_at(p, "crunch", "pool", CLASS_APP, "pool.c", 40);
	FX_STACK(p, 100, 100, 10, m);
	FX_WAIT(p, 100, 100, 1, WAIT_LOCK, lock_ns, NULL, m, join);
	FX_STACK(p, 100, 101, work, run, crunch);
	return p;
}

static void test_threaded(void **state)
{
	struct profile *before = pool(500, 5000000000ull);
	struct profile *after = pool(250, 2500000000ull);
	char *md, *json;

	(void)state;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"2 threads (main: tid 100)",
		"AFTER is 2.0× faster: wall 5.10 s → 2.60 s (−2.50 s). Most of "
		"the change: `crunch` −2.50 s (2.0× faster), `join_all` "
		"−2.50 s (2.0× faster); waits: lock −2.50 s (2.0× less).",
		"Categories are the main thread's",
		"| lock | 5.00 s | 2.50 s | −2.50 s | 2.0× less |",
		"| on-CPU (sampled) | 100.0 ms | 100.0 ms | 0 ns | ≈ |",
	}, 5);
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"d[\"before\"][\"main_thread\"] == 100 and "
		"[c[\"name\"] for c in d[\"categories\"]] == "
		"[\"lock\", \"on_cpu\"]"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/* The module of a frame of p. */
static void set_module(struct profile *p, uint32_t frame, const char *module)
{
	free(p->frames[frame].module);
	p->frames[frame].module = fx_strdup(module);
}

/*
 * A rebuild under another name (./app-old → ./app), with burn_a as
 * foo.constprop.0 before: the executables and the clone match, so burn_a
 * is 2× faster and nothing appeared or vanished.
 */
static void test_renamed_rebuild(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = demo(FX_PERIOD_NS, 350, 300, 7000000000ull);
	struct diff d = { 0 };
	uint32_t i;
	char *md;

	(void)state;
	free(before->procs[0].exe);
	before->procs[0].exe = fx_strdup("/tmp/old/app-old");
	before->root_pid = 100;
	free(after->procs[0].exe);
	after->procs[0].exe = fx_strdup("/tmp/new/app");
	after->root_pid = 100;
	for (i = 0; i < 3; i++) {
		set_module(before, i, "app-old");
		set_module(after, i, "app");
	}
	rename_frame(before, 1, "burn_a.constprop.0");
	/* a library of the same name as neither program stays apart */
	set_module(after, 2, "libburn.so");
	assert_int_equal(diff_compare(&d, before, after), 0);
	assert_int_equal(d.n_faster, 1);
	assert_string_equal(d.funcs[d.faster[0]].fs[DIFF_BEFORE]->name,
			    "burn_a.constprop.0");
	assert_string_equal(d.funcs[d.faster[0]].fs[DIFF_AFTER]->name,
			    "burn_a");
	/* burn_b moved to another module: that is a change of place */
	assert_int_equal(d.n_appeared_funcs, 1);
	assert_int_equal(d.n_vanished_funcs, 1);
	diff_free(&d);
	set_module(after, 2, "app");
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"Faster:",
		"| `burn_a` | hot.c:12 | 7.00 s | 3.50 s | −3.50 s | "
		"2.0× faster |",
	}, 2);
	assert_lacks(md, "Appeared");
	assert_lacks(md, "Vanished");
	free(md);
	/* the flame graph matches the two programs' frames too (names
	 * recorded come with their clone suffix folded) */
	rename_frame(before, 1, "burn_a");
	md = render_diff(before, after, FORMAT_SVG, 0, 0);
	assert_non_null(strstr(md, "class=\"frame faster\""));
	assert_lacks(md, "appeared");
	free(md);
	/* without the executables known, the names alone do not match */
	free(after->procs[0].exe);
	after->procs[0].exe = NULL;
	memset(&d, 0, sizeof(d));
	assert_int_equal(diff_compare(&d, before, after), 0);
	assert_int_equal(d.n_faster, 0);
	assert_true(d.n_vanished_funcs >= 2);
	diff_free(&d);
	fx_free(before);
	fx_free(after);
}

/* The comparison without a writer: the struct the writers are given. */
static void test_compare(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = demo(FX_PERIOD_NS, 350, 300, 7000000000ull);
	const struct diff_func *fd;
	struct diff d = { 0 };

	(void)state;
	assert_int_equal(diff_compare(&d, before, after), 0);
	assert_false(d.by_cpu);
	assert_int_equal(d.wall.ns[DIFF_BEFORE], 10500000000ull);
	assert_int_equal(d.wall.ns[DIFF_AFTER], 7000000000ull);
	assert_true(diff_change_significant(&d.wall));
	assert_int_equal(diff_change_delta(&d.wall), -3500000000ll);
	assert_int_equal(d.n_funcs, 3);
	assert_int_equal(d.n_faster, 1);
	assert_int_equal(d.n_slower, 0);
	fd = &d.funcs[d.faster[0]];
	assert_string_equal(diff_func_id(fd)->name, "burn_a");
	assert_int_equal(fd->status, DIFF_FUNC_FASTER);
	assert_string_equal(diff_func_status_name(fd->status), "faster");
	/* the verdict names burn_a alone, and no wait */
	assert_int_equal(d.n_verdict_funcs, 1);
	assert_int_equal(d.verdict_funcs[0], d.faster[0]);
	assert_int_equal(d.n_verdict_waits, 0);
	assert_int_equal(d.n_appeared + d.n_vanished, 0);
	diff_free(&d);
	fx_free(before);
	fx_free(after);
}

/*
 * A Python script and the pyenv shim's bash: work (sz.py) calls CPython's
 * l_mod, bash's zread reads a pipe.  work's self samples, l_mod's under
 * it, zread's and libc's memcpy under zread.
 */
static struct profile *py_profile(uint64_t work, uint64_t lmod,
				  uint64_t zread, uint64_t memcpy_n)
{
	struct profile *p = fx_new("python3 sz.py");
	uint32_t mod, w, l, z, m;

	mod = fx_frame_at(p, "<module>", "sz.py", CLASS_APP, "/t/sz.py", 8);
	w = fx_frame_at(p, "work", "sz.py", CLASS_APP, "/t/sz.py", 4);
	l = fx_frame(p, "l_mod", "libpython3.11.so.1.0", CLASS_RUNTIME);
	z = fx_frame_at(p, "zread", "bash", CLASS_APP, "input.c", 90);
	m = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, work, mod, w);
	FX_STACK(p, 100, 100, lmod, mod, w, l);
	FX_STACK(p, 200, 200, zread, z);
	FX_STACK(p, 200, 200, memcpy_n, z, m);
	return p;
}

static const struct diff_func *find_func(const struct diff *d,
					 const char *name)
{
	size_t i;

	for (i = 0; i < d->n_funcs; i++)
		if (!strcmp(diff_func_id(&d->funcs[i])->name, name))
			return &d->funcs[i];
	fail_msg("no %s", name);
	return NULL;
}

/*
 * CPython's C code under a Python function is that function's work: the
 * order goes by it, not by own time; native code keeps its own rows.
 */
static void test_python_charged(void **state)
{
	struct profile *before = py_profile(10, 80, 300, 50);
	struct profile *after = py_profile(40, 400, 400, 100);
	const struct diff_func *fd;
	struct diff d = { 0 };
	char *md, *json;

	(void)state;
	assert_int_equal(diff_compare(&d, before, after), 0);
	/* work first: 90 → 440 samples with l_mod, own 10 → 40 only */
	assert_string_equal(diff_func_id(&d.funcs[0])->name, "work");
	fd = find_func(&d, "work");
	assert_int_equal(fd->rank.ns[DIFF_BEFORE], 90 * FX_PERIOD_NS);
	assert_int_equal(fd->rank.ns[DIFF_AFTER], 440 * FX_PERIOD_NS);
	assert_int_equal(fd->own.ns[DIFF_AFTER], 40 * FX_PERIOD_NS);
	assert_int_equal(fd->status, DIFF_FUNC_SLOWER);
	/* l_mod: charged away, its own row kept, out of the verdict */
	fd = find_func(&d, "l_mod");
	assert_int_equal(fd->rank.ns[DIFF_AFTER], 0);
	assert_int_equal(fd->own.ns[DIFF_AFTER], 400 * FX_PERIOD_NS);
	assert_true(diff_func_charged_away(fd));
	assert_int_equal(fd->status, DIFF_FUNC_SLOWER);
	/* native code under native code: as before, own time */
	fd = find_func(&d, "memcpy");
	assert_memory_equal(&fd->rank, &fd->own, sizeof(fd->rank));
	fd = find_func(&d, "zread");
	assert_memory_equal(&fd->rank, &fd->own, sizeof(fd->rank));
	assert_int_equal(d.n_verdict_funcs, 3);
	assert_string_equal(diff_func_id(&d.funcs[d.verdict_funcs[1]])->name,
			    "zread");
	assert_string_equal(diff_func_id(&d.funcs[d.verdict_funcs[2]])->name,
			    "memcpy");
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		": `work` +3.50 s (4.9× slower, with the "
		"runtime code it called), `zread` +1.00 s (1.3× slower), "
		"`memcpy` +500.0 ms",
		"Slower:",
		"| `work` | /t/sz.py:4 | 100.0 ms | 400.0 ms | +300.0 ms | "
		"own time 100.0 ms → 400.0 ms |",
		"| `zread` |",
		"| `l_mod` | libpython3.11.so.1.0 | 800.0 ms | 4.00 s |",
	}, 5);
	assert_lacks(md, "new own time");
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"ranked_before_ns\"], f[\"ranked_after_ns\"])"
		" for f in d[\"functions\"]][0] == (\"work\", 900000000, "
		"4400000000)"), 0);
	free(json);
	free(md);
	diff_free(&d);
	fx_free(before);
	fx_free(after);
}

/* "new own time" only when the before side had none at all. */
static void test_own_words(void **state)
{
	struct diff_change c = { .ns = { 0, 400000000 }, .noise = 100000000 };
	char buf[DIFF_CHANGE_SIZE];

	(void)state;
	diff_text_change(buf, &c, DIFF_WORDS_OWN);
	assert_string_equal(buf, "new own time");
	c.ns[DIFF_BEFORE] = 80000000;
	diff_text_change(buf, &c, DIFF_WORDS_OWN);
	assert_string_equal(buf, "own time 80.0 ms → 400.0 ms");
	c = (struct diff_change){ .ns = { 400000000, 0 }, .noise = 100000000 };
	diff_text_change(buf, &c, DIFF_WORDS_OWN);
	assert_string_equal(buf, "no own time");
	c.ns[DIFF_AFTER] = 80000000;
	diff_text_change(buf, &c, DIFF_WORDS_OWN);
	assert_string_equal(buf, "own time 400.0 ms → 80.0 ms");
	/* wall times and waits keep their words */
	c.ns[DIFF_AFTER] = 80000000;
	diff_text_change(buf, &c, DIFF_WORDS_TIME);
	assert_string_equal(buf, "vanished");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_speedup),
		cmocka_unit_test(test_slowdown),
		cmocka_unit_test(test_appeared_vanished),
		cmocka_unit_test(test_appeared_own_time),
		cmocka_unit_test(test_path_moved),
		cmocka_unit_test(test_wait_halved),
		cmocka_unit_test(test_different_durations),
		cmocka_unit_test(test_threaded),
		cmocka_unit_test(test_renamed_rebuild),
		cmocka_unit_test(test_python_charged),
		cmocka_unit_test(test_own_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
