// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules: each fires with its numbers, in its fields and its
 * text, at its thresholds, and not just below them.
 */
#include "analyze/hints_check.h"

/* ---- repeated_opens ---- */

/*
 * amalg.py reads includes again and again: read_file opens 10 files 3
 * times each from line 24 and one 4 times from line 25, expand one twice,
 * <module> one once.  read_file runs 280 of the 380 samples.  The
 * repeated files' syscalls: 520 ms of 10 s.
 */
static struct profile *amalg_profile(void)
{
	struct profile *p = fx_new("python3 amalg.py");
	uint32_t mod, rf24, rf25, rf26, ex, op, other;
	int32_t s24, s25, s33, smod;
	char path[64];
	int i;

	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "amalg.py", CLASS_APP,
			  "/home/u/amalg.py", 60);
	rf24 = fx_frame_at(p, "read_file", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 24);
	rf25 = fx_frame_at(p, "read_file", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 25);
	rf26 = fx_frame_at(p, "read_file", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 26);
	ex = fx_frame_at(p, "expand", "amalg.py", CLASS_APP,
			 "/home/u/amalg.py", 33);
	op = fx_frame(p, "open", "libc.so.6", CLASS_RUNTIME);
	other = fx_frame_at(p, "emit", "amalg.py", CLASS_APP,
			    "/home/u/amalg.py", 40);
	FX_STACK(p, 100, 100, 280, mod, rf26);
	FX_STACK(p, 100, 100, 100, mod, other);
	s24 = FX_IO_SITE(p, 100, mod, ex, rf24, op);
	s25 = FX_IO_SITE(p, 100, mod, rf25, op);
	s33 = FX_IO_SITE(p, 100, mod, ex, op);
	smod = FX_IO_SITE(p, 100, mod, op);
	fx_io_file(p, "/src/big.h", 4, 20 * MS, s25);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/src/inc/f%d.h", i);
		fx_io_file(p, path, 3, 50 * MS, s24);
	}
	fx_io_file(p, "/src/other.h", 2, 0, s33);
	fx_io_file(p, "/home/u/amalg.py", 1, 900 * MS, smod);
	return p;
}

static void test_repeated_opens(void **state)
{
	struct profile *p = amalg_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "repeated_opens",
		    "36 opens of 12 distinct files, each opened more than "
		    "once (3.0 per file); their open, read and write "
		    "syscalls took 5.2% of wall time (520 ms), and read_file "
		    "(amalg.py:24), which opened most of them, is on 28% of "
		    "wall time: caching the files' contents would remove "
		    "most of that.");
	assert_uint(h, "opens", 36);
	assert_uint(h, "files", 12);
	assert_real(h, "opens_per_file", 3.0);
	assert_uint(h, "syscall_ns", 520 * MS);
	assert_real(h, "syscall_pct", 5.2);
	assert_str(h, "location", "read_file (amalg.py:24)");
	assert_uint(h, "location_opens", 34);
	assert_real(h, "location_reopen_pct", 100.0 * 23 / 34);
	assert_real(h, "location_wall_pct", 28.0);
	/* read_file's reopens: 23 of its 34 opens, of its 28% */
	assert_real(h, "cost_pct", 28.0 * 23 / 34);
	hinted_free(&agg);
	fx_free(p);
}

/* Whoever opened fewer than half says how many, a lower bound. */
static void test_repeated_opens_spread(void **state)
{
	struct profile *p = amalg_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->io.files[11].opens = p->io.files[11].site_opens = 40;
	p->io.files[11].time_ns = 500 * MS;
	h = only_hint(p, &agg);
	/* expand: 40 of 74; it has no time of its own */
	assert_text(h, "repeated_opens",
		    "74 opens of 12 distinct files, each opened more than "
		    "once (the most: /src/other.h, 40 times); their open, read and write "
		    "syscalls took 10% of wall time (1.02 s), and expand "
		    "(amalg.py:33) opened most of them: caching the files' "
		    "contents would remove most of that.");
	assert_uint(h, "location_opens", 40);
	assert_real(h, "location_wall_pct", 0.0);
	hinted_free(&agg);

	/* read_file 31 of 64 (1 of big.h's 4 from its site), expand 30 */
	p->io.files[11].opens = p->io.files[11].site_opens = 30;
	p->io.files[0].site_opens = 1;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, ", and read_file "
			       "(amalg.py:24), which opened at least 31 of "
			       "them, is on 28% of wall time:"));
	assert_uint(h, "location_opens", 31);
	hinted_free(&agg);
	fx_free(p);
}

