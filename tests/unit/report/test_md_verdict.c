// SPDX-License-Identifier: GPL-2.0
/*
 * The summary read by someone who did not write the program: the
 * verdict's sentences past the first: a second wait, a lock and its
 * holder, launchers, the hint it points to, a wait on many targets,
 * where work was spawned from, time spread thin or under the
 * function named, and a busy machine.
 */
#include "readable_check.h"

#define VMS	1000000ull

/* The verdict's text in p's Markdown, a copy. */
static char *verdict_of(const struct profile *p)
{
	char *md = render_md(p), *v;
	const char *start, *end;

	assert_non_null(md);
	start = strstr(md, "## Verdict\n\n");
	assert_non_null(start);
	start += strlen("## Verdict\n\n");
	end = strchr(start, '\n');
	assert_non_null(end);
	v = strndup(start, end - start);
	assert_non_null(v);
	free(md);
	return v;
}

/*
 * sl.py on the critical path, wall 1 s: <module> runs work on CPU for
 * what the waits leave, waits pipe_ms on a pipe, and sleeps 50 times,
 * sleep_ms in all, in <module> itself or in poller.
 */
static struct profile *sleep_profile(uint64_t sleep_ms, uint64_t pipe_ms,
				     bool in_poller)
{
	struct profile *p = fx_new("python3 sl.py");
	uint32_t mod, work, poll, nsl;

	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "sl.py", CLASS_APP, "sl.py", 7);
	work = fx_frame_at(p, "work", "sl.py", CLASS_APP, "sl.py", 4);
	poll = fx_frame_at(p, "poller", "sl.py", CLASS_APP, "sl.py", 9);
	nsl = fx_frame(p, "clock_nanosleep", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 100, mod, work)->ns =
		(1000 - sleep_ms - pipe_ms) * VMS;
	if (in_poller)
		FX_WAIT(p, 1, 1, 50, WAIT_SLEEP, sleep_ms * VMS, NULL, mod,
			poll, nsl);
	else
		FX_WAIT(p, 1, 1, 50, WAIT_SLEEP, sleep_ms * VMS, NULL, mod,
			nsl);
	if (pipe_ms)
		FX_WAIT(p, 1, 1, 10, WAIT_PIPE, pipe_ms * VMS, NULL, mod);
	p->wall_ns = 1000 * VMS;
	one_program_path(p, "python3");
	return p;
}

static char *sleep_verdict(uint64_t sleep_ms, uint64_t pipe_ms,
			   bool in_poller)
{
	struct profile *p = sleep_profile(sleep_ms, pipe_ms, in_poller);
	char *json = render(p, FORMAT_JSON, 0, 0), *v = verdict_of(p);

	assert_non_null(json);
	/* the JSON's verdict is the same text, hints and all */
	if (strstr(v, "see the"))
		assert_contains(json, "see the `sleeps` hint");
	free(json);
	fx_free(p);
	return v;
}

/* A second wait category from 20% of the path is named, with its where. */
static void test_verdict_second_wait(void **state)
{
	char *v;

	(void)state;
	v = sleep_verdict(300, 0, false);
	assert_contains(v, "On the critical path, 70.0% of the wall time is "
			"on-CPU; 30.0% is sleeping (in `<module>`, "
			"sl.py:7).");
	assert_null(strstr(v, "see the"));	/* said already */
	free(v);
	v = sleep_verdict(200, 0, false);
	assert_contains(v, "; 20.0% is sleeping (in `<module>`, sl.py:7)");
	free(v);
	v = sleep_verdict(199, 0, false);
	assert_null(strstr(v, "is sleeping"));
	free(v);
	/* only the second: the third (sleep, 25%) is left to the hint */
	v = sleep_verdict(250, 300, true);
	assert_contains(v, "; 30.0% is waiting on pipes and Unix sockets");
	assert_null(strstr(v, "is sleeping"));
	free(v);
}

/* Waits for a CPU, the machine's load, are named from 25% of the path,
 * after the program's own second category: the rest of the verdict
 * leaves out that much; under it, not.  The traced programs' CPU time
 * (cpu_ms, on n_cpus) tells whose load it was. */
