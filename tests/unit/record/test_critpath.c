// SPDX-License-Identifier: GPL-2.0
/* The critical path over hand-made timelines: who held up the root. */
#include "profile_fixture.h"

#include "record/critpath.h"
#include "syscalls.h"

#define MS	1000000ull
#define T0	(1000 * MS)

struct tl_builder {
	struct cp_timeline tl;
};

static void add_sample(struct tl_builder *b, uint32_t tid, uint64_t ts,
		       uint32_t stack)
{
	b->tl.samples = fx_grow(b->tl.samples, b->tl.n_samples,
				sizeof(*b->tl.samples));
	b->tl.samples[b->tl.n_samples++] = (struct cp_sample){
		.ts = ts, .tid = tid, .stack = stack };
}

/* Samples every ms in [from, to). */
static void add_run(struct tl_builder *b, uint32_t tid, uint64_t from,
		    uint64_t to, uint32_t stack)
{
	uint64_t t;

	for (t = from + MS; t <= to; t += MS)
		add_sample(b, tid, t - 1, stack);
}

static void add_wait(struct tl_builder *b, uint32_t tid, uint64_t start,
		     uint64_t wake, uint64_t end, uint32_t waker, uint32_t stack)
{
	b->tl.waits = fx_grow(b->tl.waits, b->tl.n_waits, sizeof(*b->tl.waits));
	b->tl.waits[b->tl.n_waits++] = (struct cp_wait){
		.start = start, .wake = wake, .end = end, .tid = tid,
		.waker_tid = waker, .waker_pid = waker, .stack = stack,
		.runq_stack = stack };
}

static void add_exec(struct tl_builder *b, uint32_t pid, uint64_t ts,
		     const char *program)
{
	b->tl.execs = fx_grow(b->tl.execs, b->tl.n_execs, sizeof(*b->tl.execs));
	b->tl.execs[b->tl.n_execs++] = (struct cp_exec){
		.ts = ts, .pid = pid, .program = program };
}

static void tl_free(struct tl_builder *b)
{
	free(b->tl.samples);
	free(b->tl.waits);
	free(b->tl.execs);
}

static uint64_t cp_sum(const struct profile *p)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < p->n_stacks; i++)
		sum += p->stacks[i].cp_ns;
	return sum;
}

/* No time of the path went to a "[program: off-CPU, unseen]" stack. */
static void assert_nothing_unseen(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].cp_ns && p->stacks[i].n_frames)
			assert_null(strstr(p->frames[p->stacks[i].frames[0]].name,
					   "unseen"));
}

/* The index of the stack just added (s: what FX_STACK returned). */
static uint32_t stack_index(const struct profile *p,
			    const struct stack_sample *s)
{
	(void)s;
	return p->n_stacks - 1;
}

/* Running, then a network wait nobody traced ended: each to its stack. */
static void test_one_thread(void **state)
{
	struct profile *p = fx_new("t");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "t", CLASS_APP);
	uint32_t work, net;

	(void)state;
	fx_proc(p, 10, 1, "t", "/bin/t");
	work = stack_index(p, FX_STACK(p, 10, 10, 40, main_f));
	net = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_NETWORK, 60 * MS,
				     NULL, main_f));
	add_run(&b, 10, T0, T0 + 40 * MS, work);
	add_wait(&b, 10, T0 + 40 * MS, T0 + 100 * MS, T0 + 100 * MS, 0, net);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(p->critical.ns, 100 * MS);
	assert_int_equal(p->stacks[work].cp_ns, 40 * MS);
	assert_int_equal(p->stacks[net].cp_ns, 60 * MS);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_int_equal(p->critical.n_programs, 1);
	assert_string_equal(p->critical.programs[0].name, "t");
	tl_free(&b);
	fx_free(p);
}

