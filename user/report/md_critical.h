/* SPDX-License-Identifier: GPL-2.0 */
/* The critical path in the Markdown summary: md_critical.c. */
#ifndef WHYSLOW_MD_CRITICAL_H
#define WHYSLOW_MD_CRITICAL_H

#include "report/md.h"

/* The verdict's text when the critical path is known (agg->cp_known). */
int md_critical_verdict(struct md *m);

/* The "Critical path" section; nothing when it is not known. */
int md_critical(struct md *m, size_t *shown_programs, size_t *shown_funcs);

#endif
