// SPDX-License-Identifier: GPL-2.0
/* The critical path over hand-made timelines: who held up the root
 * among threads waiting on each other: locks, wakers born during a
 * wait, timed waits, idle pools and condition variables. */
#include "critpath_check.h"

/* Two threads take turns on a lock held around guarded_update; main
 * joins them: the path runs through the holders, and the lock's waits
 * are charged to guarded_update. */
static void test_lock_holders(void **state)
{
	struct profile *p = fx_new("locks");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "locks", CLASS_APP);
	uint32_t work_f = fx_frame(p, "guarded_update", "locks", CLASS_APP);
	uint32_t lock_f = fx_frame(p, "__lll_lock_wait", "libc.so.6",
				   CLASS_RUNTIME);
	uint32_t join, a_run, b_run, b_lock;

	(void)state;
	fx_proc(p, 10, 1, "locks", "/bin/locks");
	fx_thread(p, 10, 11, "locks");
	fx_thread(p, 10, 12, "locks");
	join = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_JOIN, 100 * MS, NULL,
				      main_f));
	a_run = stack_index(p, FX_STACK(p, 10, 11, 50, main_f, work_f));
	b_run = stack_index(p, FX_STACK(p, 10, 12, 50, main_f, work_f));
	b_lock = stack_index(p, FX_WAIT(p, 10, 12, 1, WAIT_LOCK, 50 * MS, NULL,
					main_f, lock_f));
	add_wait(&b, 10, T0, T0 + 100 * MS, T0 + 100 * MS, 12, join);
	add_run(&b, 11, T0, T0 + 50 * MS, a_run);
	add_wait(&b, 12, T0, T0 + 50 * MS, T0 + 50 * MS, 11, b_lock);
	add_run(&b, 12, T0 + 50 * MS, T0 + 100 * MS, b_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_int_equal(p->stacks[a_run].cp_ns, 50 * MS);
	assert_int_equal(p->stacks[b_run].cp_ns, 50 * MS);
	assert_int_equal(p->critical.n_locks, 1);
	assert_int_equal(p->critical.locks[0].holder_frame, work_f);
	assert_int_equal(p->critical.locks[0].waiting_threads, 1);
	assert_int_equal(p->critical.locks[0].wait_ns, 50 * MS);
	assert_int_equal(p->critical.locks[0].holder_cpu_ns,
			 50 * p->period_ns);
	tl_free(&b);
	fx_free(p);
}

/* cmake reads a pipe that a grandchild writes: make ran 60 ms, then
 * forked the echo that wrote.  The wait before the echo was born is
 * make's (what led to the echo), not time the echo spent unseen. */
static void test_waker_born_during_wait(void **state)
{
	struct profile *p = fx_new("cmake");
	struct tl_builder b = { 0 };
	uint32_t cm_f = fx_frame(p, "main", "cmake", CLASS_APP);
	uint32_t mk_f = fx_frame(p, "main", "make", CLASS_APP);
	uint32_t echo_f = fx_frame(p, "echo", "cmake", CLASS_APP);
	uint32_t cm_wait, mk_run, echo_run;

	(void)state;
	fx_proc(p, 10, 1, "cmake", "/usr/bin/cmake");
	fx_proc(p, 11, 10, "make", "/usr/bin/make");
	fx_proc(p, 12, 11, "cmake", "/usr/bin/cmake");
	cm_wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_PIPE, 100 * MS,
					 NULL, cm_f));
	mk_run = stack_index(p, FX_STACK(p, 11, 11, 60, mk_f));
	echo_run = stack_index(p, FX_STACK(p, 12, 12, 40, echo_f));
	add_exec(&b, 10, T0 - MS, "/usr/bin/cmake");
	add_child(&b, 11, 10, T0 - MS / 2, "/usr/bin/make");
	add_child(&b, 12, 11, T0 + 60 * MS, "/usr/bin/cmake");
	add_wait(&b, 10, T0, T0 + 100 * MS, T0 + 100 * MS, 12, cm_wait);
	add_run(&b, 11, T0, T0 + 60 * MS, mk_run);
	add_run(&b, 12, T0 + 60 * MS + MS / 10, T0 + 100 * MS, echo_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_int_equal(p->stacks[mk_run].cp_ns, 60 * MS);
	assert_true(p->stacks[echo_run].cp_ns >= 39 * MS);
	assert_nothing_unseen(p);
	tl_free(&b);
	fx_free(p);
}