/* sh waits for gzip, which it forked and which exec'd: gzip's work. */
static void test_child_does_the_work(void **state)
{
	struct profile *p = fx_new("sh");
	struct tl_builder b = { 0 };
	uint32_t sh_f = fx_frame(p, "main", "sh", CLASS_APP);
	uint32_t gz_f = fx_frame(p, "deflate", "gzip", CLASS_APP);
	uint32_t sh_run, sh_wait, gz_run;

	(void)state;
	fx_proc(p, 10, 1, "sh", "/bin/sh");
	fx_proc(p, 11, 10, "gzip", "/bin/gzip");
	sh_run = stack_index(p, FX_STACK(p, 10, 10, 2, sh_f));
	sh_wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD, 98 * MS,
					 NULL, sh_f));
	gz_run = stack_index(p, FX_STACK(p, 11, 11, 97, gz_f));
	add_exec(&b, 10, T0, "/bin/sh");
	add_exec(&b, 11, T0 + 3 * MS, "/bin/gzip");
	add_run(&b, 10, T0, T0 + 2 * MS, sh_run);
	add_wait(&b, 10, T0 + 2 * MS, T0 + 100 * MS, T0 + 100 * MS, 11,
		 sh_wait);
	add_run(&b, 11, T0 + 3 * MS, T0 + 100 * MS, gz_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_int_equal(p->stacks[sh_wait].cp_ns, 0);
	assert_true(p->stacks[gz_run].cp_ns >= 97 * MS);
	assert_string_equal(p->critical.programs[0].name, "gzip");
	assert_true(p->critical.programs[0].ns >= 97 * MS);
	/* sh only waited: a launcher of gzip, costing its own 2 ms */
	assert_int_equal(p->critical.n_launchers, 1);
	assert_string_equal(p->critical.launchers[0].name, "sh");
	assert_string_equal(p->critical.launchers[0].started, "gzip");
	assert_int_equal(p->critical.launchers[0].ns, 2 * MS);
	assert_true(p->critical.launchers[0].waited);
	tl_free(&b);
	fx_free(p);
}

/* python3 runs sleep (80 ms), then crunch, its own code, for own_ms:
 * the launchers seen.  crunch with a source line (a script's function)
 * is the program's work; a start-up in the interpreter's own code is a
 * launcher's. */
static size_t script_case(uint64_t own_ms, bool source)
{
	struct profile *p = fx_new("python3 w.py");
	struct tl_builder b = { 0 };
	uint32_t mod = fx_frame_at(p, "<module>", "w.py", CLASS_APP,
				   source ? "/t/w.py" : NULL, source ? 9 : 0);
	uint32_t cr = fx_frame_at(p, "crunch", "w.py", CLASS_APP,
				  source ? "/t/w.py" : NULL, source ? 6 : 0);
	uint32_t sl_f = fx_frame(p, "main", "sleep", CLASS_APP);
	uint32_t py_wait, py_run, sl_wait;
	size_t n;

	fx_proc(p, 10, 1, "python3", "/usr/bin/python3.11");
	fx_proc(p, 11, 10, "sleep", "/bin/sleep");
	py_wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD, 80 * MS,
					 NULL, mod));
	py_run = stack_index(p, FX_STACK(p, 10, 10, own_ms, mod, cr));
	sl_wait = stack_index(p, FX_WAIT(p, 11, 11, 1, WAIT_SLEEP, 80 * MS,
					 NULL, sl_f));
	add_exec(&b, 10, T0, "/usr/bin/python3");
	add_exec(&b, 11, T0, "/bin/sleep");
	add_wait(&b, 10, T0, T0 + 80 * MS, T0 + 80 * MS, 11, py_wait);
	add_wait(&b, 11, T0, T0 + 80 * MS, T0 + 80 * MS, 0, sl_wait);
	add_run(&b, 10, T0 + 80 * MS, T0 + (80 + own_ms) * MS, py_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0,
		.end = T0 + (80 + own_ms) * MS }), 0);
	n = p->critical.n_launchers;
	tl_free(&b);
	fx_free(p);
	return n;
}

static void test_script_no_launcher(void **state)
{
	(void)state;
	assert_int_equal(script_case(18, true), 0);
	assert_int_equal(script_case(18, false), 1);
}

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

/* A shim (bash script "python3") runs a subshell, then execs python: the
 * launcher is everything before python started. */