static char *cpu_wait_verdict_on(uint64_t cpu_wait_ms, uint64_t sleep_ms,
				 uint32_t n_cpus, uint64_t cpu_ms)
{
	struct profile *p = sleep_profile(sleep_ms, 0, false);
	struct stack_sample *s;
	char *v;

	p->n_cpus = n_cpus;
	p->cpu_user_ns = cpu_ms * VMS;
	p->cpu_sys_ns = 0;
	p->stacks[0].cp_ns = p->stacks[0].ns -= cpu_wait_ms * VMS;
	s = FX_WAIT(p, 1, 1, 40, WAIT_CPU, cpu_wait_ms * VMS, NULL,
		    p->stacks[0].frames[0], p->stacks[0].frames[1]);
	s->cp_ns = s->ns;
	v = verdict_of(p);
	fx_free(p);
	return v;
}

static char *cpu_wait_verdict(uint64_t cpu_wait_ms, uint64_t sleep_ms)
{
	return cpu_wait_verdict_on(cpu_wait_ms, sleep_ms, 0, 0);
}

static void test_verdict_cpu_wait(void **state)
{
	char *v;

	(void)state;
	v = cpu_wait_verdict(400, 0);
	assert_contains(v, "On the critical path, 60.0% of the wall time is "
			"on-CPU; 40.0% is runnable, waiting for a CPU (the "
			"machine's load: other programs, or more runnable "
			"threads than CPUs).");
	free(v);
	v = cpu_wait_verdict(390, 210);
	assert_contains(v, "On the critical path, 40.0% of the wall time is "
			"on-CPU; 21.0% is sleeping (in `<module>`, sl.py:7); "
			"39.0% is runnable, waiting for a CPU (the machine's "
			"load: other programs, or more runnable threads than "
			"CPUs).");
	free(v);
	v = cpu_wait_verdict(240, 0);
	assert_contains(v, "On the critical path, 76.0% of the wall time is "
			"on-CPU.");
	assert_null(strstr(v, "waiting for a CPU"));
	free(v);
	/* its own four compilers on two CPUs: 1.7 s of CPU in 1 s */
	v = cpu_wait_verdict_on(400, 0, 2, 1700);
	assert_contains(v, "; 40.0% is runnable, waiting for a CPU: the "
			"traced programs kept the machine's 2 CPUs 85% busy "
			"themselves (1.70 s of CPU time in 1.00 s), more of "
			"their threads runnable at once than there are CPUs.");
	free(v);
	/* under 85% of both CPUs: others' load, or its bursts */
	v = cpu_wait_verdict_on(400, 0, 2, 1690);
	assert_contains(v, "waiting for a CPU (the machine's load: other "
			"programs, or more runnable threads than CPUs).");
	free(v);
}

/* Three threads waited 2.7 s on a lock held in holder (a frame of
 * sleep_profile: 2 poller, 1 work), which ran cpu_ms under it and slept
 * sleep_ms holding it: the verdict's last sentence. */
static char *lock_verdict_in(uint32_t holder, uint64_t cpu_ms,
			     uint64_t sleep_ms)
{
	struct profile *p = sleep_profile(900, 0, true);
	char *v;

	p->critical.locks = calloc(1, sizeof(*p->critical.locks));
	assert_non_null(p->critical.locks);
	p->critical.locks[0] = (struct critical_lock){
		.holder_frame = holder, .waiting_threads = 3,
		.wait_ns = 2700 * VMS, .holder_cpu_ns = cpu_ms * VMS,
		.holder_wait_ns = sleep_ms * VMS,
		.holder_wait_reason = sleep_ms ? WAIT_SLEEP : WAIT_NONE,
		.waiter_frame = -1,
	};
	p->critical.n_locks = 1;
	v = verdict_of(p);
	fx_free(p);
	return v;
}

static char *lock_verdict(uint64_t cpu_ms, uint64_t sleep_ms)
{
	return lock_verdict_in(2, cpu_ms, sleep_ms);
}

/* The threads take turns on a lock: on its work, or on a wait made
 * holding it; neither when the holder barely held them.  Said once:
 * by the lock_contention hint when the verdict points at it. */
