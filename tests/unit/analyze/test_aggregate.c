// SPDX-License-Identifier: GPL-2.0
/* Aggregation and call-path folding, on hand-built profiles. */
#include "profile_fixture.h"
#include "path_check.h"

#include "analyze/aggregate.h"
#include "lib/util.h"

static void aggregate_ok(const struct profile *p, struct aggregate *agg)
{
	assert_int_equal(aggregate_profile(p, agg), 0);
}

/* a→b→a→b puts a and b on the stack twice: each counts once per sample. */
static void test_recursion_counts_once(void **state)
{
	struct profile *p = fx_new("rec");
	const struct func_stat *a, *b;
	struct aggregate agg;
	uint32_t fa, fb;

	(void)state;
	fa = fx_frame(p, "a", "rec", CLASS_APP);
	fb = fx_frame(p, "b", "rec", CLASS_APP);
	FX_STACK(p, 1, 1, 10, fa, fb, fa, fb);
	FX_STACK(p, 1, 1, 5, fa);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.samples, 15);
	assert_int_equal(agg.time.ns[WAIT_NONE], 15 * FX_PERIOD_NS);
	a = agg_func(&agg, "a", "rec");
	b = agg_func(&agg, "b", "rec");
	assert_int_equal(a->self, 5);
	assert_int_equal(a->total, 15);
	assert_int_equal(a->total_ns, 15 * FX_PERIOD_NS);
	assert_int_equal(b->self, 10);
	assert_int_equal(b->total, 10);
	assert_int_equal(b->self_ns, 10 * FX_PERIOD_NS);
	/* b is hotter by self, so first. */
	assert_string_equal(agg.funcs[0].name, "b");
	aggregate_free(&agg);
	fx_free(p);
}

/* Frames of one (name, module) at different lines are one function. */
static void test_function_identity_and_line(void **state)
{
	struct profile *p = fx_new("id");
	const struct func_stat *fm, *fn, *main_f;
	struct aggregate agg;
	uint32_t m, f10, f20, fother;

	(void)state;
	m = fx_frame_at(p, "main", "id", CLASS_APP, "main.c", 5);
	f10 = fx_frame_at(p, "f", "libm.so", CLASS_LIBRARY, "f.c", 10);
	f20 = fx_frame_at(p, "f", "libm.so", CLASS_LIBRARY, "f.c", 20);
	fother = fx_frame(p, "f", "other.so", CLASS_LIBRARY);
	FX_STACK(p, 1, 1, 5, m, f10);
	FX_STACK(p, 1, 1, 8, m, f20);
	FX_STACK(p, 1, 1, 3, m, fother);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.n_funcs, 3);
	fm = agg_func(&agg, "f", "libm.so");
	assert_int_equal(fm->self, 13);
	assert_int_equal(fm->total, 13);
	assert_string_equal(fm->file, "f.c");
	assert_int_equal(fm->line, 20);
	fn = agg_func(&agg, "f", "other.so");
	assert_int_equal(fn->self, 3);
	assert_null(fn->file);
	/* No self samples: the line is the call site. */
	main_f = agg_func(&agg, "main", "id");
	assert_int_equal(main_f->self, 0);
	assert_int_equal(main_f->total, 16);
	assert_string_equal(main_f->file, "main.c");
	assert_int_equal(main_f->line, 5);
	/* Same functions, different lines: one path. */
	assert_int_equal(agg.n_paths, 2);
	assert_int_equal(agg.paths[0].samples, 13);
	aggregate_free(&agg);
	fx_free(p);
}

/* A script whose imports ran on the CPU at line 1 and whose requests
 * waited longer at line 4: its line is 4, where its time went; a wait
 * for a CPU is the machine's, not the line's. */
static void test_function_line_by_own_time(void **state)
{
	struct profile *p = fx_new("python3 dl.py");
	const struct func_stat *mod;
	struct aggregate agg;
	uint32_t imp, req, rd, ssl;

	(void)state;
	imp = fx_frame_at(p, "<module>", "dl.py", CLASS_APP, "dl.py", 1);
	req = fx_frame_at(p, "<module>", "dl.py", CLASS_APP, "dl.py", 4);
	rd = fx_frame_at(p, "<module>", "dl.py", CLASS_APP, "dl.py", 5);
	ssl = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 50, imp);
	FX_STACK(p, 1, 1, 5, rd);
	FX_WAIT(p, 1, 1, 20, WAIT_NETWORK, 49 * FX_PERIOD_NS, NULL, req, ssl);
	FX_WAIT(p, 1, 1, 5, WAIT_CPU, 90 * FX_PERIOD_NS, NULL, rd, ssl);
	aggregate_ok(p, &agg);
	mod = agg_func(&agg, "<module>", "dl.py");
	assert_int_equal(mod->line, 1);	/* 50 samples against 49 */
	aggregate_free(&agg);
	p->stacks[2].ns = 51 * FX_PERIOD_NS;
	aggregate_ok(p, &agg);
	mod = agg_func(&agg, "<module>", "dl.py");
	assert_int_equal(mod->line, 4);
	aggregate_free(&agg);
	fx_free(p);
}