static void test_exec_chain_launcher(void **state)
{
	struct profile *p = fx_new("python3");
	struct tl_builder b = { 0 };
	uint32_t bash_f = fx_frame_at(p, "_start", "bash", CLASS_APP, NULL, 0);
	uint32_t py_f = fx_frame_at(p, "crunch", "python3.11", CLASS_APP,
				    NULL, 0);
	uint32_t shim_run, shim_pipe, sub_run, py_run;

	(void)state;
	p->frames[bash_f].path = fx_strdup("/usr/bin/bash");
	p->frames[py_f].path = fx_strdup("/usr/bin/python3.11");
	fx_proc(p, 10, 1, "python3", "/usr/bin/python3.11");
	fx_proc(p, 11, 10, "bash", "/usr/bin/bash");
	shim_run = stack_index(p, FX_STACK(p, 10, 10, 5, bash_f));
	shim_pipe = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_PIPE, 15 * MS,
					   NULL, bash_f));
	sub_run = stack_index(p, FX_STACK(p, 11, 11, 15, bash_f));
	py_run = stack_index(p, FX_STACK(p, 10, 10, 80, py_f));
	add_exec(&b, 10, T0, "/shims/python3");
	add_run(&b, 10, T0, T0 + 5 * MS, shim_run);
	add_wait(&b, 10, T0 + 5 * MS, T0 + 20 * MS, T0 + 20 * MS, 11,
		 shim_pipe);
	add_run(&b, 11, T0 + 5 * MS, T0 + 20 * MS, sub_run);
	add_exec(&b, 10, T0 + 20 * MS, "/usr/bin/python3");
	add_run(&b, 10, T0 + 20 * MS, T0 + 100 * MS, py_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_string_equal(p->critical.programs[0].name, "python3.11");
	assert_int_equal(p->critical.programs[0].ns, 80 * MS);
	assert_int_equal(p->critical.n_launchers, 1);
	assert_string_equal(p->critical.launchers[0].name, "python3");
	assert_string_equal(p->critical.launchers[0].interpreter, "bash");
	assert_string_equal(p->critical.launchers[0].started, "python3.11");
	assert_int_equal(p->critical.launchers[0].ns, 20 * MS);
	assert_int_equal(p->critical.launchers[0].processes, 2);
	assert_false(p->critical.launchers[0].waited);	/* an exec chain */
	tl_free(&b);
	fx_free(p);
}

/* A fork by parent's main thread, then its exec of program. */
static void add_child(struct tl_builder *b, uint32_t pid, uint32_t parent,
		      uint64_t ts, const char *program)
{
	b->tl.execs = fx_grow(b->tl.execs, b->tl.n_execs, sizeof(*b->tl.execs));
	b->tl.execs[b->tl.n_execs++] = (struct cp_exec){
		.ts = ts, .pid = pid, .parent = parent, .parent_tid = parent };
	add_exec(b, pid, ts + MS / 10, program);
}

/* python runs `sh -c "sleep; ls"`: sh started sleep, the program its own
 * child ran, not python, the run's top program. */
static void test_launcher_started_its_child(void **state)
{
	struct profile *p = fx_new("python3");
	struct tl_builder b = { 0 };
	uint32_t py_f = fx_frame(p, "hot", "python3", CLASS_APP);
	uint32_t sh_f = fx_frame(p, "main", "sh", CLASS_APP);
	uint32_t sl_f = fx_frame(p, "main", "sleep", CLASS_APP);
	uint32_t py_run, py_wait, sh_run, sh_wait, sl_wait;

	(void)state;
	fx_proc(p, 10, 1, "python3", "/bin/python3");
	fx_proc(p, 11, 10, "sh", "/bin/sh");
	fx_proc(p, 12, 11, "sleep", "/bin/sleep");
	py_run = stack_index(p, FX_STACK(p, 10, 10, 60, py_f));
	py_wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD, 40 * MS,
					 NULL, py_f));
	sh_run = stack_index(p, FX_STACK(p, 11, 11, 3, sh_f));
	sh_wait = stack_index(p, FX_WAIT(p, 11, 11, 1, WAIT_CHILD, 37 * MS,
					 NULL, sh_f));
	sl_wait = stack_index(p, FX_WAIT(p, 12, 12, 1, WAIT_SLEEP, 36 * MS,
					 NULL, sl_f));
	add_exec(&b, 10, T0 - MS, "/bin/python3");
	add_run(&b, 10, T0, T0 + 60 * MS, py_run);
	add_wait(&b, 10, T0 + 60 * MS, T0 + 100 * MS, T0 + 100 * MS, 11,
		 py_wait);
	add_child(&b, 11, 10, T0 + 60 * MS, "/bin/sh");
	add_run(&b, 11, T0 + 60 * MS, T0 + 63 * MS, sh_run);
	add_wait(&b, 11, T0 + 63 * MS, T0 + 100 * MS, T0 + 100 * MS, 12,
		 sh_wait);
	add_child(&b, 12, 11, T0 + 63 * MS, "/bin/sleep");
	add_wait(&b, 12, T0 + 64 * MS, T0 + 100 * MS, T0 + 100 * MS, 0,
		 sl_wait);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 100 * MS }), 0);
	assert_int_equal(cp_sum(p), 100 * MS);
	assert_string_equal(p->critical.programs[0].name, "python3");
	assert_int_equal(p->critical.n_launchers, 1);
	assert_string_equal(p->critical.launchers[0].name, "sh");
	assert_string_equal(p->critical.launchers[0].started, "sleep");
	assert_int_equal(p->critical.launchers[0].processes, 1);
	tl_free(&b);
	fx_free(p);
}

