// SPDX-License-Identifier: GPL-2.0
/*
 * The summary read by someone who did not write the program: whose call a
 * runtime function is, rows that would look alike merged, shares that
 * cannot pass 100% unexplained, and what to do about missing names.
 */
#include "report_fixture.h"

/* The program name the whole critical path (p->wall_ns), every stack on
 * it. */
static void one_program_path(struct profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_stacks; i++)
		p->stacks[i].cp_ns = p->stacks[i].ns;
	p->critical.ns = p->wall_ns;
	p->critical.programs = calloc(1, sizeof(*p->critical.programs));
	assert_non_null(p->critical.programs);
	p->critical.programs[0].name = fx_strdup(name);
	p->critical.programs[0].ns = p->wall_ns;
	p->critical.n_programs = 1;
}

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
			"on-CPU time is 10.0%. `server` does the work: 100.0% of "
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

/* A frame of code no symbol covered: path NULL for anonymous code. */
static uint32_t unnamed(struct profile *p, const char *name,
			const char *module, const char *path)
{
	uint32_t i = fx_frame(p, name, module, path ? CLASS_APP :
			      CLASS_RUNTIME);

	p->frames[i].resolved = false;
	p->frames[i].path = fx_strdup(path);
	return i;
}

static void test_stripped_advice(void **state)
{
	struct profile *p = fx_new("git gc");
	uint32_t g, libc;
	char *md;

	(void)state;
	fx_proc(p, 1, 0, "git", "/usr/bin/git");
	g = unnamed(p, "[git+0x28a290]", "git", "/usr/bin/git");
	libc = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 70, g);
	FX_STACK(p, 1, 1, 30, g, libc);
	md = render_md(p);
	assert_contains(md, "`[git+0x28a290]` (app, git) is 70.0% of on-CPU "
			"samples (self), 100.0% with its callees (total); its "
			"hottest path is `[git+0x28a290]` (70.0%). `git` is "
			"stripped: its debug symbols (Debian: its package's "
			"-dbgsym) would name its code (see Data quality).\n");
	assert_contains(md, "- Stripped code: 70.0% of samples ran in `git` "
			"(/usr/bin/git) with no symbols, shown as "
			"`[git+0x…]`. To get names, install its debug symbols: "
			"on Debian, PKG-dbgsym from the debian-debug archive, "
			"where `dpkg -S /usr/bin/git` names PKG; whyslow reads "
			"debug files by build-id under "
			"/usr/lib/debug/.build-id.\n");
	assert_lacks(md, "debuginfod");
	free(md);
	fx_free(p);
}

/* git in a stripped zlib: its unnamed code is told by the exported
 * function it runs inside, before the caller. */
static void test_stripped_inside(void **state)
{
	struct profile *p = fx_new("git log -p");
	uint32_t g, infl, fast;
	char *md, *json;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "git", "/usr/bin/git");
	g = fx_frame_at(p, "cmd_log", "git", CLASS_APP, "log.c", 7);
	infl = fx_frame(p, "inflate", "libz.so.1", CLASS_RUNTIME);
	fast = unnamed(p, "[libz.so.1+0xaa60]", "libz.so.1",
		       "/usr/lib/x86_64-linux-gnu/libz.so.1");
	p->frames[fast].cls = CLASS_RUNTIME;
	FX_STACK(p, 1, 1, 95, g, infl, fast);
	FX_STACK(p, 1, 1, 5, g);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "git");
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "most in `[libz.so.1+0xaa60]` (runtime, "
			"libz.so.1), inside `inflate`, called from `cmd_log` "
			"(log.c:7), 95.0% of the wall time with its callees.");
	assert_contains(json, "\"inside\": {\"name\": \"inflate\", "
			"\"module\": \"libz.so.1\", \"class\": \"runtime\", "
			"\"ns\": 950000000}");
	free(md);
	free(json);
	fx_free(p);
}

/* Stripped git and zlib: git's own unnamed function names the verdict
 * while it ran longest; when zlib's inflating ran longer, zlib's, with the
 * function it runs inside, git's caller, and git's debug symbols to ask
 * for (a named function of git's would have been named before). */
