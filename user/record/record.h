/* SPDX-License-Identifier: GPL-2.0 */
/* The record stage: start or find the targets, load and attach the BPF
 * programs, collect until the targets end, and hand over a profile. */
#ifndef WHYSLOW_RECORD_H
#define WHYSLOW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "profile/profile.h"

struct record_opts {
	char **argv;		/* command to run, or NULL */
	uint32_t *pids;		/* -p targets */
	size_t n_pids;
	bool all;		/* -a */
	double duration_s;	/* -d; 0 = until the targets end */
	unsigned int freq;	/* -F */
	bool as_root;		/* run argv as root under sudo */
	bool no_offcpu;		/* --no-offcpu: on-CPU sampling only */
	bool no_io;		/* --no-io: no syscall tracing */
	bool fp_only;		/* --fp-only: samples unwound by frame
				 * pointers alone, no stack copy */
	uint64_t min_block_ns;	/* --min-block-us: no stacks below */
	bool verbose;
};

struct record_result {
	int cmd_status;		/* shell form (128 + signal), -1: none yet */
	int running_pid;	/* the command outlived the recording (-d, a
				 * signal): wait for it after the report */
};

/*
 * Returns 0 with *out filled, or the exit code whyslow should end with
 * (the error was already printed).
 */
int record_run(const struct record_opts *o, struct profile *out,
	       struct record_result *res);

/* Ends the recording as SIGINT does, also before record_run installs its
 * handlers; async-signal-safe (for a caller's own handler). */
void record_request_stop(void);

#endif