static void test_verdict_lock(void **state)
{
	char *v;

	(void)state;
	v = lock_verdict(10, 800);
	assert_contains(v, " 3 threads waited 2.70 s on a lock held in "
			"`poller`, which slept 800.0 ms holding it meanwhile: "
			"the threads take turns on the lock and on that "
			"wait.");
	free(v);
	v = lock_verdict(900, 0);
	assert_contains(v, " 3 threads waited 2.70 s on a lock held in "
			"`poller`: the work under it runs one thread at a "
			"time.");
	free(v);
	v = lock_verdict(10, 100);
	assert_null(strstr(v, "on a lock"));
	free(v);
	v = lock_verdict_in(1, 900, 0);
	assert_contains(v, "see the `lock_contention` hint: 3 threads waited "
			"2.70 s in all for a lock held in work (sl.py:4)");
	assert_null(strstr(v, "on a lock held in"));
	free(v);
}

/* A launcher that waited for what it started costs its own time; one
 * that exec'd its way there, all that ran before. */
static void test_verdict_launchers(void **state)
{
	struct profile *p = sleep_profile(300, 0, false);
	char *v;

	(void)state;
	p->critical.launchers = calloc(2, sizeof(*p->critical.launchers));
	assert_non_null(p->critical.launchers);
	p->critical.launchers[0] = (struct critical_launcher){
		.name = fx_strdup("make"), .started = fx_strdup("cc1"),
		.processes = 3, .ns = 80 * VMS, .waited = true,
	};
	p->critical.launchers[1] = (struct critical_launcher){
		.name = fx_strdup("python3"), .interpreter = fx_strdup("bash"),
		.started = fx_strdup("python3.11"), .processes = 41,
		.ns = 60 * VMS,
	};
	p->critical.n_launchers = 2;
	v = verdict_of(p);
	assert_contains(v, " `make` is a launcher waiting for `cc1`: its own "
			"80.0 ms in 3 processes (8.0% of wall). `python3` is a "
			"launcher (bash): 60.0 ms in 41 processes before "
			"python3.11 started (6.0% of wall).");
	free(v);
	fx_free(p);
}

/* The largest hint from 20% of wall, elsewhere than the verdict's
 * function, is pointed to. */
static void test_verdict_points_to_hint(void **state)
{
	char *v;

	(void)state;
	v = sleep_verdict(250, 300, true);
	assert_contains(v, "; see the `sleeps` hint: 50 sleeps of 5 ms on "
			"average in poller (sl.py:9) took 250 ms, 25% of wall "
			"time.");
	free(v);
	v = sleep_verdict(200, 300, true);
	assert_contains(v, "see the `sleeps` hint: 50 sleeps of 4 ms");
	free(v);
	v = sleep_verdict(199, 300, true);
	assert_null(strstr(v, "see the"));
	free(v);
}

/*
 * ot.py on the critical path, wall 1 s: read_file (600 ms, 450 of them in
 * __tls_get_addr under it when in_tls, else its own) opens 10 files 3
 * times each, their syscalls syscall_ms; <module> runs the rest.  The
 * verdict's function is __tls_get_addr or read_file; the rereading is
 * read_file's.
 */
static char *reread_verdict(uint64_t syscall_ms, bool in_tls)
{
	struct profile *p = fx_new("python3 ot.py");
	uint32_t mod, rf, tls, op;
	char path[16], *v;
	int32_t site;
	size_t i;

	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "ot.py", CLASS_APP, "ot.py", 30);
	rf = fx_frame_at(p, "read_file", "ot.py", CLASS_APP, "ot.py", 20);
	tls = fx_frame(p, "__tls_get_addr", "ld-linux-x86-64.so.2",
		       CLASS_RUNTIME);
	op = fx_frame(p, "open", "libc.so.6", CLASS_RUNTIME);
	if (in_tls)
		FX_STACK(p, 1, 1, 100, mod, rf, tls)->ns = 450 * VMS;
	else
		FX_STACK(p, 1, 1, 100, mod, rf)->ns = 450 * VMS;
	FX_STACK(p, 1, 1, 100, mod, rf)->ns = 150 * VMS;
	FX_STACK(p, 1, 1, 100, mod)->ns = 400 * VMS;
	site = FX_IO_SITE(p, 1, mod, rf, op);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/d/%zu.txt", i);
		fx_io_file(p, path, 3, syscall_ms * VMS / 10, site);
	}
	p->wall_ns = 1000 * VMS;
	one_program_path(p, "python3");
	v = verdict_of(p);
	fx_free(p);
	return v;
}

