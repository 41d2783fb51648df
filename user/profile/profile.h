/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorded profile: what the record stage hands to aggregation and the
 * writers.  Everything here is already symbolized, so aggregation and the
 * writers are pure functions of this struct and can be unit-tested without
 * root or BPF.
 */
#ifndef WHYSLOW_PROFILE_H
#define WHYSLOW_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a frame's code comes from; decides folding in call paths. */
enum frame_class {
	CLASS_APP,	/* the traced program's own code */
	CLASS_LIBRARY,	/* a shared library that is not a language runtime */
	CLASS_RUNTIME,	/* libc, ld.so, libstdc++, libgcc, interpreters */
	CLASS_KERNEL,
};

/* What an off-CPU interval waited for; every interval gets exactly one. */
enum wait_reason {
	WAIT_NONE,		/* not a wait: an on-CPU sample */
	WAIT_NETWORK,		/* socket connect/send/recv/accept */
	WAIT_DISK,		/* block I/O, page-cache misses, fsync */
	WAIT_LOCK,		/* futex: mutexes, condition variables */
	WAIT_SLEEP,		/* nanosleep, timeouts with nothing to wait on */
	WAIT_PIPE,		/* pipes, Unix sockets */
	WAIT_POLL,		/* select/poll/epoll on several fds */
	WAIT_CHILD,		/* wait4/waitid */
	WAIT_PAGE_FAULT,
	WAIT_CPU,		/* runnable, waiting for a CPU */
	WAIT_OTHER,
	WAIT_JOIN,		/* for a thread to end: pthread_join */
	WAIT_GIL,		/* for CPython's GIL (take_gil); new reasons
				 * go last, as saved profiles number them */
	WAIT__COUNT,
};

/* One symbolized frame, interned: equal frames share one index. */
struct frame {
	char *name;	/* function; "[module+0x1f]" when unresolved;
			 * demangled, a clone suffix folded */
	char *system_name;	/* the symbol name was made from, as in the
				 * binary (mangled, "foo.constprop.0");
				 * NULL when it is name */
	char *module;	/* basename of the mapping, "[kernel]", "[vdso]", ... */
	char *path;	/* full path of the mapping; NULL for kernel/anon */
	char *file;	/* source file from DWARF, NULL when unknown */
	int line;	/* source line, 0 when unknown */
	int start_line;	/* the function's first line, 0 when unknown */
	char *build_id;	/* hex GNU build-id of path, NULL when unknown */
	uint64_t addr;	/* an instruction sampled in it (the first met):
			 * its address as path's ELF file numbers it
			 * (objdump's), or the kernel's; 0 unknown */
	uint64_t addr_offset;	/* ... its offset in path's file; 0 none */
	enum frame_class cls;
	bool resolved;	/* false when no symbol covered the address */
	bool inlined;	/* inlined into the frame before it in a stack
			 * (its caller), at the same address: both are
			 * one pprof Location */
};

/*
 * One distinct stack of one thread: on-CPU, with how often it was sampled,
 * or off-CPU (reason != WAIT_NONE), with how long it waited in total.
 */
struct stack_sample {
	uint32_t pid;		/* tgid */
	uint32_t tid;
	uint32_t n_frames;
	uint32_t *frames;	/* indexes into profile.frames, root first */
	uint64_t count;		/* samples, or intervals off-CPU */
	uint64_t ns;		/* time those samples or intervals stand for */
	enum wait_reason reason;
	int syscall;		/* x86-64 number the wait was in, -1 none */
	char *target;		/* "recv from 127.0.0.1:8080", NULL none */
	bool truncated;		/* user stack did not reach an entry point */
	bool kernel_mode;	/* sampled while in the kernel (system time) */
	uint64_t cp_ns;		/* wall time of the critical path charged
				 * to this stack (profile.critical) */
};

struct thread_info {
	uint32_t pid;
	uint32_t tid;
	char comm[16];
};

struct process_info {
	uint32_t pid;
	uint32_t ppid;
	char comm[16];
	char *exe;		/* path of the executable, may be NULL */
	char *args;		/* its command line, words joined by a space
				 * (procfs_cmdline_join), cut; NULL unknown */
	bool py_unbuffered;	/* a Python whose stdout and stderr are not
				 * buffered: PYTHONUNBUFFERED or -u at exec */
};

