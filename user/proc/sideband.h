/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf side-band records (FORK, COMM/exec, MMAP2) from a dummy software
 * event on every CPU: how whyslow learns what a process mapped while it
 * lives, so even a 30 ms process is symbolized after it is gone.
 */
#ifndef WHYSLOW_SIDEBAND_H
#define WHYSLOW_SIDEBAND_H

#include <stdbool.h>
#include <stdint.h>
#include "proc/procmap.h"

struct sideband;

/* Opens one event per online CPU; NULL with errno set on failure. */
struct sideband *sideband_open(void);
void sideband_close(struct sideband *sb);

/*
 * Applies every pending record, in time order, to the table.  Unless
 * keep_all, only processes already in the table and their new children
 * are followed.
 */
void sideband_drain(struct sideband *sb, struct proc_table *t, bool keep_all);

/* Readable (poll) as soon as records are waiting. */
int sideband_epoll_fd(const struct sideband *sb);

/* Records the kernel dropped because a buffer was full. */
uint64_t sideband_lost(const struct sideband *sb);

#endif
