// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about threads and processes waiting for each other:
 * gil, lock_contention (hints_threads.c), and serial_network's estimate
 * bounded by a server traced on the same machine (hints_io.c); and
 * sleeps (hints_sleeps.c), the program waiting on a timer.
 */
#include "analyze/hints_check.h"

/* ---- gil ---- */

/*
 * gil.py: four threads run spin, each 25 samples (250 ms) on CPU and
 * wait_ns for the GIL in spin; the main thread waits 10 ms for it in
 * <module>.  Wall 4 s.
 */
static struct profile *gil_profile(enum wait_reason reason, uint64_t wait_ns)
{
	struct profile *p = fx_new("python3 gil.py");
	uint32_t boot, spin, mod, cond, fut;
	uint32_t tid;

	p->wall_ns = 4 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	boot = fx_frame_at(p, "Thread._bootstrap", "threading.py",
			   CLASS_RUNTIME, "/usr/lib/python3.11/threading.py",
			   995);
	spin = fx_frame_at(p, "spin", "gil.py", CLASS_APP, "/home/u/gil.py",
			   5);
	mod = fx_frame_at(p, "<module>", "gil.py", CLASS_APP,
			  "/home/u/gil.py", 12);
	cond = fx_frame(p, "pthread_cond_timedwait", "libc.so.6",
			CLASS_RUNTIME);
	fut = fx_frame(p, "futex_wait", "[kernel]", CLASS_KERNEL);
	for (tid = 101; tid <= 104; tid++) {
		fx_thread(p, 100, tid, "python3");
		FX_STACK(p, 100, tid, 25, boot, spin);
		FX_WAIT(p, 100, tid, 40, reason, wait_ns, NULL, boot, spin,
			cond, fut);
	}
	FX_WAIT(p, 100, 100, 1, reason, 10 * MS, NULL, mod, cond, fut);
	return p;
}

static void test_gil(void **state)
{
	struct profile *p = gil_profile(WAIT_GIL, 750 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "gil",
		    "4 threads ran spin (gil.py:5) but only one held the GIL "
		    "at a time: 3.00 s of waiting for it in all, against "
		    "1.00 s on CPU — use processes (multiprocessing, "
		    "concurrent.futures.ProcessPoolExecutor) or code that "
		    "releases the GIL.");
	assert_uint(h, "pid", 100);
	assert_uint(h, "threads", 4);
	assert_uint(h, "wait_ns", 3 * SEC);
	assert_real(h, "wait_pct", 75.0);
	assert_uint(h, "process_wait_ns", 3010 * MS);
	assert_uint(h, "cpu_ns", 1 * SEC);
	assert_str(h, "location", "spin (gil.py:5)");
	hinted_free(&agg);
	fx_free(p);

	/* the same waits on another lock: not the GIL */
	p = gil_profile(WAIT_LOCK, 750 * MS);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

static void test_gil_thresholds(void **state)
{
	/* 4 × 97.5 ms + 10 ms = 400 ms: 10% of wall */
	struct profile *p = gil_profile(WAIT_GIL, 97500000);
	size_t i;

	(void)state;
	assert_int_equal(n_hints(p), 1);
	p->stacks[p->n_stacks - 1].ns--;
	assert_int_equal(n_hints(p), 0);
	p->stacks[p->n_stacks - 1].ns = 10 * MS;
	/* one thread that waited: nothing to take turns with */
	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].tid != 101 && p->stacks[i].tid != 100)
			p->stacks[i].reason = WAIT_LOCK;
	p->stacks[p->n_stacks - 1].ns = 4 * SEC;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* ---- lock_contention ---- */

/* mutex4: three threads wait wait_ns in all for a lock held in
 * critical_work (taken there), which ran 1 s of CPU meanwhile.  Wall
 * 3 s. */
static struct profile *mutex_profile(uint64_t wait_ns, bool holder_known)
{
	struct profile *p = fx_new("./mutex4");
	uint32_t work, take;

	p->wall_ns = 3 * SEC;
	fx_proc(p, 100, 1, "mutex4", "/home/u/mutex4");
	work = fx_frame_at(p, "critical_work", "mutex4", CLASS_APP,
			   "/home/u/mutex4.c", 12);
	take = fx_frame_at(p, "critical_work", "mutex4", CLASS_APP,
			   "/home/u/mutex4.c", 10);
	FX_STACK(p, 100, 101, 100, work);
	p->critical.locks = calloc(1, sizeof(*p->critical.locks));
	assert_non_null(p->critical.locks);
	p->critical.n_locks = 1;
	p->critical.locks[0] = (struct critical_lock){
		.holder_frame = holder_known ? (int64_t)work : -1,
		.waiting_threads = 3, .wait_ns = wait_ns,
		.holder_cpu_ns = 1 * SEC, .waiter_frame = take,
	};
	return p;
}