/* Data-quality counters; every loss is counted, none is hidden. */
/* What the perf-map counters of struct profile_quality count against. */
#define PROFILE_PERFMAP_MAX_BYTES	(64u << 20)	/* read of one map */
#define PROFILE_PERFMAP_LINE_MAX	4096		/* longer lines skipped */
/* The BPF Python walker's bound (WS_PY_MAX_FRAMES), for the writers. */
#define PROFILE_PY_MAX_FRAMES		1024

struct profile_quality {
	uint64_t lost_samples;		/* ring buffer full: sample dropped */
	uint64_t lost_sideband;		/* perf mmap/comm records lost */
	uint64_t kstack_errors;		/* bpf_get_stack failed on kernel side */
	uint64_t ustack_errors;		/* ... on user side (not kthreads) */
	uint64_t truncated_samples;	/* samples whose user stack is cut */
	uint64_t py_truncated_samples;	/* ... of which the Python stack was
					 * cut: deeper than WS_PY_MAX_FRAMES,
					 * a frame unreadable or invalid */
	uint64_t frames_total;		/* frames over all samples */
	uint64_t frames_unresolved;	/* ... that no symbol covered */
	uint32_t requested_hz;		/* -F as given, before clamping */
	uint32_t max_hz;		/* kernel.perf_event_max_sample_rate */
	bool kernel_addrs_hidden;	/* kptr_restrict zeroed kallsyms */
	bool offcpu;			/* off-CPU time was traced */
	uint64_t offcpu_dropped;	/* intervals lost: BPF map full */
	uint64_t stack_collisions;	/* off-CPU stacks lost in the map */
	uint64_t min_block_ns;		/* shorter waits: no kernel stack */
	uint64_t offcpu_short_ns;	/* time in such waits */
	uint64_t io_dropped;		/* I/O events or descriptors not
					 * recorded: ring or BPF map full */
	/* truncated_samples (not Python's) by why the CFI walk stopped */
	uint64_t truncated_no_copy;	/* no stack copy (--fp-only, read
					 * failed) */
	uint64_t truncated_copy_end;	/* needed stack beyond the copy */
	uint64_t truncated_no_cfi;	/* code without CFI: JIT, stripped */
	uint64_t truncated_bad_rule;	/* a CFI rule not evaluated */
	bool cfi_unwinding;		/* samples carried stack copies for
					 * CFI (not --fp-only) */
	uint64_t waits_to_map;		/* long waits kept without kernel
					 * stack: ring buffer full (not lost) */
	uint64_t cpu_sampled_ns;	/* CPU time of the traced tasks while
					 * sampling, measured apart from the
					 * samples; 0 unknown */
	uint64_t unresolved_samples;	/* samples with a frame no symbol
					 * covered */
	uint64_t sampler_ns;		/* the sampler's BPF program ran, all
					 * CPUs; 0 unknown */
	uint64_t maps_cut;		/* processes whose /proc maps read
					 * was cut short (procfs.h caps) */
	/* hostile or malformed input the symbolizer left out; the perf-map
	 * caps are PROFILE_PERFMAP_* */
	uint64_t dwarf_refused;		/* files: DWARF/CFI not read */
	uint64_t symbols_refused;	/* files: symbol table not read */
	uint64_t perfmap_lines_skipped;	/* perf-map lines too long */
	uint64_t perfmap_bytes_skipped;	/* past the perf-map size cap */
	uint64_t perfmap_refused;	/* perf maps not the process's */
	/* whyslow's own cost: on-CPU samples of the traced threads that
	 * ran tracing code (whyslow's BPF programs, the tracepoints that
	 * run them, perf output of its side-band records), left out of
	 * stacks[] and samples; their CPU time (samples × period) */
	uint64_t tracing_samples;
	uint64_t tracing_ns;
	uint64_t whyslow_cpu_ns;	/* whyslow's own process: CPU from
					 * its start to the profile's end */
	uint64_t py_invalid_samples;	/* samples whose Python stack ended
					 * at a frame whose code object did
					 * not validate (outer frames cut,
					 * or the stack left native) */
	uint64_t py_native_mismatch_samples;	/* samples whose CPython eval
					 * calls did not match their Python
					 * frames: the C code they ran below
					 * the innermost Python frame only */
	uint64_t io_untimed;		/* reads and writes not timed: their
					 * on-CPU time is their thread's last
					 * timed call's on the descriptor */
	uint64_t io_timed_every;	/* 1 in this many of them is */
	uint64_t steal_ns;		/* the hypervisor ran something else
					 * while the machine's CPUs had work,
					 * all CPUs, during the recording: in
					 * the wall and scheduler CPU times,
					 * not in rusage's; 0 none or unknown */
	uint64_t blocked_before;	/* -p: threads blocked in a syscall
					 * since before the recording and
					 * through it, given a wait over it
					 * without native stack
					 * (record/blocked.c) */
	uint64_t blocked_stacks;	/* ... of them, those whose stack
					 * (native, Python) was read from
					 * their memory */
	uint64_t untraced_forks;	/* processes forked by traced ones
					 * left untraced: BPF map full */
	uint64_t bpf_missed_runs;	/* runs of whyslow's BPF programs the
					 * kernel skipped (one nested in
					 * itself on a CPU) */
	uint64_t waits_end_unseen;	/* waits whose switch-in the kernel
					 * did not report: ended from the
					 * thread's CPU time, or dropped */
};

