/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the hint rules (hints.c and hints_*.c): their thresholds,
 * the list being built, the formatting of numbers in a hint's text, and
 * its fields.
 */
#ifndef WHYSLOW_HINTS_RULES_H
#define WHYSLOW_HINTS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Declared, not included: hints.c includes this header, and a header of
 * its own module here would make an include circle. */
struct aggregate;
struct hint;
struct profile;

/* The rules' thresholds.  W is the wall time. */
/* repeated_opens: the same files opened again and again */
#define REPEAT_MIN_EXTRA	10	/* opens beyond each file's first */
#define REPEAT_MIN_PCT		5	/* their own syscalls, % of W */
/* many_files: many files, none of which matters on its own */
#define MANY_MIN_FILES		1000	/* files opened */
#define MANY_MIN_PCT		20	/* their syscalls but the costliest
					 * file's, % of W */
/* serial_network: requests made one at a time */
#define SERIAL_MIN_REQUESTS	3
#define SERIAL_MAX_IN_FLIGHT	1
#define SERIAL_MIN_BUSY_PCT	20	/* time with one in flight, % of wall */
#define SERIAL_AT_A_TIME	8	/* requests at once, in the estimate */
/* slow_connects: connections that waited for a SYN's retransmission */
#define SLOW_CONNECT_MIN_PCT	10	/* wall time with one of them in the
					 * making, % of wall */
/* spawns: a program run many times */
#define SPAWN_MIN_COUNT		10
#define SPAWN_MIN_PCT		10	/* its time on the critical path
					 * (else its runs' union), % of wall */
/* ... unless its runs do work: then only when they went one at a time */
#define SPAWN_WORK_CPU_PCT	50	/* own CPU, % of the runs' union */
#define SPAWN_WORK_MIN_CPU_NS	5000000	/* own CPU a run, on average */
#define SPAWN_NESTED_PCT	90	/* union under this % of the sum,
					 * one at a time: nested, not work */
#define SPAWN_SERIAL_MIN_COUNT	2
#define SPAWN_SERIAL_MIN_PCT	30	/* its runs' wall time, % of wall */
#define SPAWN_ON_PATH_PCT	80	/* on the path, % of its union: less,
					 * its runs overlapped others' */
/* ... and none for a launcher of programs that do work */
#define SPAWN_LAUNCH_PCT	50	/* their wall time, % of its own */
#define SPAWN_LONG_RUN_NS	100000000	/* a child's runs this long on
						 * average are no start-up
						 * cost: the program */
#define SPAWN_LOADING_PCT	25	/* of its CPU in the dynamic loader as
					 * it starts: said in the hint */
#define SPAWN_WAITS_PCT		50	/* network or disk waits, % of its
					 * runs' time: overlapping them is
					 * the advice */
/* shim: the command exec'd its way to the program it was named for */
#define SHIM_MIN_PCT		5	/* the launcher's time, % of the path */
/* small_reads: a file read in small pieces */
#define SMALL_MIN_READS		10000
#define SMALL_MAX_MEAN		512	/* bytes a read, on average: below */
#define SMALL_MIN_PCT		5	/* the file's syscalls, % of wall */
/* hot_library_function: library code the application calls */
#define HOT_LIB_MIN_PCT		10	/* on-CPU time with it, % of all */
#define HOT_LIB_MIN_WALL_PCT	5	/* ... and % of wall time: CPU that
					 * is a sliver of a waiting program's
					 * time is not worth a hint */
#define HOT_LIB_MIN_NS		(20 * 1000000ull)	/* ... and time:
					 * 20 samples at 999 Hz; fewer tell
					 * nothing worth changing code for */
#define HOT_LIB_MAX		2	/* hints of this rule, at most */
#define HOT_LIB_JOB_PCT		90	/* it is the program's job: this % of
					 * on-CPU time, and its top caller
					 * this % of its samples */
/* small_writes: many small writes to one file, terminal, pipe, socket */
#define SMALLW_MIN_WRITES	10000
#define SMALLW_MAX_MEAN		512	/* bytes a write, on average: below */
#define SMALLW_FLUSHED_PCT	50	/* of the writes' samples, under an
					 * explicit flush: the flush said */
#define SMALLW_MIN_PCT		5	/* their syscalls, % of W */
#define SMALLW_EXCHANGE_PCT	67	/* a socket's receives, % of its sends,
					 * from which they are exchanges */
/* reread_volume: a file read many times its size */
#define REREAD_MIN_TIMES	10	/* bytes read, times its size */
#define REREAD_MIN_BYTES	(1u << 20)	/* bytes read, at least */
#define REREAD_MIN_PCT		5	/* its read syscalls, % of W */
/* a syscall's caller is named when its file did this share of them */
#define SYSCALL_OWNER_PCT	50
/* lock_contention: threads blocked on a lock held by the others */
#define LOCK_MIN_PCT		10	/* their waits in all, % of W */
#define LOCK_HOLDER_MIN_PCT	40	/* the holder's CPU under the lock, %
					 * of the wait of one waiter (all the
					 * waits / the waiters): threads that
					 * take turns (mutex4, locks) give 58-
					 * 180% on a loaded machine; an idle
					 * pool's signaller 0-27% (zstd, node,
					 * xz) */
