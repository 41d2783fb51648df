// SPDX-License-Identifier: GPL-2.0
/*
 * The summary read by someone who did not write the program: whose call a
 * runtime function is (start-up, the kernel, a callee, an idle server),
 * rows that would look alike merged, and shares that cannot pass 100%
 * unexplained.
 */
#include "readable_check.h"

/*
 * ./cpp: std::sort's partition (runtime, inlined into the program) is the
 * hottest function, called from sort_many at line 40 most and from build.
 */
static struct profile *sort_profile(bool on_path)
{
	struct profile *p = fx_new("./cpp");
	uint32_t m, s40, b, sort, part;
	size_t i;

	p->root_pid = 1;
	fx_proc(p, 1, 0, "cpp", "/tmp/cpp");
	m = fx_frame_at(p, "main", "cpp", CLASS_APP, "cpp.cpp", 50);
	s40 = fx_frame_at(p, "sort_many<double>", "cpp", CLASS_APP, "cpp.cpp",
			  40);
	b = fx_frame_at(p, "build", "cpp", CLASS_APP, "cpp.cpp", 45);
	sort = fx_frame_at(p, "std::sort<…>", "cpp", CLASS_RUNTIME,
			   "stl_algo.h", 4800);
	part = fx_frame_at(p, "std::__unguarded_partition<…>", "cpp",
			   CLASS_RUNTIME, "stl_algo.h", 1867);
	FX_STACK(p, 1, 1, 600, m, s40, sort, part);
	FX_STACK(p, 1, 1, 300, m, b, sort, part);
	FX_STACK(p, 1, 1, 100, m, b);
	if (!on_path)
		return p;
	p->wall_ns = 0;
	for (i = 0; i < p->n_stacks; i++)
		p->wall_ns += p->stacks[i].ns;
	one_program_path(p, "cpp");
	return p;
}

static void test_verdict_names_caller(void **state)
{
	struct profile *p = sort_profile(true);
	char *md = render_md(p), *json = render(p, FORMAT_JSON, 0, 0);

	(void)state;
	assert_contains(md, "most in `std::__unguarded_partition<…>` (runtime, "
			"stl_algo.h:1867) called from `sort_many<double>` "
			"(cpp.cpp:40), 90.0% of the wall time with its "
			"callees.");
	assert_contains(json, "\"verdict_function\": {\"name\": "
			"\"std::__unguarded_partition<…>\", \"module\": "
			"\"cpp\", \"class\": \"runtime\", \"starting\": "
			"null, \"called_from\": "
			"{\"name\": \"sort_many<double>\", \"file\": "
			"\"cpp.cpp\", \"line\": 40, \"ns\": 6000000000}, "
			"\"callee\": null, \"inside\": null}");
	assert_contains(json, "called from `sort_many<double>` (cpp.cpp:40)");
	free(md);
	free(json);
	fx_free(p);
}

/*
 * cmake -E run again and again: the dynamic loader's symbol lookup is
 * the hottest function, 80% of it as the processes start (stacks rooted
 * at ld.so's _start), 20% a lazy binding from cmake's own code: it is
 * named as start-up, not called from that function.  With the start-up
 * under half, the caller is named only when the stacks with one hold
 * half the time.
 */