/* Go's main thread (10) waits on a lock 100 ms; thread 12 releases it,
 * made at 60 ms by thread 11, which ran until then (a new M started for
 * a goroutine).  Before 12 was made, 11's work is what was waited for,
 * not 60 ms of 12 unseen. */
static void test_waker_thread_made_during_wait(void **state)
{
	struct profile *p = fx_new("gopar");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main.main", "gopar", CLASS_APP);
	uint32_t m_f = fx_frame(p, "runtime.schedule", "gopar", CLASS_RUNTIME);
	uint32_t g_f = fx_frame(p, "main.work", "gopar", CLASS_APP);
	struct cp_birth made = { .ts = T0 + 60 * MS, .pid = 10, .tid = 12,
				 .parent_tid = 11 };
	uint32_t wait, m_run, g_run;

	(void)state;
	fx_proc(p, 10, 1, "gopar", "/tmp/gopar");
	wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_LOCK, 100 * MS,
				      NULL, main_f));
	m_run = stack_index(p, FX_STACK(p, 10, 11, 60, m_f));
	g_run = stack_index(p, FX_STACK(p, 10, 12, 40, g_f));
	add_exec(&b, 10, T0 - MS, "/tmp/gopar");
	add_wait(&b, 10, T0, T0 + 100 * MS, T0 + 100 * MS, 12, wait);
	b.tl.waits[0].waker_pid = 10;
	add_run(&b, 11, T0, T0 + 60 * MS, m_run);
	add_run(&b, 12, T0 + 60 * MS + MS / 10, T0 + 100 * MS, g_run);
	b.tl.births = &made;
	b.tl.n_births = 1;
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_int_equal(p->stacks[m_run].cp_ns, 60 * MS);
	assert_true(p->stacks[g_run].cp_ns >= 39 * MS);
	assert_nothing_unseen(p);
	tl_free(&b);
	fx_free(p);
}

/* Two threads each "woken" by the other over the same time (corrupt or
 * odd data): the walk ends, the charges still add up. */
static void test_cycle_bounded(void **state)
{
	struct profile *p = fx_new("x");
	struct tl_builder b = { 0 };
	uint32_t f = fx_frame(p, "main", "x", CLASS_APP);
	uint32_t wa, wb;

	(void)state;
	fx_proc(p, 10, 1, "x", "/bin/x");
	fx_thread(p, 10, 11, "x");
	wa = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_LOCK, 10 * MS, NULL, f));
	wb = stack_index(p, FX_WAIT(p, 10, 11, 1, WAIT_LOCK, 10 * MS, NULL, f));
	add_wait(&b, 10, T0, T0 + 10 * MS, T0 + 10 * MS, 11, wa);
	add_wait(&b, 11, T0, T0 + 10 * MS, T0 + 10 * MS, 10, wb);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 10 * MS }), 0);
	assert_int_equal(cp_sum(p), 10 * MS);
	tl_free(&b);
	fx_free(p);
}

/* main polls two workers with timed waits (each ended by its timeout: no
 * waker) while they compute: the path runs through the workers' work,
 * not main's lock waits; the charges add up to the wall time. */
static void test_timed_waits_follow_workers(void **state)
{
	struct profile *p = fx_new("xz");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "xz", CLASS_APP);
	uint32_t enc_f = fx_frame(p, "lzma_encode", "liblzma.so.5",
				  CLASS_LIBRARY);
	uint32_t cond_f = fx_frame(p, "pthread_cond_timedwait", "libc.so.6",
				   CLASS_RUNTIME);
	uint32_t poll, a_run, b_run, on_cpu = 0;
	uint64_t t;
	size_t i;

	(void)state;
	fx_proc(p, 10, 1, "xz", "/bin/xz");
	fx_thread(p, 10, 11, "xz");
	fx_thread(p, 10, 12, "xz");
	poll = stack_index(p, FX_WAIT(p, 10, 10, 10, WAIT_LOCK, 300 * MS, NULL,
				      main_f, cond_f));
	a_run = stack_index(p, FX_STACK(p, 10, 11, 300, main_f, enc_f));
	b_run = stack_index(p, FX_STACK(p, 10, 12, 300, main_f, enc_f));
	for (t = T0; t < T0 + 300 * MS; t += 30 * MS)
		add_wait(&b, 10, t, t + 30 * MS, t + 30 * MS, 0, poll);
	add_run(&b, 11, T0, T0 + 300 * MS, a_run);
	add_run(&b, 12, T0, T0 + 300 * MS, b_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 300 * MS }), 0);
	assert_int_equal(cp_sum(p), 300 * MS);
	assert_int_equal(p->stacks[poll].cp_ns, 0);
	assert_int_equal(p->stacks[a_run].cp_ns + p->stacks[b_run].cp_ns,
			 300 * MS);
	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].reason == WAIT_NONE)
			on_cpu += p->stacks[i].cp_ns;
	assert_true(on_cpu * 10 >= 300 * MS * 9);
	tl_free(&b);
	fx_free(p);
}

