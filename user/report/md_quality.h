/* SPDX-License-Identifier: GPL-2.0 */
/* The Markdown summary's Data quality section. */
#ifndef WHYSLOW_MD_QUALITY_H
#define WHYSLOW_MD_QUALITY_H

#include <stdio.h>

#include "analyze/aggregate.h"
#include "analyze/unnamed.h"
#include "profile/profile.h"

/* The data-quality section of p as a string; NULL when out of memory. */
char *md_quality(const struct profile *p, const struct aggregate *agg,
		 const struct unnamed_code *unnamed);

/* quality without its lines on how whyslow measures (unwinding,
 * uncertainty), in place: whether any went. */
bool md_quality_brief(char *quality);

/*
 * Data quality's lines on code that ran without names (md_unnamed.c): a
 * stripped binary's, a JIT's with no perf map, and how to name it.
 * 0 or -ENOMEM.
 */
void md_unnamed_quality(FILE *f, const struct unnamed_code *u,
			uint64_t samples);

#endif /* WHYSLOW_MD_QUALITY_H */