static void test_verdict_loading(void **state)
{
	struct profile *p = fx_new("cmake");
	uint32_t ld_start, lookup, fixup, run, start;
	char *md, *json;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "cmake", "/usr/bin/cmake");
	fx_proc(p, 2, 1, "cmake", "/usr/bin/cmake");
	ld_start = fx_frame(p, "_start", "ld-linux-x86-64.so.2", CLASS_RUNTIME);
	lookup = fx_frame(p, "do_lookup_x", "ld-linux-x86-64.so.2",
			  CLASS_RUNTIME);
	fixup = fx_frame(p, "_dl_fixup", "ld-linux-x86-64.so.2", CLASS_RUNTIME);
	start = fx_frame(p, "_start", "cmake", CLASS_APP);
	run = fx_frame_at(p, "cmSystemTools::RunSingleCommand", "cmake",
			  CLASS_APP, "cmSystemTools.cxx", 600);
	FX_STACK(p, 2, 2, 800, ld_start, lookup);
	FX_STACK(p, 1, 1, 200, start, run, fixup, lookup);
	p->wall_ns = 1000 * MS;
	one_program_path(p, "cmake");
	p->stacks[0].cp_ns = 800 * MS;
	p->stacks[1].cp_ns = 200 * MS;
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "most in `do_lookup_x` (runtime, "
			"ld-linux-x86-64.so.2) as `cmake` processes started, "
			"before main (the dynamic loader binding their "
			"libraries' symbols), 100.0% of the wall time");
	assert_contains(json, "\"starting\": {\"pid\": 2, \"comm\": "
			"\"cmake\"}, \"called_from\": null, \"callee\": null, "
			"\"inside\": null}");
	free(md);
	free(json);
	/* under half as they start: the caller, with the rest */
	p->stacks[0].count = 400;
	p->stacks[0].ns = p->stacks[0].cp_ns = 400 * MS;
	p->stacks[1].count = 600;
	p->stacks[1].ns = p->stacks[1].cp_ns = 600 * MS;
	md = render_md(p);
	assert_contains(md, "(runtime, ld-linux-x86-64.so.2) called from "
			"`cmSystemTools::RunSingleCommand` (cmSystemTools.cxx:"
			"600)");
	free(md);
	/* a third of it under the caller, the rest truncated: none named */
	p->stacks[0].frames[0] = fixup;
	p->stacks[0].count = 600;
	p->stacks[0].ns = p->stacks[0].cp_ns = 600 * MS;
	p->stacks[1].count = 300;
	p->stacks[1].ns = p->stacks[1].cp_ns = 300 * MS;
	p->wall_ns = 900 * MS;
	one_program_path(p, "cmake");
	md = render_md(p);
	assert_contains(md, "most in `do_lookup_x` (runtime, "
			"ld-linux-x86-64.so.2), 100.0% of the wall time");
	free(md);
	fx_free(p);
}

/*
 * tar: 80% of its time in the kernel, reading (ksys_read: the x64 entry
 * inlined), writing (__x64_sys_write over ksys_write: the outer names
 * it) and faulting pages in from memset; a timer interrupt is in
 * neither.  The verdict says so by system call; with the kernel under
 * half the on-CPU time, not at all.
 */
static void test_verdict_kernel(void **state)
{
	struct profile *p = fx_new("tar");
	uint32_t m, crc, rd, wr, ms, entry, dsc, ksr, fr, xw, ksw, vw, apf,
		 epf, irq;
	char *md, *json;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "tar", "/usr/bin/tar");
	m = fx_frame(p, "main", "tar", CLASS_APP);
	crc = fx_frame(p, "crc32", "tar", CLASS_APP);
	rd = fx_frame(p, "read", "libc.so.6", CLASS_RUNTIME);
	wr = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	ms = fx_frame(p, "memset", "libc.so.6", CLASS_RUNTIME);
	entry = fx_frame(p, "entry_SYSCALL_64_after_hwframe", "[kernel]",
			 CLASS_KERNEL);
	dsc = fx_frame(p, "do_syscall_64", "[kernel]", CLASS_KERNEL);
	ksr = fx_frame(p, "ksys_read", "[kernel]", CLASS_KERNEL);
	fr = fx_frame(p, "filemap_read", "[kernel]", CLASS_KERNEL);
	xw = fx_frame(p, "__x64_sys_write", "[kernel]", CLASS_KERNEL);
	ksw = fx_frame(p, "ksys_write", "[kernel]", CLASS_KERNEL);
	vw = fx_frame(p, "vfs_write", "[kernel]", CLASS_KERNEL);
	apf = fx_frame(p, "asm_exc_page_fault", "[kernel]", CLASS_KERNEL);
	epf = fx_frame(p, "exc_page_fault", "[kernel]", CLASS_KERNEL);
	irq = fx_frame(p, "asm_sysvec_apic_timer_interrupt", "[kernel]",
		       CLASS_KERNEL);
	FX_STACK(p, 1, 1, 40, m, rd, entry, dsc, ksr, fr)->kernel_mode = true;
	FX_STACK(p, 1, 1, 20, m, wr, entry, dsc, xw, ksw, vw)->kernel_mode =
		true;
	FX_STACK(p, 1, 1, 10, m, ms, apf, epf)->kernel_mode = true;
	FX_STACK(p, 1, 1, 10, m, crc, irq)->kernel_mode = true;
	FX_STACK(p, 1, 1, 20, m, crc);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "tar");
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "On the critical path, 100.0% of the wall time is "
			"on-CPU, 80.0% in the kernel: system calls `read` "
			"40.0%, `write` 20.0%; page faults 10.0%. `tar` does");
	assert_contains(json, "\"kernel\": {\"ns\": 800000000, "
			"\"syscall_ns\": 600000000, \"page_fault_ns\": "
			"100000000, \"syscalls\": [{\"name\": \"read\", "
			"\"ns\": 400000000}, {\"name\": \"write\", \"ns\": "
			"200000000}]}");
	free(md);
	free(json);
	p->stacks[0].kernel_mode = false;	/* 40% in the kernel */
	md = render_md(p);
	assert_contains(md, "100.0% of the wall time is on-CPU. `tar` does");
	free(md);
	fx_free(p);
}