static void test_paths_merge_across_threads(void **state)
{
	struct profile *p = fx_new("mt");
	const struct proc_stat *ps;
	struct aggregate agg;
	uint32_t m, w, x;

	(void)state;
	fx_proc(p, 100, 1, "server", "/srv/server");
	fx_thread(p, 100, 101, "worker");
	fx_proc(p, 200, 100, "helper", NULL);
	m = fx_frame(p, "main", "server", CLASS_APP);
	w = fx_frame(p, "work", "server", CLASS_APP);
	x = fx_frame(p, "idle", "server", CLASS_APP);
	FX_STACK(p, 100, 100, 10, m, w);
	FX_STACK(p, 100, 101, 20, m, w);
	FX_STACK(p, 200, 200, 5, m, w);
	FX_STACK(p, 300, 300, 1, m, x);		/* no records at all */
	aggregate_ok(p, &agg);

	assert_int_equal(agg.n_paths, 2);
	assert_int_equal(agg.paths[0].samples, 35);
	assert_int_equal(agg.paths[0].ns, 35 * FX_PERIOD_NS);
	assert_path(&agg, 0, "main → work");

	assert_int_equal(agg.n_procs, 3);
	assert_int_equal(agg.n_threads, 4);
	ps = &agg.procs[0];
	assert_int_equal(ps->pid, 100);
	assert_int_equal(ps->ppid, 1);
	assert_string_equal(ps->comm, "server");
	assert_string_equal(ps->exe, "/srv/server");
	assert_int_equal(ps->samples, 30);
	assert_int_equal(ps->n_threads, 2);
	assert_int_equal(ps->threads[0].tid, 101);
	assert_string_equal(ps->threads[0].comm, "worker");
	assert_int_equal(ps->threads[1].tid, 100);
	assert_ptr_equal(agg.threads, ps->threads);
	ps = &agg.procs[1];
	assert_int_equal(ps->pid, 200);
	assert_null(ps->exe);
	assert_string_equal(ps->threads[0].comm, "helper");
	assert_ptr_equal(&agg.threads[2], ps->threads);
	ps = &agg.procs[2];
	assert_int_equal(ps->pid, 300);
	assert_int_equal(ps->ppid, 0);
	assert_string_equal(ps->comm, "");
	aggregate_free(&agg);
	fx_free(p);
}

static void test_path_folding(void **state)
{
	static const char *const msort[] = {
		"msort_a", "msort_b", "msort_c", "msort_d", "msort_e",
	};
	struct profile *p = fx_new("fold");
	struct aggregate agg;
	uint32_t f[16], n = 0, i, m, parse, g, h, cb, lib3[3], k[4];

	(void)state;
	m = fx_frame(p, "main", "fold", CLASS_APP);
	parse = fx_frame(p, "parse", "fold", CLASS_APP);
	f[n++] = m;
	f[n++] = parse;
	f[n++] = fx_frame(p, "qsort", "libc.so.6", CLASS_RUNTIME);
	for (i = 0; i < 5; i++)
		f[n++] = fx_frame(p, msort[i], "libc.so.6", CLASS_RUNTIME);
	f[n++] = fx_frame(p, "msort_with_tmp", "libc.so.6", CLASS_RUNTIME);
	f[n++] = cb = fx_frame(p, "cmp", "fold", CLASS_APP);
	fx_stack_n(p, 1, 1, 50, f, n);

	/* Two library frames, a library and a runtime one: too short to fold. */
	g = fx_frame(p, "g", "libz.so", CLASS_LIBRARY);
	h = fx_frame(p, "h", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 40, m, g, h, cb);

	/* Three fold, even at the leaf; kernel runs fold on their own. */
	lib3[0] = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	lib3[1] = fx_frame(p, "_IO_do_write", "libc.so.6", CLASS_RUNTIME);
	lib3[2] = fx_frame(p, "__libc_write", "libc.so.6", CLASS_RUNTIME);
	k[0] = fx_frame(p, "entry_SYSCALL_64", "[kernel]", CLASS_KERNEL);
	k[1] = fx_frame(p, "do_syscall_64", "[kernel]", CLASS_KERNEL);
	k[2] = fx_frame(p, "ksys_write", "[kernel]", CLASS_KERNEL);
	k[3] = fx_frame(p, "vfs_write", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 1, 1, 30, m, lib3[0], lib3[1], lib3[2], k[0], k[1], k[2],
		 k[3]);
	FX_STACK(p, 1, 1, 20, m, lib3[0], lib3[1], lib3[2]);
	FX_STACK(p, 1, 1, 10, m, k[0], k[1]);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.n_paths, 5);
	assert_path(&agg, 0,
		    "main → parse → qsort → …(5)… → msort_with_tmp → cmp");
	assert_path(&agg, 1, "main → g → h → cmp");
	assert_path(&agg, 2, "main → write → …(1)… → __libc_write → "
		    "entry_SYSCALL_64 → …(2)… → vfs_write");
	assert_path(&agg, 3, "main → write → …(1)… → __libc_write");
	assert_path(&agg, 4, "main → entry_SYSCALL_64 → do_syscall_64");
	aggregate_free(&agg);
	fx_free(p);
}