/* make runs three gcc drivers one after the other, each running cc1:
 * one row, gcc started cc1, three processes, their own time summed;
 * make started gcc. */
static void test_launchers_of_a_kind_one_row(void **state)
{
	struct profile *p = fx_new("make");
	struct tl_builder b = { 0 };
	uint32_t mk_f = fx_frame(p, "main", "make", CLASS_APP);
	uint32_t gcc_f = fx_frame(p, "main", "gcc", CLASS_APP);
	uint32_t cc1_f = fx_frame(p, "parse", "cc1", CLASS_APP);
	uint32_t mk_run, mk_wait, gcc_run, gcc_wait, cc1_run;
	const struct critical_launcher *l;
	uint64_t t = T0 + 10 * MS;
	uint32_t k;

	(void)state;
	fx_proc(p, 10, 1, "make", "/bin/make");
	mk_run = stack_index(p, FX_STACK(p, 10, 10, 10, mk_f));
	mk_wait = stack_index(p, FX_WAIT(p, 10, 10, 3, WAIT_CHILD, 300 * MS,
					 NULL, mk_f));
	add_exec(&b, 10, T0 - MS, "/bin/make");
	add_run(&b, 10, T0, t, mk_run);
	for (k = 0; k < 3; k++, t += 100 * MS) {
		uint32_t gcc = 20 + 2 * k, cc1 = 21 + 2 * k;

		fx_proc(p, gcc, 10, "gcc", "/bin/gcc");
		fx_proc(p, cc1, gcc, "cc1", "/lib/cc1");
		gcc_run = stack_index(p, FX_STACK(p, gcc, gcc, 3, gcc_f));
		gcc_wait = stack_index(p, FX_WAIT(p, gcc, gcc, 1, WAIT_CHILD,
						  97 * MS, NULL, gcc_f));
		cc1_run = stack_index(p, FX_STACK(p, cc1, cc1, 97, cc1_f));
		add_wait(&b, 10, t, t + 100 * MS, t + 100 * MS, gcc, mk_wait);
		add_child(&b, gcc, 10, t, "/bin/gcc");
		add_run(&b, gcc, t, t + MS, gcc_run);
		add_wait(&b, gcc, t + MS, t + 98 * MS, t + 98 * MS, cc1,
			 gcc_wait);
		add_child(&b, cc1, gcc, t + MS, "/lib/cc1");
		add_run(&b, cc1, t + MS, t + 98 * MS, cc1_run);
		add_run(&b, gcc, t + 98 * MS, t + 100 * MS, gcc_run);
	}
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = t }), 0);
	assert_int_equal(cp_sum(p), 310 * MS);
	assert_string_equal(p->critical.programs[0].name, "cc1");
	assert_int_equal(p->critical.n_launchers, 2);
	l = &p->critical.launchers[0];
	assert_string_equal(l->name, "make");
	assert_string_equal(l->started, "gcc");
	assert_int_equal(l->processes, 1);
	l = &p->critical.launchers[1];
	assert_string_equal(l->name, "gcc");
	assert_string_equal(l->started, "cc1");
	assert_int_equal(l->processes, 3);
	assert_int_equal(l->ns, 9 * MS);
	tl_free(&b);
	fx_free(p);
}

