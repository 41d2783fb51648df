// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ELF/DWARF/CFI symbolizer (`make fuzz`, see
 * README.md): a binary the workload maps is parsed by whyslow as root.
 * Seeds are small real executables with debug info (tests/workloads code
 * built with gcc and clang, DWARF 4 and 5, plain and -gz compressed), so
 * the mutations land inside their sections.  Each input is written to a
 * file and goes through the front end a recording uses: symbols and
 * source lines at offsets across the file, then the CFI walk of unwind.c
 * over a synthetic stack whose return addresses point into the file.
 * Anything may fail; nothing may crash, leak or read out of bounds.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/procmap.h"
#include "symbols/symbolize.h"
#include "record/unwind.h"
#include "whyslow.h"

#define BASE		0x400000ull	/* where the file is "mapped" */
#define STACK_TOP	0x7ffff0000000ull
#define STACK_WORDS	64
#define MAX_LOOKUPS	512

static char dir[] = "/tmp/whyslow-fuzzelf-XXXXXX";
static char path[64];

static void remove_dir(void)
{
	unlink(path);
	rmdir(dir);
}

static void write_input(const uint8_t *data, size_t size)
{
	int fd;

	if (!path[0]) {
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/bin", dir);
		atexit(remove_dir);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd))
		abort();
}

static void lookups(struct symbolizer *s, size_t size)
{
	struct sym_result r;
	size_t step = size / MAX_LOOKUPS + 1, off;

	for (off = 0; off < size; off += step) {
		if (symbolize_elf(s, path, 0, 0, off, true, &r))
			continue;
		/* what it returns must be readable strings */
		if (r.name && strlen(r.name) > (1u << 20))
			abort();
		if (r.file && strlen(r.file) > (1u << 20))
			abort();
	}
}

/* Return addresses into the file, taken from the input's own bytes. */
static void synthetic_stack(const uint8_t *data, size_t size, uint64_t *stack)
{
	uint64_t w;
	size_t i;

	for (i = 0; i < STACK_WORDS; i++) {
		w = 0;
		if (size >= 8)
			memcpy(&w, data + (i * 8) % (size - 7), 8);
		stack[i] = i % 2 ? BASE + w % size : STACK_TOP + w % 512;
	}
}

static void unwind(struct symbolizer *s, const uint8_t *data, size_t size)
{
	uint64_t copy[STACK_WORDS];
	struct proc_table t;
	struct unwind_input in = {
		.sp = STACK_TOP, .bp = STACK_TOP + 64,
		.stack = (const uint8_t *)copy, .stack_len = sizeof(copy),
	};
	__u64 stack[WS_MAX_STACK];
	size_t step = size / 32 + 1, off;
	int n;

	proc_table_init(&t);
	if (proc_table_mmap(&t, 1, BASE, (size + 4095) & ~4095ull, 0, 0, 0,
			    path, true, 0))
		goto out;
	synthetic_stack(data, size, copy);
	for (off = 0; off < size; off += step) {
		in.ip = BASE + off;
		stack[0] = in.ip;
		n = 1;
		unwind_complete(s, &t, 1, &in, stack, &n, WS_MAX_STACK);
		if (n < 1 || n > WS_MAX_STACK)
			abort();
	}
out:
	proc_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symbolizer_opts o = { .kallsyms_path = "/nonexistent" };
	struct symbolizer *s;

	if (!size)
		return 0;
	write_input(data, size);
	o.debug_dir = dir;
	o.perfmap_dir = dir;
	s = symbolizer_new(&o);
	if (!s)
		abort();
	lookups(s, size);
	unwind(s, data, size);
	symbolizer_free(s);
	return 0;
}