/* The Markdown of a run of comm: 40% in root (of module and class), 60%
 * under it in the kernel, through the n kernel functions k[], leaf last. */
static char *kernel_leaf_md(const char *comm, const char *root,
			    const char *module, enum frame_class cls,
			    const char *const *k, uint32_t n)
{
	struct profile *p = fx_new(comm);
	uint32_t f[8], i;
	char *md;

	p->root_pid = 1;
	fx_proc(p, 1, 0, comm, comm);
	f[0] = fx_frame(p, root, module, cls);
	for (i = 0; i < n && i < 7; i++)
		f[i + 1] = fx_frame(p, k[i], "[kernel]", CLASS_KERNEL);
	fx_stack_n(p, 1, 1, 60, f, i + 1)->kernel_mode = true;
	FX_STACK(p, 1, 1, 40, f[0]);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, comm);
	md = render_md(p);
	fx_free(p);
	return md;
}

/* A kernel function as the verdict's is told by what it ran for: page
 * faults (Java zeroing its new heap), a system call (node waking its
 * pool's threads, the samples landing where the lock's release turns
 * interrupts back on, as a VM's do), and a device's register written
 * (virtio's notify, a VM's disk rung under fdatasync). */
static void test_verdict_kernel_context(void **state)
{
	static const char *const faults[] = {
		"asm_exc_page_fault", "exc_page_fault", "clear_page_erms",
	};
	static const char *const futex[] = {
		"__x64_sys_futex", "try_to_wake_up",
		"_raw_spin_unlock_irqrestore",
	};
	/* a VM's disk rung: each register write exits to the hypervisor */
	static const char *const sync[] = {
		"__x64_sys_fdatasync", "vp_notify", "iowrite16",
	};
	char *md;

	(void)state;
	md = kernel_leaf_md("java", "Main.work", "[jit]", CLASS_APP, faults, 3);
	assert_contains(md, "most in `clear_page_erms` (kernel, in page "
			"faults)");
	free(md);
	md = kernel_leaf_md("node", "uv_cond_signal", "libuv.so.1",
			    CLASS_LIBRARY, futex, 3);
	assert_contains(md, "most in `_raw_spin_unlock_irqrestore` (kernel, "
			"in the `futex` system call)");
	free(md);
	md = kernel_leaf_md("sqlite3", "fdatasync", "libc.so.6",
			    CLASS_RUNTIME, sync, 3);
	assert_contains(md, "most in `iowrite16` (kernel, notifying the "
			"device, in the `fdatasync` system call)");
	free(md);
}

/*
 * A C++ word count: main (a std::map lookup inlined) compares strings in
 * libc's memcmp 40% of the time, copies them 15%: the verdict names main
 * and, of its time, memcmp; JSON's verdict_function has it as callee.
 * Under 20% of the path, the clause goes; a Python function's callees
 * are the interpreter's, never named so.
 */
static void test_verdict_callee(void **state)
{
	struct profile *p = fx_new("./wc");
	uint32_t m, cmp, cpy, mod, py;
	char *md, *json;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "wc", "/home/u/wc");
	m = fx_frame(p, "main", "wc", CLASS_APP);
	cmp = fx_frame(p, "__memcmp_evex_movbe", "libc.so.6", CLASS_RUNTIME);
	cpy = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 45, m);
	FX_STACK(p, 1, 1, 40, m, cmp);
	FX_STACK(p, 1, 1, 15, m, cpy);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "wc");
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "most in `main` (app, wc), 100.0% of the wall time "
			"with its callees, of which `__memcmp_evex_movbe` "
			"(runtime, libc.so.6) 40.0%.");
	assert_contains(json, "\"callee\": {\"name\": \"__memcmp_evex_movbe\", "
			"\"module\": \"libc.so.6\", \"class\": \"runtime\", "
			"\"ns\": 400000000}");
	free(md);
	free(json);
	p->stacks[1].count = 19;
	p->stacks[1].ns = p->stacks[1].cp_ns = 19 * FX_PERIOD_NS;
	p->stacks[0].count = 66;
	p->stacks[0].ns = p->stacks[0].cp_ns = 66 * FX_PERIOD_NS;
	md = render_md(p);
	assert_contains(md, "100.0% of the wall time with its callees.");
	free(md);
	fx_free(p);

	p = fx_new("python3 crunch.py");
	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3.11");
	mod = fx_frame_at(p, "<module>", "crunch.py", CLASS_APP,
			  "/home/u/crunch.py", 9);
	py = fx_frame_at(p, "crunch", "crunch.py", CLASS_APP,
			 "/home/u/crunch.py", 4);
	cmp = fx_frame(p, "l_mod", "libpython3.11.so.1.0", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 50, mod, py);
	FX_STACK(p, 1, 1, 50, mod, py, cmp);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "python3.11");
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_null(strstr(md, "of which"));
	assert_contains(json, "\"callee\": null");
	free(md);
	free(json);
	fx_free(p);
}

