/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests of whyslow diff share: two profiles compared in one
 * format, and the 70/30 profile with its samples and period set.
 */
#ifndef WHYSLOW_DIFF_CHECK_H
#define WHYSLOW_DIFF_CHECK_H

#include "profile_fixture.h"
#include "output_check.h"

#include "report/diff_text.h"
#include "report/report.h"

/* before and after compared in format; malloc'd. */
static inline char *render_diff(const struct profile *before,
				const struct profile *after,
				enum report_format format,
				int top, int budget_tokens)
{
	struct report_opts opts = {
		.format = format,
		.top = top,
		.budget_tokens = budget_tokens,
	};

	return diff_text(before, after, &opts);
}

static inline char *diff_md(const struct profile *before,
			    const struct profile *after)
{
	return render_diff(before, after, FORMAT_MD, 0, 0);
}

static inline char *diff_json(const struct profile *before,
			      const struct profile *after)
{
	return render_diff(before, after, FORMAT_JSON, 0, 0);
}

/* Stack i of p now holds count samples. */
static inline void set_samples(struct profile *p, size_t i, uint64_t count)
{
	struct stack_sample *s = &p->stacks[i];

	p->samples = p->samples - s->count + count;
	s->count = count;
	s->ns = count * p->period_ns;
}

static inline void rename_frame(struct profile *p, uint32_t frame,
				const char *name)
{
	free(p->frames[frame].name);
	p->frames[frame].name = fx_strdup(name);
}

/*
 * The 70/30 profile with burn_a at a samples and burn_b at b, sampled
 * every period_ns, running for wall_ns.
 */
static inline struct profile *demo(uint64_t period_ns, uint64_t a, uint64_t b,
				   uint64_t wall_ns)
{
	struct profile *p = fx_profile_70_30();

	p->period_ns = period_ns;
	p->frequency_hz = 1000000000ull / period_ns;
	set_samples(p, 0, a);
	set_samples(p, 1, b);
	p->wall_ns = wall_ns;
	return p;
}

#endif
