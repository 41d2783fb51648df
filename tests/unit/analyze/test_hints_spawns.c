// SPDX-License-Identifier: GPL-2.0
/*
 * The spawns hint rule: a program run many times, where it was run from,
 * and its advice (work in-process, run in parallel, overlap the waits),
 * launchers and nested runs said once: at its thresholds, and not just
 * below them.
 */
#include "analyze/hints_check.h"

static struct profile *spawn_profile(uint64_t count, uint64_t wall_ns)
{
	struct profile *p = fx_new("./spawn");
	uint32_t m, fork_f;

	p->wall_ns = 400 * MS;
	m = fx_frame_at(p, "main", "spawn", CLASS_APP, "/home/u/spawn.c", 21);
	fork_f = fx_frame(p, "fork", "libc.so.6", CLASS_RUNTIME);
	fx_io_spawn(p, "/bin/true", count, wall_ns,
		    FX_IO_SITE(p, 1, m, fork_f));
	return p;
}

static void test_spawns(void **state)
{
	struct profile *p = spawn_profile(200, 280 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/bin/true ran 200 times (1.4 ms on average, 280 ms in "
		    "all = 70% of wall time), spawned from main (spawn.c:21): "
		    "doing the work in-process or in fewer, larger runs would "
		    "remove most of it.");
	assert_str(h, "program", "/bin/true");
	assert_uint(h, "count", 200);
	assert_uint(h, "mean_ns", 1400000);
	assert_uint(h, "wall_ns", 280 * MS);
	assert_real(h, "wall_pct", 70.0);
	assert_str(h, "location", "main (spawn.c:21)");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A script runs wc 300 times through subprocess.run, which takes 40% of
 * its CPU starting them: the spawns hint says it, no "call it less"
 * hint of its own for run.  json.loads on the same line, not on the
 * spawning stack, keeps its own.
 */
static void test_spawns_function_no_hint(void **state)
{
	struct profile *p = fx_new("python3 sp.py");
	uint32_t mod, run, fork_f, loads;
	struct hinted agg;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod = fx_frame_at(p, "<module>", "sp.py", CLASS_APP, "/home/u/sp.py",
			  5);
	run = fx_frame_at(p, "run", "subprocess.py", CLASS_LIBRARY,
			  "/usr/lib/python3.11/subprocess.py", 548);
	fork_f = fx_frame(p, "fork_exec", "_posixsubprocess.so",
			  CLASS_RUNTIME);
	loads = fx_frame_at(p, "loads", "json/__init__.py", CLASS_LIBRARY,
			    "/usr/lib/python3.11/json/__init__.py", 346);
	FX_STACK(p, 1, 1, 400, mod, run, fork_f);
	FX_STACK(p, 1, 1, 300, mod, loads);
	FX_STACK(p, 1, 1, 300, mod);
	fx_io_spawn(p, "/usr/bin/wc", 300, 500 * MS,
		    FX_IO_SITE(p, 1, mod, run, fork_f));
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 2);
	assert_string_equal(agg.hints[0].rule, "spawns");
	assert_string_equal(agg.hints[1].rule, "hot_library_function");
	assert_str(&agg.hints[1], "function", "loads");
	hinted_free(&agg);
	/* no spawns hint: run's own */
	p->io.spawns[0].count = 9;
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 2);
	assert_str(&agg.hints[0], "function", "run");
	hinted_free(&agg);
	fx_free(p);
}

static void test_spawns_thresholds(void **state)
{
	struct profile *p = spawn_profile(10, 40 * MS);

	(void)state;
	/* 10 runs, 10% of wall */
	assert_int_equal(n_hints(p), 1);
	p->io.spawns[0].count = 9;
	assert_int_equal(n_hints(p), 0);
	p->io.spawns[0].count = 10;
	p->io.spawns[0].wall_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* A spawn row with the figures of whyslow since they were recorded. */
static struct io_spawn *spawn_known(struct profile *p, const char *program,
				    uint64_t count, uint64_t wall_ns,
				    uint64_t union_ns, uint64_t cpu_ns,
				    uint32_t max_parallel)
{
	struct io_spawn *s = fx_io_spawn(p, program, count, wall_ns, IO_NO_SITE);

	s->union_ns = union_ns;
	s->cpu_ns = cpu_ns;
	s->max_parallel = max_parallel;
	return s;
}

/* p has one hint: a spawns hint about program with this advice. */
static void assert_advice(const struct profile *p, const char *program,
			  const char *advice)
{
	struct hinted agg;

	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 1);
	assert_string_equal(agg.hints[0].rule, "spawns");
	assert_str(&agg.hints[0], "program", program);
	assert_str(&agg.hints[0], "advice", advice);
	hinted_free(&agg);
}

