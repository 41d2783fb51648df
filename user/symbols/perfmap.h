/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JIT symbols from /tmp/perf-PID.map ("START SIZE name" lines, hex), a file
 * the workload writes: every read is bounded.
 */
#ifndef WHYSLOW_PERFMAP_H
#define WHYSLOW_PERFMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "profile/profile.h"

#define PERFMAP_MAX_BYTES	PROFILE_PERFMAP_MAX_BYTES
#define PERFMAP_LINE_MAX	PROFILE_PERFMAP_LINE_MAX
#define PERFMAP_MAX_SYMS	(8u << 20)
/* A map that changed is read again on a miss, at most this often and
 * this many times: JITs append while the process runs. */
#define PERFMAP_RECHECK_NS	(100ull * 1000 * 1000)
#define PERFMAP_MAX_RELOADS	8

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

/* Which file a map was read from, to tell whether it changed since. */
struct perfmap_file {
	uint64_t ino;
	uint64_t size;
	int64_t mtime_ns;
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
	struct perfmap_file file;	/* as read; all 0: there was none */
	uint64_t checked_ns;	/* when last compared with the one there */
	uint32_t reloads;
};

/*
 * Parses a map from fd (at most PERFMAP_MAX_BYTES of it) into m.  0 or
 * -errno (-ENOMEM, -EIO).  Malformed lines are ignored, long ones counted.
 */
int perfmap_read_fd(struct perfmap *m, int fd, struct perfmap_stats *st);

/*
 * Loads <dir>/perf-<pid>.map: not through a symlink, only a regular file
 * owned by root, by us, by the user who ran us with sudo (whose command
 * it profiles, and who reads the report), or by pid's user (when pid is
 * still there).
 */
int perfmap_load(struct perfmap *m, const char *dir,
		 struct perfmap_stats *st);

/*
 * After a miss: reads the map again when the file at its path is not the
 * one read (grown, replaced, created since), within PERFMAP_RECHECK_NS
 * and PERFMAP_MAX_RELOADS.  True when it was read again (m->err anew).
 */
bool perfmap_refresh(struct perfmap *m, const char *dir,
		     struct perfmap_stats *st);

/* The symbol covering addr, or NULL. */
const struct perfmap_sym *perfmap_find(const struct perfmap *m, uint64_t addr);

/* Frees what m holds (not m). */
void perfmap_clear(struct perfmap *m);

#endif
