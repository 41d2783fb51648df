/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a report to stdout or, atomically, to a file. */
#ifndef WHYSLOW_OUTPUT_H
#define WHYSLOW_OUTPUT_H

#include "profile.h"
#include "report.h"

/* path NULL or "-": stdout.  Returns 0, or 1 with the error printed. */
int output_report(const char *path, const struct profile *p,
		  const struct report_opts *opts);

#endif
