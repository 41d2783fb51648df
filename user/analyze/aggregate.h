/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A profile's stacks turned into what the writers show: where the time
 * went by category, per-function self/total and wall time, merged call
 * paths and waits, and per-process and per-thread counts (the hints: hints.h).
 * Pure functions of the profile, sorted with full tie-breaks so the same
 * profile always gives the same aggregate.  Strings point into the
 * profile: an aggregate must not outlive it.  No file is read here: the
 * text of hot lines is report/source.c's.
 */
#ifndef WHYSLOW_AGGREGATE_H
#define WHYSLOW_AGGREGATE_H

#include <string.h>

#include "profile/profile.h"


/* thread_info.comm plus room for the NUL it might lack. */
#define AGG_COMM_LEN	17

/*
 * Time by category: ns[WAIT_NONE] is on-CPU time (samples × period), the
 * others are traced off-CPU time by wait reason.
 */
struct time_split {
	uint64_t ns[WAIT__COUNT];
	uint64_t offcpu_ns;	/* all of ns[] but ns[WAIT_NONE] */
};

/* A function: frames with the same (name, module). */
struct func_stat {
	const char *name;
	const char *module;
	const char *file;	/* its hottest source line, NULL when unknown */
	int line;
	enum frame_class cls;
	uint64_t self;		/* samples with the function as the leaf */
	uint64_t total;		/* samples with it anywhere, once per sample */
	uint64_t self_ns;
	uint64_t total_ns;	/* on-CPU time with it on the stack */
	uint64_t offcpu_ns;	/* waits with it on the stack, once per stack */
	uint64_t own_offcpu_ns;	/* waits it is the display frame of */
	uint64_t cp_ns;		/* critical path with it on the stack */
	uint64_t own_cp_ns;	/* ... as the leaf, or the waits' display
				 * frame: where the path's time went */
	uint64_t own_cp_cpu_ns;	/* ... of it running, as the leaf */
	/* the symbols its frames were named from (frame.system_name:
	 * mangled, foo.constprop.0), first seen first:
	 * aggregate.symbols[first_symbol ..+ n_symbols] */
	uint32_t first_symbol;
	uint32_t n_symbols;
};

/* Symbols kept of one function: a clone of each kind, each overload. */
#define AGG_MAX_SYMBOLS	8

/* A call path: stacks with the same function sequence, merged. */
struct path_stat {
	const uint32_t *funcs;	/* indexes into aggregate.funcs, root first */
	uint32_t n_funcs;
	uint64_t samples;
	uint64_t ns;
};

/* Off-CPU stacks with the same reason, target and function sequence. */
struct wait_stat {
	enum wait_reason reason;
	const char *target;	/* "recv from 127.0.0.1:8080", NULL none */
	const uint32_t *funcs;	/* indexes into aggregate.funcs, root first */
	uint32_t n_funcs;	/* 0: waits too short to keep a stack */
	/* Innermost app frame, else innermost user frame; NULL when none. */
	const struct frame *where;
	uint64_t count;		/* intervals */
	uint64_t ns;
	uint64_t cp_ns;		/* of ns, on the critical path */
};

/*
 * A source line of a function that runs: the on-CPU samples whose
 * innermost application frame with a line is at it.  For Python code that
 * is the line under whatever C code it called.
 */
struct line_stat {
	const char *file;
	int line;
	uint32_t func;		/* index into aggregate.funcs */
	uint64_t samples;
};

/* Busiest: most time on-CPU and off-CPU together. */
struct thread_stat {
	uint32_t pid;
	uint32_t tid;
	char comm[AGG_COMM_LEN];
	uint64_t samples;
	uint64_t loading_samples;	/* of samples, in the dynamic loader
					 * as it started (procs_stack_loading) */
	struct time_split time;
};

struct proc_stat {
	uint32_t pid;
	uint32_t ppid;		/* 0 when the profile has no process record */
	char comm[AGG_COMM_LEN];
	const char *exe;	/* NULL when unknown */
	const char *args;	/* its command line (process_info), NULL */
	uint64_t samples;
	uint64_t loading_samples;	/* as its threads' */
	struct time_split time;	/* its threads', added up */
	const struct thread_stat *threads;	/* busiest first */
	size_t n_threads;
};

