/* SPDX-License-Identifier: GPL-2.0 */
/* Starting the profiled command: forked early, held before exec until the
 * BPF programs are attached, so nothing of its start-up is missed. */
#ifndef WHYSLOW_LAUNCH_H
#define WHYSLOW_LAUNCH_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	int go_fd;	/* write end: one byte lets the child exec */
	int status_fd;	/* read end: EOF on successful exec, else an error */
};

/* Forks the child, which waits; under sudo it first becomes the invoking
 * user unless as_root.  0 or -errno. */
int launch_held(char **argv, bool as_root, struct launch *l);

/* Lets the child exec.  0 when exec succeeded; otherwise the error is
 * printed, the child reaped and the exit code (126, 127, 1) returned. */
int launch_release(struct launch *l, const char *cmd);

/* Waits for pid; its exit status in shell form (128 + signal), or -1. */
int launch_wait(int pid, int options, struct rusage *ru);

/* The child never runs the command: it is told to exit and reaped. */
void launch_abort(struct launch *l);

#endif
