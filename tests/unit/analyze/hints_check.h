/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of the hint rules' output, for the tests of each rules file:
 * the hints of a profile as report.c builds them, and their fields.
 */
#ifndef WHYSLOW_HINTS_CHECK_H
#define WHYSLOW_HINTS_CHECK_H

#include "profile_fixture.h"

#include <math.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/hints.h"

#define MS	1000000ull
#define SEC	1000000000ull

/* A profile's aggregate and the hints built from it, as report.c does. */
struct hinted {
	struct aggregate agg;
	struct hint *hints;
	size_t n_hints;
};

/* The hints of p, aggregated; free with hinted_free. */
static inline void hints_of(const struct profile *p, struct hinted *agg)
{
	assert_int_equal(aggregate_profile(p, &agg->agg), 0);
	assert_int_equal(build_hints(p, &agg->agg, &agg->hints, &agg->n_hints),
			 0);
}

static inline void hinted_free(struct hinted *agg)
{
	hints_free(agg->hints, agg->n_hints);
	aggregate_free(&agg->agg);
}

/* The one hint of p, in agg; free with hinted_free. */
static inline const struct hint *only_hint(const struct profile *p,
					   struct hinted *agg)
{
	hints_of(p, agg);
	assert_int_equal(agg->n_hints, 1);
	return &agg->hints[0];
}

static inline size_t n_hints(const struct profile *p)
{
	struct hinted agg;
	size_t n;

	hints_of(p, &agg);
	n = agg.n_hints;
	hinted_free(&agg);
	return n;
}

static inline const struct hint_field *field(const struct hint *h,
					     const char *name,
					     enum hint_type type)
{
	const struct hint_field *f = hint_field(h, name);

	if (!f)
		fail_msg("%s: no field %s", h->rule, name);
	if (f->type != type)
		fail_msg("%s: field %s is of type %d, not %d", h->rule, name,
			 f->type, type);
	return f;
}

static inline void assert_uint(const struct hint *h, const char *name,
			       uint64_t v)
{
	const struct hint_field *f = field(h, name, HINT_UINT);

	if (f->u != v)
		fail_msg("%s.%s = %" PRIu64 ", not %" PRIu64, h->rule, name,
			 f->u, v);
}

static inline void assert_real(const struct hint *h, const char *name,
			       double v)
{
	const struct hint_field *f = field(h, name, HINT_REAL);

	if (fabs(f->d - v) > 1e-9 * fmax(1.0, fabs(v)))
		fail_msg("%s.%s = %.12g, not %.12g", h->rule, name, f->d, v);
}

/* v NULL: the field is there, and null. */
static inline void assert_str(const struct hint *h, const char *name,
			      const char *v)
{
	const struct hint_field *f = field(h, name, HINT_STR);

	if (!v)
		assert_null(f->s);
	else
		assert_string_equal(f->s, v);
}

/* The field is there, and a number not known. */
static inline void assert_null_field(const struct hint *h, const char *name)
{
	field(h, name, HINT_NULL);
}

static inline void assert_text(const struct hint *h, const char *rule,
			       const char *text)
{
	assert_string_equal(h->rule, rule);
	assert_string_equal(h->text, text);
}

#endif