/*
 * A server profiled with -p: 90% of its path waits for connections on its
 * listening socket, idle; 10% runs its handler.  The verdict calls it
 * idle and names the handler its time running went under, not the poll;
 * JSON has critical_path's idle_ns.  A poll on a connected socket is no
 * idleness; an event loop's, of a process that only served, is.
 */
static void test_verdict_idle_server(void **state)
{
	struct profile *p = fx_new("server");
	uint32_t m, serve, poll, handle;
	char *md, *json;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "server", "/usr/bin/server");
	m = fx_frame_at(p, "main", "server", CLASS_APP, "server.c", 90);
	serve = fx_frame_at(p, "serve", "server", CLASS_APP, "server.c", 40);
	handle = fx_frame_at(p, "handle", "server", CLASS_APP, "server.c", 20);
	poll = fx_frame(p, "__poll", "libc.so.6", CLASS_RUNTIME);
	FX_WAIT(p, 1, 1, 30, WAIT_NETWORK, 900 * MS,
		"poll for connections on a listening TCP socket", m, serve,
		poll);
	FX_STACK(p, 1, 1, 10, m, serve, handle);
	p->wall_ns = 1000 * MS;
	one_program_path(p, "server");
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "On the critical path, 90.0% of the wall time is "
			"idle, waiting for new connections (poll for "
			"connections on a listening TCP socket in `serve`); "
			"on-CPU time is 10.0%. `server` holds the path: 100.0% of "
			"the wall time; while it ran (100.0 ms on the CPU, 1 "
			"thread), most of it under `handle` (app, server.c:20), "
			"100.0% ±0.0~ of on-CPU samples with its callees.");
	assert_contains(json, "\"idle_ns\": 900000000,");
	assert_contains(json, "\"verdict_function\": {\"name\": \"handle\"");
	free(md);
	free(json);
	free(p->stacks[0].target);
	p->stacks[0].target = fx_strdup("poll from 10.0.0.2:5432");
	md = render_md(p);
	assert_contains(md, "90.0% of the wall time is waiting on the "
			"network (poll from 10.0.0.2:5432 in `serve`)");
	free(md);
	/* an event loop's epoll (no target) in a process that accepted
	 * connections and made none but to a unix socket (a log): idle */
	free(p->stacks[0].target);
	p->stacks[0].target = NULL;
	p->stacks[0].reason = WAIT_POLL;
	fx_io_endpoint(p, "127.0.0.1", "tcp", IO_NO_SITE)->inbound = true;
	fx_io_endpoint(p, "/dev/log", "unix", IO_NO_SITE);
	md = render_md(p);
	assert_contains(md, "90.0% of the wall time is idle, waiting in its "
			"event loop for requests (in `serve`)");
	free(md);
	/* a client's socket it had before the recording (-p): no connect
	 * seen, no connection it made */
	fx_io_endpoint(p, "127.0.0.1:46262", "tcp", IO_NO_SITE);
	md = render_md(p);
	assert_contains(md, "90.0% of the wall time is idle, waiting in its "
			"event loop for requests (in `serve`)");
	free(md);
	/* it also connected to a database: its epoll may wait for that */
	fx_io_endpoint(p, "10.0.0.2:5432", "tcp", IO_NO_SITE)->connections = 1;
	md = render_md(p);
	assert_contains(md, "90.0% of the wall time is waiting in poll, "
			"select or epoll (in `serve`)");
	free(md);
	fx_free(p);
}

