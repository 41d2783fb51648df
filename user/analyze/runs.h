/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processes that held up the critical path longest, by their command
 * lines: which of a build's 109 compiler runs, which file, took the time.
 */
#ifndef WHYSLOW_RUNS_H
#define WHYSLOW_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/aggregate.h"

#define RUNS_MAX		5	/* rows of the table */
#define RUNS_BRIEF_MAX		120	/* bytes of a brief command line */

struct path_run {
	uint32_t pid;
	const struct proc_stat *proc;	/* agg's, NULL when not there */
	uint64_t ns;			/* its stacks' time on the path */
};

/*
 * Of the processes whose stacks hold time on the critical path, the
 * n_max (at most RUNS_MAX) with the most, most first, into out; how
 * many.  None unless the program longest on the path ran as several
 * processes (one run of it is the whole profile's), or when none of them
 * has its command line (a profile saved before they were kept).
 */
size_t runs_on_path(const struct profile *p, const struct aggregate *agg,
		    struct path_run *out, size_t n_max);

/*
 * A command line (words joined by a space, quoted as
 * procfs_cmdline_join() quotes them) told briefly in out: the
 * program's basename and its operands, the words that are not options
 * or the values of the options that take one (-o, -I, -MF, -target...):
 * "cc1 … user/record/collect.c" for cc1's 40 words; a linker's output
 * ("ld -o bin/app"), which its operands do not tell.  At most 4 operands,
 * and size - 1 bytes ("…" where cut).  "" for an empty args.
 */
void runs_brief(const char *args, char *out, size_t size);

#endif