/* 10 files twice, no site, no samples: syscall time is the whole cost. */
static struct profile *reopen_profile(uint64_t syscall_ns)
{
	struct profile *p = fx_new("reopen");
	char path[32];
	int i;

	p->wall_ns = 10 * SEC;
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/d/%d", i);
		fx_io_file(p, path, 2, syscall_ns / 10, IO_NO_SITE);
	}
	return p;
}

static void test_repeated_opens_thresholds(void **state)
{
	struct profile *p = reopen_profile(500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	/* 10 opens beyond the first, 5% of wall: fires */
	h = only_hint(p, &agg);
	assert_text(h, "repeated_opens",
		    "20 opens of 10 distinct files, each opened more than "
		    "once (2.0 per file); their open, read and write "
		    "syscalls took 5% of wall time (500 ms): caching the "
		    "files' contents would remove most of that.");
	assert_str(h, "location", NULL);
	field(h, "location_wall_pct", HINT_NULL);
	assert_real(h, "cost_pct", 5.0);	/* the syscalls alone */
	hinted_free(&agg);

	/* 9 beyond the first */
	p->io.files[9].opens = 1;
	p->io.files[0].time_ns += 5 * SEC;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);

	/* 1 ns short of 5% */
	p = reopen_profile(500 * MS);
	p->io.files[0].time_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* Uneven opens: the files opened most, not a mean none of them has. */
static void test_repeated_opens_uneven(void **state)
{
	struct profile *p = reopen_profile(500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->io.files[3].opens = 1535;	/* 1535 of 1553: 158.7 the mean */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "1,553 opens of 10 distinct files, "
			       "each opened more than once (the most: /d/3, "
			       "1,535 times); their open, read"));
	assert_real(h, "opens_per_file", 155.3);
	assert_str(h, "most_opened", "/d/3");
	assert_uint(h, "most_opened_opens", 1535);
	hinted_free(&agg);
	p->io.files[7].opens = 1535;	/* two alike */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "3,086 opens of 10 distinct files, "
			       "each opened more than once (the most: /d/3 "
			       "1,535 times, /d/7 1,535); their open"));
	hinted_free(&agg);
	p->io.files[7].opens = 384;	/* a quarter of the first: named */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(the most: /d/3 1,535 times, /d/7 "
			       "384)"));
	hinted_free(&agg);
	p->io.files[7].opens = 383;	/* under a quarter: not */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(the most: /d/3, 1,535 times)"));
	hinted_free(&agg);
	/* not over twice the mean (4 × 10 files ≤ 2 × 22): the mean */
	p->io.files[3].opens = 4;
	p->io.files[7].opens = 2;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "22 opens of 10 distinct files, "
			       "each opened more than once (2.2 per file)"));
	hinted_free(&agg);
	p->io.files[3].opens = 5;	/* 5 × 10 > 2 × 23 */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(the most: /d/3 5 times, /d/0 2)"));
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A row whose path is not whole may be many files that end alike, each
 * opened once (57 "…/include/prov/der_ecx.h" were one row of a profile):
 * cut ("…/") and old-style tails ("x/y") count for nothing; whole paths
 * still do.
 */
static void test_repeated_opens_cut_paths(void **state)
{
	static const char *const forms[] = { "…/inc/%d/x.h", "inc/%d/x.h" };
	struct profile *p;
	struct hinted agg;
	const struct hint *h;
	size_t k;
	int i;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(forms); k++) {
		p = reopen_profile(500 * MS);
		for (i = 0; i < 10; i++) {
			free(p->io.files[i].path);
			assert_true(asprintf(&p->io.files[i].path, forms[k],
					     i) > 0);
		}
		assert_int_equal(n_hints(p), 0);
		/* one whole path among them, opened 11 times: its 10
		 * extra opens alone fire */
		free(p->io.files[0].path);
		p->io.files[0].path = strdup("/src/inc/0/x.h");
		p->io.files[0].opens = 11;
		p->io.files[0].time_ns = 500 * MS;
		h = only_hint(p, &agg);
		assert_uint(h, "opens", 11);
		assert_uint(h, "files", 1);
		assert_non_null(strstr(h->text, "11 opens of one file, "
				       "/src/inc/0/x.h; their open, read"));
		hinted_free(&agg);
		fx_free(p);
	}
}