/*
 * Paths are of on-CPU stacks, waits of off-CPU ones; functions, processes
 * and threads appear when they have time of either kind.
 */
struct aggregate {
	uint64_t samples;		/* sum of on-CPU stacks[].count */
	uint64_t kernel_samples;	/* taken in kernel mode */
	uint64_t truncated_samples;	/* user stack cut short */
	uint64_t empty_samples;		/* no frame at all: in no path */
	struct time_split time;		/* all threads: can exceed the wall */
	struct time_split cp;		/* the critical path: adds up to the
					 * wall time when cp_known */
	bool cp_known;			/* profile.critical.ns != 0 */
	struct time_split cp_idle;	/* of cp, a server waiting for new
					 * connections (wait_target_idle), or
					 * in its event loop when it accepted
					 * connections and made none */
	uint64_t offcpu_unstacked_ns;	/* waits that kept no stack */
	/* self desc, total desc, off-CPU desc, name, module */
	struct func_stat *funcs;
	size_t n_funcs;
	uint32_t *by_wall;		/* funcs indexes, by own time: on the
					 * critical path first when known */
	uint32_t *by_cp;		/* those with own time on the path,
					 * most first */
	size_t n_by_cp;
	/* samples desc, file, line, function name, module */
	struct line_stat *lines;
	size_t n_lines;
	struct path_stat *paths;	/* samples desc, then by names */
	size_t n_paths;
	struct wait_stat *waits;	/* ns desc, reason, target, names */
	size_t n_waits;
	struct proc_stat *procs;	/* busiest first, pid */
	size_t n_procs;
	struct thread_stat *threads;	/* all, in procs order, busiest first */
	size_t n_threads;
	uint32_t *path_pool;		/* storage behind paths[] and waits[] */
	/* profile.frames index → funcs index; AGG_NO_FUNC when the frame's
	 * function has no time */
	uint32_t *frame_func;
	const char **symbols;		/* storage behind funcs[].n_symbols */
};

#define AGG_NO_FUNC	UINT32_MAX

/* 0 or -ENOMEM; on error agg is left empty. */
int aggregate_profile(const struct profile *p, struct aggregate *agg);
void aggregate_free(struct aggregate *agg);


/*
 * path as "main → parse → qsort → …(5)… → msort_with_tmp → cmp", root
 * first: a function repeated (recursion) is one frame with its depth,
 * "expand (×36)"; then runs of 3 or more library/runtime frames, or of
 * kernel frames, keep their first and last frame (where code calls in and
 * out) and show how many frames were hidden.  Malloc'd; NULL when out of
 * memory.
 */
char *path_format(const struct aggregate *agg, const struct path_stat *path);

/* Paths that show alike once folded: one row of a table. */
struct path_row {
	char *text;	/* as path_format, but a fold's hidden frames are
			 * the range over the merged paths: "…(3–12)…" */
	uint64_t samples;
	uint64_t ns;
	size_t n_paths;	/* agg->paths merged in */
	size_t first;	/* the hottest of them, an agg->paths index */
};

/*
 * agg->paths merged where they differ only in how many frames a fold
 * hid, samples desc (then by first): *rows malloc'd, path_rows_free.
 * 0 or -ENOMEM (then *rows is NULL).
 */
int path_rows_build(const struct aggregate *agg, struct path_row **rows,
		    size_t *n_rows);
void path_rows_free(struct path_row *rows, size_t n);

/* Waits that show alike in a table: reason, target and where equal. */
struct wait_row {
	enum wait_reason reason;
	const char *target;	/* of n_targets > 1, the longest */
	size_t n_targets;	/* targets merged in (see below), else 1 */
	const struct frame *where;
	uint64_t count;
	uint64_t ns;
	uint64_t cp_ns;	/* of ns, on the critical path */
	size_t n_waits;	/* agg->waits merged in */
	size_t first;	/* the longest of them, an agg->waits index */
};