/* A shim run as nested processes: their sum passes the wall time; the
 * share is of the time with one going. */
static void test_spawns_nested_once(void **state)
{
	struct profile *p = fx_new("./run.sh");
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 470 * MS;
	spawn_known(p, "/bin/bash", 16, 550 * MS, 110 * MS, 12 * MS, 1);
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/bin/bash ran 16 times (34 ms on average, 550 ms in all; "
		    "110 ms = 23% of wall time with runs nested in or beside "
		    "each other counted once): doing the work in-process or "
		    "in fewer, larger runs would remove most of it.");
	assert_str(h, "advice", "in_process");
	assert_uint(h, "wall_ns", 550 * MS);
	assert_uint(h, "union_wall_ns", 110 * MS);
	assert_uint(h, "cpu_ns", 12 * MS);
	assert_uint(h, "max_parallel", 1);
	assert_real(h, "wall_pct", 110.0 * 100 / 470);
	hinted_free(&agg);
	/* all CPU, 20 ms a run, but nested: scripts running scripts */
	p->io.spawns[0].cpu_ns = 320 * MS;
	assert_advice(p, "/bin/bash", "in_process");
	/* 10% of the wall counting each moment once: not more */
	p->io.spawns[0].union_ns = 47 * MS - 1;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* A stripped shell (no frame of its own code classed as such) forks
 * through libc's vfork: spawned from its caller, not __vfork; a stack of
 * only libc's spawn machinery names no place. */
static void test_spawns_from_past_libc(void **state)
{
	struct profile *p = fx_new("./run.sh");
	uint32_t sh_f, vfork_f, sys_f;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 400 * MS;
	sh_f = fx_frame(p, "[dash+0x1234]", "dash", CLASS_LIBRARY);
	sys_f = fx_frame(p, "posix_spawn", "libc.so.6", CLASS_RUNTIME);
	vfork_f = fx_frame(p, "__vfork", "libc.so.6", CLASS_RUNTIME);
	fx_io_spawn(p, "/bin/sleep", 200, 280 * MS,
		    FX_IO_SITE(p, 1, sh_f, sys_f, vfork_f));
	/* a shell's own C code is no place in the script: the script */
	h = only_hint(p, &agg);
	assert_str(h, "location", "a dash script");
	hinted_free(&agg);
	fx_proc(p, 1, 0, "run.sh", "/usr/bin/dash");
	h = only_hint(p, &agg);
	assert_str(h, "location", "the run.sh script (dash)");
	assert_non_null(strstr(h->text, ", spawned from the run.sh script "
				       "(dash): "));
	hinted_free(&agg);
	/* no frame but libc's: the shell's process names the script */
	p->io.sites[0].frames[0] = vfork_f;
	h = only_hint(p, &agg);
	assert_str(h, "location", "the run.sh script (dash)");
	hinted_free(&agg);
	/* ... which another program's does not */
	free(p->procs[0].exe);
	p->procs[0].exe = fx_strdup("/usr/bin/make");
	h = only_hint(p, &agg);
	assert_null(strstr(h->text, "spawned from"));
	hinted_free(&agg);
	fx_free(p);
}

/* A pipeline's sed and grep run at once, 300 times: each one's wall time
 * counts what the other ran meanwhile; the hint quotes its time on the
 * critical path, which counts each moment once, and says it overlapped. */
static void test_spawns_share_of_the_path(void **state)
{
	struct profile *p = fx_new("./loop.sh");
	struct critical_program *cp;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1750 * MS;
	spawn_known(p, "/usr/bin/sed", 300, 480 * MS, 480 * MS, 300 * MS, 1);
	p->critical.ns = 1750 * MS;
	p->critical.n_programs = 2;
	cp = p->critical.programs = fx_grow(NULL, 0, 2 * sizeof(*cp));
	memset(cp, 0, 2 * sizeof(*cp));
	cp[0].name = fx_strdup("bash");
	cp[0].ns = 1557 * MS;
	cp[1].name = fx_strdup("sed");
	cp[1].ns = 193 * MS;
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/usr/bin/sed ran 300 times (1.6 ms on average, 480 ms in "
		    "all; 193 ms on the critical path = 11% of wall time, its "
		    "runs overlapping other programs the rest of their 480 ms "
		    "(27% of wall time, counting the overlap)): doing the "
		    "work in-process or in fewer, larger runs would remove "
		    "most of it.");
	assert_real(h, "wall_pct", 193.0 * 100 / 1750);
	assert_uint(h, "critical_path_ns", 193 * MS);
	hinted_free(&agg);
	/* on the path for most of its runs: no overlap to speak of */
	cp[1].ns = 400 * MS;
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/usr/bin/sed ran 300 times (1.6 ms on average, 480 ms in "
		    "all; 400 ms on the critical path = 23% of wall time): "
		    "doing the work in-process or in fewer, larger runs would "
		    "remove most of it.");
	hinted_free(&agg);
	/* under 10% of the path: no hint, though its runs' union is 27% */
	cp[1].ns = 174 * MS;
	assert_int_equal(n_hints(p), 0);
	/* it ran others: its runs cost what they ran, off its own path */
	spawn_known(p, "/bin/sleep", 1, 10 * MS, 10 * MS, 0, 1)->parent =
		fx_strdup("/usr/bin/sed");
	h = only_hint(p, &agg);
	assert_real(h, "wall_pct", 480.0 * 100 / 1750);
	hinted_free(&agg);
	fx_free(p);
}

/* gzip run one at a time: its own CPU is its wall time, that is work:
 * run several at once.  In parallel already: nothing to say. */
static void test_spawns_work(void **state)
{
	struct profile *p = fx_new("./pack.sh");
	struct hinted agg;
	const struct hint *h;
	struct io_spawn *s;

	(void)state;
	p->wall_ns = 4200 * MS;
	s = spawn_known(p, "/usr/bin/gzip", 4, 4000 * MS, 4000 * MS, 3800 * MS, 1);
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/usr/bin/gzip ran 4 times, one at a time (1.00 s on "
		    "average, 4.00 s in all = 95% of wall time), 95% of it on "
		    "its own CPU: that is work, not the cost of starting "
		    "processes; running several at once (make -jN, a process "
		    "pool), where no run needs another's output, would overlap "
		    "it.");
	assert_str(h, "advice", "parallelism");
	hinted_free(&agg);
	/* overlapping one at a time: 90% of the sum at the least, or they
	 * ran inside each other, not work to spread (and 4 runs are not
	 * many enough for the cost of starting them) */
	s->union_ns = 3600 * MS;
	assert_advice(p, "/usr/bin/gzip", "parallelism");
	s->union_ns--;
	assert_int_equal(n_hints(p), 0);
	s->union_ns = 4000 * MS;
	s->max_parallel = 2;
	assert_int_equal(n_hints(p), 0);
	/* one at a time, but 30% of the wall at the least */
	s->max_parallel = 1;
	s->wall_ns = s->union_ns = s->cpu_ns = 1260 * MS;
	assert_advice(p, "/usr/bin/gzip", "parallelism");
	s->union_ns--;
	assert_int_equal(n_hints(p), 0);
	/* twice at the least */
	s->union_ns = 1260 * MS;
	s->count = 1;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* The program that ran them has its own way: xargs -P, make -j, find's
 * -exec {} + (one run for many files) or piping its list to xargs. */
static void test_spawns_spawner_way(void **state)
{
	static const struct {
		const char *parent, *way;
	} ways[] = {
		{ "/usr/bin/xargs", "(xargs -P N), where no run needs another's" },
		{ "/usr/bin/make", "(make -jN), where no run needs another's" },
		{ "/usr/bin/find", "(find … -print0 | xargs -0 -P N), "
				   "where" },
		{ "/usr/bin/sh", "(each run in the background and one wait "
				 "after the loop, or xargs -P N), where" },
		{ "/usr/bin/python3", "(make -jN, a process pool), "
				      "where" },
	};
	struct profile *p;
	struct hinted agg;
	const struct hint *h;
	struct io_spawn *s;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ways); i++) {
		p = fx_new("./pack.sh");
		p->wall_ns = 4200 * MS;
		s = spawn_known(p, "/usr/bin/gzip", 4, 4000 * MS, 4000 * MS,
				3800 * MS, 1);
		s->parent = fx_strdup(ways[i].parent);
		h = only_hint(p, &agg);
		assert_non_null(strstr(h->text, ways[i].way));
		hinted_free(&agg);
		fx_free(p);
	}
	p = fx_new("find");
	p->wall_ns = 1280 * MS;
	s = spawn_known(p, "/usr/bin/grep", 763, 812 * MS, 812 * MS,
			300 * MS, 1);
	s->parent = fx_strdup("/usr/bin/find");
	h = only_hint(p, &agg);
	assert_str(h, "advice", "in_process");
	assert_non_null(strstr(h->text, ": doing the work in-process or in "
			       "fewer, larger runs (find's -exec … {} + in "
			       "place of -exec … \\;: one run for many "
			       "files) would remove most of it."));
	hinted_free(&agg);
	free(s->parent);
	s->parent = fx_strdup("/usr/bin/xargs");	/* it batches already */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "in fewer, larger runs would remove"));
	hinted_free(&agg);
	fx_free(p);
}

