/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread blocked now, whose stacks no event carries (its wait began
 * before the recording, or had not ended when it stopped): read from its
 * process's memory, as gdb or py-spy dump read them.
 */
#ifndef WHYSLOW_TASKMEM_H
#define WHYSLOW_TASKMEM_H

#include <stdint.h>
#include <linux/types.h>

#include "whyslow.h"
#include "proc/procfs.h"
#include "python/attach.h"
#include "python/walk.h"
#include "record/collect.h"

/*
 * Its Python stack, its code objects handed to c: ctx (its sym and kinds
 * set by the caller) filled and returned, or NULL when it runs no Python
 * whyslow can walk (*err set when handing them failed).
 */
const struct py_context *taskmem_python(uint32_t pid, uint32_t tid,
					const struct py_attach *py,
					struct py_task_stack *stack,
					struct collector *c,
					struct py_context *ctx, int *err);

/*
 * The top of its user stack, for CFI to unwind as it unwinds a wait's top
 * copied at switch-out: its registers as /proc shows them in the syscall
 * sc (the stack and instruction pointers; no frame pointer, which code
 * built with them needs past its first frame) and its stack from sp,
 * WS_WAIT_STACK_COPY bytes or to sp's page end; NULL when unreadable.
 */
const struct ws_wait_top *taskmem_top(uint32_t pid,
				      const struct procfs_syscall *sc,
				      struct ws_wait_top *top);

#endif