typedef void (*print_fn)(FILE *f, const struct aggregate *agg);

/* What print writes of the aggregate of p, as one string. */
static char *describe_with(const struct profile *p, print_fn print)
{
	struct aggregate agg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	aggregate_ok(p, &agg);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	print(f, &agg);
	assert_int_equal(fclose(f), 0);
	aggregate_free(&agg);
	return text;
}

/* The names of funcs and formatted paths, in order, and the threads. */
static void print_funcs(FILE *f, const struct aggregate *agg)
{
	char *path;
	size_t i;

	for (i = 0; i < agg->n_funcs; i++)
		fprintf(f, "%s/%s %" PRIu64 " %" PRIu64 "\n",
			agg->funcs[i].name, agg->funcs[i].module,
			agg->funcs[i].self, agg->funcs[i].total);
	for (i = 0; i < agg->n_paths; i++) {
		path = path_format(agg, &agg->paths[i]);
		assert_non_null(path);
		fprintf(f, "%s %" PRIu64 "\n", path, agg->paths[i].samples);
		free(path);
	}
	for (i = 0; i < agg->n_threads; i++)
		fprintf(f, "%u/%u %" PRIu64 "\n", agg->threads[i].pid,
			agg->threads[i].tid, agg->threads[i].samples);
}

static char *describe(const struct profile *p)
{
	return describe_with(p, print_funcs);
}

/* Ties everywhere; built in one order or the reverse, same result. */
static struct profile *tie_profile(bool reversed)
{
	static const char *const names[] = { "delta", "alpha", "charlie", "bravo" };
	struct profile *p = fx_new("ties");
	uint32_t f[4], m, i, j;

	for (i = 0; i < 4; i++) {
		j = reversed ? 3 - i : i;
		f[j] = fx_frame(p, names[j], j % 2 ? "x.so" : "y.so",
				CLASS_APP);
	}
	m = fx_frame(p, "main", "ties", CLASS_APP);
	for (i = 0; i < 4; i++) {
		j = reversed ? 3 - i : i;
		FX_STACK(p, 1, 1 + j, 7, m, f[j]);
	}
	return p;
}

static void test_deterministic_ties(void **state)
{
	struct profile *p1 = tie_profile(false), *p2 = tie_profile(true);
	char *d1 = describe(p1), *d2 = describe(p2);

	(void)state;
	assert_string_equal(d1, d2);
	assert_string_equal(d1,
		"alpha/x.so 7 7\nbravo/x.so 7 7\ncharlie/y.so 7 7\n"
		"delta/y.so 7 7\nmain/ties 0 28\n"
		"main → alpha 7\nmain → bravo 7\nmain → charlie 7\n"
		"main → delta 7\n"
		"1/1 7\n1/2 7\n1/3 7\n1/4 7\n");
	free(d1);
	free(d2);
	fx_free(p1);
	fx_free(p2);
}

static void test_counters_and_empty_stacks(void **state)
{
	struct profile *p = fx_new("k");
	struct stack_sample *s;
	struct aggregate agg;
	uint32_t m, k;

	(void)state;
	m = fx_frame(p, "main", "k", CLASS_APP);
	k = fx_frame(p, "clear_page", "[kernel]", CLASS_KERNEL);
	s = FX_STACK(p, 1, 1, 6, m, k);
	s->kernel_mode = true;
	s = FX_STACK(p, 1, 1, 4, m);
	s->truncated = true;
	fx_stack_n(p, 1, 1, 2, NULL, 0);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.samples, 12);
	assert_int_equal(agg.kernel_samples, 6);
	assert_int_equal(agg.truncated_samples, 4);
	assert_int_equal(agg.empty_samples, 2);
	assert_int_equal(agg.n_paths, 2);
	assert_int_equal(agg.n_threads, 1);
	assert_int_equal(agg.threads[0].samples, 12);
	aggregate_free(&agg);
	fx_free(p);
}