/* The same timed waits while the other threads sat idle, or in a wait of
 * their own: main's waits stay its own. */
static void test_timed_waits_idle_siblings(void **state)
{
	struct profile *p = fx_new("x");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "x", CLASS_APP);
	uint32_t poll, idle, a_run;

	(void)state;
	fx_proc(p, 10, 1, "x", "/bin/x");
	fx_thread(p, 10, 11, "x");
	poll = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_LOCK, 100 * MS, NULL,
				      main_f));
	idle = stack_index(p, FX_WAIT(p, 10, 11, 1, WAIT_LOCK, 100 * MS, NULL,
				      main_f));
	a_run = stack_index(p, FX_STACK(p, 10, 11, 10, main_f));
	add_wait(&b, 10, T0, T0 + 100 * MS, T0 + 100 * MS, 0, poll);
	/* 10 ms of work in 100 ms: under a fair share of any piece but one */
	add_run(&b, 11, T0, T0 + 10 * MS, a_run);
	add_wait(&b, 11, T0 + 10 * MS, T0 + 100 * MS, T0 + 100 * MS, 0, idle);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_true(p->stacks[idle].cp_ns <= 5 * MS);
	assert_true(p->stacks[poll].cp_ns >= 80 * MS);
	assert_true(p->stacks[a_run].cp_ns <= 20 * MS);
	tl_free(&b);
	fx_free(p);
}

/* A network wait while a worker runs: what main waited for is the peer,
 * not the worker. */
static void test_network_wait_stays(void **state)
{
	struct profile *p = fx_new("x");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "x", CLASS_APP);
	uint32_t net, a_run;

	(void)state;
	fx_proc(p, 10, 1, "x", "/bin/x");
	fx_thread(p, 10, 11, "x");
	net = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_NETWORK, 100 * MS,
				     NULL, main_f));
	a_run = stack_index(p, FX_STACK(p, 10, 11, 100, main_f));
	add_wait(&b, 10, T0, T0 + 100 * MS, T0 + 100 * MS, 0, net);
	add_run(&b, 11, T0, T0 + 100 * MS, a_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(p->stacks[net].cp_ns, 100 * MS);
	assert_int_equal(p->stacks[a_run].cp_ns, 0);
	tl_free(&b);
	fx_free(p);
}

/* A pool of four: 11 and 12 run a job each, 13 and 14 wait for work
 * until main (10), in timed waits meanwhile, tells them to quit; then 11
 * waits for 12 on a lock while 12 and 13 run side by side.  Neither is
 * lock contention: idle workers, and work that went on in parallel. */
