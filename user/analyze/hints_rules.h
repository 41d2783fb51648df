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

/*
 * Thresholds of the rules below (those of the older rules are with them,
 * in hints.c and hints_io.c).  W is the wall time.
 */
/* small_writes: many small writes to one file, terminal or pipe */
#define SMALLW_MIN_WRITES	10000
#define SMALLW_MAX_MEAN		512	/* bytes a write, on average: below */
#define SMALLW_MIN_PCT		5	/* their syscalls, % of W */
/* reread_volume: a file read many times its size */
#define REREAD_MIN_TIMES	10	/* bytes read, times its size */
#define REREAD_MIN_BYTES	(1u << 20)	/* bytes read, at least */
#define REREAD_MIN_PCT		5	/* its read syscalls, % of W */
/* a syscall's caller is named when its file did this share of them */
#define SYSCALL_OWNER_PCT	50
/* lock_contention: threads blocked on a lock held by the others */
#define LOCK_MIN_PCT		10	/* their waits in all, % of W */
/* gil: Python threads that waited for the GIL */
#define GIL_MIN_THREADS		2	/* threads that waited, at least */
#define GIL_MIN_PCT		10	/* their GIL waits in all, % of W */
/* serial_network: the server's CPU bounds the estimate when it is on
 * this machine and traced */
#define SERIAL_LOCAL_PCT	50	/* its CPU, % of the busy time: the
					 * requests were mostly its CPU */

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
/* "812 bytes", "4.2 KB", "8.1 MB", "4.5 GB" (powers of 1000); TIME_SIZE. */
void hint_fmt_bytes(char *buf, uint64_t bytes);
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

/*
 * The app frame (else Python frame) that most on-CPU samples in one of
 * the syscalls whose kernel entry points are names (n of them) ran
 * under, innermost; -1 none.  Who made a kind of syscall, where its
 * events have no stack.
 */
int64_t hint_syscall_caller(const struct hint_list *h,
			    const char *const *names, size_t n);

/* The rules of hints_io.c and hints_files.c, in the order build_hints
 * runs them. */
void hint_repeated_opens(struct hint_list *h);
void hint_serial_network(struct hint_list *h);
void hint_spawns(struct hint_list *h);
void hint_small_reads(struct hint_list *h);
void hint_small_writes(struct hint_list *h);
void hint_reread_volume(struct hint_list *h);
/* hints_threads.c */
void hint_lock_contention(struct hint_list *h);
void hint_gil(struct hint_list *h);

#endif