/* Off-CPU intervals are not samples: they change no on-CPU figure. */
static void test_offcpu_keeps_samples_apart(void **state)
{
	struct profile *p = fx_new("io");
	const struct func_stat *fs;
	struct aggregate agg;
	uint32_t m, w, fsync;

	(void)state;
	m = fx_frame(p, "main", "io", CLASS_APP);
	w = fx_frame(p, "work", "io", CLASS_APP);
	fsync = fx_frame(p, "fsync", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 10, m, w);
	FX_WAIT(p, 1, 2, 3, WAIT_DISK, 5000000000ull, "fsync data.bin", m,
		fsync);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.samples, 10);
	assert_int_equal(agg.time.ns[WAIT_NONE], 10 * FX_PERIOD_NS);
	assert_int_equal(agg_func(&agg, "main", "io")->total, 10);
	assert_int_equal(agg.n_paths, 1);
	assert_int_equal(agg.paths[0].samples, 10);
	/* The waiting function is listed, with time but no samples. */
	assert_int_equal(agg.n_funcs, 3);
	fs = agg_func(&agg, "fsync", "libc.so.6");
	assert_int_equal(fs->self + fs->total + fs->total_ns, 0);
	assert_int_equal(fs->offcpu_ns, 5000000000ull);
	assert_int_equal(agg.n_waits, 1);
	assert_int_equal(agg.n_threads, 2);
	aggregate_free(&agg);
	fx_free(p);
}

/* 1 s on-CPU and 1 s asleep in a 2 s run: half and half. */
static void test_category_sums(void **state)
{
	struct profile *p = fx_new("nap");
	enum wait_reason order[WAIT__COUNT];
	struct aggregate agg;
	uint32_t m, w, sl;

	(void)state;
	p->wall_ns = 2000000000ull;
	m = fx_frame(p, "main", "nap", CLASS_APP);
	w = fx_frame(p, "work", "nap", CLASS_APP);
	sl = fx_frame(p, "nanosleep", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 100, m, w);
	FX_WAIT(p, 1, 1, 2, WAIT_SLEEP, 600000000ull, NULL, m, sl);
	FX_WAIT(p, 1, 1, 1, WAIT_SLEEP, 400000000ull, NULL, m, sl);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.time.ns[WAIT_NONE], 1000000000ull);
	assert_int_equal(agg.time.ns[WAIT_SLEEP], 1000000000ull);
	assert_int_equal(agg.time.offcpu_ns, 1000000000ull);
	assert_int_equal(time_total(&agg.time), p->wall_ns);
	assert_true(pct_of(agg.time.ns[WAIT_NONE], p->wall_ns) == 50.0);
	assert_true(pct_of(agg.time.ns[WAIT_SLEEP], p->wall_ns) == 50.0);
	/* Equal times: on-CPU first, by reason. */
	assert_int_equal(categories_by_time(&agg.time, order), 2);
	assert_int_equal(order[0], WAIT_NONE);
	assert_int_equal(order[1], WAIT_SLEEP);
	assert_int_equal(agg.samples, 100);
	assert_int_equal(agg.offcpu_unstacked_ns, 0);
	aggregate_free(&agg);
	fx_free(p);
}

