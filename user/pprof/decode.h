/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The standard parts of a profile.proto, which profiles of whyslow and of
 * other tools share: its functions, mappings and locations, found by id,
 * and its samples one at a time.
 */
#ifndef WHYSLOW_PPROF_DECODE_H
#define WHYSLOW_PPROF_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprof/read.h"

#define MAX_SAMPLE_TYPES	64	/* in a file of another tool */
#define MAX_STACK_DEPTH		4096	/* locations of one sample, kept */
/* A sample value: 13 days in ns, so sums of them cannot wrap; negative
 * ones (pprof -diff_base output) are refused too. */
#define MAX_SAMPLE_VALUE	(1ull << 50)

struct function_rec {
	uint64_t id;
	uint64_t name, system_name, filename;
	int64_t start_line;
};

struct mapping_rec {
	uint64_t id;
	uint64_t start, limit, offset;
	uint64_t filename, build_id;
};

struct line_rec {
	uint64_t function_id;
	int64_t line;
};

struct location_rec {
	uint64_t id;
	uint64_t mapping_id;
	uint64_t address;
	struct span extra;	/* whyslow's, data NULL when none */
	struct line_rec *lines;
	size_t n_lines;
	uint32_t first_frame;	/* profile frame of lines[n_lines - 1] */
};

struct tables {
	struct function_rec *fns;
	size_t n_fns;
	struct mapping_rec *maps;
	size_t n_maps;
	struct location_rec *locs;
	size_t n_locs;
};

/*
 * A function's name and system name (its symbol) as a frame keeps them:
 * *system_name NULL when it is the name.  With fold_clones, a name with a
 * compiler's clone suffix and no other symbol (another tool's) is folded:
 * foo.constprop.0 is foo, its symbol kept.  whyslow's own files are
 * read as written: their Python names (Cache.cold) were never symbols.
 */
int pprof_function_names(struct reader *rd, const struct function_rec *fn,
			 bool fold_clones, char **name, char **system_name);

/* Where in its mapping's file a location's address is (struct frame
 * addr_offset). */
uint64_t pprof_location_offset(const struct location_rec *loc,
			       const struct mapping_rec *map);

/* The functions, mappings and locations, each sorted by id. */
int pprof_tables_read(struct reader *rd, struct tables *t);
void pprof_tables_free(struct tables *t);
/* The record of an id among n sorted ones of this size; NULL when none. */
void *pprof_find_id(void *recs, size_t n, size_t size, uint64_t id);

/* One sample's parts, the location ids innermost first. */
struct sample_rec {
	uint64_t *locs;
	size_t n_locs, cap_locs;
	uint64_t vals[MAX_SAMPLE_TYPES];
	size_t n_vals;
	uint64_t pid, tid;
	uint64_t thread;	/* string index of its name, 0 none */
	uint64_t reason, syscall, target;	/* ... of whyslow's labels */
	bool truncated;
	struct span extra;	/* whyslow's, data NULL when none */
};

/* One sample into *s (its locs array reused from the last). */
int pprof_sample_read(struct reader *rd, const struct span *sp,
		      struct sample_rec *s);

#endif
