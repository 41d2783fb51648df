/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait reasons and syscalls by name: what writers print.  No BPF types
 * here: classifying a recorded wait (its syscall, descriptor target and
 * kernel stack) is wait_event.h's, for the record stage.
 */
#ifndef WHYSLOW_WAIT_H
#define WHYSLOW_WAIT_H

#include <stdbool.h>

#include "profile/profile.h"

/* "network", "disk", ... as in the JSON and the README. */
const char *wait_reason_name(enum wait_reason r);

/* x86-64 syscall name, or NULL when not in the table. */
const char *wait_syscall_name(int nr);

/* What blocking in syscall nr waits for by itself; WAIT_NONE when the
 * descriptor or the kernel stack decides (or nr is not in the table). */
enum wait_reason wait_syscall_reason(int nr);

/* r, or WAIT_JOIN for a lock wait under pthread_join or its kin: that
 * futex waits for a thread to end. */
enum wait_reason wait_join_or(const struct profile *p,
			      const struct stack_sample *st, enum wait_reason r);

#endif
