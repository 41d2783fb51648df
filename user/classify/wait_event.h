/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an off-CPU interval waited for: its reason (one of enum
 * wait_reason) from the syscall, the file descriptor's target and the
 * kernel stack, and a short description of the target.  Pure functions;
 * the rules are listed in the README.  Takes the BPF side's struct
 * ws_target: for the record stage, not for writers (wait.h).
 */
#ifndef WHYSLOW_WAIT_EVENT_H
#define WHYSLOW_WAIT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "whyslow.h"
#include "classify/wait.h"

/*
 * kframes: kernel function names of the blocking stack, leaf first
 * (NULL entries are skipped).  runnable: preempted, not blocked.
 */
enum wait_reason classify_wait(int syscall, const struct ws_target *target,
			       bool runnable, const char *const *kframes,
			       size_t n_kframes);

/* Kernel frame names of st, leaf first, at most WS_MAX_STACK of them:
 * classify_wait's kframes.  Returns how many. */
size_t wait_event_kernel_names(const struct profile *p,
			       const struct stack_sample *st,
			       const char **names);

/* A TCP/UDP target's peer: "10.0.0.5:5432", "[::1]:443"; the address
 * alone without the port. */
void wait_event_format_peer(const struct ws_target *t, bool with_port,
			    char *buf, size_t size);

/*
 * "recv from 127.0.0.1:8080", "fsync src/data.bin", "read pipe" into buf;
 * empty when there is nothing to say.
 */
void wait_event_describe(int syscall, const struct ws_target *target, char *buf,
			 size_t size);

#endif
