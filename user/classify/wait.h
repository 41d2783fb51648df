/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait reasons and syscalls by name: what writers print.  No BPF types
 * here: classifying a recorded wait (its syscall, descriptor target and
 * kernel stack) is wait_event.h's, for the record stage.
 */
#ifndef WHYSLOW_WAIT_H
#define WHYSLOW_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "profile/profile.h"

/* "network", "disk", ... as in the JSON and the README. */
const char *wait_reason_name(enum wait_reason r);

/* x86-64 syscall name, or NULL when not in the table. */
const char *wait_syscall_name(int nr);

/* What blocking in syscall nr waits for by itself; WAIT_NONE when the
 * descriptor or the kernel stack decides (or nr is not in the table). */
enum wait_reason wait_syscall_reason(int nr);

/* A CPython function that waits for the GIL (take_gil, ...), in the
 * interpreter's own code. */
bool wait_gil_frame(const struct frame *f);
/* The interpreter's frame runtime, which called callee (NULL: not known),
 * waits for the GIL: a GIL function, or it waits on a condition variable. */
bool wait_gil_call(const struct frame *runtime, const struct frame *callee);

/*
 * A lock wait whose Python frames replaced the interpreter's (st's first
 * py_frames frames): whether it waits for the GIL, by the frames of the
 * interpreter's innermost raw frame there (ids[0..n), outermost first,
 * inlined functions after their caller) and the frame it called.
 */
bool wait_gil_replaced(const struct profile *p, const uint32_t *ids,
		       uint32_t n, const struct stack_sample *st,
		       uint32_t py_frames);

/* A futex wait in pthread_cond_*wait for the condition, not for the
 * mutex it takes back, or Go's runtime parking an idle thread: waiting
 * for an event (work, a result), which no thread holds the way it holds
 * a lock. */
bool wait_on_condition(const struct profile *p, const struct stack_sample *st);

/* A lock wait taking a mutex: pthread_mutex_lock or its kin (not under
 * a condition wait), or a CPython lock taken by the program's own Python
 * code (app or library, not the standard library's).  Whoever holds it
 * holds the waiter up, whatever it does meanwhile, waits too. */
bool wait_on_mutex(const struct profile *p, const struct stack_sample *st);

/*
 * A wait's target (as wait_event_describe() writes it) is a server
 * waiting for new connections: an accept, or a poll or read on a
 * listening socket.  Idle, not slow: nothing asked it for work.
 */
bool wait_target_idle(const char *target);
/* ... is a terminal ("poll /dev/ptmx", "read /dev/pts/3"): what a
 * program writes to it comes through the kernel's tty worker, never
 * from the writer itself (script(1), expect, a pty's master). */
bool wait_target_terminal(const char *target);
#define WAIT_ACCEPT_PREFIX	"accept ("
#define WAIT_LISTENING		"for connections on a listening"

/* r, or WAIT_JOIN for a lock wait under pthread_join or its kin: that
 * futex waits for a thread to end; WAIT_GIL under wait_gil_call or
 * Python's Thread.start (the new thread's first bytecode); a wait
 * (not for a CPU) under a goroutine parked on a Go mutex, WAIT_LOCK, or
 * in a WaitGroup's Wait, WAIT_JOIN. */
enum wait_reason wait_join_or(const struct profile *p,
			      const struct stack_sample *st, enum wait_reason r);

#endif