/*
 * The function that opened them counts for the part of its opens that
 * were reopens: load opens 10 files twice (1 ms of syscalls) and n
 * others once, on 50% of wall.  Its 10 reopens are 10% of its opens
 * (n = 80): 5% of wall, fires; 81 not — a directory walk that reopens a
 * few of the directories it opens (find) is not rereading.
 */
static void test_repeated_opens_function_cost(void **state)
{
	struct profile *p = reopen_profile(1 * MS);
	struct hinted agg;
	const struct hint *h;
	struct io_file *f;
	uint32_t m, load;
	int32_t site;
	char path[32];
	size_t i;

	(void)state;
	m = fx_frame_at(p, "main", "reopen", CLASS_APP, "/s/reopen.c", 9);
	load = fx_frame_at(p, "load", "reopen", CLASS_APP, "/s/reopen.c", 4);
	site = FX_IO_SITE(p, 1, m, load);
	for (i = 0; i < p->io.n_files; i++) {
		p->io.files[i].site = site;
		p->io.files[i].site_opens = 2;
	}
	for (i = 0; i < 81; i++) {
		snprintf(path, sizeof(path), "/e/%zu", i);
		fx_io_file(p, path, 1, 0, site);
	}
	FX_STACK(p, 1, 1, 500, m, load);
	assert_int_equal(n_hints(p), 0);
	f = &p->io.files[p->io.n_files - 1];
	f->site = IO_NO_SITE;
	f->site_opens = 0;
	h = only_hint(p, &agg);
	assert_real(h, "location_reopen_pct", 10.0);
	assert_real(h, "location_wall_pct", 50.0);
	assert_real(h, "cost_pct", 5.0);	/* 10% of load's 50% */
	hinted_free(&agg);
	fx_free(p);
}

/* ---- serial_network ---- */

/*
 * linkcheck.py checks 42 links one at a time, 40 of them on
 * 127.0.0.1:8080, for 3.6 s of a 4 s run.
 */
static struct profile *linkcheck_profile(void)
{
	struct profile *p = fx_new("python3 linkcheck.py");
	struct io_endpoint *e;
	uint32_t mod, check, conn;
	int32_t site;

	p->wall_ns = 4 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP,
			  "/home/u/linkcheck.py", 30);
	check = fx_frame_at(p, "check", "linkcheck.py", CLASS_APP,
			    "/home/u/linkcheck.py", 17);
	conn = fx_frame(p, "connect", "libc.so.6", CLASS_RUNTIME);
	site = FX_IO_SITE(p, 100, mod, check, conn);
	/* inbound: never a request target */
	e = fx_io_endpoint(p, "127.0.0.1", "tcp", IO_NO_SITE);
	e->inbound = true;
	e->requests = 50;
	e->request_ns = 9 * SEC;
	e = fx_io_endpoint(p, "127.0.0.1:8080", "tcp", site);
	e->requests = 40;
	e->request_ns = 3500 * MS;
	e = fx_io_endpoint(p, "10.0.0.1:53", "udp", site);
	e->requests = 2;
	e->request_ns = 100 * MS;
	fx_io_proc(p, 100, 42, 3600 * MS, 3600 * MS, 1);
	return p;
}

static void test_serial_network(void **state)
{
	struct profile *p = linkcheck_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	/* 4 / (4 - 3.6 + 3.6 / 8) = 4.7 */
	assert_text(h, "serial_network",
		    "90% of wall time (3.60 s of 4.00 s) had a request in "
		    "flight, never more than one at once: 42 requests of "
		    "86 ms on average, 40 of them to 127.0.0.1:8080, made "
		    "from check (linkcheck.py:17): issuing them 8 at a time "
		    "could cut wall time up to 4.7×, if the server keeps up: "
		    "that assumes it answers 8 at once as fast as one.");
	assert_uint(h, "pid", 100);
	assert_uint(h, "requests", 42);
	assert_uint(h, "mean_request_ns", 85714285);
	assert_uint(h, "busy_ns", 3600 * MS);
	assert_real(h, "busy_pct", 90.0);
	assert_uint(h, "max_in_flight", 1);
	assert_str(h, "endpoint", "127.0.0.1:8080");
	assert_str(h, "location", "check (linkcheck.py:17)");
	assert_uint(h, "at_a_time", 8);
	assert_real(h, "speedup", 4.0 / 0.85);
	hinted_free(&agg);
	fx_free(p);
}

