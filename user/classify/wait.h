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

/* A user frame whose futex waits are for a thread to end (pthread_join
 * and its kin): such a wait is WAIT_JOIN, not a lock. */
bool wait_frame_joins(const char *name);

#endif
