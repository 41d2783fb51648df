/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread's Python stack read from outside its process, as py-spy dump
 * reads one: for a thread no event describes (a -p target's blocked since
 * before the recording), whose stack the BPF walker never saw.  The same
 * walk as bpf/python.bpf.h's, on the same offsets (struct ws_py_proc),
 * giving the same frames and code copies, so that the rest of whyslow
 * names them as it names the BPF walker's.
 */
#ifndef WHYSLOW_PYTHON_WALK_H
#define WHYSLOW_PYTHON_WALK_H

#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "whyslow.h"

#define PY_TASK_MAX_CODES	256	/* distinct code objects copied */

/* len bytes of the process's memory at addr into buf: 0, else nonzero.
 * Its content is the workload's: nothing in it is trusted. */
typedef int (*py_mem_read_fn)(void *ctx, uint64_t addr, void *buf,
			      size_t len);

struct py_task_stack {
	struct ws_py_frame frames[WS_PY_MAX_FRAMES];	/* innermost first */
	uint32_t n;
	uint32_t truncated;		/* enum ws_py_trunc */
	struct ws_py_code_key keys[PY_TASK_MAX_CODES];
	struct ws_py_code codes[PY_TASK_MAX_CODES];
	size_t n_codes;			/* of the frames' codes, copied */
};

/*
 * Thread tid of process pid, which runs the CPython proc describes: its
 * Python frames and their code objects into out.  3.11+ finds the
 * thread's PyThreadState by its kernel tid; 3.10 keeps only pthread_self()
 * there, unknown from outside, so there only the main thread is walked
 * (its thread state the first made, the last of the list).  0 (out->n
 * frames, 0 when the thread runs no Python), -ENOENT (no thread state
 * found), -EIO (the process's memory could not be read), -EINVAL
 * (offsets out of reach).
 */
int py_walk_task(py_mem_read_fn read, void *ctx, uint32_t pid, uint32_t tid,
		 const struct ws_py_proc *proc, struct py_task_stack *out);

#endif
