/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reader's state shared by the files of the pprof reader: the top-level
 * fields of a profile.proto, its string table, the error and the memory
 * budget that keeps a hostile file from costing more than a few times
 * its own size.
 */
#ifndef WHYSLOW_PPROF_READ_H
#define WHYSLOW_PPROF_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprof/internal.h"
#include "pprof/protobuf.h"

/*
 * What the reader may allocate beyond the protobuf itself: twice its size
 * (so the file, decompressed, and all the reader builds from it stay
 * within 3x) plus this much, which small profiles need as they expand
 * (a frame owns copies of its strings).
 */
#define PPROF_BUDGET_BASE	(64u << 20)

struct span {
	const uint8_t *data;
	size_t len;
};

/* Where each kind of top-level field is, in file order. */
struct top_fields {
	struct span *of[PROFILE_FIELDS];
	size_t n[PROFILE_FIELDS];
	struct span whyslow;
	bool has_whyslow;
	uint64_t scalar[PROFILE_FIELDS];	/* the last of each varint */
};

struct reader {
	struct top_fields top;
	struct span *strs;	/* = top.of[PROFILE_STRING_TABLE] */
	size_t n_strs;
	char *err;
	size_t errlen;
	const uint8_t *base;	/* start of the protobuf, for offsets */
	size_t budget;		/* bytes the reader may still allocate */
	size_t limit;		/* ... of this many in all */
	bool failed;
};

int pprof_fail(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int pprof_malformed(struct reader *rd, const struct pb_reader *r,
		    const char *what);

/* Takes bytes (one allocation of them) from the budget, or fails. */
int pprof_charge(struct reader *rd, size_t n, size_t size);
/* calloc(n, size) charged to the budget; NULL with rd failed when over. */
void *pprof_calloc(struct reader *rd, size_t n, size_t size);
/* intern_items_reserve, its growth charged to the budget. */
int pprof_reserve(struct reader *rd, void **arr, size_t *cap, size_t i,
		  size_t elem);
/*
 * The frames of a stack of n frames.  Charged with them: what analysing
 * and reporting a stack takes later (aggregate.c's per-stack tables,
 * measured at about 250 bytes a stack), so a file of many tiny stacks is
 * refused here rather than costing many times its size in the report.
 */
#define PPROF_REPORT_STACK	256
uint32_t *pprof_stack_frames(struct reader *rd, size_t n);
/* strdup / strndup charged to the budget. */
char *pprof_strndup(struct reader *rd, const char *s, size_t len);
char *pprof_strdup(struct reader *rd, const char *s);

/* The top-level fields of data, each kind counted before it is stored. */
int pprof_collect_top(struct reader *rd, const uint8_t *data, size_t len);

/* A string of the table as a new C string ("" → NULL when null_empty). */
int pprof_string_at(struct reader *rd, uint64_t i, bool null_empty,
		    char **out);
/*
 * A string of the table into a char array of size (a comm), cut to fit,
 * padded with NULs; an index out of range fails as whyslow's data.
 */
int pprof_string_copy(struct reader *rd, uint64_t i, char *comm, size_t size);
/* A string of the table, not copied: NULL when out of range. */
const struct span *pprof_string_ref(const struct reader *rd, uint64_t i);
bool pprof_string_is(const struct reader *rd, uint64_t i, const char *s);
/* The varint fields 1..n of a small message into v[0..n-1]. */
int pprof_read_small(struct reader *rd, const struct span *sp, uint64_t *v,
		     size_t n, const char *what);
/* The spans of one repeated field num of a message (*out to free). */
int pprof_spans_of(struct reader *rd, const struct span *msg, uint32_t num,
		   struct span **out, size_t *n);

#endif