static void test_idle_pool_no_lock(void **state)
{
	struct profile *p = fx_new("pool");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "pool", CLASS_APP);
	uint32_t job_f = fx_frame(p, "pool_job", "pool", CLASS_APP);
	uint32_t poll, job[3], idle[2], late;
	uint32_t tid;

	(void)state;
	p->period_ns = MS;	/* a sample a ms, as add_run */
	fx_proc(p, 10, 1, "pool", "/bin/pool");
	for (tid = 11; tid <= 14; tid++)
		fx_thread(p, 10, tid, "pool");
	poll = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_LOCK, 300 * MS, NULL,
				      main_f));
	for (tid = 0; tid < 3; tid++)
		job[tid] = stack_index(p, FX_STACK(p, 10, 11 + tid, 100,
						   main_f, job_f));
	for (tid = 0; tid < 2; tid++)
		idle[tid] = stack_index(p, FX_WAIT(p, 10, 13 + tid, 1,
						   WAIT_LOCK, 300 * MS, NULL,
						   main_f));
	late = stack_index(p, FX_WAIT(p, 10, 11, 1, WAIT_LOCK, 100 * MS, NULL,
				      main_f));
	add_wait(&b, 10, T0, T0 + 300 * MS, T0 + 300 * MS, 0, poll);
	add_run(&b, 11, T0, T0 + 200 * MS, job[0]);
	add_wait(&b, 11, T0 + 200 * MS, T0 + 300 * MS, T0 + 300 * MS, 12, late);
	add_run(&b, 12, T0, T0 + 300 * MS, job[1]);
	add_wait(&b, 13, T0, T0 + 200 * MS, T0 + 200 * MS, 10, idle[0]);
	add_run(&b, 13, T0 + 200 * MS, T0 + 300 * MS, job[2]);
	add_wait(&b, 14, T0, T0 + 300 * MS, T0 + 300 * MS, 10, idle[1]);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 300 * MS }), 0);
	assert_int_equal(cp_sum(p), 300 * MS);
	assert_int_equal(p->critical.n_locks, 0);
	tl_free(&b);
	fx_free(p);
}

/* A worker waits for work that main prepares for 100 ms, then runs 5 ms:
 * one thread ran at a time, but the waiter idled, it did not contend. */
static void test_idle_waiter_no_lock(void **state)
{
	struct profile *p = fx_new("pool");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "pool", CLASS_APP);
	uint32_t prep_f = fx_frame(p, "prepare", "pool", CLASS_APP);
	uint32_t prep, wait, run, join;

	(void)state;
	p->period_ns = MS;	/* a sample a ms, as add_run */
	fx_proc(p, 10, 1, "pool", "/bin/pool");
	fx_thread(p, 10, 11, "pool");
	prep = stack_index(p, FX_STACK(p, 10, 10, 100, main_f, prep_f));
	join = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_JOIN, 5 * MS, NULL,
				      main_f));
	wait = stack_index(p, FX_WAIT(p, 10, 11, 1, WAIT_LOCK, 100 * MS, NULL,
				      main_f));
	run = stack_index(p, FX_STACK(p, 10, 11, 5, main_f));
	add_run(&b, 10, T0, T0 + 100 * MS, prep);
	add_wait(&b, 10, T0 + 100 * MS, T0 + 105 * MS, T0 + 105 * MS, 11, join);
	add_wait(&b, 11, T0, T0 + 100 * MS, T0 + 100 * MS, 10, wait);
	add_run(&b, 11, T0 + 100 * MS, T0 + 105 * MS, run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 105 * MS }), 0);
	assert_int_equal(cp_sum(p), 105 * MS);
	assert_int_equal(p->critical.n_locks, 0);
	tl_free(&b);
	fx_free(p);
}

/* main runs 50 ms, then waits 50 ms in cond (pthread_cond_wait; or in
 * mutex, taken back inside it) until 11, running produce, wakes it: the
 * locks seen. */
static size_t cond_case(const char *cond, const char *mutex,
			bool mutex_inside)
{
	struct profile *p = fx_new("c");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "c", CLASS_APP);
	uint32_t work_f = fx_frame(p, "produce", "c", CLASS_APP);
	/* "Condition.wait": Python's, in threading.py */
	bool py = !strncmp(cond, "Condition.", 10);
	uint32_t cond_f = fx_frame_at(p, cond, py ? "threading.py" :
				      "libc.so.6", CLASS_RUNTIME,
				      py ? "/usr/lib/python3.11/threading.py" :
				      NULL, py ? 320 : 0);
	uint32_t mtx_f = fx_frame_at(p, mutex, py ? "threading.py" :
				     "libc.so.6", CLASS_RUNTIME,
				     py && mutex[0] == 'C' ?
				     "/usr/lib/python3.11/threading.py" :
				     NULL, 0);
	uint32_t run, own, wait;
	size_t n;

	p->period_ns = MS;
	fx_proc(p, 10, 1, "c", "/bin/c");
	fx_thread(p, 10, 11, "c");
	run = stack_index(p, FX_STACK(p, 10, 11, 100, main_f, work_f));
	if (mutex_inside)
		wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_LOCK, 50 * MS,
					      NULL, main_f, cond_f, mtx_f));
	else
		wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_LOCK, 50 * MS,
					      NULL, main_f, cond_f));
	own = stack_index(p, FX_STACK(p, 10, 10, 50, main_f));
	add_run(&b, 10, T0, T0 + 50 * MS, own);
	add_wait(&b, 10, T0 + 50 * MS, T0 + 100 * MS, T0 + 100 * MS, 11, wait);
	add_run(&b, 11, T0, T0 + 100 * MS, run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	n = p->critical.n_locks;
	tl_free(&b);
	fx_free(p);
	return n;
}

