/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the hint rules (hints.c, hints_io.c): the list being built,
 * the formatting of numbers in a hint's text, and its fields.
 */
#ifndef WHYSLOW_HINTS_RULES_H
#define WHYSLOW_HINTS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Declared, not included: hints.c includes this header, and a header of
 * its own module here would make an include circle. */
struct aggregate;
struct hint;
struct profile;

#define NUM_SIZE	32	/* a number formatted */
#define TIME_SIZE	(NUM_SIZE + 8)	/* ... with its unit */

/* The hints so far; err is sticky, so that a rule can run to its end. */
struct hint_list {
	const struct profile *p;
	const struct aggregate *agg;
	struct hint *list;
	size_t n;
	int err;
};

/* part is at least pct percent of whole, which is not nothing. */
static inline bool hint_at_least_pct(uint64_t part, uint64_t whole,
				     unsigned int pct)
{
	return whole &&
	       (unsigned __int128)part * 100 >= (unsigned __int128)whole * pct;
}

/* 9801 as "9,801"; buf holds NUM_SIZE. */
void hint_fmt_count(char *buf, uint64_t n);
/* One decimal below 10, none from there, never ".0"; buf holds NUM_SIZE. */
void hint_fmt_number(char *buf, double v);
/* part as a percentage of whole: "28%"; buf holds NUM_SIZE. */
void hint_fmt_pct(char *buf, uint64_t part, uint64_t whole);
/* "850 ns", "1.4 µs", "52 ms", "3.82 s"; buf holds TIME_SIZE. */
void hint_fmt_time(char *buf, uint64_t ns);
/* "read_file (amalg.py:24)": allocated; NULL for no frame (-1), or out of
 * memory (h->err is set). */
char *hint_location(struct hint_list *h, int64_t frame);

/* A field, added to the hint's (at most HINT_MAX_FIELDS). */
void hint_field_uint(struct hint *hint, const char *name, uint64_t v);
void hint_field_real(struct hint *hint, const char *name, double v);
void hint_field_null(struct hint *hint, const char *name);
/* s is the hint's from now on; NULL is a string not known. */
void hint_field_own(struct hint *hint, const char *name, char *s);
void hint_field_copy(struct hint_list *h, struct hint *hint, const char *name,
		     const char *s);

/* The text, or NULL when out of memory, which hint_push notices. */
__attribute__((format(printf, 2, 3)))
void hint_text(struct hint *hint, const char *fmt, ...);
/* The hint into the list, or freed when anything failed on the way. */
void hint_push(struct hint_list *h, struct hint *hint);

/* The rules of hints_io.c, in the order build_hints runs them. */
void hint_repeated_opens(struct hint_list *h);
void hint_serial_network(struct hint_list *h);
void hint_spawns(struct hint_list *h);
void hint_small_reads(struct hint_list *h);

#endif