static void test_stripped_app_or_library(void **state)
{
	static const char git[] = "/usr/bin/git";
	unsigned int libz_own;
	uint32_t g, diff, infl, fast;
	struct profile *p;
	char *md;

	(void)state;
	for (libz_own = 30; libz_own <= 50; libz_own += 20) {
		p = fx_new("git log -p");
		p->root_pid = 1;
		fx_proc(p, 1, 0, "git", git);
		g = unnamed(p, "[git+0x2949f0]", "git", git);
		diff = unnamed(p, "[git+0x2ab160]", "git", git);
		infl = fx_frame(p, "inflate", "libz.so.1", CLASS_LIBRARY);
		fast = unnamed(p, "[libz.so.1+0xaa60]", "libz.so.1",
			       "/usr/lib/x86_64-linux-gnu/libz.so.1");
		p->frames[fast].cls = CLASS_LIBRARY;
		FX_STACK(p, 1, 1, libz_own, g, infl, fast);
		FX_STACK(p, 1, 1, 40, g, diff);
		FX_STACK(p, 1, 1, 20, g);
		p->wall_ns = (libz_own + 60) * FX_PERIOD_NS;
		one_program_path(p, "git");
		md = render_md(p);
		if (libz_own < 40)
			assert_contains(md, "most in `[git+0x2ab160]` (app, "
					"git), 44.4% of the wall time");
		else
			assert_contains(md, "most in `[libz.so.1+0xaa60]` "
					"(library, libz.so.1), inside "
					"`inflate`, called from "
					"`[git+0x2949f0]` (git), 45.5% of the "
					"wall time");
		assert_contains(md, "`git` is stripped: its debug symbols "
				"(Debian: its package's -dbgsym) would name "
				"its code (see Data quality).");
		free(md);
		fx_free(p);
	}
}

/* The same spread over 30 unnamed functions of zlib, under 5% each: the
 * most of them is told by the function it runs inside too. */
static void test_spread_thin_inside(void **state)
{
	struct profile *p = fx_new("git log -p");
	uint32_t g, infl, fast, k;
	char name[32];
	char *md;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "git", "/usr/bin/git");
	g = fx_frame_at(p, "cmd_log", "git", CLASS_APP, "log.c", 7);
	infl = fx_frame(p, "inflate", "libz.so.1", CLASS_RUNTIME);
	for (k = 0; k < 30; k++) {
		snprintf(name, sizeof(name), "[libz.so.1+0x%x]", 0xa000 + k);
		fast = unnamed(p, name, "libz.so.1",
			       "/usr/lib/x86_64-linux-gnu/libz.so.1");
		p->frames[fast].cls = CLASS_RUNTIME;
		FX_STACK(p, 1, 1, 4 - !!k, g, infl, fast);
	}
	p->wall_ns = 91 * FX_PERIOD_NS;
	one_program_path(p, "git");
	md = render_md(p);
	assert_contains(md, "; spread thin: no function has 5% of it on its "
			"own (the most, `[libz.so.1+0xa000]` in libz.so.1, "
			"inside `inflate`, 4.4%)");
	free(md);
	fx_free(p);
}

/* A build's compiler runs: the longest on the path by their command
 * lines, the source each compiled; JSON has them whole. */
static void test_longest_runs(void **state)
{
	struct profile *p = fx_new("make -j2");
	struct critical_program *cp;
	uint32_t f, pid;
	char *md, *json, args[64];

	(void)state;
	f = fx_frame(p, "main", "cc1", CLASS_APP);
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("cc1");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	for (pid = 10; pid < 13; pid++) {
		FX_STACK(p, pid, pid, 1, f)->cp_ns = (pid - 9) * 100 * MS;
		fx_proc(p, pid, 1, "cc1", "/usr/lib/gcc/cc1");
		snprintf(args, sizeof(args), "/usr/lib/gcc/cc1 -quiet -I inc "
			 "f%u.c -o /tmp/x.s", pid);
		p->procs[p->n_procs - 1].args = fx_strdup(args);
		cp->pids[cp->n_pids++] = pid;
		cp->ns += (pid - 9) * 100 * MS;
	}
	p->critical.n_programs = 1;
	p->critical.ns = p->wall_ns = 600 * MS;
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "| pid | program | run | time | % of wall |\n"
			"|--:|---|---|--:|--:|\n"
			"| 12 | `cc1` | cc1 … f12.c | 300.0 ms | 50.0% |\n"
			"| 11 | `cc1` | cc1 … f11.c | 200.0 ms | 33.3% |\n"
			"| 10 | `cc1` | cc1 … f10.c | 100.0 ms | 16.7% |\n");
	assert_contains(json, "\"runs\": [\n      {\"pid\": 12, \"comm\": "
			"\"cc1\", \"args\": \"/usr/lib/gcc/cc1 -quiet -I inc "
			"f12.c -o /tmp/x.s\", \"brief\": \"cc1 … f12.c\", "
			"\"ns\": 300000000, \"pct\": 50.00}");
	free(md);
	free(json);
	/* two runs: no table */
	cp->n_pids = 2;
	md = render_md(p);
	assert_lacks(md, "Longest runs");
	free(md);
	fx_free(p);
}

