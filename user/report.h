/* SPDX-License-Identifier: GPL-2.0 */
/* Output writers: one file per format, all fed the same profile. */
#ifndef WHYSLOW_REPORT_H
#define WHYSLOW_REPORT_H

#include <stdio.h>
#include "profile.h"

enum report_format {
	FORMAT_MD,
	FORMAT_JSON,
	FORMAT_FOLDED,
};

struct report_opts {
	enum report_format format;
	int top;		/* rows per table */
	int budget_tokens;	/* Markdown size limit, ~4 bytes a token */
};

#define REPORT_DEFAULT_TOP	15
#define REPORT_DEFAULT_BUDGET	4000

/* Parse "md", "json", "folded"; -1 when unknown. */
int report_format_parse(const char *s);

/*
 * Render p to f in opts->format; 0 or -errno.  top and budget_tokens
 * of 0 or less mean the defaults.
 */
int write_report(FILE *f, const struct profile *p, const struct report_opts *opts);

struct aggregate;

/*
 * The writers behind write_report, one file each.  They leave checking f
 * for write errors to write_report; 0 or -ENOMEM.
 */
int write_markdown(FILE *f, const struct profile *p,
		   const struct aggregate *agg, const struct report_opts *opts);
int write_json(FILE *f, const struct profile *p, const struct aggregate *agg);
int write_folded(FILE *f, const struct profile *p);

#endif