/* ---- I/O: files, network endpoints, spawned programs ---- */

/* A call stack where something happened (a file opened, a connection
 * made, a process forked): no time of its own. */
struct io_site {
	uint32_t pid;
	uint32_t n_frames;
	uint32_t *frames;	/* indexes into profile.frames, root first */
};

#define IO_NO_SITE	(-1)

/* One file, by the path the kernel gives its open descriptor. */
struct io_file {
	char *path;		/* the whole path, "/a/b/c", each file its
				 * row; "…/c/d" when leading components
				 * were left out (deeper than the walk's
				 * bound: files that end alike then share
				 * a row; in profiles saved before whole
				 * paths were kept, "c/d" without the
				 * "…/"); as given to open() when the open
				 * failed */
	uint64_t opens;		/* successful opens */
	uint64_t procs;		/* processes they were made by; 0 not
				 * known (a profile saved before) */
	uint64_t failed_opens;	/* open() errors (ENOENT, ...) */
	uint64_t reads;		/* read-family syscalls */
	uint64_t read_bytes;
	uint64_t writes;
	uint64_t write_bytes;
	uint64_t time_ns;	/* in its open, read and write syscalls */
	uint64_t blocked_ns;	/* of which off the CPU */
	int32_t site;		/* where it was opened most; IO_NO_SITE */
	uint64_t site_opens;	/* opens from there */
	uint64_t size;		/* bytes, at the end of recording; 0 not
				 * known (gone, not a regular file) */
	uint64_t syncs;		/* fsync, fdatasync, sync_file_range */
	uint64_t sync_ns;	/* their time (not in time_ns) */
	uint64_t sync_writes;	/* of writes, those on a descriptor opened
				 * O_DSYNC or O_SYNC: each a sync too */
	uint64_t sync_write_ns;	/* their time (in time_ns) */
	bool directory;		/* a directory, opened to list it (its
				 * getdents64 is no read) */
};

/* One remote endpoint (or, inbound, the peers of a server). */
/* A connection this long in the making waited for a SYN's retransmission
 * (Linux's first after 1 s): the server's accept queue was full, or a
 * packet was lost. */
#define IO_SLOW_CONNECT_NS	900000000ull