/* git gc: three git processes, one function of stripped git holding most
 * of the path: the verdict says which run it was (pack-objects). */
static void test_stripped_names_its_run(void **state)
{
	static const char *const args[] = {
		"git gc", "git repack -d -l", "git pack-objects --all x",
	};
	static const uint64_t ms[] = { 10, 20, 570 };
	struct profile *p = fx_new("git gc");
	struct critical_program *cp;
	uint32_t f, pid;
	char *md;

	(void)state;
	f = unnamed(p, "[git+0x148eb0]", "git", "/usr/bin/git");
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("git");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	for (pid = 10; pid < 13; pid++) {
		FX_STACK(p, pid, pid, ms[pid - 10], f)->cp_ns =
			ms[pid - 10] * MS;
		fx_proc(p, pid, pid - 1, "git", "/usr/bin/git");
		p->procs[p->n_procs - 1].args = fx_strdup(args[pid - 10]);
		cp->pids[cp->n_pids++] = pid;
		cp->ns += ms[pid - 10] * MS;
	}
	p->critical.n_programs = 1;
	p->critical.ns = p->wall_ns = 600 * MS;
	md = render_md(p);
	assert_contains(md, "most in `[git+0x148eb0]` (app, git), 100.0% of "
			"the wall time with its callees; its longest runs: "
			"`git pack-objects … x` 95.0%, `git repack` 3.3% (see "
			"Longest runs). `git` is stripped");
	free(md);
	fx_free(p);
}

/* A stripped compiler's work spread thin under unnamed code: the verdict
 * names the longest compiles of it, not the address they ran under. */
static void test_spread_thin_names_runs(void **state)
{
	struct profile *p = fx_new("make -j2");
	struct critical_program *cp;
	uint32_t main_f, under, leaf, pid, k;
	char *md, args[64], name[32];

	(void)state;
	main_f = fx_frame(p, "main", "cc1", CLASS_APP);
	under = fx_frame(p, "[cc1+0x7ed990]", "cc1", CLASS_APP);
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("cc1");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	for (pid = 10; pid < 13; pid++) {
		fx_proc(p, pid, 1, "cc1", "/usr/lib/gcc/cc1");
		snprintf(args, sizeof(args), "/usr/lib/gcc/cc1 -quiet f%u.c "
			 "-o /tmp/x.s", pid);
		p->procs[p->n_procs - 1].args = fx_strdup(args);
		cp->pids[cp->n_pids++] = pid;
		for (k = 0; k < 30; k++) {
			snprintf(name, sizeof(name), "pass%u", k);
			leaf = fx_frame(p, name, "cc1", CLASS_APP);
			FX_STACK(p, pid, pid, 1, main_f, under, leaf)->cp_ns =
				(pid - 9) * MS;
			cp->ns += (pid - 9) * MS;
		}
	}
	p->critical.n_programs = 1;
	p->critical.ns = p->wall_ns = cp->ns;
	md = render_md(p);
	assert_contains(md, "; its longest runs: `cc1 … f12.c` 50.0%, "
			"`cc1 … f11.c` 33.3% (see Longest runs).");
	assert_lacks(md, "most of it under `[cc1+0x7ed990]`");
	free(md);
	fx_free(p);
}