/* 3 requests, 20% of wall, nothing known of where they went. */
static void test_serial_network_thresholds(void **state)
{
	struct profile *p = fx_new("few");
	struct io_concurrency *c;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 10 * SEC;
	c = fx_io_proc(p, 1, 3, 2 * SEC, 2 * SEC, 1);
	h = only_hint(p, &agg);
	/* 10 / (10 - 2 + 2 / 3) = 1.15 */
	assert_text(h, "serial_network",
		    "20% of wall time (2.00 s of 10.00 s) had a request in "
		    "flight, never more than one at once: 3 requests of 667 "
		    "ms on average: issuing them 3 at a time could cut wall "
		    "time up to 1.2×, if the server keeps up: that assumes it "
		    "answers 3 at once as fast as one.");
	assert_str(h, "endpoint", NULL);
	assert_str(h, "location", NULL);
	assert_uint(h, "at_a_time", 3);
	hinted_free(&agg);

	c->busy_ns--;
	assert_int_equal(n_hints(p), 0);
	c->busy_ns++;
	c->requests = 2;
	assert_int_equal(n_hints(p), 0);
	c->requests = 3;
	c->max_in_flight = 2;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/*
 * Two processes fetch one at a time: each is named, and each gets the
 * endpoint it connected to.
 */
static void test_serial_network_two_procs(void **state)
{
	struct profile *p = fx_new("fetch2");
	uint32_t a, b;
	struct hinted agg;
	struct io_endpoint *e;

	(void)state;
	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "fetch", "/home/u/fetch");
	fx_proc(p, 200, 100, "fetch-child", "/home/u/fetch");
	a = fx_frame_at(p, "get_a", "fetch", CLASS_APP, "/s/fetch.c", 10);
	b = fx_frame_at(p, "get_b", "fetch", CLASS_APP, "/s/fetch.c", 20);
	e = fx_io_endpoint(p, "10.0.0.2:80", "tcp", FX_IO_SITE(p, 200, b));
	e->requests = 5;
	e->request_ns = 8 * SEC;
	e = fx_io_endpoint(p, "10.0.0.1:80", "tcp", FX_IO_SITE(p, 100, a));
	e->requests = 4;
	e->request_ns = 4 * SEC;
	fx_io_proc(p, 200, 5, 8 * SEC, 8 * SEC, 1);
	fx_io_proc(p, 100, 4, 4 * SEC, 4 * SEC, 1);
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 2);
	assert_string_equal(agg.hints[0].text,
		"In pid 200 (fetch-child), 80% of wall time (8.00 s of 10.00 "
		"s) had a request in flight, never more than one at once: 5 "
		"requests of 1.60 s on average to 10.0.0.2:80, made from "
		"get_b (fetch.c:20): issuing them 5 at a time could cut wall "
		"time up to 2.8×, if the server keeps up: that assumes it "
		"answers 5 at once as fast as one.");
	assert_str(&agg.hints[1], "endpoint", "10.0.0.1:80");
	assert_str(&agg.hints[1], "location", "get_a (fetch.c:10)");
	assert_uint(&agg.hints[1], "pid", 100);
	hinted_free(&agg);
	fx_free(p);
}

/*
 * wc.rs's main() reads 10 files three times each and counts their words
 * in count(), 85% of the run: the counting is no cost of reading them
 * again.  main's part is its time but under count (15%), and the hint
 * says so; the reopens are 20 of its 30 opens: 10%.
 */
static void test_repeated_opens_opener_calls_app(void **state)
{
	struct profile *p = fx_new("./wc");
	uint32_t m, cnt, rd, op;
	int32_t site;
	struct hinted agg;
	const struct hint *h;
	char path[32];
	int i;

	(void)state;
	p->wall_ns = 10 * SEC;
	m = fx_frame_at(p, "main::main", "wc", CLASS_APP, "/home/u/main.rs",
			13);
	cnt = fx_frame_at(p, "main::count", "wc", CLASS_APP,
			  "/home/u/main.rs", 5);
	rd = fx_frame(p, "read", "libc.so.6", CLASS_RUNTIME);
	op = fx_frame(p, "open64", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 850, m, cnt);
	FX_STACK(p, 100, 100, 100, m);
	FX_STACK(p, 100, 100, 50, m, rd);
	site = FX_IO_SITE(p, 100, m, op);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/usr/share/l%d", i);
		fx_io_file(p, path, 3, 1 * MS, site);
	}
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "repeated_opens");
	assert_non_null(strstr(h->text, "and main::main (main.rs:13), which "
				       "opened most of them, is on 15% of wall "
				       "time (not counting the program's "
				       "functions it calls): caching"));
	assert_real(h, "location_wall_pct", 15.0);
	assert_real(h, "cost_pct", 10.0);
	hinted_free(&agg);
	fx_free(p);
}

