// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for perf-map parsing (`make fuzz`, see README.md): the
 * workload writes /tmp/perf-PID.map, whyslow (root) reads it.  Each input
 * is a map, read through a memfd as the symbolizer reads the file; the
 * table it gives must be sorted, one symbol per start, each name within
 * the name buffer, and every lookup must land in a symbol that covers it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "symbols/perfmap.h"

static int fd = -1;

static int load(const uint8_t *data, size_t size)
{
	if (fd < 0)
		fd = memfd_create("perfmap", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) !=
	    (ssize_t)size || lseek(fd, 0, SEEK_SET))
		abort();
	return fd;
}

static void check_table(const struct perfmap *m)
{
	size_t i;

	for (i = 0; i < m->n_syms; i++) {
		if (m->syms[i].name >= m->names_len ||
		    m->syms[i].end <= m->syms[i].start ||
		    (i && m->syms[i - 1].start >= m->syms[i].start) ||
		    strlen(m->names + m->syms[i].name) >= PERFMAP_LINE_MAX)
			abort();
	}
}

static void check_lookup(const struct perfmap *m, uint64_t addr)
{
	const struct perfmap_sym *e = perfmap_find(m, addr);

	if (e && (addr < e->start || addr >= e->end))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfmap_stats st = { 0 };
	struct perfmap m = { .pid = 1 };
	size_t i;

	if (perfmap_read_fd(&m, load(data, size), &st))
		return 0;	/* -ENOMEM or -EIO: not the input's doing */
	check_table(&m);
	for (i = 0; i < m.n_syms && i < 64; i++) {
		check_lookup(&m, m.syms[i].start);
		check_lookup(&m, m.syms[i].end - 1);
		check_lookup(&m, m.syms[i].end);
	}
	check_lookup(&m, 0);
	check_lookup(&m, UINT64_MAX);
	perfmap_clear(&m);
	return 0;
}