static void test_lock_contention(void **state)
{
	struct profile *p = mutex_profile(4500 * MS, true);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "lock_contention",
		    "3 threads waited 4.50 s in all for a lock held in "
		    "critical_work (mutex4.c:12), which ran 1.00 s of CPU "
		    "while they waited: the work under the lock is serial — "
		    "shrink the critical section or split the lock.");
	assert_uint(h, "waiting_threads", 3);
	assert_uint(h, "wait_ns", 4500 * MS);
	assert_str(h, "holder_function", "critical_work");
	assert_str(h, "holder_file", "/home/u/mutex4.c");
	assert_uint(h, "holder_line", 12);
	assert_uint(h, "holder_cpu_ns", 1 * SEC);
	assert_str(h, "location", "critical_work (mutex4.c:12)");
	assert_null_field(h, "lock_location");
	hinted_free(&agg);
	fx_free(p);
}

/* The lock taken in worker, its holders busy in a function it calls
 * under it (the section's work): both named. */
static void test_lock_taken_elsewhere(void **state)
{
	struct profile *p = mutex_profile(4500 * MS, true);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->critical.locks[0].waiter_frame =
		fx_frame_at(p, "worker", "mutex4", CLASS_APP,
			    "/home/u/mutex4.c", 20);
	h = only_hint(p, &agg);
	assert_text(h, "lock_contention",
		    "3 threads waited 4.50 s in all for a lock taken in "
		    "worker (mutex4.c:20) and held in critical_work "
		    "(mutex4.c:12), which ran 1.00 s of CPU while they "
		    "waited: the work under the lock is serial — shrink the "
		    "critical section or split the lock.");
	assert_str(h, "lock_location", "worker (mutex4.c:20)");
	assert_str(h, "location", "critical_work (mutex4.c:12)");
	hinted_free(&agg);
	/* not known where */
	p->critical.locks[0].waiter_frame = -1;
	h = only_hint(p, &agg);
	assert_null_field(h, "lock_location");
	hinted_free(&agg);
	fx_free(p);
}

static void test_lock_contention_thresholds(void **state)
{
	struct profile *p = mutex_profile(300 * MS, true);	/* 10% */

	(void)state;
	assert_int_equal(n_hints(p), 1);
	p->critical.locks[0].wait_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	/* who held it not known: nothing to change named */
	p = mutex_profile(4500 * MS, false);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* The holder must have run under the lock 40% of one waiter's wait
 * (4.5 s / 3 threads: 600 ms): less, it signalled idle waiters (zstd's
 * pool: 22 ms against 8.3 s of four threads) and held no one up. */
static void test_lock_contention_holder_share(void **state)
{
	struct profile *p = mutex_profile(4500 * MS, true);

	(void)state;
	p->critical.locks[0].holder_cpu_ns = 600 * MS;
	assert_int_equal(n_hints(p), 1);
	p->critical.locks[0].holder_cpu_ns = 600 * MS - 1;
	assert_int_equal(n_hints(p), 0);
	p->critical.locks[0].holder_cpu_ns = 22 * MS;
	p->critical.locks[0].wait_ns = 8300 * MS;
	p->critical.locks[0].waiting_threads = 4;
	assert_int_equal(n_hints(p), 0);
	assert_false(hints_lock_serial(p, &p->critical.locks[0]));
	p->critical.locks[0].holder_cpu_ns = 830 * MS;
	assert_true(hints_lock_serial(p, &p->critical.locks[0]));
	p->critical.locks[0].waiting_threads = 0;	/* bad input */
	assert_false(hints_lock_serial(p, &p->critical.locks[0]));
	fx_free(p);
}

/* The holder slept 700 ms holding a mutex and ran 10 ms: its waits count
 * toward the 40%, and the hint says it waited holding the lock. */
static void test_lock_held_across_wait(void **state)
{
	struct profile *p = mutex_profile(4500 * MS, true);
	struct critical_lock *k = &p->critical.locks[0];
	struct hinted agg;
	const struct hint *h;
	const char *on;

	(void)state;
	k->holder_cpu_ns = 10 * MS;
	k->holder_wait_ns = 590 * MS - 1;
	k->holder_wait_reason = WAIT_SLEEP;
	assert_int_equal(n_hints(p), 0);
	k->holder_wait_ns = 700 * MS;
	assert_string_equal(hints_lock_held_wait(k, &on), "slept");
	assert_string_equal(on, "");
	h = only_hint(p, &agg);
	assert_text(h, "lock_contention",
		    "3 threads waited 4.50 s in all for a lock held in "
		    "critical_work (mutex4.c:12), which slept 700 ms holding "
		    "it (and ran 10 ms of CPU) while they waited: the threads "
		    "take turns on the lock and on that wait — do not wait "
		    "holding a lock: take it only around the shared data.");
	assert_uint(h, "holder_wait_ns", 700 * MS);
	assert_str(h, "holder_wait", "sleep");
	hinted_free(&agg);
	/* more CPU than waits: the work under the lock */
	k->holder_cpu_ns = 700 * MS;
	assert_null(hints_lock_held_wait(k, &on));
	k->holder_cpu_ns = 10 * MS;
	k->holder_wait_reason = WAIT_NETWORK;
	assert_string_equal(hints_lock_held_wait(k, &on), "waited");
	assert_string_equal(on, " on the network");
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "which waited 700 ms on the network "
				"holding it"));
	hinted_free(&agg);
	k->holder_wait_reason = WAIT__COUNT;	/* bad input */
	assert_null(hints_lock_held_wait(k, &on));
	fx_free(p);
}