/* ---- spawns ---- */

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
		    "pool) would overlap it.");
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
		{ "/usr/bin/xargs", "(xargs -P N) would overlap it." },
		{ "/usr/bin/make", "(make -jN) would overlap it." },
		{ "/usr/bin/find", "(find … -print0 | xargs -0 -P N) would "
				   "overlap it." },
		{ "/usr/bin/sh", "(each run in the background and one wait "
				 "after the loop, or xargs -P N) would "
				 "overlap it." },
		{ "/usr/bin/python3", "(make -jN, a process pool) would "
				      "overlap it." },
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
		    "-jN, a process pool) would overlap those waits.");
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

/* ---- small_reads ---- */

static struct profile *reader_profile(uint64_t reads, uint64_t bytes,
				      uint64_t time_ns)
{
	struct profile *p = fx_new("./reader");
	struct io_file *f;
	uint32_t m;

	p->wall_ns = 10 * SEC;
	m = fx_frame_at(p, "main", "reader", CLASS_APP, "/home/u/reader.c",
			12);
	f = fx_io_file(p, "/data/data.bin", 1, time_ns, FX_IO_SITE(p, 1, m));
	f->reads = reads;
	f->read_bytes = bytes;
	return p;
}

static void test_small_reads(void **state)
{
	struct profile *p = reader_profile(1000000, 1000000, 3500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "small_reads",
		    "1,000,000 reads of /data/data.bin averaging 1 byte took "
		    "35% of wall time (3.50 s) in syscalls on the file, "
		    "opened from main (reader.c:12): reading in larger blocks "
		    "(a buffered reader) would remove most of those "
		    "syscalls.");
	assert_str(h, "path", "/data/data.bin");
	assert_uint(h, "reads", 1000000);
	assert_uint(h, "read_bytes", 1000000);
	assert_real(h, "mean_bytes", 1.0);
	assert_uint(h, "time_ns", 3500 * MS);
	assert_real(h, "time_pct", 35.0);
	assert_str(h, "location", "main (reader.c:12)");
	hinted_free(&agg);
	fx_free(p);
}

static void test_small_reads_thresholds(void **state)
{
	/* 10000 reads of 511.9999 bytes on average, 5% of wall */
	struct profile *p = reader_profile(10000, 10000 * 512 - 1, 500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "10,000 reads of "
			       "/data/data.bin averaging 512 bytes took 5% "
			       "of wall time (500 ms)"));
	hinted_free(&agg);
	/* 512 on average */
	p->io.files[0].read_bytes++;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);

	p = reader_profile(9999, 9999, 500 * MS);
	assert_int_equal(n_hints(p), 0);
	p->io.files[0].reads = p->io.files[0].read_bytes = 10000;
	assert_int_equal(n_hints(p), 1);
	p->io.files[0].time_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* ---- hot_library_function ---- */

/*
 * Of 1000 samples: re._compile 250 (200 called from expand, 50 from
 * check), re._parse 150 under it, the interpreter 300, zlib's deflate 120
 * from compress, json.loads 100 from check.
 */