/*
 * fetch.sh runs curl 40 times, one at a time, each waiting 20 ms of its
 * 30 on the server: waits that runs at once would overlap, not the cost
 * of starting them (the in-process advice would leave the waits).  Under
 * half of their time waiting, or runs at once: that advice as before.
 */
static void test_spawns_overlap_waits(void **state)
{
	struct profile *p = fx_new("./fetch.sh");
	uint32_t main_f, pid;
	struct hinted agg;
	const struct hint *h;
	struct io_spawn *s;

	(void)state;
	p->wall_ns = 1250 * MS;
	s = spawn_known(p, "/usr/bin/curl", 40, 1200 * MS, 1200 * MS,
			400 * MS, 1);
	main_f = fx_frame(p, "[curl+0x1b540]", "curl", CLASS_APP);
	for (pid = 10; pid < 50; pid++) {
		fx_proc(p, pid, 1, "curl", "/usr/bin/curl");
		FX_WAIT(p, pid, pid, 1, WAIT_NETWORK, 20 * MS,
			"poll to 127.0.0.1:18777", main_f);
	}
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/usr/bin/curl ran 40 times, one at a time (30 ms on "
		    "average, 1.20 s in all = 96% of wall time), 67% of it "
		    "waiting on the network: running several at once (make "
		    "-jN, a process pool), where no run needs another's output, "
		    "would overlap those waits.");
	assert_str(h, "advice", "overlap_waits");
	assert_str(h, "wait", "network");
	assert_uint(h, "wait_ns", 800 * MS);
	hinted_free(&agg);
	/* runs at once already */
	s->max_parallel = 2;
	assert_advice(p, "/usr/bin/curl", "in_process");
	/* under half of their time waiting */
	s->max_parallel = 1;
	s->wall_ns = s->union_ns = 1601 * MS;
	assert_advice(p, "/usr/bin/curl", "in_process");
	s->wall_ns = s->union_ns = 1600 * MS;
	assert_advice(p, "/usr/bin/curl", "overlap_waits");
	fx_free(p);
}