/* Files reread: the opener's time that went to rereading them counts,
 * not only their syscalls (Python's open() costs more than its syscalls):
 * read_file's 60%, 2 of 3 opens reopens, 40% of wall. */
static void test_verdict_points_to_reread(void **state)
{
	char *v;

	(void)state;
	v = reread_verdict(10, true);
	assert_contains(v, "most in `__tls_get_addr`");
	assert_contains(v, "; see the `repeated_opens` hint: 30 opens of 10 "
			"distinct files, each opened more than once (3.0 per "
			"file)");
	free(v);
	/* the verdict's function is the opener: its time does not say why */
	v = reread_verdict(10, false);
	assert_contains(v, "most in `read_file` (app, ot.py:20)");
	assert_contains(v, "; see the `repeated_opens` hint: 30 opens");
	free(v);
}

/* gil.py, wall 1 s: two threads run work (gil.py:5), 500 ms each on the
 * CPU, one after the other, each waiting 500 ms for the GIL meanwhile;
 * the main thread joins them.  The verdict's function is work, and the
 * GIL hint at work says what its time does not: they take turns. */
static void test_verdict_points_to_gil(void **state)
{
	struct profile *p = fx_new("python3 gil.py");
	uint32_t mod, work, take, join, tid;
	char *v;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "gil.py", CLASS_APP, "gil.py", 9);
	work = fx_frame_at(p, "work", "gil.py", CLASS_APP, "gil.py", 5);
	take = fx_frame(p, "take_gil", "libpython3.11.so", CLASS_RUNTIME);
	join = fx_frame(p, "pthread_join", "libc.so.6", CLASS_RUNTIME);
	FX_WAIT(p, 1, 1, 1, WAIT_JOIN, 1000 * VMS, NULL, mod, join);
	for (tid = 2; tid <= 3; tid++) {
		FX_STACK(p, 1, tid, 500, work)->ns = 500 * VMS;
		FX_WAIT(p, 1, tid, 50, WAIT_GIL, 500 * VMS, NULL, work, take);
	}
	p->wall_ns = 1000 * VMS;
	one_program_path(p, "python3");
	p->stacks[0].cp_ns = p->stacks[2].cp_ns = p->stacks[4].cp_ns = 0;
	v = verdict_of(p);
	assert_contains(v, "most in `work` (app, gil.py:5)");
	assert_contains(v, "; see the `gil` hint: 2 threads ran work (gil.py:5) "
			"but only one held the GIL at a time");
	free(v);
	fx_free(p);
}

/* grep from a cold cache: 20 files read, 30 ms of disk each, 60% of the
 * wall time: the verdict and the table say the 20, not one of them. */
static void test_wait_many_targets(void **state)
{
	struct profile *p = fx_new("grep -r x /d");
	uint32_t m, f;
	char target[32], *md, *v;
	size_t i;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "grep", "/usr/bin/grep");
	m = fx_frame_at(p, "main", "grep", CLASS_APP, "grep.c", 1);
	f = fx_frame_at(p, "grep_file", "grep", CLASS_APP, "grep.c", 5);
	FX_STACK(p, 1, 1, 400, m, f)->ns = 400 * VMS;
	for (i = 0; i < 20; i++) {
		snprintf(target, sizeof(target), "read /d/%zu", i);
		FX_WAIT(p, 1, 1, 1, WAIT_DISK, (i == 7 ? 31 : 30) * VMS,
			target, m, f);
	}
	p->wall_ns = 1001 * VMS;
	one_program_path(p, "grep");
	v = verdict_of(p);
	assert_contains(v, "is waiting on the disk (read /d/7 and 19 others in "
			"`grep_file`)");
	free(v);
	md = render_md(p);
	assert_contains(md, "| disk | read /d/7 and 19 others | `grep_file` "
			"(grep.c:5) | 601.0 ms |");
	free(md);
	fx_free(p);
}