static struct profile *library_profile(void)
{
	static const char re_py[] = "/usr/lib/python3.12/re/__init__.py";
	struct profile *p = fx_new("python3 amalg.py");
	uint32_t mod, ex, ch17, ch18, cz, rc, rp, ev, df, jl, work;

	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "amalg.py", CLASS_APP,
			  "/home/u/amalg.py", 60);
	ex = fx_frame_at(p, "expand", "amalg.py", CLASS_APP,
			 "/home/u/amalg.py", 33);
	ch17 = fx_frame_at(p, "check", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 17);
	ch18 = fx_frame_at(p, "check", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 18);
	cz = fx_frame_at(p, "compress", "amalg.py", CLASS_APP,
			 "/home/u/amalg.py", 50);
	work = fx_frame_at(p, "work", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 70);
	rc = fx_frame_at(p, "re._compile", "re/__init__.py", CLASS_LIBRARY,
			 re_py, 280);
	rp = fx_frame_at(p, "re._parse", "re/_parser.py", CLASS_LIBRARY,
			 "/usr/lib/python3.12/re/_parser.py", 970);
	ev = fx_frame(p, "_PyEval_EvalFrameDefault", "libpython3.12.so",
		      CLASS_RUNTIME);
	df = fx_frame(p, "deflate", "libz.so.1", CLASS_LIBRARY);
	jl = fx_frame_at(p, "json.loads", "json/__init__.py", CLASS_LIBRARY,
			 "/usr/lib/python3.12/json/__init__.py", 346);
	FX_STACK(p, 100, 100, 150, mod, ex, rc, rp);
	FX_STACK(p, 100, 100, 50, mod, ex, rc);
	FX_STACK(p, 100, 100, 50, mod, ch17, rc);
	FX_STACK(p, 100, 100, 300, mod, ch17, ev);
	FX_STACK(p, 100, 100, 120, mod, cz, df);
	FX_STACK(p, 100, 100, 100, mod, ch18, jl);
	FX_STACK(p, 100, 100, 230, mod, work);
	return p;
}