struct io_endpoint {
	char *name;		/* "127.0.0.1:8080", "[::1]:443", a Unix
				 * socket's path; inbound: the peer address
				 * without its port */
	char proto[8];		/* "tcp", "udp", "unix" */
	bool inbound;		/* accepted connections */
	uint64_t connections;	/* connect()s or accept()s */
	uint64_t sends;
	uint64_t receives;
	uint64_t bytes_sent;
	uint64_t bytes_received;
	uint64_t connect_ns;	/* making connections: in connect(), and for
				 * a non-blocking one from its return to
				 * the first send or receive (or close) */
	uint64_t slow_connects;	/* connections that took IO_SLOW_CONNECT_NS
				 * or more to make */
	uint64_t slow_connect_ns;	/* wall time with one of those in
					 * the making */
	uint64_t send_ns;	/* in send-family syscalls */
	uint64_t recv_ns;	/* in receive-family syscalls */
	uint64_t blocked_ns;	/* of the three, off the CPU */
	uint64_t requests;	/* request/response exchanges (outbound) */
	uint64_t request_ns;	/* their durations, summed */
	uint32_t max_in_flight;	/* requests to it at once */
	int32_t site;		/* where it was connected to most */
};

/*
 * Requests in flight in one process.  A request is one exchange on a
 * connection the process made: from its connect() (or its first send
 * after a response) to the end of the last receive before the next send
 * or the close.
 */
struct io_concurrency {
	uint32_t pid;
	uint64_t requests;
	uint64_t request_ns;	/* their durations, summed */
	uint64_t busy_ns;	/* time with at least one in flight; the
				 * average in flight is request_ns/busy_ns */
	uint32_t max_in_flight;
};

/*
 * One program exec'd by the traced processes.  A run is one exec, to the
 * process's exit or next exec.  Figures a profile saved before they
 * existed lack are 0: not known.
 */
struct io_spawn {
	char *program;		/* the path given to execve() */
	uint64_t count;		/* successful execs */
	uint64_t wall_ns;	/* exec to exit (or next exec), summed */
	int32_t site;		/* where its processes were forked most */
	uint64_t site_count;
	uint64_t union_ns;	/* wall time with at least one run going: a
				 * run nested in another of the program
				 * (bash -c 'bash -c ...') or beside it
				 * counts once; at most the profile's wall */
	uint64_t cpu_ns;	/* the runs' processes' own CPU time (not
				 * their children's), from the kernel's
				 * sum_exec_runtime at exec and at the last
				 * switch-out; a process's first run from
				 * its fork (starting it is its cost); runs
				 * still going at the end add none */
	uint32_t max_parallel;	/* runs at once, at most; a run waiting for
				 * one nested in it of the same program is
				 * not counted meanwhile */
	char *parent;		/* the program whose runs ran it, nearest
				 * up the process tree and not itself (most
				 * often, if several): "/usr/bin/gcc" for
				 * cc1; NULL not known */
	uint64_t prelude_count;	/* runs over before the profiled command's
				 * process made its last exec, when it made
				 * more than one, or before a shim (a
				 * program in a shims directory) the command
				 * ran did: what a shim ran choosing the
				 * program (pyenv's scripts) */
};

struct io_summary {
	bool traced;		/* syscalls were traced */
	bool blocked_known;	/* off-CPU tracing split blocked time out */
	struct io_file *files;		/* time desc, path */
	size_t n_files;
	struct io_endpoint *endpoints;	/* connect+send+recv time desc */
	size_t n_endpoints;
	struct io_concurrency *procs;	/* request_ns desc, pid */
	size_t n_procs;
	struct io_spawn *spawns;	/* union_ns desc, wall_ns desc,
					 * program */
	size_t n_spawns;
	struct io_site *sites;
	size_t n_sites;
};

/* ---- the critical path: who held up the end of the run ---- */

/* Path time no event showed gets a stack of one frame named after the
 * program: "[date: not sampled]" ran (a start-up, a short run) between
 * samples, "[date: off-CPU, unseen]" waited with no wait traced. */
#define CP_UNSAMPLED_SUFFIX	": not sampled"
#define CP_UNSEEN_SUFFIX	": off-CPU, unseen"

/* Whether name is such a stand-in ("[date: not sampled]"), not code. */
bool profile_name_unsampled(const char *name);

/* A program on the critical path: its processes' own time there. */
struct critical_program {
	char *name;		/* basename of the program as exec'd */
	uint32_t *pids;
	size_t n_pids;
	uint64_t ns;
	uint64_t runs;		/* its execs traced, on the path or not;
				 * 0: none seen (a process there before the
				 * recording, or forked and never exec'd) */
};