/* A target holding less of its where's waits than this (%) is one of its
 * many: such targets share a row. */
#define WAIT_ROW_TAIL_PCT	10

/*
 * agg->waits merged where reason, target and where (name, module, file,
 * line) are equal: the call path a table leaves out; then, of one reason
 * and where, the targets under WAIT_ROW_TAIL_PCT of its time each, when
 * two or more.  Longest first (then by first); *rows malloc'd, free() it.
 * 0 or -ENOMEM.
 */
int wait_rows_build(const struct aggregate *agg, struct wait_row **rows,
		    size_t *n_rows);

/* The outermost position in s of a frame of function func (an
 * agg->funcs index); s->n_frames when it has none. */
uint32_t stack_func_position(const struct aggregate *agg,
			     const struct stack_sample *s, uint32_t func);

/* How many times funcs[i] is repeated from i on, itself included: a
 * recursion folds into one frame of that depth. */
uint32_t path_run_length(const uint32_t *funcs, uint32_t n, uint32_t i);

/* The same for frames of s from frames[i] on: of one function when equal
 * in name and module. */
uint32_t stack_run_length(const struct profile *p, const struct stack_sample *s,
			  uint32_t i);

/* Code no symbol and no perf map named ("[unknown]"): a JIT's, or a
 * return address the unwinder could not place. */
bool frame_anon(const struct frame *f);

/* Python code (a source file, no mapping) but the frozen modules', which
 * run on behalf of their caller (importlib's bootstrap). */
bool frame_python_code(const struct frame *f);

/*
 * The frame a stack is shown by (frames[0..n-1], root first): the
 * innermost application frame, else the innermost Python frame but
 * importlib's frozen ones (a program of the standard library's: python -m
 * http.server waits in serve_forever, not in libc's poll), else the
 * innermost user frame with a name past Go's system-call plumbing
 * (net.(*netFD).connect, not runtime/internal/syscall.Syscall6), else
 * the innermost with a name, else the innermost "[unknown]"; its index
 * in p->frames, -1 when there is none.
 */
int64_t display_frame(const struct profile *p, const uint32_t *frames,
		      uint32_t n);

/* Functions are frames equal in name and module: their order. */
int cmp_identity(const char *name_a, const char *module_a,
		 const char *name_b, const char *module_b);

/* display_frame of p->io.sites[site]; -1 for IO_NO_SITE or out of range. */
int64_t site_display_frame(const struct profile *p, int32_t site);

/* frame (a p->frames index, -1 none) is the program's own code at a
 * source line: where its reader can change something. */
bool frame_in_source(const struct profile *p, int64_t frame);

/*
 * Where s's runs were started: site_display_frame of its site; or, when
 * that is not frame_in_source and a shell ran them (os.system(),
 * shell=True), where that shell was started, if it is.
 */
int64_t spawn_display_frame(const struct profile *p, const struct io_spawn *s);

/*
 * The categories of t that hold time into order, most time first (ties
 * by reason), WAIT_NONE after them; returns how many.
 */
size_t categories_by_time(const struct time_split *t,
			  enum wait_reason order[WAIT__COUNT]);

/*
 * On-CPU stacks count samples, off-CPU stacks count waits: only their
 * times (ns) add up, never their counts.
 */
static inline bool stack_on_cpu(const struct stack_sample *s)
{
	return s->reason == WAIT_NONE;
}

/* What a stack weighs in the verdict and the hints: its time on the
 * critical path when that is known, else its time. */
static inline uint64_t stack_path_ns(const struct aggregate *agg,
				     const struct stack_sample *s)
{
	return agg->cp_known ? s->cp_ns : s->ns;
}

/* What a stack adds: samples on-CPU, nanoseconds off-CPU; 0 is nothing. */
static inline uint64_t stack_weight(const struct stack_sample *s)
{
	return stack_on_cpu(s) ? s->count : s->ns;
}

static inline uint64_t time_total(const struct time_split *t)
{
	return t->ns[WAIT_NONE] + t->offcpu_ns;
}