static void test_hot_library_function(void **state)
{
	struct profile *p = library_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	hints_of(p, &agg);
	/* Not the interpreter, not re._parse (called by re), not the third */
	assert_int_equal(agg.n_hints, 2);
	h = &agg.hints[0];
	assert_text(h, "hot_library_function",
		    "re._compile is on 25% of on-CPU time (2.50 s), 80% of it "
		    "called directly from expand (amalg.py:33): calling it "
		    "less often, or caching its results, would save up to "
		    "that.");
	assert_str(h, "function", "re._compile");
	assert_str(h, "module", "re/__init__.py");
	assert_uint(h, "cpu_ns", 2500 * MS);
	assert_real(h, "cpu_pct", 25.0);
	assert_str(h, "location", "expand (amalg.py:33)");
	assert_real(h, "caller_pct", 80.0);
	h = &agg.hints[1];
	assert_text(h, "hot_library_function",
		    "deflate is on 12% of on-CPU time (1.20 s), 100% of it "
		    "called directly from compress (amalg.py:50): calling it "
		    "less often, or caching its results, would save up to "
		    "that.");
	assert_str(h, "module", "libz.so.1");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * busy.py hashes in a loop: digest() calls hashlib, whose extension
 * module's C (EVP_digest, in _hashlib.cpython-311-...so) calls libcrypto:
 * that glue is Python's, not a caller of its own, so the hint names
 * digest's line for EVP_DigestFinal.  A named library's function between
 * (libssl's) is a caller, and hides the application.
 */
static void test_hot_library_through_python_glue(void **state)
{
	struct profile *p = fx_new("python3 busy.py");
	uint32_t mod, dig, glue, fin, other;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod = fx_frame_at(p, "<module>", "busy.py", CLASS_APP,
			  "/home/u/busy.py", 10);
	dig = fx_frame_at(p, "digest", "busy.py", CLASS_APP,
			  "/home/u/busy.py", 5);
	glue = fx_frame(p, "EVP_digest",
			"_hashlib.cpython-311-x86_64-linux-gnu.so",
			CLASS_RUNTIME);
	fin = fx_frame(p, "EVP_DigestFinal", "libcrypto.so.3", CLASS_LIBRARY);
	FX_STACK(p, 1, 1, 30, mod, dig, glue, fin);
	FX_STACK(p, 1, 1, 70, mod, dig);
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "hot_library_function");
	assert_str(h, "function", "EVP_DigestFinal");
	assert_str(h, "location", "digest (busy.py:5)");
	assert_real(h, "caller_pct", 100.0);
	hinted_free(&agg);
	other = fx_frame(p, "SSL_read", "libssl.so.3", CLASS_LIBRARY);
	p->stacks[0].frames[2] = other;
	assert_int_equal(n_hints(p), 1);	/* SSL_read's, from digest */
	h = only_hint(p, &agg);
	assert_str(h, "function", "SSL_read");
	hinted_free(&agg);
	fx_free(p);
}

/* json.loads alone: 10% of on-CPU time fires, 99 of 1000 samples not. */
static void test_hot_library_thresholds(void **state)
{
	struct profile *p = library_profile();
	struct hinted agg;
	const struct hint *h;
	size_t i;

	(void)state;
	/* re._compile, re._parse and deflate to the app's work */
	for (i = 0; i < 3; i++)
		p->stacks[i].n_frames = 2;
	p->stacks[4].n_frames = 2;
	h = only_hint(p, &agg);
	assert_string_equal(h->text,
		"json.loads is on 10% of on-CPU time (1.00 s), 100% of it "
		"called directly from check (amalg.py:18): calling it less "
		"often, or caching its results, would save up to that.");
	hinted_free(&agg);
	p->stacks[5].count = 99;
	p->stacks[5].ns = 990 * MS;
	p->stacks[6].count = 231;
	p->stacks[6].ns = 2310 * MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* 10 s of CPU in a run of 201 s: re._compile's 2.5 s is 25% of on-CPU
 * time but under 5% of wall, not worth a hint.  In 50 s it is 5% and
 * fires; deflate's 1.2 s (2.4%) still does not. */
static void test_hot_library_wall_threshold(void **state)
{
	struct profile *p = library_profile();

	(void)state;
	p->wall_ns = 201000 * MS;
	assert_int_equal(n_hints(p), 0);
	p->wall_ns = 50000 * MS;	/* re._compile 5%, deflate 2.4% */
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
}

/* ---- none ---- */

static void test_no_hints(void **state)
{
	struct profile *p = fx_profile_70_30();

	(void)state;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = fx_new("empty");
	assert_int_equal(n_hints(p), 0);
	/* traced, nothing found; and a wall time of 0 shares nothing */
	p->io.traced = true;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = reopen_profile(10 * SEC);
	p->wall_ns = 0;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* All rules at once: in the order of the rules. */
static void test_hint_order(void **state)
{
	struct profile *p = amalg_profile();
	struct hinted agg;
	struct io_file *f;
	uint32_t m;

	(void)state;
	m = p->stacks[0].frames[0];
	fx_io_spawn(p, "/bin/sh", 10, 1 * SEC, FX_IO_SITE(p, 100, m));
	fx_io_proc(p, 100, 5, 5 * SEC, 5 * SEC, 1);
	f = fx_io_file(p, "/data/x", 1, 1 * SEC, IO_NO_SITE);
	f->reads = 20000;
	f->read_bytes = 20000;
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 4);
	assert_string_equal(agg.hints[0].rule, "repeated_opens");
	assert_string_equal(agg.hints[1].rule, "serial_network");
	assert_string_equal(agg.hints[2].rule, "spawns");
	assert_string_equal(agg.hints[3].rule, "small_reads");
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeated_opens),
		cmocka_unit_test(test_repeated_opens_opener_calls_app),
		cmocka_unit_test(test_repeated_opens_spread),
		cmocka_unit_test(test_repeated_opens_thresholds),
		cmocka_unit_test(test_repeated_opens_function_cost),
		cmocka_unit_test(test_repeated_opens_cut_paths),
		cmocka_unit_test(test_repeated_opens_uneven),
		cmocka_unit_test(test_serial_network),
		cmocka_unit_test(test_serial_network_thresholds),
		cmocka_unit_test(test_serial_network_two_procs),
		cmocka_unit_test(test_spawns),
		cmocka_unit_test(test_spawns_thresholds),
		cmocka_unit_test(test_spawns_nested_once),
		cmocka_unit_test(test_spawns_share_of_the_path),
		cmocka_unit_test(test_spawns_from_past_libc),
		cmocka_unit_test(test_spawns_work),
		cmocka_unit_test(test_spawns_overlap_waits),
		cmocka_unit_test(test_spawns_spawner_way),
		cmocka_unit_test(test_spawns_work_thresholds),
		cmocka_unit_test(test_spawns_loading),
		cmocka_unit_test(test_imports),
		cmocka_unit_test(test_imports_folded),
		cmocka_unit_test(test_imports_processes),
		cmocka_unit_test(test_imports_site_pth),
		cmocka_unit_test(test_spawns_launcher),
		cmocka_unit_test(test_small_reads),
		cmocka_unit_test(test_small_reads_thresholds),
		cmocka_unit_test(test_hot_library_function),
		cmocka_unit_test(test_hot_library_through_python_glue),
		cmocka_unit_test(test_hot_library_thresholds),
		cmocka_unit_test(test_hot_library_wall_threshold),
		cmocka_unit_test(test_no_hints),
		cmocka_unit_test(test_hint_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