/* gil: Python threads that waited for the GIL */
#define GIL_MIN_THREADS		2	/* threads that waited, at least */
#define GIL_MIN_PCT		10	/* their GIL waits in all, % of W */
/* imports: a Python program's time going to importing modules */
#define IMPORTS_MIN_PCT		20	/* importing, % of W */
#define IMPORTS_MIN_NS		(50 * 1000000ull)	/* ... and time */
#define IMPORTS_ROWS		3	/* imports named, most time first */
#define IMPORTS_SITE_NAMES	64	/* modules site imported, told apart */
/* python_gc: CPython's cyclic garbage collector */
#define PYGC_MIN_PCT		15	/* its time, % of on-CPU time */
#define PYGC_MIN_WALL_PCT	10	/* ... and % of W */
/* go_gc: Go's garbage collector */
#define GOGC_MIN_PCT		15	/* its time, % of on-CPU time */
#define GOGC_MIN_WALL_PCT	10	/* ... and % of W */
/* sleeps: a program sleeping on a timer again and again */
#define SLEEPS_MIN_COUNT	20	/* sleeps that held up the run */
#define SLEEPS_MIN_PCT		10	/* the time they held it up (on the
					 * critical path when known), % of W */
/* compressor: gzip, bzip2, xz, zstd or lzip on one CPU on the path */
/* pool: worker threads each busy, mostly in waits, holding up the run */
#define POOL_MIN_WORKERS	2
#define POOL_BUSY_PCT		85	/* on-CPU or in a task's wait (network,
					 * disk), % of a worker's life */
#define POOL_WAIT_PCT		50	/* in a task's wait, % of its life */
#define POOL_PATH_PCT		30	/* the workers on the path, % of W */
#define POOL_MIN_WAITS		4	/* task waits a worker, on average */
#define POOL_MAIN_WAIT_PCT	50	/* the first thread on a lock or in a
					 * join, % of its life */
#define LINK_MIN_PCT		20	/* GNU ld's time on the path, % of W */
/* reference_blas: Debian's reference BLAS or LAPACK doing the math */
#define BLAS_MIN_PCT		10	/* on-CPU time through it, % of all */
#define BLAS_MIN_WALL_PCT	5	/* ... and % of W */
#define LINK_MIN_NS		(100 * 1000000ull)	/* ... and time */
#define COMPRESS_MIN_PCT	20	/* its time on the path, % of W */
#define COMPRESS_MIN_NS		(100 * 1000000ull)	/* ... and time */
#define COMPRESS_CPU_PCT	50	/* its CPU, % of its time there */
#define COMPRESS_SPREAD_PCT	150	/* ... from which its processes ran on
					 * several CPUs at once (xargs -P):
					 * no parallel tool to advise */
#define COMPRESS_ONE_THREAD_PCT	90	/* a process's busiest thread, % of
					 * its samples */
/* syncs: fsync and its kin called again and again */
#define SYNCS_MIN_COUNT		10	/* calls, on every file */
#define SYNCS_MIN_PCT		10	/* their time, % of W */

#define NUM_SIZE	32	/* a number formatted */
#define TIME_SIZE	(NUM_SIZE + 8)	/* ... with its unit */

/* The hints so far; err is sticky, so that a rule can run to its end. */
struct hint_list {
	const struct profile *p;
	const struct aggregate *agg;
	struct hint *list;
	size_t n;
	int err;
};

/* part is at least pct percent of whole, which is not nothing. */
static inline bool hint_at_least_pct(uint64_t part, uint64_t whole,
				     unsigned int pct)
{
	return whole &&
	       (unsigned __int128)part * 100 >= (unsigned __int128)whole * pct;
}