/* wc.py, wall 1 s: fetch_all (wc.py:4) runs sleep, 700 ms on the path;
 * python3 crunches 300 ms.  The verdict says where the work was started,
 * once; a spawner with no source line is not said. */
static char *spawn_verdict(bool with_line)
{
	struct profile *p = fx_new("python3 wc.py");
	uint32_t mod, fetch, popen, slp, crunch;
	int32_t site;
	char *v;

	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3");
	fx_proc(p, 2, 1, "sleep", "/usr/bin/sleep");
	mod = fx_frame_at(p, "<module>", "wc.py", CLASS_APP, "wc.py", 10);
	fetch = with_line ? fx_frame_at(p, "fetch_all", "wc.py", CLASS_APP,
					"wc.py", 4)
			  : fx_frame(p, "[wc+0x40]", "wc", CLASS_APP);
	popen = fx_frame_at(p, "Popen._execute_child", "subprocess.py",
			    CLASS_RUNTIME, "/usr/lib/python3.11/subprocess.py",
			    1834);
	crunch = fx_frame_at(p, "crunch", "wc.py", CLASS_APP, "wc.py", 7);
	slp = fx_frame(p, "[sleep+0x6420]", "sleep", CLASS_APP);
	FX_STACK(p, 1, 1, 300, mod, crunch)->ns = 300 * VMS;
	FX_WAIT(p, 2, 2, 1, WAIT_SLEEP, 700 * VMS, NULL, slp);
	site = FX_IO_SITE(p, 1, mod, fetch, popen);
	fx_io_spawn(p, "/usr/bin/sleep", 3, 700 * VMS, site);
	p->wall_ns = 1000 * VMS;
	one_program_path(p, "sleep");
	p->critical.programs = realloc(p->critical.programs,
				       2 * sizeof(*p->critical.programs));
	assert_non_null(p->critical.programs);
	memset(&p->critical.programs[1], 0, sizeof(p->critical.programs[1]));
	p->critical.programs[0].ns = 700 * VMS;
	p->critical.programs[1].name = fx_strdup("python3");
	p->critical.programs[1].ns = 300 * VMS;
	p->critical.n_programs = 2;
	v = verdict_of(p);
	fx_free(p);
	return v;
}

static void test_verdict_spawned_from(void **state)
{
	const char *at;
	char *v;

	(void)state;
	v = spawn_verdict(true);
	assert_contains(v, "`sleep` holds the path: 70.0% of the wall time");
	at = strstr(v, "spawned from `fetch_all` (wc.py:4)");
	if (!at)
		at = strstr(v, "spawned from fetch_all (wc.py:4)");	/* hint */
	assert_non_null(at);
	assert_null(strstr(at + 1, "spawned from"));
	free(v);
	v = spawn_verdict(false);
	assert_null(strstr(v, "spawned from `"));
	free(v);
}

/*
 * sub.py through pyenv runs git 60 times: the shim (31%) is the
 * launchers sentence's, so the verdict points to the spawns hint (28%);
 * its first clause, too long to quote whole, ends at a comma outside
 * parentheses, not inside a word.
 */
