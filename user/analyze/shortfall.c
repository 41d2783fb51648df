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

double shortfall_steal_pct(const struct profile *p)
{
	double cpus_ns = (double)p->wall_ns * p->n_cpus;

	if (!p->quality.steal_ns || cpus_ns <= 0)
		return -1;
	return 100.0 * p->quality.steal_ns / cpus_ns;
}

int64_t shortfall_held_ns(const struct profile *p)
{
	uint64_t rusage = p->cpu_user_ns + p->cpu_sys_ns;
	uint64_t sched = p->quality.cpu_sampled_ns;

	if (!p->cpu_from_rusage || !sched || !rusage)
		return -1;
	return sched > rusage ? (int64_t)(sched - rusage) : 0;
}

bool shortfall_steal_notable(const struct profile *p)
{
	int64_t held = shortfall_held_ns(p);

	if (p->quality.steal_ns < SHORTFALL_STEAL_MIN_NS ||
	    shortfall_steal_pct(p) <= SHORTFALL_STEAL_PCT)
		return false;
	return held < 0 || (uint64_t)held > SHORTFALL_STEAL_MIN_NS +
					   p->quality.cpu_sampled_ns * 3 / 100;
}