/* ---- serial_network, its server on this machine ---- */

/*
 * A client (pid 100) makes 40 requests one at a time to 127.0.0.1:5000,
 * busy 3.6 s of 4 s; its server, pid 200, accepted them and ran 3.6 s of
 * CPU.  Two CPUs.
 */
static struct profile *local_server_profile(const char *endpoint)
{
	struct profile *p = fx_new("./cpuserve 40 1 90");
	uint32_t fetch, serve;
	struct io_endpoint *e;

	p->wall_ns = 4 * SEC;
	p->n_cpus = 2;
	fx_proc(p, 100, 1, "cpuserve", "/home/u/cpuserve");
	fx_proc(p, 200, 100, "srv", "/home/u/cpuserve");
	fetch = fx_frame_at(p, "fetch_one", "cpuserve", CLASS_APP,
			    "/home/u/cpuserve.c", 71);
	serve = fx_frame_at(p, "serve_work", "cpuserve", CLASS_APP,
			    "/home/u/cpuserve.c", 19);
	FX_STACK(p, 200, 201, 360, serve);
	e = fx_io_endpoint(p, endpoint, "tcp", FX_IO_SITE(p, 100, fetch));
	e->requests = 40;
	e->request_ns = 3600 * MS;
	e = fx_io_endpoint(p, "127.0.0.1", "tcp", FX_IO_SITE(p, 200, serve));
	e->inbound = true;
	fx_io_proc(p, 100, 40, 3600 * MS, 3600 * MS, 1);
	return p;
}