/* 9801 as "9,801"; buf holds NUM_SIZE. */
void hint_fmt_count(char *buf, uint64_t n);
/* One decimal below 10, none from there, never ".0"; buf holds NUM_SIZE. */
void hint_fmt_number(char *buf, double v);
/* part as a percentage of whole: "28%"; buf holds NUM_SIZE. */
void hint_fmt_pct(char *buf, uint64_t part, uint64_t whole);
/* "850 ns", "1.4 µs", "52 ms", "3.82 s"; buf holds TIME_SIZE. */
void hint_fmt_time(char *buf, uint64_t ns);
/* "812 bytes", "4.2 KB", "8.1 MB", "4.5 GB" (powers of 1000); TIME_SIZE. */
void hint_fmt_bytes(char *buf, uint64_t bytes);
/* "read_file (amalg.py:24)": allocated; NULL for no frame (-1), or out of
 * memory (h->err is set). */
char *hint_location(struct hint_list *h, int64_t frame);
/* Under frame k of s, a frame of another application function. */
bool hint_app_callee_below(const struct profile *p,
			   const struct aggregate *agg,
			   const struct stack_sample *s, uint32_t k);

/* A field, added to the hint's (at most HINT_MAX_FIELDS). */
void hint_field_uint(struct hint *hint, const char *name, uint64_t v);
void hint_field_real(struct hint *hint, const char *name, double v);
void hint_field_null(struct hint *hint, const char *name);
/* s is the hint's from now on; NULL is a string not known. */
void hint_field_own(struct hint *hint, const char *name, char *s);
void hint_field_copy(struct hint_list *h, struct hint *hint, const char *name,
		     const char *s);

/* A hint of rule in the list has the string field name equal to value
 * (NULL: none has). */
bool hint_said(const struct hint_list *h, const char *rule,
	       const char *name, const char *value);

/* The text, or NULL when out of memory, which hint_push notices. */
__attribute__((format(printf, 2, 3)))
void hint_text(struct hint *hint, const char *fmt, ...);
/* The hint into the list, or freed when anything failed on the way. */
void hint_push(struct hint_list *h, struct hint *hint);

/*
 * The app frame (else Python frame) that most on-CPU samples in one of
 * the syscalls whose kernel entry points are names (n of them) ran
 * under, innermost; -1 none.  Who made a kind of syscall, where its
 * events have no stack.
 */
int64_t hint_syscall_caller(const struct hint_list *h,
			    const char *const *names, size_t n);

/* Who opened the files counted most. */
struct opener {
	int64_t frame;		/* its busiest site's display frame, -1 */
	uint64_t opens;		/* from all its sites */
};

/*
 * The function whose sites opened most of the files opened more than
 * once (not by the dynamic loader), or of all files; 0 or -ENOMEM.
 */
int hint_find_opener(const struct profile *p, bool repeated_only,
		     struct opener *top);

/* The rules of hints_io.c and hints_files.c, in the order build_hints
 * runs them. */
void hint_repeated_opens(struct hint_list *h);
void hint_many_files(struct hint_list *h);
void hint_serial_network(struct hint_list *h);
void hint_slow_connects(struct hint_list *h);
/* hints_libs.c */
void hint_hot_library_functions(struct hint_list *h);
void hint_shim(struct hint_list *h);
void hint_spawns(struct hint_list *h);
/* fs is on the stack where the runs of a program the spawns hint told
 * were forked: Python's subprocess.run, the C code of posix_spawn; what
 * it costs is starting them, and that hint's advice is its. */
bool hint_spawning_function(const struct hint_list *h,
			    const struct func_stat *fs);
void hint_small_reads(struct hint_list *h);
void hint_small_writes(struct hint_list *h);
void hint_reread_volume(struct hint_list *h);
/* hints_threads.c */
void hint_lock_contention(struct hint_list *h);
void hint_gil(struct hint_list *h);
/* hints_sleeps.c */
void hint_sleeps(struct hint_list *h);
/* hints_gc.c */
void hint_python_gc(struct hint_list *h);
void hint_go_gc(struct hint_list *h);
/* hints_syncs.c */
void hint_syncs(struct hint_list *h);
/* hints_imports.c */
void hint_imports(struct hint_list *h);
/* hints_compress.c */
void hint_compressor(struct hint_list *h);
/* hints_link.c */
void hint_linker(struct hint_list *h);
/* hints_blas.c */
void hint_reference_blas(struct hint_list *h);
/* hints_pool.c */
void hint_pool(struct hint_list *h);

#endif