/* A child no sample fell in gets a stack named after its program. */
static void test_unsampled_child(void **state)
{
	struct profile *p = fx_new("sh");
	struct tl_builder b = { 0 };
	uint32_t sh_f = fx_frame(p, "main", "sh", CLASS_APP);
	uint32_t sh_wait;
	size_t i;

	(void)state;
	fx_proc(p, 10, 1, "sh", "/bin/sh");
	sh_wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD, 10 * MS,
					 NULL, sh_f));
	add_exec(&b, 11, T0 + MS, "/bin/date");
	add_wait(&b, 10, T0, T0 + 10 * MS, T0 + 10 * MS, 11, sh_wait);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 10 * MS }), 0);
	assert_int_equal(cp_sum(p), 10 * MS);
	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].cp_ns)
			break;
	assert_true(i < p->n_stacks);
	assert_string_equal(p->frames[p->stacks[i].frames[0]].name, "[date: not sampled]");
	tl_free(&b);
	fx_free(p);
}

/* The first thread polls 20 ms at a time, its waits ending on their own,
 * while thread 11 computes and ends the process: the path is thread
 * 11's, from the end; from the first thread it would be its polls. */
static void test_path_from_exit_thread(void **state)
{
	struct profile *p = fx_new("exit_worker");
	struct tl_builder b = { 0 };
	uint32_t main_f = fx_frame(p, "main", "exit_worker", CLASS_APP);
	uint32_t crunch_f = fx_frame(p, "crunch", "exit_worker", CLASS_APP);
	uint32_t poll, run;
	uint64_t t;

	(void)state;
	fx_proc(p, 10, 1, "exit_worker", "/bin/exit_worker");
	poll = stack_index(p, FX_WAIT(p, 10, 10, 5, WAIT_POLL, 100 * MS,
				      NULL, main_f));
	run = stack_index(p, FX_STACK(p, 10, 11, 100, crunch_f));
	for (t = T0; t < T0 + 100 * MS; t += 20 * MS)
		add_wait(&b, 10, t, t + 20 * MS, t + 20 * MS, 0, poll);
	add_run(&b, 11, T0, T0 + 100 * MS, run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .end_tid = 11, .start = T0,
		.end = T0 + 100 * MS }), 0);
	assert_int_equal(p->stacks[run].cp_ns, 100 * MS);
	assert_int_equal(p->stacks[poll].cp_ns, 0);
	assert_int_equal(p->critical.root_tid, 10);
	tl_free(&b);
	fx_free(p);
}

/* A wrapper (pid 10) waits 100 ms while its command (11) computes:
 * timeout(1) for a signal (rt_sigsuspend), the child's SIGCHLD (woken by
 * 11) or the alarm (woken by none); script(1) polling its pty's master,
 * the output reaching it through the tty worker (untraced), the command
 * its child or, through dash (which forks it), its grandchild.  Each way
 * the command's work is the path, not the wrapper's wait. */
static void test_wrapper_wait_follows_child(void **state)
{
	static const struct {
		const char *wrapper, *frame, *target;
		enum wait_reason reason;
		int syscall;
		uint32_t waker, cmd;
	} cases[] = {
		{ "timeout", "[timeout+0x24d0]", NULL, WAIT_SLEEP,
		  WS_NR_rt_sigsuspend, 11, 11 },
		{ "timeout", "[timeout+0x24d0]", NULL, WAIT_SLEEP,
		  WS_NR_rt_sigsuspend, 0, 11 },
		{ "script", "[script+0x8020]", "poll /dev/ptmx", WAIT_POLL,
		  WS_NR_poll, 0, 11 },
		{ "script", "[script+0x8020]", "poll /dev/ptmx", WAIT_POLL,
		  WS_NR_poll, 0, 12 },
	};
	struct stack_sample *sw;
	struct tl_builder b;
	struct profile *p;
	uint32_t w_f, s_f, sh_f, wait, run, cmd;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = fx_new(cases[i].wrapper);
		memset(&b, 0, sizeof(b));
		w_f = fx_frame(p, cases[i].frame, cases[i].wrapper, CLASS_APP);
		s_f = fx_frame(p, "[sha256sum+0x4120]", "sha256sum", CLASS_APP);
		cmd = cases[i].cmd;
		fx_proc(p, 10, 1, cases[i].wrapper, "/usr/bin/wrapper");
		fx_proc(p, cmd, cmd - 1, "sha256sum", "/usr/bin/sha256sum");
		sw = FX_WAIT(p, 10, 10, 1, cases[i].reason, 100 * MS,
			     cases[i].target, w_f);
		sw->syscall = cases[i].syscall;
		wait = stack_index(p, sw);
		run = stack_index(p, FX_STACK(p, cmd, cmd, 100, s_f));
		add_exec(&b, 10, T0 - MS, "/usr/bin/wrapper");
		if (cmd == 12) {	/* dash -c forking the command */
			sh_f = fx_frame(p, "[dash+0x5e10]", "dash", CLASS_APP);
			fx_proc(p, 11, 10, "sh", "/usr/bin/dash");
			add_exec(&b, 11, T0, "/usr/bin/dash");
			add_wait(&b, 11, T0, T0 + 100 * MS, T0 + 100 * MS, 12,
				 stack_index(p, FX_WAIT(p, 11, 11, 1,
							WAIT_CHILD, 100 * MS,
							NULL, sh_f)));
		}
		add_exec(&b, cmd, T0, "/usr/bin/sha256sum");
		add_wait(&b, 10, T0, T0 + 100 * MS, T0 + 100 * MS,
			 cases[i].waker, wait);
		add_run(&b, cmd, T0, T0 + 100 * MS, run);
		assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
			.root_tid = 10, .start = T0,
			.end = T0 + 100 * MS }), 0);
		assert_true(p->stacks[run].cp_ns >= 95 * MS);
		assert_true(p->stacks[wait].cp_ns <= 5 * MS);
		assert_string_equal(p->critical.programs[0].name, "sha256sum");
		tl_free(&b);
		fx_free(p);
	}
}

