// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the Python walk from outside a process
 * (python/walk.c, `make fuzz`, see README.md): the input is the memory of
 * a process, mapped at BASE, whose _PyRuntime sits at its start and whose
 * PyCode_Type is the address its first word names; it is walked with the
 * table offsets of each CPython version that has them (3.10-3.12), for
 * the main thread and another.  What comes back must be in range, each code copied a str the
 * report decodes without fault.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/code.h"
#include "python/offsets.h"
#include "python/walk.h"

#define BASE	0x10000ull

struct image {
	const uint8_t *data;
	size_t size;
};

static int image_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct image *im = ctx;

	if (addr < BASE || addr - BASE > im->size ||
	    len > im->size - (addr - BASE))
		return -1;
	memcpy(buf, im->data + (addr - BASE), len);
	return 0;
}

static struct py_task_stack stack;

static void walk(struct image *im, int minor, uint32_t tid)
{
	struct ws_py_proc proc = { .runtime = BASE };
	struct python_frame pf;
	size_t i;
	int err;

	if (python_table_offsets(minor, &proc.off))
		return;
	if (im->size >= 8)
		memcpy(&proc.code_type, im->data, 8);
	err = py_walk_task(image_read, im, 100, tid, &proc, &stack);
	if (err && err != -ENOENT && err != -EIO && err != -EINVAL)
		abort();
	if (err)
		return;
	if (stack.n > WS_PY_MAX_FRAMES || stack.n_codes > PY_TASK_MAX_CODES ||
	    stack.truncated > WS_PY_TRUNC_INVALID)
		abort();
	for (i = 0; i < stack.n_codes; i++)
		if (python_code_resolve(&stack.codes[i], minor, 0, &pf))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image im = { .data = data, .size = size };
	int minor;

	for (minor = 10; minor <= 13; minor++) {
		walk(&im, minor, 100);
		walk(&im, minor, 101);
	}
	return 0;
}