/*
 * cmake -E run 50 times, each 20 ms all on its CPU, 60% of it in the
 * dynamic loader binding libstdc++'s symbols before main: the cost of
 * starting it, not work to run in parallel.  Its samples say so (the
 * stacks rooted at ld.so's _start); another program's do not count,
 * and its own count when run through a link of another name (by comm).
 */
/*
 * A script polls for a file with sleep 0.1, 15 times: the runs are
 * sleeps, and the advice is about waiting, not starting processes; with
 * under half of their time asleep, the usual advice.
 */
static void test_spawns_sleeps(void **state)
{
	struct profile *p = fx_new("./poll.sh");
	uint32_t main_f, pid;
	struct hinted agg;
	const struct hint *h;
	struct io_spawn *s;

	(void)state;
	p->wall_ns = 1550 * MS;
	s = spawn_known(p, "/usr/bin/sleep", 15, 1500 * MS, 1500 * MS,
			30 * MS, 1);
	main_f = fx_frame(p, "[sleep+0x6420]", "sleep", CLASS_APP);
	for (pid = 10; pid < 25; pid++) {
		fx_proc(p, pid, 1, "sleep", "/usr/bin/sleep");
		FX_WAIT(p, pid, pid, 1, WAIT_SLEEP, 98 * MS, NULL, main_f);
	}
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/usr/bin/sleep ran 15 times (100 ms on average, 1.50 s "
		    "in all = 97% of wall time), 98% of it sleeping: the "
		    "script waits on a timer, not on work — sleep less or "
		    "poll less often, or wait for the event itself "
		    "(inotifywait for a file, wait for a process) instead of "
		    "sleeping.");
	assert_str(h, "advice", "sleeps");
	hinted_free(&agg);
	s->wall_ns = s->union_ns = 2941 * MS;	/* 1.47 s asleep: < 50% */
	p->wall_ns = 3000 * MS;
	assert_advice(p, "/usr/bin/sleep", "in_process");
	fx_free(p);
}

