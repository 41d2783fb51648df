/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hints: what to do about what the profile shows.  Each is a sentence or
 * two quoting its numbers and naming the code it is about, and the same
 * numbers as named fields, for programs.  A pure function of the profile
 * and its aggregate; report.c builds them once, after aggregate_profile,
 * and hands them to the writers that show them.
 */
#ifndef WHYSLOW_HINTS_H
#define WHYSLOW_HINTS_H

#include "analyze/aggregate.h"

enum hint_type {
	HINT_UINT,
	HINT_REAL,
	HINT_STR,	/* NULL: not known */
	HINT_NULL,	/* a number that is not known */
};

struct hint_field {
	const char *name;	/* a literal: "opens", "syscall_pct", ... */
	enum hint_type type;
	union {
		uint64_t u;
		double d;
		char *s;	/* owned */
	};
};

#define HINT_MAX_FIELDS	16

struct hint {
	const char *rule;	/* "repeated_opens", ... */
	/* its cause is what code does with files, the network, child
	 * processes, threads or the memory it keeps, which that code's time
	 * does not say: worth saying even where the verdict names the code */
	bool names_cause;
	char *text;
	struct hint_field fields[HINT_MAX_FIELDS];
	size_t n_fields;
};

/*
 * The hints of p, whose aggregate is agg, by rule in
 * the order of the README's table, then in the order the profile lists
 * files, processes and programs.  0 or -ENOMEM (nothing allocated).
 */
int build_hints(const struct profile *p, const struct aggregate *agg,
		struct hint **hints, size_t *n);
void hints_free(struct hint *hints, size_t n);

/* The files the traced programs opened, together (not inherited
 * descriptors: stdout; nor pipes). */
struct io_totals {
	uint64_t files;		/* rows opened, or that failed to open */
	uint64_t opens;
	uint64_t failed_opens;
	uint64_t written;	/* files among them written to */
	uint64_t directories;	/* ... that are directories */
	uint64_t time_ns;	/* their open, read and write syscalls */
	uint64_t top_ns;	/* ... of the costliest one */
};

void hint_io_totals(const struct profile *p, struct io_totals *t);

/*
 * Threads serialized on lock k, worth saying so (the lock_contention
 * hint, the verdict's sentence): the holder's code is known, and it ran
 * or waited (holding a mutex) under the lock a fair share of the time
 * each waiter waited; a holder that barely did signalled work to idle
 * waiters, it did not hold them.
 */
bool hints_lock_serial(const struct profile *p, const struct critical_lock *k);

/* What k's holder did holding it, when it waited more than it ran:
 * "slept" or "waited", and *on what ("", " on the network", ...), to
 * say "waited 491 ms on the network"; else NULL. */
const char *hints_lock_held_wait(const struct critical_lock *k,
				 const char **on);

/* The field called name, NULL when h has none. */
const struct hint_field *hint_field(const struct hint *h, const char *name);

#endif
