/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes and threads of an aggregate (agg->procs, agg->threads, built
 * by aggregate_profile through aggregate_procs_build) and their names.
 */
#ifndef WHYSLOW_PROCS_H
#define WHYSLOW_PROCS_H

#include "analyze/aggregate.h"

/* The process record of pid, NULL when the profile has none (a linear
 * scan); its aggregate's, NULL when it has no time. */
const struct process_info *procs_process(const struct profile *p,
					 uint32_t pid);
const struct proc_stat *procs_stat(const struct aggregate *agg, uint32_t pid);

/* The process's comm, else its main thread's, else "" (linear scans). */
void procs_comm(const struct profile *p, uint32_t pid,
		char comm[AGG_COMM_LEN]);
/* The process's executable, NULL when not known. */
const char *procs_exe(const struct profile *p, uint32_t pid);
/* The thread's own comm, else its process's. */
void procs_thread_comm(const struct profile *p, uint32_t pid, uint32_t tid,
		       char comm[AGG_COMM_LEN]);

/*
 * Sampled as its process started, in the dynamic loader before main:
 * mapping the shared libraries, binding their symbols, running their
 * constructors.  The stack's root is the loader's entry (its _start, or
 * _dl_start* as the outermost frame unwound), not the program's: a lazy
 * binding later (_dl_runtime_resolve) is no start-up.
 */
bool procs_stack_loading(const struct profile *p, const struct stack_sample *s);

/*
 * The main thread: the command's (tid == root_pid), else the first thread
 * of the busiest process; its life spans the run, so its time split is
 * where the wall time went.  NULL when there is no process.
 */
const struct thread_stat *procs_main_thread(const struct aggregate *agg,
					    uint32_t root_pid);

/*
 * The basename of the profiled program's executable (the root process's,
 * else the first known); NULL when none is known.  Two builds' match
 * (diff.c, flame_match) whatever their names.
 */
const char *procs_program_module(const struct profile *p);

#endif