/* Each thread's own split; threads and processes ranked by their time. */
static void test_thread_breakdown(void **state)
{
	struct profile *p = fx_new("srv");
	const struct thread_stat *t;
	const struct proc_stat *ps;
	struct aggregate agg;
	uint32_t m, w, j, r, sl;

	(void)state;
	fx_proc(p, 100, 1, "srv", "/srv/srv");
	fx_thread(p, 100, 101, "worker");
	fx_thread(p, 100, 102, "ticker");
	fx_proc(p, 200, 100, "helper", NULL);
	m = fx_frame(p, "main", "srv", CLASS_APP);
	w = fx_frame(p, "work", "srv", CLASS_APP);
	j = fx_frame(p, "pthread_join", "libc.so.6", CLASS_RUNTIME);
	r = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	sl = fx_frame(p, "nanosleep", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 50, m, w);
	FX_WAIT(p, 100, 100, 1, WAIT_LOCK, 3000000000ull, NULL, m, j);
	FX_STACK(p, 100, 101, 150, m, w);
	FX_WAIT(p, 100, 101, 40, WAIT_NETWORK, 1000000000ull, "recv", m, r);
	FX_WAIT(p, 100, 102, 20, WAIT_SLEEP, 200000000ull, NULL, m, sl);
	FX_STACK(p, 200, 200, 10, m, w);
	aggregate_ok(p, &agg);

	assert_int_equal(agg.n_procs, 2);
	ps = &agg.procs[0];
	assert_int_equal(ps->pid, 100);
	assert_int_equal(ps->samples, 200);
	assert_int_equal(ps->time.ns[WAIT_NONE], 2000000000ull);
	assert_int_equal(ps->time.ns[WAIT_NETWORK], 1000000000ull);
	assert_int_equal(ps->time.offcpu_ns, 4200000000ull);
	assert_int_equal(ps->n_threads, 3);
	/* Busiest by on-CPU and off-CPU time: 3.5 s, 2.5 s, 0.2 s. */
	t = &ps->threads[0];
	assert_int_equal(t->tid, 100);
	assert_int_equal(t->samples, 50);
	assert_int_equal(t->time.ns[WAIT_NONE], 500000000ull);
	assert_int_equal(t->time.ns[WAIT_LOCK], 3000000000ull);
	assert_int_equal(t->time.offcpu_ns, 3000000000ull);
	t = &ps->threads[1];
	assert_int_equal(t->tid, 101);
	assert_int_equal(t->time.ns[WAIT_NONE], 1500000000ull);
	assert_int_equal(t->time.ns[WAIT_NETWORK], 1000000000ull);
	assert_int_equal(t->time.ns[WAIT_LOCK], 0);
	/* Only waiting is still a thread. */
	t = &ps->threads[2];
	assert_int_equal(t->tid, 102);
	assert_string_equal(t->comm, "ticker");
	assert_int_equal(t->samples, 0);
	assert_int_equal(time_total(&t->time), 200000000ull);
	assert_int_equal(agg.procs[1].pid, 200);
	assert_int_equal(agg.n_threads, 4);
	assert_int_equal(agg.time.offcpu_ns, 4200000000ull);
	assert_int_equal(agg.time.ns[WAIT_NONE], 2100000000ull);
	aggregate_free(&agg);
	fx_free(p);
}

/*
 * main works 1 s on-CPU and waits 2 s in fetch: a function's wall time is
 * its on-CPU and off-CPU time, once per stack even when it recurs.
 */
static void test_function_wall(void **state)
{
	struct profile *p = fx_new("cli");
	const struct func_stat *fs;
	struct aggregate agg;
	uint32_t m, w, f, f2, r, k;

	(void)state;
	m = fx_frame_at(p, "main", "cli", CLASS_APP, "cli.c", 9);
	w = fx_frame_at(p, "work", "cli", CLASS_APP, "cli.c", 20);
	f = fx_frame_at(p, "fetch", "cli", CLASS_APP, "cli.c", 42);
	f2 = fx_frame_at(p, "fetch", "cli", CLASS_APP, "cli.c", 47);
	r = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 1, 1, 100, m, w);
	FX_WAIT(p, 1, 1, 4, WAIT_NETWORK, 1500000000ull, "recv", m, f2, f, r,
		k);
	FX_WAIT(p, 1, 1, 1, WAIT_NETWORK, 500000000ull, "recv", m, f, r, k);
	aggregate_ok(p, &agg);

	fs = agg_func(&agg, "main", "cli");
	assert_int_equal(fs->total_ns, 1000000000ull);
	assert_int_equal(fs->offcpu_ns, 2000000000ull);
	assert_int_equal(func_wall_ns(fs), 3000000000ull);
	assert_int_equal(fs->total, 100);
	assert_int_equal(fs->self, 0);
	fs = agg_func(&agg, "fetch", "cli");
	assert_int_equal(fs->offcpu_ns, 2000000000ull);
	assert_int_equal(fs->total_ns, 0);
	/* No samples: its line is where it waits longest. */
	assert_string_equal(fs->file, "cli.c");
	assert_int_equal(fs->line, 42);
	fs = agg_func(&agg, "work", "cli");
	assert_int_equal(fs->offcpu_ns, 0);
	assert_int_equal(func_wall_ns(fs), 1000000000ull);
	/* Samples rank agg->funcs; own time (self on-CPU plus the waits a
	 * function made), then wall time, ranks by_wall. */
	assert_string_equal(agg.funcs[0].name, "work");
	fs = agg_func(&agg, "fetch", "cli");
	assert_int_equal(fs->own_offcpu_ns, 2000000000ull);
	assert_string_equal(agg.funcs[agg.by_wall[0]].name, "fetch");
	assert_string_equal(agg.funcs[agg.by_wall[1]].name, "work");
	assert_string_equal(agg.funcs[agg.by_wall[2]].name, "main");
	assert_string_equal(agg.funcs[agg.by_wall[3]].name, "recv");
	assert_string_equal(agg.funcs[agg.by_wall[4]].name, "tcp_recvmsg");
	/* Samples stay on-CPU only. */
	assert_int_equal(agg.n_paths, 1);
	assert_int_equal(agg.samples, 100);
	aggregate_free(&agg);
	fx_free(p);
}