/* A thread in pthread_cond_wait waits for an event (work, a result), not
 * for a lock: no holder; taking the mutex back inside it is one.  So does
 * Python's threading.Condition.wait.  So does
 * a Go thread parked with no goroutine to run (runtime.notesleep), woken
 * by one that made some: Go's runtime mutex (runtime.lock2) is a lock. */
static void test_cond_wait_no_lock(void **state)
{
	(void)state;
	assert_int_equal(cond_case("pthread_cond_wait", "__lll_lock_wait",
				   false), 0);
	assert_int_equal(cond_case("pthread_cond_wait", "__lll_lock_wait",
				   true), 1);
	assert_int_equal(cond_case("runtime.notesleep", "runtime.lock2",
				   false), 0);
	assert_int_equal(cond_case("runtime.lock2", "runtime.futexsleep",
				   false), 1);
	/* Python's Condition.wait (Queue.get, Event.wait) waits for an
	 * event too; its _acquire_restore takes the lock back */
	assert_int_equal(cond_case("Condition.wait", "__new_sem_wait_slow64",
				   false), 0);
	assert_int_equal(cond_case("Condition.wait",
				   "Condition._acquire_restore", true), 1);
}

/* Thread 11 holds a mutex across a 50 ms sleep in save_record while 12
 * waits for it (in mutex, a pthread_mutex_lock frame, or a futex of
 * its own), and 12 is woken as 11 releases it; main joins them: the
 * locks seen.  12 spends its life blocked, as threads that take turns on
 * a lock held across a wait do. */
static size_t held_case(const char *mutex, struct critical_lock *out)
{
	struct profile *p = fx_new("hw");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "hw", CLASS_APP);
	uint32_t save_f = fx_frame(p, "save_record", "hw", CLASS_APP);
	uint32_t sleep_f = fx_frame(p, "clock_nanosleep", "libc.so.6",
				    CLASS_RUNTIME);
	uint32_t mtx_f = fx_frame(p, mutex ? mutex : "futex_wait",
				  mutex ? "libc.so.6" : "[kernel]",
				  mutex ? CLASS_RUNTIME : CLASS_KERNEL);
	uint32_t join, run, slept, wait, after;
	size_t n;

	p->period_ns = MS;
	fx_proc(p, 10, 1, "hw", "/bin/hw");
	fx_thread(p, 10, 11, "hw");
	fx_thread(p, 10, 12, "hw");
	join = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_JOIN, 102 * MS, NULL,
				      main_f));
	run = stack_index(p, FX_STACK(p, 10, 11, 1, main_f, save_f));
	slept = stack_index(p, FX_WAIT(p, 10, 11, 1, WAIT_SLEEP, 50 * MS, NULL,
				       main_f, save_f, sleep_f));
	wait = stack_index(p, FX_WAIT(p, 10, 12, 1, WAIT_LOCK, 51 * MS, NULL,
				      main_f, save_f, mtx_f));
	after = stack_index(p, FX_STACK(p, 10, 12, 1, main_f, save_f));
	add_wait(&b, 10, T0, T0 + 102 * MS, T0 + 102 * MS, 12, join);
	add_run(&b, 11, T0, T0 + 1 * MS, run);
	add_wait(&b, 11, T0 + 1 * MS, T0 + 51 * MS, T0 + 51 * MS, 0, slept);
	add_wait(&b, 12, T0, T0 + 51 * MS, T0 + 51 * MS, 11, wait);
	add_run(&b, 12, T0 + 51 * MS, T0 + 52 * MS, after);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 102 * MS }), 0);
	assert_int_equal(cp_sum(p), 102 * MS);
	n = p->critical.n_locks;
	if (n) {
		*out = p->critical.locks[0];
		assert_int_equal(out->holder_frame, save_f);
	}
	tl_free(&b);
	fx_free(p);
	return n;
}