static void test_serial_network_local_server(void **state)
{
	struct profile *p = local_server_profile("127.0.0.1:5000");
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	/* 4 / (4 - 3.6 + 3.6 / 2) = 1.8, not 4 / (4 - 3.6 + 3.6 / 8) */
	assert_text(h, "serial_network",
		    "90% of wall time (3.60 s of 4.00 s) had a request in "
		    "flight, never more than one at once: 40 requests of 90 "
		    "ms on average to 127.0.0.1:5000, made from fetch_one "
		    "(cpuserve.c:71): issuing them 8 at a time could cut "
		    "wall time up to 1.8×, not the 4.7× of a server that "
		    "keeps up: the server, traced here (srv, pid 200), ran "
		    "3.60 s of CPU for them, which this machine's 2 CPUs "
		    "cannot do that in less than 1.80 s.");
	assert_real(h, "speedup", 4.0 / 2.2);
	assert_real(h, "speedup_if_server_keeps_up", 4.0 / 0.85);
	assert_uint(h, "server_pid", 200);
	assert_uint(h, "server_cpu_ns", 3600 * MS);
	assert_uint(h, "server_runq_ns", 0);
	hinted_free(&agg);

	/* it waited as long for a CPU as it ran: the CPUs were half busy
	 * with others, one at a time is all the server gets: 4 / 4 */
	FX_WAIT(p, 200, 201, 10, WAIT_CPU, 3600 * MS, NULL,
		p->stacks[0].frames[0]);
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "up to 1.0×, not the 4.7× of a "
			       "server that keeps up: the server, traced "
			       "here (srv, pid 200), ran 3.60 s of CPU for "
			       "them and waited 3.60 s for a CPU: as busy "
			       "as they were, this machine's 2 CPUs cannot "
			       "do that in less than 3.60 s."));
	assert_real(h, "speedup", 1.0);
	hinted_free(&agg);
	p->n_stacks--;
	free(p->stacks[p->n_stacks].frames);
	free(p->stacks[p->n_stacks].target);

	/* CPUs enough for 8 at once: the server keeps up */
	p->n_cpus = 8;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "up to 4.7×, if the server keeps "
			       "up: that assumes it answers 8 at once as "
			       "fast as one."));
	assert_real(h, "speedup", 4.0 / 0.85);
	hinted_free(&agg);
	/* CPUs not known: no bound */
	p->n_cpus = 0;
	h = only_hint(p, &agg);
	assert_real(h, "speedup", 4.0 / 0.85);
	hinted_free(&agg);
	fx_free(p);

	/* a server elsewhere: whatever runs here is not it */
	p = local_server_profile("10.0.0.1:80");
	h = only_hint(p, &agg);
	assert_real(h, "speedup", 4.0 / 0.85);
	assert_null_field(h, "server_pid");
	hinted_free(&agg);
	fx_free(p);
}

/* ---- sleeps ---- */

/*
 * sl.py: <module> sleeps n times, sleep_ns in all, and runs work for 2 s
 * (200 samples).  Wall 3.4 s.
 */
static struct profile *sleep_profile(uint64_t n, uint64_t sleep_ns)
{
	struct profile *p = fx_new("python3 sl.py");
	uint32_t mod, work, nsl, hr;

	p->wall_ns = 3400 * MS;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "sl.py", CLASS_APP, "/home/u/sl.py",
			  7);
	work = fx_frame_at(p, "work", "sl.py", CLASS_APP, "/home/u/sl.py", 4);
	nsl = fx_frame(p, "clock_nanosleep", "libc.so.6", CLASS_RUNTIME);
	hr = fx_frame(p, "hrtimer_nanosleep", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 100, 100, 200, mod, work);
	FX_WAIT(p, 100, 100, n, WAIT_SLEEP, sleep_ns, NULL, mod, nsl, hr);
	return p;
}

static void test_sleeps(void **state)
{
	struct profile *p = sleep_profile(100, 1020 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "sleeps",
		    "100 sleeps of 10 ms on average in <module> (sl.py:7) "
		    "took 1.02 s, 30% of wall time: the program waits on a "
		    "timer, not on work — poll less often, or wait on the "
		    "event itself (a condition, select/poll on the "
		    "descriptor) instead of sleeping.");
	assert_uint(h, "count", 100);
	assert_uint(h, "mean_ns", 10200000);
	assert_uint(h, "sleep_ns", 1020 * MS);
	assert_real(h, "sleep_pct", 30.0);
	assert_str(h, "location", "<module> (sl.py:7)");
	hinted_free(&agg);
	fx_free(p);

	/* the same time in one long sleep: no timer polled */
	p = sleep_profile(1, 1020 * MS);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

static void test_sleeps_thresholds(void **state)
{
	struct profile *p;

	(void)state;
	/* 20 sleeps: enough; 19: not */
	p = sleep_profile(20, 1020 * MS);
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
	p = sleep_profile(19, 1020 * MS);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	/* 340 ms is 10% of wall: enough; 1 ns less: not */
	p = sleep_profile(100, 340 * MS);
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
	p = sleep_profile(100, 340 * MS - 1);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gil),
		cmocka_unit_test(test_gil_thresholds),
		cmocka_unit_test(test_lock_contention),
		cmocka_unit_test(test_lock_taken_elsewhere),
		cmocka_unit_test(test_lock_contention_thresholds),
		cmocka_unit_test(test_lock_held_across_wait),
		cmocka_unit_test(test_lock_contention_holder_share),
		cmocka_unit_test(test_serial_network_local_server),
		cmocka_unit_test(test_sleeps),
		cmocka_unit_test(test_sleeps_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