/* A build of one's own: no package to install. */
static void test_stripped_own_build(void **state)
{
	struct profile *p = fx_new("./cpp_s");
	char *md;

	(void)state;
	fx_proc(p, 1, 0, "cpp_s", "/home/u/cpp_s");
	FX_STACK(p, 1, 1, 10, unnamed(p, "[cpp_s+0x1f40]", "cpp_s",
				      "/home/u/cpp_s"));
	md = render_md(p);
	assert_contains(md, "`cpp_s` is stripped: a build with symbols would "
			"name its code (see Data quality).");
	assert_contains(md, "To get names, profile a build that keeps its "
			"symbols (-g, not stripped)");
	assert_lacks(md, "dbgsym");
	free(md);
	fx_free(p);
}

static struct profile *node_profile(void)
{
	struct profile *p = fx_new("node hot.js");
	uint32_t m, jit, set;

	fx_proc(p, 7, 1, "node", "/usr/bin/node");
	m = fx_frame(p, "main", "node", CLASS_APP);
	jit = unnamed(p, "[unknown]", "[unknown]", NULL);
	set = fx_frame(p, "Builtins_MapPrototypeSet", "node", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 40, m, jit, set);
	FX_STACK(p, 7, 7, 60, m);
	return p;
}

static void test_jit_advice(void **state)
{
	struct profile *p = node_profile();
	char *md;

	(void)state;
	md = render_md(p);
	assert_contains(md, " 40.0% of samples ran in or under JIT code "
			"without names (`[unknown]`): run node with "
			"--perf-basic-prof --interpreted-frames-native-stack (in "
			"NODE_OPTIONS for a node a script starts: npm, npx) so "
			"whyslow can name it.\n");
	assert_contains(md, "- JIT code: 40.0% of samples ran in or under "
			"anonymous executable memory of `node` (pid 7) that no "
			"perf map names, shown as `[unknown]`: run node with "
			"--perf-basic-prof --interpreted-frames-native-stack (in "
			"NODE_OPTIONS for a node a script starts: npm, npx) so "
			"whyslow can name JIT code.\n");
	free(md);
	/* a perf map named some: node was run with it */
	fx_frame(p, "LazyCompile:~fib hot.js:1", "[jit]", CLASS_APP);
	md = render_md(p);
	assert_lacks(md, "perf-basic-prof");
	free(md);
	fx_free(p);
}

/* java with its perf map, 60% of samples starting in compiled code: the
 * verdict and Data quality say how to keep their callers. */
static void test_java_rootless_advice(void **state)
{
	struct profile *p = fx_new("java Hot");
	uint32_t start, work, merge;
	char *md;

	(void)state;
	fx_proc(p, 9, 1, "java", "/usr/lib/jvm/bin/java");
	start = fx_frame(p, "start_thread", "libc.so.6", CLASS_RUNTIME);
	work = fx_frame(p, "long Hot.work(int)", "[jit]", CLASS_APP);
	merge = fx_frame(p, "java.lang.Object java.util.HashMap.merge(…)",
			 "[jit]", CLASS_RUNTIME);
	FX_STACK(p, 9, 9, 60, merge);
	FX_STACK(p, 9, 9, 40, start, work, merge);
	md = render_md(p);
	assert_contains(md, " 60.0% of samples start in compiled Java code, "
			"whose callers whyslow could not walk: run java with "
			"-XX:+PreserveFramePointer as well.\n");
	assert_contains(md, "- JIT frames: 60.0% of samples start in "
			"compiled Java code");
	free(md);
	fx_free(p);
}

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

/* Waits for a CPU, the machine's load, are named second only from 40%
 * of the path: the rest of the verdict leaves out that much; under it,
 * the next category is named as before. */
static char *cpu_wait_verdict(uint64_t cpu_wait_ms, uint64_t sleep_ms)
{
	struct profile *p = sleep_profile(sleep_ms, 0, false);
	struct stack_sample *s;
	char *v;

	p->stacks[0].cp_ns = p->stacks[0].ns -= cpu_wait_ms * VMS;
	s = FX_WAIT(p, 1, 1, 40, WAIT_CPU, cpu_wait_ms * VMS, NULL,
		    p->stacks[0].frames[0], p->stacks[0].frames[1]);
	s->cp_ns = s->ns;
	v = verdict_of(p);
	fx_free(p);
	return v;
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
			"on-CPU; 21.0% is sleeping (in `<module>`, sl.py:7)");
	assert_null(strstr(v, "waiting for a CPU"));
	free(v);
}