/*
 * A process image that mostly waited for others on the critical path
 * (shims, `sh -c`, make, compiler drivers): its own cost there, and
 * before the program it started ran, the cost of everything it ran.
 */
struct critical_launcher {
	char *name;		/* the launcher program, as exec'd */
	char *interpreter;	/* what ran it when a script: "bash"; NULL */
	char *started;		/* the program it launched that did work */
	uint32_t processes;	/* processes charged until then */
	uint64_t ns;
	bool waited;		/* a process that waited for what it started
				 * (`sh -c`, make): ns is its own time; else
				 * an exec chain (a shim): all that ran on
				 * the path before started did */
};

/* Threads blocked on a lock that other threads released: what those
 * held it for. */
struct critical_lock {
	int64_t holder_frame;	/* profile.frames index: where the
				 * releasing threads ran; -1 unknown */
	int64_t waiter_frame;	/* ... where the waiters waited (took
				 * the lock); -1 unknown */
	uint32_t waiting_threads;
	uint64_t wait_ns;	/* blocked, all waiting threads */
	uint64_t holder_cpu_ns;	/* the releasers' sampled CPU in
				 * holder_frame while they waited */
	uint64_t holder_wait_ns;	/* ... and their own waits there,
					 * holding a mutex (a sleep, a
					 * read): blocked time */
	enum wait_reason holder_wait_reason;	/* most of those; WAIT_NONE */
};

struct profile_critical {
	uint64_t ns;		/* the root's wall time: the path's
				 * length, stacks[].cp_ns add up to it;
				 * 0: no critical path (-a, old files) */
	uint32_t root_tid;
	struct critical_program *programs;	/* ns desc */
	size_t n_programs;
	struct critical_launcher *launchers;	/* ns desc */
	size_t n_launchers;
	struct critical_lock *locks;		/* wait_ns desc */
	size_t n_locks;
};

struct profile {
	char *command;		/* what was profiled, for the title */
	uint64_t time_ns;	/* when recording began, ns since the epoch */
	uint32_t root_pid;	/* the command's process; 0 for -p/-a */
	uint64_t wall_ns;
	uint32_t n_cpus;	/* online CPUs of the machine; 0 not known */
	uint64_t cpu_user_ns;	/* from rusage, else sampled */
	uint64_t cpu_sys_ns;
	bool cpu_from_rusage;
	uint32_t frequency_hz;
	uint64_t period_ns;	/* CPU time one sample stands for */
	uint64_t samples;	/* samples kept, sum of stacks[].count */

	struct frame *frames;
	size_t n_frames;
	struct stack_sample *stacks;
	size_t n_stacks;
	struct thread_info *threads;
	size_t n_threads;
	struct process_info *procs;
	size_t n_procs;

	struct io_summary io;
	struct profile_critical critical;

	struct profile_quality quality;
	char **notes;		/* more Data quality lines, e.g. a Python
				 * version whose stacks stay native
				 * ("pid 7 (python3): CPython 3.9"
				 * PROFILE_NOTE_PY_NATIVE) */
	size_t n_notes;
	bool foreign;		/* read from another tool's file (folded
				 * stacks, pprof): quality's counters were not
				 * recorded, the notes say what is known */
};

/* The command of a system-wide profile (record -a). */
#define PROFILE_COMMAND_ALL	"-a (all processes)"

/* The end of a note on a Python whose frames cannot be read. */
#define PROFILE_NOTE_PY_NATIVE	" is not supported; its stacks are native only"

void profile_free(struct profile *p);

/*
 * Opened more than once by a process, as far as is known: a whole path
 * is one file; a cut one may be several that end alike, each opened once;
 * a file each of many processes opened once (its shared libraries, its
 * locale) was not reopened.
 */
bool io_file_repeated(const struct io_file *f);

/* The innermost application frame of frames[0..n) (root first, indexes
 * into p->frames): where the program's own code was; -1 none. */
int64_t profile_app_leaf(const struct profile *p, const uint32_t *frames,
			 uint32_t n);
/* Appends a Data quality line (copied); 0 or -ENOMEM. */
int profile_add_note(struct profile *p, const char *note);
/* Frees and zeroes c. */
void profile_critical_free(struct profile_critical *c);

#endif
