// SPDX-License-Identifier: GPL-2.0
/* See taskmem.h. */
#include <unistd.h>

#include "record/taskmem.h"

static int read_task_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return procfs_task_mem(*(const uint32_t *)ctx, addr, buf, len);
}

const struct py_context *taskmem_python(uint32_t pid, uint32_t tid,
					const struct py_attach *py,
					struct py_task_stack *stack,
					struct collector *c,
					struct py_context *ctx, int *err)
{
	struct ws_py_proc proc;
	size_t i;

	if (!py || !stack || py_attach_proc(py, pid, &proc) ||
	    py_walk_task(read_task_mem, &pid, pid, tid, &proc, stack) ||
	    (!stack->n && stack->truncated != WS_PY_TRUNC_INVALID))
		return NULL;
	for (i = 0; i < stack->n_codes && !*err; i++)
		*err = collector_add_py_code(c, &stack->keys[i],
					     &stack->codes[i]);
	ctx->stack = (struct py_frames){ .frames = stack->frames,
					 .n = stack->n,
					 .truncated = stack->truncated };
	ctx->module = py_attach_module(py, pid);
	ctx->minor = py_attach_minor(py, pid);
	return *err ? NULL : ctx;
}

const struct ws_wait_top *taskmem_top(uint32_t pid,
				      const struct procfs_syscall *sc,
				      struct ws_wait_top *top)
{
	size_t len = WS_WAIT_STACK_COPY, page = getpagesize();

	if (!sc->sp || !sc->pc)
		return NULL;
	if (procfs_task_mem(pid, sc->sp, top->stack, len)) {
		len = page - (sc->sp & (page - 1));
		if (len > WS_WAIT_STACK_COPY ||
		    procfs_task_mem(pid, sc->sp, top->stack, len))
			return NULL;
	}
	top->ip = sc->pc;
	top->sp = sc->sp;
	top->bp = 0;
	top->len = len;
	return top;
}