static void test_spawns_loading(void **state)
{
	struct profile *p = fx_new("cmake");
	uint32_t ld_start, lookup, start, cmain, work;
	struct hinted agg;
	const struct hint *h;
	size_t i;

	(void)state;
	p->wall_ns = 1000 * MS;
	spawn_known(p, "/usr/bin/cmake", 50, 1000 * MS, 1000 * MS,
			1000 * MS, 1);
	fx_proc(p, 10, 1, "cmake", "/usr/bin/cmake");
	fx_proc(p, 11, 1, "cmake", "/usr/bin/cmake");
	fx_proc(p, 12, 1, "other", "/usr/bin/other");
	ld_start = fx_frame(p, "_start", "ld-linux-x86-64.so.2", CLASS_RUNTIME);
	lookup = fx_frame(p, "do_lookup_x", "ld-linux-x86-64.so.2",
			  CLASS_RUNTIME);
	start = fx_frame(p, "_start", "cmake", CLASS_APP);
	cmain = fx_frame(p, "main", "cmake", CLASS_APP);
	work = fx_frame(p, "cmcmd::ExecuteCMakeCommand", "cmake", CLASS_APP);
	FX_STACK(p, 10, 10, 400, ld_start, lookup);
	FX_STACK(p, 11, 11, 200, ld_start, lookup);
	FX_STACK(p, 10, 10, 400, start, cmain, work);
	FX_STACK(p, 12, 12, 900, ld_start, lookup);	/* not cmake's */
	h = only_hint(p, &agg);
	assert_text(h, "spawns",
		    "/usr/bin/cmake ran 50 times (20 ms on average, 1.00 s in "
		    "all = 100% of wall time), 60% of their CPU in the dynamic "
		    "loader as they started, before main: doing the work "
		    "in-process or in fewer, larger runs would remove most of "
		    "it.");
	assert_str(h, "advice", "in_process");
	assert_uint(h, "loading_cpu_ns", 600 * MS);
	hinted_free(&agg);
	/* run through a link of another name: its processes by their comm */
	for (i = 0; i < 2; i++) {
		free(p->procs[i].exe);
		p->procs[i].exe = fx_strdup("/usr/libexec/cmake-3.25");
	}
	assert_advice(p, "/usr/bin/cmake", "in_process");
	/* a lazy binding later, under the program's own _start, is not */
	p->stacks[0].frames[0] = start;
	p->stacks[1].frames[0] = start;
	assert_advice(p, "/usr/bin/cmake", "parallelism");
	fx_free(p);
}

/* Work is half the time with a run going on its own CPU, and 5 ms of it
 * a run: less, it is waiting, or the start-up of a short program. */
