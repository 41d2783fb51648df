// SPDX-License-Identifier: GPL-2.0
/*
 * Noise.  Wall time and traced waits are measured, yet vary from run to
 * run; sampled on-CPU time also has a statistical error: n samples of
 * period P stand for n·P ± √n·P.  A change is within noise, and reported
 * as no change, unless it exceeds all of
 *   - 2% of the larger of its two values,
 *   - two sampling periods (the larger period of the two profiles),
 *   - two standard errors of the sampled part, 2·√(n₁·P₁² + n₂·P₂²).
 * The README states the rule; keep the two in step.  noise_ns is the rule
 * alone: whyslow diff (diff.c) and the differential flame graph
 * (report/flame_diff_svg.c) both apply it.
 */
#include <math.h>

#include "analyze/noise.h"

#define NOISE_REL		0.02	/* of the larger value */
#define NOISE_PERIODS		2.0	/* sampling periods */
#define NOISE_SE		2.0	/* standard errors, sampled time */

/*
 * before and after, of which n_before and n_after sampling periods are
 * sampled (0 for a traced or measured time): the noise rule at the top.
 */
uint64_t noise_ns(uint64_t before, uint64_t after, uint64_t n_before,
		  uint64_t n_after, uint64_t period_before,
		  uint64_t period_after)
{
	double pb = period_before, pa = period_after;
	double rel = NOISE_REL * (double)(before > after ? before : after);
	double periods = NOISE_PERIODS * (pb > pa ? pb : pa);
	double se = NOISE_SE * sqrt((double)n_before * pb * pb +
				    (double)n_after * pa * pa);

	return (uint64_t)ceil(fmax(rel, fmax(periods, se)));
}