/* A mutex held across a sleep holds its waiter up the whole sleep, the
 * waiter blocked nearly all its life; a futex that is no mutex may be an
 * idle worker's wait for the sleeper's work: not a lock. */
static void test_mutex_held_across_wait(void **state)
{
	struct critical_lock k = { 0 };

	(void)state;
	assert_int_equal(held_case("__lll_lock_wait", &k), 1);
	assert_int_equal(k.waiting_threads, 1);
	assert_int_equal(k.wait_ns, 51 * MS);
	assert_int_equal(k.holder_wait_ns, 50 * MS);
	assert_int_equal(k.holder_wait_reason, WAIT_SLEEP);
	assert_true(k.holder_cpu_ns <= 1 * MS);
	assert_int_equal(held_case(NULL, &k), 0);
}

/* Two waiters: the first sees the holder only at its unlock (save_record
 * line 30, 1 ms), the second through its 50 ms sleep under the lock
 * (line 28): the lock is the function's, named at the line with the
 * most time, the sleep, not the line the first waiter happened to see. */
static void test_lock_line_most_time(void **state)
{
	struct profile *p = fx_new("hw");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "hw", CLASS_APP);
	uint32_t unlock_f = fx_frame_at(p, "save_record", "hw", CLASS_APP,
					"hw.c", 30);
	uint32_t sleep_at = fx_frame_at(p, "save_record", "hw", CLASS_APP,
					"hw.c", 28);
	uint32_t sleep_f = fx_frame(p, "clock_nanosleep", "libc.so.6",
				    CLASS_RUNTIME);
	uint32_t mtx_f = fx_frame(p, "__lll_lock_wait", "libc.so.6",
				  CLASS_RUNTIME);
	uint32_t join, run, slept, wait1, wait2, after;

	(void)state;
	p->period_ns = MS;
	fx_proc(p, 10, 1, "hw", "/bin/hw");
	fx_thread(p, 10, 11, "hw");
	fx_thread(p, 10, 12, "hw");
	fx_thread(p, 10, 13, "hw");
	join = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_JOIN, 102 * MS, NULL,
				      main_f));
	run = stack_index(p, FX_STACK(p, 10, 11, 1, main_f, unlock_f));
	slept = stack_index(p, FX_WAIT(p, 10, 11, 1, WAIT_SLEEP, 50 * MS, NULL,
				       main_f, sleep_at, sleep_f));
	wait1 = stack_index(p, FX_WAIT(p, 10, 12, 1, WAIT_LOCK, 1 * MS, NULL,
				       main_f, mtx_f));
	wait2 = stack_index(p, FX_WAIT(p, 10, 13, 1, WAIT_LOCK, 51 * MS, NULL,
				       main_f, mtx_f));
	after = stack_index(p, FX_STACK(p, 10, 12, 1, main_f));
	add_wait(&b, 10, T0, T0 + 102 * MS, T0 + 102 * MS, 13, join);
	add_run(&b, 11, T0, T0 + 1 * MS, run);
	add_wait(&b, 11, T0 + 1 * MS, T0 + 51 * MS, T0 + 51 * MS, 0, slept);
	add_wait(&b, 12, T0, T0 + 1 * MS, T0 + 1 * MS, 11, wait1);
	add_run(&b, 12, T0 + 1 * MS, T0 + 2 * MS, after);
	add_wait(&b, 13, T0, T0 + 51 * MS, T0 + 51 * MS, 11, wait2);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 102 * MS }), 0);
	assert_int_equal(p->critical.n_locks, 1);
	assert_int_equal(p->critical.locks[0].holder_frame, sleep_at);
	assert_int_equal(p->critical.locks[0].waiting_threads, 2);
	tl_free(&b);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_holders),
		cmocka_unit_test(test_waker_born_during_wait),
		cmocka_unit_test(test_waker_thread_made_during_wait),
		cmocka_unit_test(test_cycle_bounded),
		cmocka_unit_test(test_timed_waits_follow_workers),
		cmocka_unit_test(test_timed_waits_idle_siblings),
		cmocka_unit_test(test_network_wait_stays),
		cmocka_unit_test(test_idle_pool_no_lock),
		cmocka_unit_test(test_idle_waiter_no_lock),
		cmocka_unit_test(test_cond_wait_no_lock),
		cmocka_unit_test(test_mutex_held_across_wait),
		cmocka_unit_test(test_lock_line_most_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