/* sh runs /usr/bin/ld three times, one of them too short for a sample,
 * and a fourth beside them that nobody waits for: one program, by the
 * name of the file ld is (a symlink), run four times. */
static void test_program_named_by_its_file(void **state)
{
	static const char exe[] = "x86_64-linux-gnu-ld.bfd";
	struct profile *p = fx_new("sh");
	struct tl_builder b = { 0 };
	uint32_t sh_f = fx_frame(p, "main", "sh", CLASS_APP);
	uint32_t ld_f = fx_frame(p, "main", exe, CLASS_APP);
	uint32_t pid, run, wait;
	uint64_t t;

	(void)state;
	fx_proc(p, 10, 1, "sh", "/bin/sh");
	for (pid = 11; pid <= 14; pid++) {
		t = T0 + (pid - 11) * 10 * MS;
		b.tl.execs = fx_grow(b.tl.execs, b.tl.n_execs,
				     sizeof(*b.tl.execs));
		b.tl.execs[b.tl.n_execs++] = (struct cp_exec){
			.ts = t, .pid = pid, .program = "/usr/bin/ld",
			.exe = exe };
		if (pid == 14)
			break;
		wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD,
					      10 * MS, NULL, sh_f));
		add_wait(&b, 10, t, t + 10 * MS, t + 10 * MS, pid, wait);
		if (pid == 13)
			continue;
		run = stack_index(p, FX_STACK(p, pid, pid, 9, ld_f));
		add_run(&b, pid, t + MS, t + 10 * MS, run);
	}
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 30 * MS }), 0);
	assert_int_equal(p->critical.n_programs, 1);
	assert_string_equal(p->critical.programs[0].name, exe);
	assert_int_equal(p->critical.programs[0].n_pids, 3);
	assert_int_equal(p->critical.programs[0].runs, 4);
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

/* sh runs `tar cf - | gzip` and waits for each: tar's exit ends its
 * first wait at 60 ms, gzip's its second at 100 ms.  gzip computed all
 * along, tar fed it (blocked on the pipe, woken by gzip's reads): the
 * path is gzip's, not tar's for its first 60 ms.  Then `date` run after
 * the pipeline, born after the first wait began, is a wait of its own. */