/* Three threads waited 2.7 s on a lock released in holder (a frame of
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
			"2.70 s in all for a lock released in work (sl.py:4)");
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
	assert_contains(v, "`sleep` does the work: 70.0% of the wall time");
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

/* A CPython whyslow cannot walk ran, and the verdict names its C code:
 * the verdict says its Python functions are not named, and why. */
static void test_unwalked_python(void **state)
{
	struct profile *p = fx_new("python3.9 dc.py");
	uint32_t m, gc;
	char *md;

	(void)state;
	fx_proc(p, 7, 1, "python3", "/usr/bin/python3.9");
	m = fx_frame(p, "main", "python3.9", CLASS_RUNTIME);
	gc = fx_frame(p, "collect", "libpython3.9.so.1.0", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 60, m, gc);
	FX_STACK(p, 7, 7, 40, m);
	fx_note(p, "pid 7 (python3): CPython 3.9" PROFILE_NOTE_PY_NATIVE);
	md = render_md(p);
	assert_contains(md, "`collect` (runtime, libpython3.9.so.1.0) is 60.0%");
	assert_contains(md, " Its Python functions are not named: CPython 3.9 "
			"is not supported (whyslow reads CPython 3.10 to "
			"3.13).\n");
	free(md);
	fx_free(p);
}

/* A perl script's time in perl's C code (its hashes): the verdict says
 * its subs are not named, and what names them; a C program's libperl-
 * like name is not perl ("perlin"), nor perl's own code when it is not
 * the runtime.  A shell's, in the shell itself: its commands, and what
 * times them. */
static void test_unwalked_perl(void **state)
{
	struct profile *p = fx_new("perl wf.pl");
	uint32_t m, hv;
	char *md;

	(void)state;
	fx_proc(p, 7, 1, "perl", "/usr/bin/perl");
	m = fx_frame(p, "main", "perl", CLASS_RUNTIME);
	hv = fx_frame(p, "Perl_hv_common", "libperl.so.5.36", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 60, m, hv);
	FX_STACK(p, 7, 7, 40, m);
	md = render_md(p);
	assert_contains(md, " Its Perl subs are not named: whyslow reads no "
			"Perl stacks; perl -d:NYTProf (Debian: "
			"libdevel-nytprof-perl) names them.");
	free(md);
	free(p->frames[hv].module);
	p->frames[hv].module = fx_strdup("perlin");
	md = render_md(p);
	assert_null(strstr(md, "not named"));
	free(md);
	fx_free(p);
	/* a bash loop's time in bash itself: the program's own code */
	p = fx_new("bash -c loop");
	fx_proc(p, 7, 1, "bash", "/usr/bin/bash");
	m = fx_frame(p, "[bash+0x59ab0]", "bash", CLASS_APP);
	FX_STACK(p, 7, 7, 100, m);
	md = render_md(p);
	assert_contains(md, " Its shell commands are not named: whyslow reads "
			"no shell stacks; bash -x with PS4='+ $EPOCHREALTIME ' "
			"times each one.");
	free(md);
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
		cmocka_unit_test(test_verdict_names_caller),
		cmocka_unit_test(test_verdict_loading),
		cmocka_unit_test(test_verdict_kernel),
		cmocka_unit_test(test_verdict_kernel_context),
		cmocka_unit_test(test_verdict_callee),
		cmocka_unit_test(test_verdict_idle_server),
		cmocka_unit_test(test_cpu_verdict_names_caller),
		cmocka_unit_test(test_rows_merged),
		cmocka_unit_test(test_waits_of_threads),
		cmocka_unit_test(test_stripped_advice),
		cmocka_unit_test(test_stripped_own_build),
		cmocka_unit_test(test_stripped_inside),
		cmocka_unit_test(test_stripped_app_or_library),
		cmocka_unit_test(test_stripped_names_its_run),
		cmocka_unit_test(test_spread_thin_inside),
		cmocka_unit_test(test_longest_runs),
		cmocka_unit_test(test_spread_thin_names_runs),
		cmocka_unit_test(test_jit_advice),
		cmocka_unit_test(test_java_rootless_advice),
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
		cmocka_unit_test(test_unwalked_python),
		cmocka_unit_test(test_unwalked_perl),
		cmocka_unit_test(test_machine_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
