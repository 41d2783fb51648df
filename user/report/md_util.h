/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Markdown writers share: making untrusted text safe for
 * Markdown, the number formats, and a document that stays within its
 * byte budget, table by table.  Internal to the writers.
 */
#ifndef WHYSLOW_REPORT_MD_UTIL_H
#define WHYSLOW_REPORT_MD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "profile/profile.h"

#define BYTES_PER_TOKEN		4
/* Fewer samples: a share is marked uncertain, a profile is too short. */
#define MIN_TRUSTED_SAMPLES	30
#define NAME_MAX_BYTES		96	/* names, modules, files, comms */
#define SOURCE_MAX_BYTES	80	/* a source line's text */
#define CLEAN_SIZE(max)		(2 * (max) + 8)	/* md_text's worst case */
#define WHERE_SIZE		(CLEAN_SIZE(NAME_MAX_BYTES) + 16)
#define FRAME_WHERE_SIZE	(CLEAN_SIZE(NAME_MAX_BYTES) + WHERE_SIZE + 8)
#define WAIT_TARGET_SIZE	(CLEAN_SIZE(NAME_MAX_BYTES) + 48)	/* "… and 9,999 others" */
#define SOURCE_CELL_SIZE	(CLEAN_SIZE(SOURCE_MAX_BYTES) + 2)
#define SHARE_SIZE		32
#define DURATION_SIZE		32

/* How a category reads in tables and, for waits, in a verdict. */
struct md_category {
	const char *label;
	const char *doing;	/* "81% of wall time is <doing>"; waits only */
};

extern const struct md_category md_categories[WAIT__COUNT];

/*
 * s made safe for Markdown: control characters replaced, and cut to max
 * bytes on a UTF-8 boundary, keeping the head or, for files and paths,
 * the tail (the file name, the leaf).  In a table cell or code span '|'
 * is escaped and '`' replaced; in prose every inline marker is escaped.
 * out must hold CLEAN_SIZE(max) bytes.
 */
void md_text(char *out, const char *s, size_t max, bool keep_tail,
	     bool prose);

/* md_text for a table cell or a code span in one. */
void md_clean(char *out, const char *s, size_t max, bool keep_tail);

/*
 * md_clean for a function's name or a call path: when it is over max, a
 * C++ name's template arguments are left out first, deepest first
 * (std::vector<…>), then its parameter lists' contents (f(…)); only then
 * is it cut.  The name itself (JSON, folded, pprof) stays whole.
 */
void md_name(char *out, const char *s, size_t max, bool keep_tail);

/*
 * md_text for a code span outside tables, where a backslash would show:
 * only control characters and '`' are replaced.
 */
void md_span(char *out, const char *s, size_t max);

/*
 * "70.1%", or "4.2% ±2.0~" when fewer than MIN_TRUSTED_SAMPLES back it.
 * buf holds SHARE_SIZE bytes.
 */
void fmt_share(char *buf, uint64_t part, uint64_t whole);

/* "1.50 s", "20.0 ms", "3.0 µs", "12 ns"; buf holds DURATION_SIZE bytes. */
void fmt_duration(char *buf, uint64_t ns);

/* A duration in a table cell: "—" when there is none. */
void fmt_cell_duration(char *buf, uint64_t ns);

/* Where code is: file:line when known, else its module (WHERE_SIZE). */
void fmt_where(char *buf, const char *file, int line, const char *module);

/* A source line's text as a code span, or "—" (SOURCE_CELL_SIZE). */
void fmt_source(char *buf, const char *text);

/*
 * "`fetch_one` (client.c:42)", or "(no stack)" for NULL; base: the file's
 * last component only.  buf holds FRAME_WHERE_SIZE bytes.
 */
void fmt_frame_where(char *buf, const struct frame *fr, bool base);

/* asprintf returning the string, NULL when out of memory. */
__attribute__((format(printf, 1, 2)))
char *str_printf(const char *fmt, ...);

/* A document being written, and the bytes it may still take. */
struct md_doc {
	FILE *f;
	size_t top;		/* rows per table */
	size_t budget;		/* bytes for the whole document */
	size_t reserve;		/* bytes kept for the sections that must follow */
	size_t used;
};

void md_put(struct md_doc *d, const char *s);

__attribute__((format(printf, 2, 0)))
void md_vprintf(struct md_doc *d, const char *fmt, va_list ap);

__attribute__((format(printf, 2, 3)))
void md_printf(struct md_doc *d, const char *fmt, ...);

/* Whether len more bytes leave the reserve untouched. */
bool md_fits(const struct md_doc *d, size_t len);

/* Row i of a table, malloc'd; NULL when out of memory. */
typedef char *(*md_row_fn)(const void *ctx, size_t i);

/*
 * head, then rows 0..n-1 (at most top) while they fit the budget; nothing
 * at all when not even the first row fits.  *shown: rows written.
 * 0 or -ENOMEM.
 */
int md_rows(struct md_doc *d, const char *head, size_t n, md_row_fn row,
	    const void *ctx, size_t *shown);

/* The Data quality line on input the symbolizer refused; none if none. */
struct profile_quality;
void md_quality_symbols(FILE *f, const struct profile_quality *q);

#endif
