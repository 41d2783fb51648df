// SPDX-License-Identifier: GPL-2.0
/* Samples kept against samples expected; see shortfall.h. */
#include <math.h>

#include "analyze/shortfall.h"

#define NSEC_PER_SEC	1e9

bool shortfall_of(const struct profile *p, uint64_t kept,
		  struct shortfall *out)
{
	double expected = (double)p->quality.cpu_sampled_ns *
			  p->frequency_hz / NSEC_PER_SEC;
	double missing;

	kept += p->quality.tracing_samples;	/* taken, then set apart */
	missing = expected - (double)kept;
	*out = (struct shortfall){ .expected = llround(expected), .kept = kept };
	if (!p->quality.cpu_sampled_ns || !p->frequency_hz || missing <= 0)
		return false;
	out->missing_pct = 100.0 * missing / expected;
	return out->missing_pct > SHORTFALL_MAX_PCT &&
	       missing > 3 * sqrt(expected);
}

double shortfall_cost_pct(const struct profile *p)
{
	const struct profile_quality *q = &p->quality;

	if (!q->sampler_ns || !q->cpu_sampled_ns)
		return -1;
	return 100.0 * q->sampler_ns / q->cpu_sampled_ns;
}

bool shortfall_costly(const struct profile *p)
{
	return shortfall_cost_pct(p) > SHORTFALL_COST_PCT;
}