/* The waits of a client; built in one order or the reverse. */
static struct profile *wait_profile(bool reversed)
{
	struct profile *p = fx_new("client");
	uint32_t m, f42, f50, r, k, st, cw, fw, i, j;

	m = fx_frame_at(p, "main", "client", CLASS_APP, "client.c", 90);
	f42 = fx_frame_at(p, "fetch_one", "client", CLASS_APP, "client.c", 42);
	f50 = fx_frame_at(p, "fetch_one", "client", CLASS_APP, "client.c", 50);
	r = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	st = fx_frame(p, "start_thread", "libc.so.6", CLASS_RUNTIME);
	cw = fx_frame(p, "pthread_cond_wait", "libc.so.6", CLASS_RUNTIME);
	fw = fx_frame(p, "futex_wait", "[kernel]", CLASS_KERNEL);
	for (i = 0; i < 7; i++) {
		j = reversed ? 6 - i : i;
		if (j == 0)
			FX_WAIT(p, 1, 1, 3, WAIT_NETWORK, 600000000ull,
				"recv from 127.0.0.1:8080", m, f42, r, k);
		else if (j == 1)	/* another thread, another line */
			FX_WAIT(p, 1, 2, 2, WAIT_NETWORK, 400000000ull,
				"recv from 127.0.0.1:8080", m, f50, r, k);
		else if (j == 2)
			FX_WAIT(p, 1, 1, 1, WAIT_NETWORK, 300000000ull,
				"recv from 10.0.0.2:80", m, f42, r, k);
		else if (j == 3)
			FX_WAIT(p, 1, 1, 1, WAIT_LOCK, 300000000ull, NULL, m,
				f42, r, k);
		else if (j == 4)	/* no app frame at all */
			FX_WAIT(p, 1, 3, 4, WAIT_LOCK, 200000000ull, NULL, st,
				cw, fw);
		else if (j == 5)	/* too short to keep a stack */
			fx_wait(p, fx_stack_n(p, 1, 1, 10, NULL, 0),
				WAIT_SLEEP, 50000000ull, NULL);
		else
			FX_STACK(p, 1, 1, 5, m);
	}
	return p;
}

static void test_top_waits(void **state)
{
	struct profile *p = wait_profile(false);
	const struct wait_stat *wait;
	struct aggregate agg;

	(void)state;
	aggregate_ok(p, &agg);
	assert_int_equal(agg.n_waits, 5);
	/* Merged across threads and lines: the longest one's line shows. */
	wait = &agg.waits[0];
	assert_int_equal(wait->reason, WAIT_NETWORK);
	assert_string_equal(wait->target, "recv from 127.0.0.1:8080");
	assert_int_equal(wait->ns, 1000000000ull);
	assert_int_equal(wait->count, 5);
	assert_int_equal(wait->n_funcs, 4);
	assert_string_equal(agg.funcs[wait->funcs[0]].name, "main");
	assert_string_equal(agg.funcs[wait->funcs[3]].name, "tcp_recvmsg");
	assert_string_equal(wait->where->name, "fetch_one");
	assert_int_equal(wait->where->line, 42);
	/* Equal time: by reason, then target. */
	wait = &agg.waits[1];
	assert_int_equal(wait->reason, WAIT_NETWORK);
	assert_string_equal(wait->target, "recv from 10.0.0.2:80");
	wait = &agg.waits[2];
	assert_int_equal(wait->reason, WAIT_LOCK);
	assert_null(wait->target);
	assert_string_equal(wait->where->name, "fetch_one");
	/* Without an app frame, the innermost user frame. */
	wait = &agg.waits[3];
	assert_int_equal(wait->ns, 200000000ull);
	assert_string_equal(wait->where->name, "pthread_cond_wait");
	/* No frames: a wait all the same, shown nowhere. */
	wait = &agg.waits[4];
	assert_int_equal(wait->reason, WAIT_SLEEP);
	assert_int_equal(wait->n_funcs, 0);
	assert_null(wait->where);
	assert_int_equal(wait->count, 10);
	assert_int_equal(agg.offcpu_unstacked_ns, 50000000ull);
	assert_int_equal(agg.time.ns[WAIT_SLEEP], 50000000ull);
	assert_int_equal(agg.n_paths, 1);
	aggregate_free(&agg);
	fx_free(p);
}