static void test_verdict_hint_clause(void **state)
{
	struct profile *p = fx_new("/home/u/.pyenv/shims/python3 sub.py");
	struct critical_launcher *l;
	struct io_spawn *git;
	uint32_t mod, popen, slp;
	const char *at;
	char *v;
	int32_t site;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/home/u/.pyenv/versions/3.11.7/bin/"
		"python3.11");
	fx_proc(p, 2, 1, "git", "/usr/lib/git-core/git");
	mod = fx_frame_at(p, "<module>", "sub.py", CLASS_APP, "sub.py", 4);
	popen = fx_frame_at(p, "Popen._execute_child", "subprocess.py",
			    CLASS_RUNTIME, "/usr/lib/python3.11/subprocess.py",
			    1834);
	slp = fx_frame(p, "[git+0x6420]", "git", CLASS_APP);
	FX_STACK(p, 1, 1, 720, mod)->ns = 720 * VMS;
	FX_STACK(p, 2, 2, 280, slp)->ns = 280 * VMS;
	site = FX_IO_SITE(p, 1, mod, popen);
	git = fx_io_spawn(p, "/usr/lib/git-core/git-with-a-rather-long-name-"
			  "of-forty-more-bytes-or-so-and-more", 60, 560 * VMS,
			  site);
	git->union_ns = 280 * VMS;
	git->max_parallel = 2;
	git->cpu_ns = 100 * VMS;
	p->wall_ns = 1000 * VMS;
	one_program_path(p, "python3.11");
	p->critical.launchers = l = calloc(1, sizeof(*l));
	assert_non_null(l);
	l->name = fx_strdup("python3");
	l->interpreter = fx_strdup("bash");
	l->started = fx_strdup("python3.11");
	l->processes = 41;
	l->ns = 310 * VMS;
	p->critical.n_launchers = 1;
	v = verdict_of(p);
	assert_null(strstr(v, "see the `shim` hint"));
	assert_contains(v, "`python3` is a launcher (bash): 310.0 ms in 41 "
			"processes before python3.11 started (31.0% of wall).");
	at = strstr(v, "; see the `spawns` hint: /usr/lib/git-core/git-with-"
		    "a-rather-long-name-of-forty-more-bytes-or-so-and-more ran 60 "
		    "times (");
	assert_non_null(at);
	/* past 240 bytes, whole clauses: the quote ends where the hint's
	 * ", spawned from" starts */
	assert_contains(at, "counted once). `python3` is a launcher");
	free(v);
	/* a launcher that held more of the path than the program doing the
	 * work (a script running the shim at each line): said first */
	p->critical.programs[0].ns = 400 * VMS;
	l->ns = 410 * VMS;
	v = verdict_of(p);
	assert_contains(v, "on-CPU. `python3` is a launcher (bash): 410.0 ms in "
			"41 processes before python3.11 started (41.0% of "
			"wall). `python3.11` does the work: 40.0% of the wall "
			"time");
	at = strstr(v, "is a launcher");
	assert_null(strstr(at + 1, "is a launcher"));	/* said once */
	free(v);
	/* the shim's bash above the program it started: that program is
	 * still the one doing the work, said first */
	p->critical.programs = realloc(p->critical.programs,
				       2 * sizeof(*p->critical.programs));
	assert_non_null(p->critical.programs);
	p->critical.programs[1] = p->critical.programs[0];
	memset(&p->critical.programs[0], 0, sizeof(*p->critical.programs));
	p->critical.programs[0].name = fx_strdup("bash");
	p->critical.programs[0].ns = 450 * VMS;
	p->critical.n_programs = 2;
	l->ns = 500 * VMS;
	v = verdict_of(p);
	assert_contains(v, "(50.0% of wall). `python3.11` does the work: 40.0% "
			"of the wall time, then `bash` 45.0%");
	free(v);
	fx_free(p);
}

/*
 * A decoder's time spread over 23 library functions of 4% each: no
 * function has 5% on its own.  Under `decode_all` (a): the verdict says
 * most of it is under it.  When the function of most own time is also the
 * one most of it runs under (b: `object`, 4.5% own, 52.5% with its
 * callees), that share is said with it, once.
 */
static void test_verdict_spread_thin(void **state)
{
	struct profile *p;
	uint32_t m, under, leaf[23];
	char name[16], *v;
	int i, k;

	(void)state;
	for (k = 0; k < 2; k++) {
		p = fx_new("./dec");
		p->root_pid = 1;
		fx_proc(p, 1, 0, "dec", "/home/u/dec");
		m = fx_frame_at(p, "main", "dec", CLASS_APP, "dec.c", 90);
		under = fx_frame_at(p, k ? "object" : "decode_all", "dec",
				    CLASS_APP, "dec.c", 40);
		for (i = 0; i < 23; i++) {
			snprintf(name, sizeof(name), "lib_step%d", i);
			leaf[i] = fx_frame(p, name, "libdec.so", CLASS_LIBRARY);
		}
		for (i = 0; i < 23; i++) {
			if (k && i >= 12)	/* b: 11 of them under main */
				FX_STACK(p, 1, 1, 40, m, leaf[i]);
			else
				FX_STACK(p, 1, 1, 40, m, under, leaf[i]);
		}
		FX_STACK(p, 1, 1, k ? 45 : 39, m, under);
		FX_STACK(p, 1, 1, k ? 35 : 40, m);
		if (!k)
			FX_STACK(p, 1, 1, 1, m, under, leaf[0]);
		p->wall_ns = 1000 * FX_PERIOD_NS;
		one_program_path(p, "dec");
		v = verdict_of(p);
		if (!k)
			assert_contains(v, "; spread thin: no function has 5% of "
					"it on its own (the most, `lib_step0` in "
					"libdec.so, 4.1%); most of it under "
					"`decode_all` (dec.c:40), 96.0% of the wall "
					"time with its callees.");
		else
			assert_contains(v, "; spread thin: no function has 5% of "
					"it on its own (the most, `object` in "
					"dec.c:40, 4.5%, and 52.5% of the wall time "
					"with its callees).");
		free(v);
		fx_free(p);
	}
}

