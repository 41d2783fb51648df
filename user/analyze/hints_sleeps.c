// SPDX-License-Identifier: GPL-2.0
/*
 * The sleeps hint: a program that sleeps again and again on a timer, its
 * sleeps a fair share of the wall time.  The time passes whatever the
 * machine does: no faster code shortens it, only sleeping less does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"

struct sleeps {
	uint64_t count;		/* sleeps that held up the run */
	uint64_t ns;		/* their own length */
	uint64_t held_ns;	/* what they held up: their critical path
				 * time when known, else their length */
	int64_t frame;		/* where most of held_ns slept, -1 */
};

static void sleeps_tally(const struct hint_list *h, struct sleeps *z,
			 uint64_t *by_frame)
{
	const struct profile *p = h->p;
	uint64_t held;
	int64_t f;
	size_t i;

	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		held = s->reason == WAIT_SLEEP ? stack_path_ns(h->agg, s) : 0;
		if (!held)
			continue;
		z->count += s->count;
		z->ns += s->ns;
		z->held_ns += held;
		f = display_frame(p, s->frames, s->n_frames);
		if (f < 0 || (size_t)f >= p->n_frames)
			continue;
		by_frame[f] += held;
		if (z->frame < 0 || by_frame[f] > by_frame[z->frame])
			z->frame = f;
	}
}

static void sleeps_hint(struct hint_list *h, const struct sleeps *z)
{
	struct hint hint = { .rule = "sleeps" };
	char count[NUM_SIZE], mean[TIME_SIZE], held[TIME_SIZE], pct[NUM_SIZE];
	char *where = hint_location(h, z->frame);
	uint64_t mean_ns = z->ns / z->count;

	/* a pool's workers sleeping there stand for their tasks' waits (a
	 * fetch), not a timer polled: "sleep less" is not the advice */
	if (hint_said(h, "pool", "location", where)) {
		free(where);
		return;
	}

	hint_fmt_count(count, z->count);
	hint_fmt_time(mean, mean_ns);
	hint_fmt_time(held, z->held_ns);
	hint_fmt_pct(pct, z->held_ns, h->p->wall_ns);
	hint_text(&hint, "%s sleeps of %s on average%s%s took %s, %s of wall "
		  "time: the program waits on a timer, not on work — poll "
		  "less often, or wait on the event itself (a condition, "
		  "select/poll on the descriptor) instead of sleeping.",
		  count, mean, where ? " in " : "", where ? where : "", held,
		  pct);
	hint_field_uint(&hint, "count", z->count);
	hint_field_uint(&hint, "mean_ns", mean_ns);
	hint_field_uint(&hint, "sleep_ns", z->held_ns);
	hint_field_real(&hint, "sleep_pct", pct_of(z->held_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}

/*
 * Sleeps (nanosleep, clock_nanosleep, select/poll with no descriptor:
 * WAIT_SLEEP) many times over, holding up the run for a fair share of
 * it: the program polls on a timer.  One long sleep is not this.
 */
void hint_sleeps(struct hint_list *h)
{
	const struct profile *p = h->p;
	uint64_t *by_frame = calloc(p->n_frames ? p->n_frames : 1,
				    sizeof(*by_frame));
	struct sleeps z = { .frame = -1 };

	if (!by_frame) {
		h->err = -ENOMEM;
		return;
	}
	sleeps_tally(h, &z, by_frame);
	free(by_frame);
	if (z.count >= SLEEPS_MIN_COUNT &&
	    hint_at_least_pct(z.held_ns, p->wall_ns, SLEEPS_MIN_PCT))
		sleeps_hint(h, &z);
}