/* The waits, with where each shows. */
static void print_waits(FILE *f, const struct aggregate *agg)
{
	const struct wait_stat *wait;
	size_t i;

	for (i = 0; i < agg->n_waits; i++) {
		wait = &agg->waits[i];
		fprintf(f, "%d %s %s:%d %" PRIu64 "\n", wait->reason,
			wait->target ? wait->target : "-",
			wait->where ? wait->where->name : "-",
			wait->where ? wait->where->line : 0, wait->ns);
	}
}

static char *describe_waits(const struct profile *p)
{
	return describe_with(p, print_waits);
}

static void test_waits_deterministic(void **state)
{
	struct profile *p1 = wait_profile(false), *p2 = wait_profile(true);
	char *d1 = describe_waits(p1), *d2 = describe_waits(p2);

	(void)state;
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	fx_free(p1);
	fx_free(p2);
}

static void test_empty_profile(void **state)
{
	struct profile *p = fx_new("nothing");
	struct aggregate agg;

	(void)state;
	aggregate_ok(p, &agg);
	assert_int_equal(agg.samples, 0);
	assert_int_equal(agg.n_funcs, 0);
	assert_int_equal(agg.n_paths, 0);
	assert_int_equal(agg.n_procs, 0);
	aggregate_free(&agg);
	fx_free(p);
}

/* The hot lines, "file:line function samples" each. */
static void print_lines(FILE *f, const struct aggregate *agg)
{
	const struct line_stat *ls;
	size_t i;

	for (i = 0; i < agg->n_lines; i++) {
		ls = &agg->lines[i];
		fprintf(f, "%s:%d %s %" PRIu64 "\n", ls->file, ls->line,
			agg->funcs[ls->func].name, ls->samples);
	}
}

static char *describe_lines(const struct profile *p)
{
	return describe_with(p, print_lines);
}

/*
 * A Python program: Checker.check runs line 42 for 70% of the samples and
 * calls a C extension from line 43 for 30%; a stdlib function, a native
 * app and a stack with no app frame at all besides.
 */
static void test_hot_lines(void **state)
{
	static const char py[] = "/home/u/linkcheck.py";
	struct profile *p = fx_new("python3 linkcheck.py");
	uint32_t rt, mod, run, c42, c43, ext, url, k, cm, burn, cpy;
	struct stack_sample *s;
	char *lines;

	(void)state;
	rt = fx_frame(p, "Py_RunMain", "libpython3.12.so.1.0", CLASS_RUNTIME);
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP, py, 90);
	run = fx_frame_at(p, "Checker.run", "linkcheck.py", CLASS_APP, py, 50);
	c42 = fx_frame_at(p, "Checker.check", "linkcheck.py", CLASS_APP, py,
			  42);
	c43 = fx_frame_at(p, "Checker.check", "linkcheck.py", CLASS_APP, py,
			  43);
	ext = fx_frame_at(p, "match_links", "_speedups.so", CLASS_LIBRARY,
			  "speedups.c", 7);
	url = fx_frame_at(p, "urlsplit", "parse.py", CLASS_LIBRARY,
			  "/usr/lib/python3.12/urllib/parse.py", 470);
	k = fx_frame(p, "clear_page_erms", "[kernel]", CLASS_KERNEL);
	cm = fx_frame_at(p, "main", "demo", CLASS_APP, "hot.c", 40);
	burn = fx_frame_at(p, "burn", "demo", CLASS_APP, "hot.c", 12);
	cpy = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 500, rt, mod, run, c42);
	s = FX_STACK(p, 1, 1, 200, rt, mod, run, c42, k);
	s->kernel_mode = true;
	FX_STACK(p, 1, 1, 300, rt, mod, run, c43, ext);
	FX_STACK(p, 1, 1, 50, rt, mod, run, url);
	FX_STACK(p, 1, 1, 10, rt);
	FX_WAIT(p, 1, 1, 3, WAIT_NETWORK, 900000000ull, NULL, rt, mod, run,
		c42);
	FX_STACK(p, 2, 2, 50, cm, burn, cpy);
	lines = describe_lines(p);
	/* Equal samples: by file, "/home..." before "hot.c". */
	assert_string_equal(lines,
		"/home/u/linkcheck.py:42 Checker.check 700\n"
		"/home/u/linkcheck.py:43 Checker.check 300\n"
		"/home/u/linkcheck.py:50 Checker.run 50\n"
		"hot.c:12 burn 50\n");
	free(lines);
	fx_free(p);
}

