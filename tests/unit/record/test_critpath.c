// SPDX-License-Identifier: GPL-2.0
/* The critical path over hand-made timelines: who held up the root
 * among processes: children, launchers, exec chains and pipelines,
 * and the programs they are named after. */
#include "critpath_check.h"

#include "syscalls.h"

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

/* A script runs the python3 shim twice, one run after the other: each
 * run's shim (bash, 5 ms, and a subshell, 15 ms) then python, py_ms. */
static struct profile *shim_runs(struct tl_builder *b, uint64_t py_ms)
{
	struct profile *p = fx_new("loop.sh");
	uint32_t sh_f = fx_frame(p, "main", "dash", CLASS_APP);
	uint32_t bash_f = fx_frame_at(p, "_start", "bash", CLASS_APP, NULL, 0);
	uint32_t py_f = fx_frame_at(p, "crunch", "python3.11", CLASS_APP,
				    NULL, 0);
	uint32_t sh_run, sh_wait, shim_run, shim_pipe, sub_run, py_run;
	uint64_t t = T0 + 2 * MS, run = 20 * MS + py_ms * MS;
	uint32_t k;

	p->frames[bash_f].path = fx_strdup("/usr/bin/bash");
	p->frames[py_f].path = fx_strdup("/usr/bin/python3.11");
	fx_proc(p, 10, 1, "loop.sh", "/usr/bin/dash");
	sh_run = stack_index(p, FX_STACK(p, 10, 10, 2, sh_f));
	sh_wait = stack_index(p, FX_WAIT(p, 10, 10, 2, WAIT_CHILD, 2 * run,
					 NULL, sh_f));
	add_exec(b, 10, T0 - MS, "/tmp/loop.sh");
	add_run(b, 10, T0, t, sh_run);
	for (k = 0; k < 2; k++, t += run) {
		uint32_t shim = 20 + 10 * k, sub = 21 + 10 * k;

		fx_proc(p, shim, 10, "python3", "/usr/bin/python3.11");
		fx_proc(p, sub, shim, "bash", "/usr/bin/bash");
		shim_run = stack_index(p, FX_STACK(p, shim, shim, 5, bash_f));
		shim_pipe = stack_index(p, FX_WAIT(p, shim, shim, 1,
						   WAIT_PIPE, 15 * MS, NULL,
						   bash_f));
		sub_run = stack_index(p, FX_STACK(p, sub, sub, 15, bash_f));
		py_run = stack_index(p, FX_STACK(p, shim, shim, py_ms, py_f));
		add_wait(b, 10, t, t + run, t + run, shim, sh_wait);
		add_child(b, shim, 10, t - MS / 10, "/shims/python3");
		add_run(b, shim, t, t + 5 * MS, shim_run);
		add_wait(b, shim, t + 5 * MS, t + 20 * MS, t + 20 * MS, sub,
			 shim_pipe);
		add_child(b, sub, shim, t + 5 * MS, "/usr/bin/bash");
		add_run(b, sub, t + 5 * MS + MS / 10, t + 20 * MS, sub_run);
		add_exec(b, shim, t + 20 * MS, "/usr/bin/python3");
		add_run(b, shim, t + 20 * MS, t + run, py_run);
	}
	assert_int_equal(critpath_build(p, &b->tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = t }), 0);
	return p;
}

/* Each run's shim is its own, not what ran before it in the other run;
 * both are one row, 40 ms. */
static void test_exec_chains_one_row(void **state)
{
	struct tl_builder b = { 0 };
	struct profile *p = shim_runs(&b, 80);
	const struct critical_launcher *l;

	(void)state;
	assert_int_equal(cp_sum(p), 202 * MS);
	assert_string_equal(p->critical.programs[0].name, "python3.11");
	assert_int_equal(p->critical.programs[0].ns, 160 * MS);
	assert_true(p->critical.n_launchers >= 1);
	l = &p->critical.launchers[0];
	assert_string_equal(l->name, "python3");
	assert_string_equal(l->interpreter, "bash");
	assert_string_equal(l->started, "python3.11");
	assert_false(l->waited);
	assert_int_equal(l->processes, 4);
	assert_in_range(l->ns, 39 * MS, 40 * MS);
	/* the script only waited: a launcher of its own 2 ms */
	assert_int_equal(p->critical.n_launchers, 2);
	l = &p->critical.launchers[1];
	assert_string_equal(l->name, "loop.sh");
	assert_true(l->waited);
	assert_int_equal(l->ns, 2 * MS);
	tl_free(&b);
	fx_free(p);
}

/* Python's runs shorter than the shims' (3 ms each): bash is the path's
 * top program, and the shims, exec'ing their way to a program named
 * after them, are still one launcher row. */