/* Without a critical path the on-CPU verdict names the caller too. */
static void test_cpu_verdict_names_caller(void **state)
{
	struct profile *p = sort_profile(false);
	char *md = render_md(p);

	(void)state;
	assert_contains(md, "`std::__unguarded_partition<…>` (runtime, "
			"stl_algo.h:1867) called from `sort_many<double>` "
			"(cpp.cpp:40) is 90.0% of on-CPU samples (self)");
	free(md);
	fx_free(p);
}

/*
 * std::sort's recursion at depths 1 to 3, one path each, and waits for a
 * CPU in sort_many from two call paths: one row each.
 */
static void test_rows_merged(void **state)
{
	struct profile *p = fx_new("./cpp");
	uint32_t m, s40, sort, intro, mid, part, f[16], n, d, k;
	char *md;

	(void)state;
	fx_proc(p, 1, 0, "cpp", "/tmp/cpp");
	m = fx_frame_at(p, "main", "cpp", CLASS_APP, "cpp.cpp", 50);
	s40 = fx_frame_at(p, "sort_many", "cpp", CLASS_APP, "cpp.cpp", 40);
	sort = fx_frame(p, "std::sort", "cpp", CLASS_RUNTIME);
	intro = fx_frame(p, "std::__introsort_loop", "cpp", CLASS_RUNTIME);
	mid = fx_frame(p, "std::__move_median", "cpp", CLASS_RUNTIME);
	part = fx_frame(p, "std::__unguarded_partition", "cpp",
			CLASS_RUNTIME);
	for (d = 1; d <= 3; d++) {
		n = 0;
		f[n++] = m;
		f[n++] = s40;
		f[n++] = sort;
		for (k = 0; k < d; k++) {
			f[n++] = intro;
			f[n++] = mid;
		}
		f[n++] = part;
		fx_stack_n(p, 1, 1, 100 * d, f, n);
	}
	FX_WAIT(p, 1, 1, 3, WAIT_CPU, 30000000ull, NULL, m, s40);
	FX_WAIT(p, 1, 1, 2, WAIT_CPU, 20000000ull, NULL, m, s40, sort);
	md = render_md(p);
	assert_contains(md, "| 100.0% | 600 | `main → sort_many → std::sort → "
			"…(2–6)… → std::__unguarded_partition` |\n\n");
	assert_contains(md, "| CPU wait (runnable) | — | `sort_many` "
			"(cpp.cpp:40) | 50.0 ms | 0.5% | 5 | 10.0 ms |\n\n");
	/* one thread: shares of the wall time */
	assert_contains(md, "| reason | target | where | time | % of wall |");
	assert_lacks(md, "summed over threads");
	assert_contains(md, "omitted: nothing");
	free(md);
	fx_free(p);
}

/* Two processes wait on their children for longer than the wall: the
 * waits' shares are of the threads' time, and none passes 100%. */
static void test_waits_of_threads(void **state)
{
	struct profile *p = fx_new("make -j2");
	uint32_t mk, gcc;
	char *md;

	(void)state;
	p->wall_ns = 1000000000ull;
	fx_proc(p, 1, 0, "make", "/usr/bin/make");
	fx_proc(p, 2, 1, "gcc", "/usr/bin/gcc");
	fx_proc(p, 3, 1, "gcc", "/usr/bin/gcc");
	mk = fx_frame(p, "reap_children", "make", CLASS_APP);
	gcc = fx_frame(p, "execute", "gcc", CLASS_APP);
	FX_STACK(p, 1, 1, 10, mk);
	FX_WAIT(p, 1, 1, 1, WAIT_CHILD, 900000000ull, NULL, mk);
	FX_WAIT(p, 2, 2, 1, WAIT_CHILD, 800000000ull, NULL, gcc);
	FX_WAIT(p, 3, 3, 1, WAIT_CHILD, 800000000ull, NULL, gcc);
	md = render_md(p);
	assert_contains(md, "Waits are summed over threads, which wait in "
			"parallel: shares are of all threads' time together, "
			"2.60 s, not of the wall time.");
	assert_contains(md, "| child | — | `execute` (gcc) | 1.60 s | 61.5% | "
			"2 | 800.0 ms |\n");
	assert_lacks(md, "(gcc) | 1.60 s | 160.0% |");
	free(md);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names_caller),
		cmocka_unit_test(test_verdict_loading),
		cmocka_unit_test(test_verdict_kernel),
		cmocka_unit_test(test_verdict_kernel_context),
		cmocka_unit_test(test_verdict_callee),
		cmocka_unit_test(test_verdict_idle_server),
		cmocka_unit_test(test_cpu_verdict_names_caller),
		cmocka_unit_test(test_rows_merged),
		cmocka_unit_test(test_waits_of_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