/*
 * A Rust word count: main's own loop leads by own time (15%), count()
 * holds most of the path with its callees (85%, in std's hashing): the
 * verdict names main and, under it, count.  Under half: not said.
 */
static void test_verdict_app_under(void **state)
{
	struct profile *p = fx_new("./wc");
	uint32_t m, cnt, leaf;
	char name[32], *v;
	int i;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "wc", "/home/u/wc");
	m = fx_frame_at(p, "main::main", "wc", CLASS_APP, "main.rs", 13);
	cnt = fx_frame_at(p, "main::count", "wc", CLASS_APP, "main.rs", 5);
	FX_STACK(p, 1, 1, 15, m);
	FX_STACK(p, 1, 1, 1, m, cnt);
	for (i = 0; i < 6; i++) {	/* std's hashing, each under main's */
		snprintf(name, sizeof(name), "core::hash::step%d", i);
		leaf = fx_frame_at(p, name, "wc", CLASS_RUNTIME,
				   "/rustc/x/library/core/src/sip.rs", i + 1);
		FX_STACK(p, 1, 1, 14, m, cnt, leaf);
	}
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "wc");
	v = verdict_of(p);
	assert_contains(v, "most in `main::main` (app, main.rs:13), 100.0% of "
			"the wall time with its callees; most of it under "
			"`main::count` (main.rs:5), 85.0%.");
	free(v);
	p->stacks[0].count = 100;	/* count(): 85 of 185 */
	p->stacks[0].ns = p->stacks[0].cp_ns = 100 * FX_PERIOD_NS;
	p->wall_ns = p->critical.ns = 185 * FX_PERIOD_NS;
	p->critical.programs[0].ns = p->wall_ns;
	v = verdict_of(p);
	assert_null(strstr(v, "most of it under"));
	free(v);
	fx_free(p);
}

/*
 * A Rust main whose own loop holds most of the path, std's lang_start
 * calling it: stacks cut short (no lang_start above main, 20%) give the
 * caller less than main with its callees; it is no part of main, and the
 * verdict does not say main's time is under it.
 */
static void test_verdict_app_under_caller(void **state)
{
	struct profile *p = fx_new("./rs");
	uint32_t ls, m, fmt;
	char *v;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "rs", "/home/u/rs");
	ls = fx_frame_at(p, "std::rt::lang_start::{{closure}}", "rs",
			 CLASS_APP, "rt.rs", 190);
	m = fx_frame_at(p, "rs::main", "rs", CLASS_APP, "main.rs", 3);
	fmt = fx_frame_at(p, "alloc::fmt::format::format_inner", "rs",
			  CLASS_RUNTIME, "fmt.rs", 600);
	FX_STACK(p, 1, 1, 60, ls, m);
	FX_STACK(p, 1, 1, 20, ls, m, fmt);
	FX_STACK(p, 1, 1, 20, m, fmt);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "rs");
	v = verdict_of(p);
	assert_contains(v, "most in `rs::main` (app, main.rs:3), 100.0% of "
			"the wall time with its callees.");
	assert_null(strstr(v, "most of it under"));
	free(v);
	fx_free(p);
}

/* record -a on 2 CPUs for 1 s, a spinner in spin for spin_ms; other is
 * another process, pid 6 (its frames the caller's to add). */
