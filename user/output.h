/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a report to stdout or, atomically, to a file. */
#ifndef WHYSLOW_OUTPUT_H
#define WHYSLOW_OUTPUT_H

#include "profile.h"
#include "report.h"

#include <stdio.h>

/* What writes the bytes: 0 or -errno. */
typedef int (*output_fn)(FILE *f, void *arg);

/* fn's bytes to path; NULL or "-": stdout.  Returns 0, or 1 with the
 * error printed. */
int output_to(const char *path, output_fn fn, void *arg);

/* The report of p, as output_to. */
int output_report(const char *path, const struct profile *p,
		  const struct report_opts *opts);

#endif