static void test_pipeline_waits_for_last(void **state)
{
	struct profile *p = fx_new("sh");
	struct tl_builder b = { 0 };
	uint32_t sh_f = fx_frame(p, "main", "sh", CLASS_APP);
	uint32_t tar_f = fx_frame(p, "main", "tar", CLASS_APP);
	uint32_t gz_f = fx_frame(p, "deflate", "gzip", CLASS_APP);
	uint32_t date_f = fx_frame(p, "main", "date", CLASS_APP);
	uint32_t sh_wait, tar_run, tar_pipe, gz_run, date_run;
	uint64_t t;

	(void)state;
	fx_proc(p, 10, 1, "sh", "/bin/sh");
	fx_proc(p, 11, 10, "tar", "/bin/tar");
	fx_proc(p, 12, 10, "gzip", "/bin/gzip");
	fx_proc(p, 13, 10, "date", "/bin/date");
	sh_wait = stack_index(p, FX_WAIT(p, 10, 10, 3, WAIT_CHILD, 110 * MS,
					 NULL, sh_f));
	tar_run = stack_index(p, FX_STACK(p, 11, 11, 30, tar_f));
	tar_pipe = stack_index(p, FX_WAIT(p, 11, 11, 3, WAIT_PIPE, 30 * MS,
					  NULL, tar_f));
	gz_run = stack_index(p, FX_STACK(p, 12, 12, 99, gz_f));
	date_run = stack_index(p, FX_STACK(p, 13, 13, 9, date_f));
	add_exec(&b, 10, T0 - 2 * MS, "/bin/sh");
	add_child(&b, 11, 10, T0 - MS, "/bin/tar");
	add_child(&b, 12, 10, T0 - MS / 2, "/bin/gzip");
	add_wait(&b, 10, T0, T0 + 60 * MS, T0 + 60 * MS, 11, sh_wait);
	add_wait(&b, 10, T0 + 60 * MS + MS / 2, T0 + 100 * MS, T0 + 100 * MS,
		 12, sh_wait);
	for (t = T0; t < T0 + 60 * MS; t += 20 * MS) {	/* tar: 10 on, 10 off */
		add_run(&b, 11, t, t + 10 * MS, tar_run);
		add_wait(&b, 11, t + 10 * MS, t + 20 * MS, t + 20 * MS, 12,
			 tar_pipe);
	}
	add_run(&b, 12, T0, T0 + 100 * MS, gz_run);
	add_child(&b, 13, 10, T0 + 100 * MS + MS / 2, "/bin/date");
	add_wait(&b, 10, T0 + 100 * MS + MS / 2, T0 + 110 * MS, T0 + 110 * MS,
		 13, sh_wait);
	add_run(&b, 13, T0 + 101 * MS, T0 + 110 * MS, date_run);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 110 * MS }), 0);
	assert_int_equal(cp_sum(p), 110 * MS);
	assert_true(p->stacks[gz_run].cp_ns >= 99 * MS);
	assert_int_equal(p->stacks[tar_run].cp_ns, 0);
	assert_true(p->stacks[date_run].cp_ns >= 8 * MS);
	tl_free(&b);
	fx_free(p);
}

/* tar (10) forks gzip (11) and feeds it: 10 ms of tar's run, then 10 ms
 * blocked writing into the full pipe until gzip reads; gzip computes all
 * along, then tar waits for it to exit.  tar's runs held nothing up: the
 * path is gzip's.  When gzip instead waited for data while tar ran (the
 * feeder the bottleneck), tar's runs stay its own. */