/* The function's time on the stack, summed over threads. */
static inline uint64_t func_wall_ns(const struct func_stat *fs)
{
	return fs->total_ns + fs->offcpu_ns;
}

/* The most that removing the function could save: its time on the
 * critical path when known (never over the wall time), else summed over
 * threads. */
static inline uint64_t aggregate_func_wall(const struct aggregate *agg,
					   const struct func_stat *fs)
{
	return agg->cp_known ? fs->cp_ns : func_wall_ns(fs);
}

/*
 * For the aggregate's other part, analyze/procs.c (processes and threads):
 * aggregate_procs_build fills agg->procs and agg->threads.
 */
int aggregate_procs_build(const struct profile *p, struct aggregate *agg);

/*
 * For the aggregate's symbols (analyze/funcsyms.c): funcs[].first_symbol,
 * n_symbols and agg->symbols, once agg->frame_func is built.
 */
int aggregate_symbols_build(const struct profile *p, struct aggregate *agg);

/*
 * A server waiting for new connections (cp_idle) most of the path: what
 * it did meanwhile, its work, is its time running; functions' time with
 * their callees holds the waiting too.
 */
bool aggregate_path_idle(const struct aggregate *agg);

/* A program's entry, which everything runs under (main, <module>,
 * _start): no place to point at. */
bool aggregate_entry_function(const char *name);

/* "[prog+0x1f00]": an address in a binary without symbols. */
bool aggregate_unnamed_function(const struct func_stat *fs);

/*
 * What an idle server did when asked, from its on-CPU samples in all its
 * threads (a thread per request is on no path but its own): the
 * innermost of its own or Python functions half of them run under (*under
 * set: a handler, do_GET), else the function of most samples of its own;
 * NULL with no sample.  The verdict's function when aggregate_path_idle.
 */
const struct func_stat *aggregate_idle_function(const struct aggregate *agg,
						bool *under);

/*
 * The path's time functions can hold: waits for a CPU are the machine's
 * load, charged to none (aggregate.c), so a busy machine does not make
 * every function's share look thin; a server's waits for new connections
 * (cp_idle) are no work either.
 */
uint64_t aggregate_path_work_ns(const struct aggregate *agg,
				const struct profile_critical *c);

/*
 * The function the verdict names (analyze/verdict.c): where most of the
 * critical path's time went, in the program that does the work when one
 * of its functions has a tenth of its work; not CPython's own C code when
 * a Python function has a twentieth; else the first of by_cp.  NULL when
 * none has path time.
 */
/* A function's own time on the path as the verdict weighs it: running
 * only when running leads the path, else with its waits. */
uint64_t aggregate_verdict_own_ns(const struct aggregate *agg,
				  const struct func_stat *fs);
const struct func_stat *aggregate_path_function(const struct aggregate *agg,
						const struct profile_critical *c);

/* Index in funcs of the hottest function but the kernel's switch back
 * to a thread that waited (see verdict.c); 0 when there is no other. */
size_t aggregate_top_function(const struct aggregate *agg);

/*
 * The function the Markdown verdict names: aggregate_path_function with a
 * critical path; else, when on-CPU time outweighs waits, the hottest
 * (aggregate_top_function); NULL when it names none (a wait's verdict).
 */
const struct func_stat *aggregate_verdict_function(const struct profile *p,
						   const struct aggregate *agg);

/* Whose call a library or runtime function's time is. */
struct app_caller {
	const struct func_stat *func;	/* NULL when none */
	int64_t frame;		/* p->frames index: its line of most weight */
	uint64_t ns;		/* the time it was the caller of */
	int64_t loading_pid;	/* -1, or the process of most weight of
				 * those it ran in as they started */
};

/*
 * For the stacks where fs holds its own time (an on-CPU leaf, a wait's
 * display frame), the innermost application frame above it, weighted by
 * time (on the critical path when known): the function of most weight,
 * when the stacks with one hold at least half of fs's time and it a
 * quarter.  When the
 * stacks of processes starting (procs_stack_loading: the dynamic loader
 * binding symbols, before main) hold half of it, no caller: the process
 * of most weight among them.  Nothing for an application function.
 * 0 or -ENOMEM.
 */
