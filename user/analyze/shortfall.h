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

#define SHORTFALL_STEAL_PCT	2.0	/* steal worth a line */
#define SHORTFALL_STEAL_MIN_NS	20000000ull

/*
 * The time the hypervisor took from the machine's CPUs during the
 * recording, as a share of all their time (wall × CPUs); -1 unknown.
 */
double shortfall_steal_pct(const struct profile *p);

/*
 * The traced tasks' CPU time by the scheduler's clock beyond rusage's: the
 * time stolen while they ran, which rusage leaves out (and time in
 * interrupts).  -1 unknown: rusage not read (-p, -a) or no CPU time.
 */
int64_t shortfall_held_ns(const struct profile *p);

/*
 * Steal above SHORTFALL_STEAL_PCT and SHORTFALL_STEAL_MIN_NS of the
 * machine, and the traced tasks held up by more than chance (3% of their
 * CPU time and 20 ms, as far as it is known): long enough to show in
 * their times and samples.
 */
bool shortfall_steal_notable(const struct profile *p);

#endif