static void test_feeder_runs_beside_reader(void **state)
{
	struct stack_sample *sw;
	struct tl_builder b;
	struct profile *p;
	uint32_t tar_f, gz_f, tar_run, tar_pipe, tar_child, gz_run, gz_read;
	uint64_t t;
	int starved;

	(void)state;
	for (starved = 0; starved <= 1; starved++) {
		p = fx_new("tar");
		memset(&b, 0, sizeof(b));
		tar_f = fx_frame(p, "main", "tar", CLASS_APP);
		gz_f = fx_frame(p, "deflate", "gzip", CLASS_APP);
		fx_proc(p, 10, 1, "tar", "/bin/tar");
		fx_proc(p, 11, 10, "gzip", "/bin/gzip");
		tar_run = stack_index(p, FX_STACK(p, 10, 10, 50, tar_f));
		sw = FX_WAIT(p, 10, 10, 5, WAIT_PIPE, 50 * MS, NULL, tar_f);
		sw->syscall = WS_NR_write;
		tar_pipe = stack_index(p, sw);
		tar_child = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD,
						   10 * MS, NULL, tar_f));
		gz_run = stack_index(p, FX_STACK(p, 11, 11, 110, gz_f));
		sw = FX_WAIT(p, 11, 11, 5, WAIT_PIPE, 50 * MS, NULL, gz_f);
		sw->syscall = WS_NR_read;
		gz_read = stack_index(p, sw);
		add_exec(&b, 10, T0 - 2 * MS, "/bin/tar");
		add_child(&b, 11, 10, T0 - MS, "/bin/gzip");
		for (t = T0; t < T0 + 100 * MS; t += 20 * MS) {
			add_run(&b, 10, t, t + 10 * MS, tar_run);
			add_wait(&b, 10, t + 10 * MS, t + 20 * MS, t + 20 * MS,
				 11, tar_pipe);
			if (starved) {	/* gzip waits while tar runs */
				add_wait(&b, 11, t, t + 10 * MS, t + 10 * MS,
					 10, gz_read);
				add_run(&b, 11, t + 10 * MS, t + 20 * MS,
					gz_run);
			}
		}
		if (!starved)
			add_run(&b, 11, T0, T0 + 110 * MS, gz_run);
		else
			add_run(&b, 11, T0 + 100 * MS, T0 + 110 * MS, gz_run);
		add_wait(&b, 10, T0 + 100 * MS, T0 + 110 * MS, T0 + 110 * MS,
			 11, tar_child);
		assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
			.root_tid = 10, .start = T0,
			.end = T0 + 110 * MS }), 0);
		assert_int_equal(cp_sum(p), 110 * MS);
		if (!starved) {
			assert_int_equal(p->stacks[tar_run].cp_ns, 0);
			assert_int_equal(p->stacks[gz_run].cp_ns, 110 * MS);
		} else {
			assert_int_equal(p->stacks[tar_run].cp_ns, 50 * MS);
			assert_int_equal(p->stacks[gz_run].cp_ns, 60 * MS);
		}
		tl_free(&b);
		fx_free(p);
	}
}

/* A subshell that never exec'd and of which nothing else is known runs
 * its parent's program: named after it, not "?". */
static void test_fork_named_after_parent(void **state)
{
	struct profile *p = fx_new("sh");
	struct tl_builder b = { 0 };
	uint32_t sh_f = fx_frame(p, "main", "sh", CLASS_APP);
	uint32_t sh_wait;

	(void)state;
	fx_proc(p, 10, 1, "sh", "/bin/sh");
	sh_wait = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD, 10 * MS,
					 NULL, sh_f));
	add_exec(&b, 10, T0 - MS, "/bin/sh");
	b.tl.execs = fx_grow(b.tl.execs, b.tl.n_execs, sizeof(*b.tl.execs));
	b.tl.execs[b.tl.n_execs++] = (struct cp_exec){
		.ts = T0, .pid = 11, .parent = 10 };
	add_wait(&b, 10, T0, T0 + 10 * MS, T0 + 10 * MS, 11, sh_wait);
	assert_int_equal(critpath_build(p, &b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 10 * MS }), 0);
	assert_int_equal(cp_sum(p), 10 * MS);
	assert_int_equal(p->critical.n_programs, 1);
	assert_string_equal(p->critical.programs[0].name, "sh");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_thread),
		cmocka_unit_test(test_child_does_the_work),
		cmocka_unit_test(test_lock_holders),
		cmocka_unit_test(test_exec_chain_launcher),
		cmocka_unit_test(test_launcher_started_its_child),
		cmocka_unit_test(test_launchers_of_a_kind_one_row),
		cmocka_unit_test(test_unsampled_child),
		cmocka_unit_test(test_program_named_by_its_file),
		cmocka_unit_test(test_path_from_exit_thread),
		cmocka_unit_test(test_wrapper_wait_follows_child),
		cmocka_unit_test(test_waker_born_during_wait),
		cmocka_unit_test(test_waker_thread_made_during_wait),
		cmocka_unit_test(test_pipeline_waits_for_last),
		cmocka_unit_test(test_feeder_runs_beside_reader),
		cmocka_unit_test(test_fork_named_after_parent),
		cmocka_unit_test(test_cycle_bounded),
		cmocka_unit_test(test_timed_waits_follow_workers),
		cmocka_unit_test(test_timed_waits_idle_siblings),
		cmocka_unit_test(test_network_wait_stays),
		cmocka_unit_test(test_idle_pool_no_lock),
		cmocka_unit_test(test_idle_waiter_no_lock),
		cmocka_unit_test(test_cond_wait_no_lock),
		cmocka_unit_test(test_mutex_held_across_wait),
		cmocka_unit_test(test_script_no_launcher),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