static void test_exec_chains_outweigh_work(void **state)
{
	struct tl_builder b = { 0 };
	struct profile *p = shim_runs(&b, 3);
	const struct critical_launcher *l;

	(void)state;
	assert_string_equal(p->critical.programs[0].name, "bash");
	assert_true(p->critical.n_launchers >= 1);
	l = &p->critical.launchers[0];
	assert_string_equal(l->name, "python3");
	assert_string_equal(l->started, "python3.11");
	assert_false(l->waited);
	assert_int_equal(l->processes, 4);
	assert_in_range(l->ns, 39 * MS, 40 * MS);
	tl_free(&b);
	fx_free(p);
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

/* tar (10) feeding the gzip (11) it forked: their stacks, and the fork. */
struct tar_gzip {
	struct profile *p;
	struct tl_builder b;
	uint32_t tar_run, tar_pipe, tar_child, gz_run, gz_read;
};

static void tar_gzip_init(struct tar_gzip *f)
{
	struct stack_sample *sw;
	uint32_t tar_f, gz_f;
	struct profile *p;

	memset(f, 0, sizeof(*f));
	p = f->p = fx_new("tar");
	tar_f = fx_frame(p, "main", "tar", CLASS_APP);
	gz_f = fx_frame(p, "deflate", "gzip", CLASS_APP);
	fx_proc(p, 10, 1, "tar", "/bin/tar");
	fx_proc(p, 11, 10, "gzip", "/bin/gzip");
	f->tar_run = stack_index(p, FX_STACK(p, 10, 10, 50, tar_f));
	sw = FX_WAIT(p, 10, 10, 5, WAIT_PIPE, 50 * MS, NULL, tar_f);
	sw->syscall = WS_NR_write;
	f->tar_pipe = stack_index(p, sw);
	f->tar_child = stack_index(p, FX_WAIT(p, 10, 10, 1, WAIT_CHILD,
					      10 * MS, NULL, tar_f));
	f->gz_run = stack_index(p, FX_STACK(p, 11, 11, 110, gz_f));
	sw = FX_WAIT(p, 11, 11, 5, WAIT_PIPE, 50 * MS, NULL, gz_f);
	sw->syscall = WS_NR_read;
	f->gz_read = stack_index(p, sw);
	add_exec(&f->b, 10, T0 - 2 * MS, "/bin/tar");
	add_child(&f->b, 11, 10, T0 - MS, "/bin/gzip");
}

/* tar waits for gzip to exit, and the path from there, [T0, T0 + 110 ms). */
static void tar_gzip_path(struct tar_gzip *f)
{
	add_wait(&f->b, 10, T0 + 100 * MS, T0 + 110 * MS, T0 + 110 * MS, 11,
		 f->tar_child);
	assert_int_equal(critpath_build(f->p, &f->b.tl, &(struct cp_window){
		.root_tid = 10, .start = T0, .end = T0 + 110 * MS }), 0);
	assert_int_equal(cp_sum(f->p), 110 * MS);
}

static void tar_gzip_free(struct tar_gzip *f)
{
	tl_free(&f->b);
	fx_free(f->p);
}

/* 10 ms of tar's run, then 10 ms blocked writing into the full pipe until
 * gzip reads; gzip computes all along.  tar's runs held nothing up: the
 * path is gzip's.  When gzip instead waited for data while tar ran (the
 * feeder the bottleneck), tar's runs stay its own. */
static void test_feeder_runs_beside_reader(void **state)
{
	struct tar_gzip f;
	uint64_t t;
	int starved;

	(void)state;
	for (starved = 0; starved <= 1; starved++) {
		tar_gzip_init(&f);
		for (t = T0; t < T0 + 100 * MS; t += 20 * MS) {
			add_run(&f.b, 10, t, t + 10 * MS, f.tar_run);
			add_wait(&f.b, 10, t + 10 * MS, t + 20 * MS,
				 t + 20 * MS, 11, f.tar_pipe);
			if (starved) {	/* gzip waits while tar runs */
				add_wait(&f.b, 11, t, t + 10 * MS, t + 10 * MS,
					 10, f.gz_read);
				add_run(&f.b, 11, t + 10 * MS, t + 20 * MS,
					f.gz_run);
			}
		}
		if (!starved)
			add_run(&f.b, 11, T0, T0 + 110 * MS, f.gz_run);
		else
			add_run(&f.b, 11, T0 + 100 * MS, T0 + 110 * MS,
				f.gz_run);
		tar_gzip_path(&f);
		assert_int_equal(f.p->stacks[f.tar_run].cp_ns,
				 starved ? 50 * MS : 0);
		assert_int_equal(f.p->stacks[f.gz_run].cp_ns,
				 starved ? 60 * MS : 110 * MS);
		tar_gzip_free(&f);
	}
}

/* The same at the scale real runs have: tar's run between two writes,
 * 0.3 ms, has no sample of its own, nor gzip's in it; woken, tar waits
 * 0.3 ms for a CPU (the machine's load) while gzip works on.  Neither
 * held anything up: the path is gzip's. */
static void test_feeder_short_runs_late_turns(void **state)
{
	uint64_t t, us = MS / 1000;
	struct tar_gzip f;

	(void)state;
	tar_gzip_init(&f);
	for (t = T0; t < T0 + 100 * MS; t += MS)
		add_wait(&f.b, 10, t + 300 * us, t + 700 * us, t + MS, 11,
			 f.tar_pipe);
	add_run(&f.b, 11, T0 - MS, T0 + 110 * MS, f.gz_run);	/* from exec */
	tar_gzip_path(&f);
	assert_int_equal(f.p->stacks[f.tar_run].cp_ns, 0);
	assert_int_equal(f.p->stacks[f.tar_pipe].cp_ns, 0);
	assert_int_equal(f.p->stacks[f.gz_run].cp_ns, 110 * MS);
	tar_gzip_free(&f);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_thread),
		cmocka_unit_test(test_child_does_the_work),
		cmocka_unit_test(test_exec_chain_launcher),
		cmocka_unit_test(test_exec_chains_one_row),
		cmocka_unit_test(test_exec_chains_outweigh_work),
		cmocka_unit_test(test_launcher_started_its_child),
		cmocka_unit_test(test_launchers_of_a_kind_one_row),
		cmocka_unit_test(test_unsampled_child),
		cmocka_unit_test(test_program_named_by_its_file),
		cmocka_unit_test(test_path_from_exit_thread),
		cmocka_unit_test(test_wrapper_wait_follows_child),
		cmocka_unit_test(test_pipeline_waits_for_last),
		cmocka_unit_test(test_feeder_runs_beside_reader),
		cmocka_unit_test(test_feeder_short_runs_late_turns),
		cmocka_unit_test(test_fork_named_after_parent),
		cmocka_unit_test(test_script_no_launcher),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