/* One line, two functions (a lambda); ties built in either order. */
static struct profile *line_tie_profile(bool reversed)
{
	static const char *const names[] = { "f", "f.<locals>.<lambda>", "g",
					     "h" };
	static const char *const files[] = { "a.py", "a.py", "b.py", "a.py" };
	static const int lines[] = { 7, 7, 1, 9 };
	struct profile *p = fx_new("ties");
	uint32_t f[4], i, j;

	for (i = 0; i < 4; i++) {
		j = reversed ? 3 - i : i;
		f[j] = fx_frame_at(p, names[j], files[j], CLASS_APP, files[j],
				   lines[j]);
	}
	for (i = 0; i < 4; i++) {
		j = reversed ? 3 - i : i;
		FX_STACK(p, 1, 1, 5, f[j]);
	}
	return p;
}

static void test_hot_lines_deterministic(void **state)
{
	struct profile *p1 = line_tie_profile(false);
	struct profile *p2 = line_tie_profile(true);
	char *d1 = describe_lines(p1), *d2 = describe_lines(p2);

	(void)state;
	assert_string_equal(d1, d2);
	assert_string_equal(d1, "a.py:7 f 5\na.py:7 f.<locals>.<lambda> 5\n"
			    "a.py:9 h 5\nb.py:1 g 5\n");
	free(d1);
	free(d2);
	fx_free(p1);
	fx_free(p2);
}

/* A function's symbols: each once, first seen first, at most the cap;
 * a frame without time adds none. */
static void test_function_symbols(void **state)
{
	static const char *const syms[] = { "foo.isra.0", "foo.cold",
		"foo.isra.0", "foo.part.0", "foo.part.1", "foo.part.2",
		"foo.part.3", "foo.part.4", "foo.part.5", "foo.part.6",
		"foo.part.7" };
	struct profile *p = fx_new("syms");
	const struct func_stat *fs;
	struct aggregate agg;
	uint32_t m, f, idle;
	size_t i;

	(void)state;
	m = fx_frame_at(p, "main", "syms", CLASS_APP, "main.c", 5);
	for (i = 0; i < ARRAY_SIZE(syms); i++) {
		f = fx_frame_at(p, "foo", "syms", CLASS_APP, "foo.c", 10 + i);
		p->frames[f].system_name = fx_strdup(syms[i]);
		FX_STACK(p, 1, 1, 1, m, f);
	}
	idle = fx_frame(p, "bar", "syms", CLASS_APP);
	p->frames[idle].system_name = fx_strdup("bar.cold");
	aggregate_ok(p, &agg);
	fs = agg_func(&agg, "foo", "syms");
	assert_int_equal(fs->n_symbols, AGG_MAX_SYMBOLS);
	assert_string_equal(agg.symbols[fs->first_symbol], "foo.isra.0");
	assert_string_equal(agg.symbols[fs->first_symbol + 1], "foo.cold");
	assert_string_equal(agg.symbols[fs->first_symbol + 2], "foo.part.0");
	assert_string_equal(agg.symbols[fs->first_symbol + 7], "foo.part.5");
	assert_int_equal(agg_func(&agg, "main", "syms")->n_symbols, 0);
	aggregate_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recursion_counts_once),
		cmocka_unit_test(test_function_identity_and_line),
		cmocka_unit_test(test_function_line_by_own_time),
		cmocka_unit_test(test_function_symbols),
		cmocka_unit_test(test_paths_merge_across_threads),
		cmocka_unit_test(test_path_folding),
		cmocka_unit_test(test_deterministic_ties),
		cmocka_unit_test(test_counters_and_empty_stacks),
		cmocka_unit_test(test_offcpu_keeps_samples_apart),
		cmocka_unit_test(test_category_sums),
		cmocka_unit_test(test_thread_breakdown),
		cmocka_unit_test(test_function_wall),
		cmocka_unit_test(test_top_waits),
		cmocka_unit_test(test_waits_deterministic),
		cmocka_unit_test(test_empty_profile),
		cmocka_unit_test(test_hot_lines),
		cmocka_unit_test(test_hot_lines_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