int aggregate_app_caller(const struct profile *p, const struct aggregate *agg,
			 const struct func_stat *fs, struct app_caller *out);

/* A function, and the time of another's it stands for. */
struct func_time {
	const struct func_stat *func;	/* NULL when none */
	uint64_t ns;
};

/*
 * When fs is a library's or runtime's code with no symbol ("[libz.so.1+
 * 0xaa60]"), the innermost named function of the same binary above it
 * (inflate, exported), weighted as aggregate_app_caller weighs: the one
 * that holds at least half of fs's time, else none.  0 or -ENOMEM.
 */
int aggregate_stripped_entry(const struct profile *p,
			     const struct aggregate *agg,
			     const struct func_stat *fs,
			     struct func_time *out);

/* The same for frame, code with no symbol, over the stacks it is in,
 * by their time (a hint's location: "[postgres+0x1e84f0] (in
 * XLogFlush)").  0 or -ENOMEM. */
int aggregate_frame_entry(const struct profile *p,
			  const struct aggregate *agg, int64_t frame,
			  struct func_time *out);

/*
 * When fs, the verdict's function, is code with no symbol: the exported
 * function whose code with no symbol (its aggregate_stripped_entry), two
 * functions or more, and its own, have more own time on the path than fs
 * by a quarter (libMagickCore's MorphologyApply, its blur's two static
 * loops 14% each, beside zlib's inflate at 19%).  out->func NULL when
 * none; out->ns their own time, *members the functions with no symbol.
 * 0 or -ENOMEM.
 */
int aggregate_stripped_group(const struct profile *p,
			     const struct aggregate *agg,
			     const struct func_stat *fs,
			     struct func_time *out, uint32_t *members);

/*
 * Of a native application function's on-CPU time (on the critical path
 * when it is known), the library's or runtime's function that holds most
 * of it on its own, as the leaf of its stacks: libc's memcmp under a C++
 * map lookup inlined into main.  None for a Python function, whose
 * callees are the interpreter's.  0 or -ENOMEM.
 */
int aggregate_top_callee(const struct profile *p, const struct aggregate *agg,
			 const struct func_stat *fs, struct func_time *out);

/* The time (on the critical path when it is known) of the stacks where
 * inner runs under outer, called by it directly or not. */
uint64_t aggregate_under_ns(const struct profile *p,
			    const struct aggregate *agg,
			    const struct func_stat *outer,
			    const struct func_stat *inner);

/*
 * The on-CPU time in the kernel (samples taken in kernel mode), on the
 * critical path when it is known: in which system calls (named by the
 * kernel's __x64_sys_NAME / __do_sys_NAME frame: "openat"), the most
 * first, and in page faults taken from user code.
 */
#define KERNEL_SPLIT_TOP	3
struct kernel_split {
	uint64_t ns;
	uint64_t page_fault_ns;
	uint64_t syscall_ns;			/* all system calls */
	struct {
		const char *name;		/* into the profile's frames */
		uint64_t ns;
	} syscalls[KERNEL_SPLIT_TOP];
	size_t n_syscalls;
};

void aggregate_kernel_split(const struct profile *p,
			    const struct aggregate *agg,
			    struct kernel_split *out);

/*
 * What kernel code fs (a kernel function) ran for, in at least half of
 * its own time: a system call, its name returned ("futex": the lock
 * release where a VM's samples land, waking threads), or page faults
 * (*faults set, NULL returned); NULL when none holds half.
 */
const char *aggregate_kernel_context(const struct profile *p,
				     const struct aggregate *agg,
				     const struct func_stat *fs, bool *faults);

/* calloc that does not fail for zero elements. */
void *aggregate_alloc_array(size_t n, size_t size);

/* strcmp with NULL (unknown) before any string. */
int aggregate_cmp_str(const char *a, const char *b);

/* Adds a stack's time to t, under its category. */
void aggregate_count_time(struct time_split *t, const struct stack_sample *s);

void aggregate_add_time(struct time_split *to, const struct time_split *from);

#endif
