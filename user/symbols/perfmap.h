/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JIT symbols from /tmp/perf-PID.map ("START SIZE name" lines, hex), a file
 * the workload writes: every read is bounded.
 */
#ifndef WHYSLOW_PERFMAP_H
#define WHYSLOW_PERFMAP_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "profile/profile.h"

#define PERFMAP_MAX_BYTES	PROFILE_PERFMAP_MAX_BYTES
#define PERFMAP_LINE_MAX	PROFILE_PERFMAP_LINE_MAX
#define PERFMAP_MAX_SYMS	(8u << 20)

/* What hostile or oversized maps cost us; added to, never reset. */
struct perfmap_stats {
	uint64_t lines_skipped;	/* too long, or past PERFMAP_MAX_SYMS */
	uint64_t bytes_skipped;	/* past PERFMAP_MAX_BYTES, not read */
	uint64_t refused;	/* maps not regular or not the process's */
};

struct perfmap_sym {
	uint64_t start;		/* first member: table_count_le() */
	uint64_t end;
	uint32_t name;		/* offset in perfmap.names */
	uint32_t seq;		/* line number: later lines replace earlier */
};

struct perfmap {
	struct perfmap *next;	/* the symbolizer's hash chain */
	uint32_t pid;
	int err;
	struct perfmap_sym *syms;
	size_t n_syms;
	char *names;
	size_t names_len;
	size_t names_cap;
};

/*
 * Parses a map from fd (at most PERFMAP_MAX_BYTES of it) into m.  0 or
 * -errno (-ENOMEM, -EIO).  Malformed lines are ignored, long ones counted.
 */
int perfmap_read_fd(struct perfmap *m, int fd, struct perfmap_stats *st);

/*
 * Loads <dir>/perf-<pid>.map: not through a symlink, only a regular file
 * owned by root, by us, or by pid's user (when pid is still there).
 */
int perfmap_load(struct perfmap *m, const char *dir,
		 struct perfmap_stats *st);

/* The symbol covering addr, or NULL. */
const struct perfmap_sym *perfmap_find(const struct perfmap *m, uint64_t addr);

/* Frees what m holds (not m). */
void perfmap_clear(struct perfmap *m);

#endif
