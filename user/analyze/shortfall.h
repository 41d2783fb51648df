/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples that vanished: the samples kept against those the traced tasks'
 * CPU time should have given at the sampling frequency.  A timer that
 * fires late (the sampler's own cost, an overloaded or virtual CPU) skips
 * the periods it missed without a trace; only this comparison shows it.
 */
#ifndef WHYSLOW_SHORTFALL_H
#define WHYSLOW_SHORTFALL_H

#include <stdbool.h>
#include <stdint.h>
#include "profile/profile.h"

#define SHORTFALL_MAX_PCT	2.0	/* more missing is reported */

struct shortfall {
	uint64_t expected;	/* CPU time × frequency */
	uint64_t kept;
	double missing_pct;	/* of expected; 0 when none missing */
};

/*
 * Fills out from p's measured CPU time and kept samples (with those set
 * apart as whyslow's tracing, quality.tracing_samples); true when more
 * than SHORTFALL_MAX_PCT of the expected samples are missing, by more
 * than chance explains (3 standard deviations of a count, √expected).
 * False when the CPU time is unknown.
 */
bool shortfall_of(const struct profile *p, uint64_t kept,
		  struct shortfall *out);

#define SHORTFALL_COST_PCT	10.0	/* sampler cost worth a warning */

/*
 * The sampler's own run time as a share of the traced CPU time (which
 * includes it: the sampled task pays for its interrupts); -1 unknown.
 */
double shortfall_cost_pct(const struct profile *p);

/* Above SHORTFALL_COST_PCT: times measured are mostly the profiler's. */
bool shortfall_costly(const struct profile *p);

#endif
