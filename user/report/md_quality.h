/* SPDX-License-Identifier: GPL-2.0 */
/* The Markdown summary's Data quality section. */
#ifndef WHYSLOW_MD_QUALITY_H
#define WHYSLOW_MD_QUALITY_H

#include "analyze/aggregate.h"
#include "profile/profile.h"

/* The data-quality section of p as a string; NULL when out of memory. */
char *md_quality(const struct profile *p, const struct aggregate *agg);

#endif /* WHYSLOW_MD_QUALITY_H */