static struct profile *machine_profile(uint64_t spin_ms, const char *other,
				       uint32_t *spin)
{
	struct profile *p = fx_new(PROFILE_COMMAND_ALL);

	fx_proc(p, 5, 1, "spinner", "/usr/bin/spinner");
	fx_proc(p, 6, 1, other, "/usr/bin/other");
	*spin = fx_frame_at(p, "spin", "spinner", CLASS_APP, "spin.c", 3);
	FX_STACK(p, 5, 5, spin_ms, *spin)->ns = spin_ms * VMS;
	p->wall_ns = 1000 * VMS;
	p->n_cpus = 2;
	return p;
}

/* record -a on 2 CPUs for 1 s: a spinner ran 0.9 s, an idle daemon's
 * thread and a kernel thread waited the whole second.  The verdict is who
 * ran, not that the machine's threads mostly waited. */
static void test_machine_verdict(void **state)
{
	uint32_t spin, poll, idle;
	struct profile *p = machine_profile(900, "daemon", &spin);
	char *v;

	(void)state;
	poll = fx_frame(p, "epoll_wait", "libc.so.6", CLASS_RUNTIME);
	idle = fx_frame(p, "rcu_gp_kthread", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 6, 6, 100, poll)->ns = 100 * VMS;
	FX_WAIT(p, 6, 7, 1, WAIT_POLL, 1000 * VMS, NULL, poll);
	FX_WAIT(p, 15, 15, 1, WAIT_OTHER, 1000 * VMS, NULL, idle);
	v = verdict_of(p);
	assert_contains(v, "The 2 CPUs were 50.0% busy (1.00 s of CPU time); "
			"the most: `spinner` (pid 5) 90.0%, `daemon` (pid 6) "
			"10.0%. `spin` (app, spin.c:3) is 90.0% of on-CPU "
			"samples");
	assert_contains(v, " Other waits are not weighed here");
	assert_null(strstr(v, "is waiting"));
	assert_null(strstr(v, "Waiting on the disk"));
	free(v);
	fx_free(p);
}

/* A machine held up by its disk says so, with who waited most; the idle
 * waits stay out. */
static void test_machine_disk_waits(void **state)
{
	uint32_t spin, rd, fts;
	struct profile *p = machine_profile(300, "tar", &spin);
	char *v;

	(void)state;
	rd = fx_frame(p, "read", "libc.so.6", CLASS_RUNTIME);
	fts = fx_frame(p, "finish_task_switch", "[kernel]", CLASS_KERNEL);
	/* the switch back after each wait: not the function named */
	FX_STACK(p, 6, 6, 400, rd, fts)->ns = 400 * VMS;
	FX_WAIT(p, 6, 6, 40, WAIT_DISK, 900 * VMS, NULL, rd);
	FX_WAIT(p, 5, 9, 2, WAIT_DISK, 99 * VMS, NULL, spin);
	FX_WAIT(p, 5, 5, 2, WAIT_CPU, 99 * VMS, NULL, spin);
	v = verdict_of(p);
	assert_contains(v, "`spin` (app, spin.c:3) is 42.9% of on-CPU "
			"samples");
	assert_contains(v, " Waiting on the disk: 999.0 ms in all threads, "
			"the most `tar` (pid 6) 900.0 ms. Other waits are not "
			"weighed here");
	assert_null(strstr(v, "waiting for a CPU"));	/* under 10% */
	free(v);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_second_wait),
		cmocka_unit_test(test_verdict_cpu_wait),
		cmocka_unit_test(test_verdict_lock),
		cmocka_unit_test(test_verdict_launchers),
		cmocka_unit_test(test_machine_disk_waits),
		cmocka_unit_test(test_verdict_points_to_hint),
		cmocka_unit_test(test_verdict_points_to_reread),
		cmocka_unit_test(test_verdict_points_to_gil),
		cmocka_unit_test(test_wait_many_targets),
		cmocka_unit_test(test_verdict_spawned_from),
		cmocka_unit_test(test_verdict_hint_clause),
		cmocka_unit_test(test_verdict_spread_thin),
		cmocka_unit_test(test_verdict_app_under),
		cmocka_unit_test(test_verdict_app_under_caller),
		cmocka_unit_test(test_machine_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
