/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A profile's stacks turned into what the writers show: per-function
 * self/total, merged call paths, per-process and per-thread counts.
 * Pure functions of the profile, sorted with full tie-breaks so the same
 * profile always gives the same aggregate.  Strings point into the
 * profile: an aggregate must not outlive it.
 */
#ifndef WHYSLOW_AGGREGATE_H
#define WHYSLOW_AGGREGATE_H

#include "profile.h"

/* thread_info.comm plus room for the NUL it might lack. */
#define AGG_COMM_LEN	17

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
	uint64_t total_ns;
};

/* A call path: stacks with the same function sequence, merged. */
struct path_stat {
	const uint32_t *funcs;	/* indexes into aggregate.funcs, root first */
	uint32_t n_funcs;
	uint64_t samples;
	uint64_t ns;
};

struct thread_stat {
	uint32_t pid;
	uint32_t tid;
	char comm[AGG_COMM_LEN];
	uint64_t samples;
	uint64_t ns;
};

struct proc_stat {
	uint32_t pid;
	uint32_t ppid;		/* 0 when the profile has no process record */
	char comm[AGG_COMM_LEN];
	const char *exe;	/* NULL when unknown */
	uint64_t samples;
	uint64_t ns;
	const struct thread_stat *threads;	/* busiest first */
	size_t n_threads;
};

/* Only sampled (on-CPU) functions, paths, processes and threads appear. */
struct aggregate {
	uint64_t samples;		/* sum of stacks[].count */
	uint64_t ns;			/* sum of stacks[].ns */
	uint64_t kernel_samples;	/* taken in kernel mode */
	uint64_t truncated_samples;	/* user stack cut short */
	uint64_t empty_samples;		/* no frame at all: in no path */
	struct func_stat *funcs;	/* self desc, total desc, name, module */
	size_t n_funcs;
	struct path_stat *paths;	/* samples desc, then by names */
	size_t n_paths;
	struct proc_stat *procs;	/* samples desc, pid */
	size_t n_procs;
	struct thread_stat *threads;	/* all, in procs order, busiest first */
	size_t n_threads;
	uint32_t *path_pool;		/* storage behind paths[].funcs */
};

/* 0 or -ENOMEM; on error agg is left empty. */
int aggregate_profile(const struct profile *p, struct aggregate *agg);
void aggregate_free(struct aggregate *agg);

/*
 * path as "main → parse → qsort → …(5)… → msort_with_tmp → cmp", root
 * first: runs of 3 or more library/runtime frames, or of kernel frames,
 * keep their first and last frame (where code calls in and out) and show
 * how many were hidden.  Malloc'd; NULL when out of memory.
 */
char *path_format(const struct aggregate *agg, const struct path_stat *path);

/* The process's comm, else its main thread's, else "" (linear scans). */
void process_comm(const struct profile *p, uint32_t pid,
		  char comm[AGG_COMM_LEN]);

/*
 * Aggregates and the folded stacks are of on-CPU samples only: off-CPU
 * intervals count waits, not samples, and must not mix with them.
 */
static inline bool stack_on_cpu(const struct stack_sample *s)
{
	return s->reason == WAIT_NONE;
}

static inline double pct_of(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

#endif