static void test_spawns_work_thresholds(void **state)
{
	struct profile *p = fx_new("./loop.sh");
	struct io_spawn *s;

	(void)state;
	p->wall_ns = 1000 * MS;
	s = spawn_known(p, "/bin/x", 20, 400 * MS, 400 * MS, 200 * MS, 1);
	assert_advice(p, "/bin/x", "parallelism");
	s->cpu_ns--;		/* under half: waiting, started many times */
	assert_advice(p, "/bin/x", "in_process");
	/* all CPU, but 1 ms a run: date, started 400 times */
	s->count = 400;
	s->cpu_ns = 400 * MS;
	assert_advice(p, "/bin/x", "in_process");
	s->count = 80;		/* 5 ms a run */
	assert_advice(p, "/bin/x", "parallelism");
	/* beside each other, CPU adds up against the union: 62% of it, if
	 * only 31% of the runs' sum: work, and parallel already */
	s->max_parallel = 2;
	s->count = 40;
	s->wall_ns = 800 * MS;
	s->cpu_ns = 250 * MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* The gcc driver waits for cc1, which does the work (side by side): a
 * launcher, no hint of its own, and none for cc1; when cc1 is under half
 * of its time, the rest is the driver's own cost. */
static void test_spawns_launcher(void **state)
{
	struct profile *p = fx_new("make -j2");
	struct io_spawn *cc1;

	(void)state;
	p->wall_ns = 470 * MS;
	spawn_known(p, "/usr/bin/gcc", 12, 860 * MS, 465 * MS, 24 * MS, 2);
	cc1 = spawn_known(p, "/usr/lib/gcc/cc1", 11, 730 * MS, 420 * MS,
			  500 * MS, 2);
	cc1->parent = fx_strdup("/usr/bin/gcc");
	assert_int_equal(n_hints(p), 0);
	/* cc1 just under half of gcc's time */
	cc1->union_ns = 232 * MS;
	cc1->cpu_ns = 232 * MS;
	assert_advice(p, "/usr/bin/gcc", "in_process");
	/* run by another program: not gcc's work */
	cc1->union_ns = 420 * MS;
	free(cc1->parent);
	cc1->parent = fx_strdup("/usr/bin/clang");
	assert_advice(p, "/usr/bin/gcc", "in_process");
	fx_free(p);
}

/*
 * pip through a pyenv shim: bash ran 21 times, one of them waiting 1.74 s
 * for pip, which waits on its builds half the time (no work of its own
 * by the CPU rule): a run that long is the program, not a start-up, and
 * bash a launcher; pip's runs 99 ms on average, bash's cost again.
 */
static void test_spawns_launcher_long_child(void **state)
{
	struct profile *p = fx_new("pip install .");
	struct io_spawn *pip;
	struct hinted agg;

	(void)state;
	p->wall_ns = 1920 * MS;
	spawn_known(p, "/usr/bin/bash", 21, 2140 * MS, 1915 * MS, 97 * MS, 1);
	pip = spawn_known(p, "/home/u/.pyenv/versions/3.11.7/bin/pip", 1,
			  1744 * MS, 1744 * MS, 841 * MS, 1);
	pip->parent = fx_strdup("/usr/bin/bash");
	assert_int_equal(n_hints(p), 0);
	pip->count = 18;	/* 96.9 ms a run: a hint each */
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 2);
	assert_str(&agg.hints[0], "program", "/usr/bin/bash");
	assert_str(&agg.hints[0], "advice", "in_process");
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spawns),
		cmocka_unit_test(test_spawns_function_no_hint),
		cmocka_unit_test(test_spawns_thresholds),
		cmocka_unit_test(test_spawns_nested_once),
		cmocka_unit_test(test_spawns_share_of_the_path),
		cmocka_unit_test(test_spawns_from_past_libc),
		cmocka_unit_test(test_spawns_work),
		cmocka_unit_test(test_spawns_overlap_waits),
		cmocka_unit_test(test_spawns_sleeps),
		cmocka_unit_test(test_spawns_spawner_way),
		cmocka_unit_test(test_spawns_work_thresholds),
		cmocka_unit_test(test_spawns_loading),
		cmocka_unit_test(test_spawns_launcher),
		cmocka_unit_test(test_spawns_launcher_long_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
