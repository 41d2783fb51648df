// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what `whyslow report FILE` does to a saved
 * profile that reads (`make fuzz`, see README.md): the aggregate, the
 * hints and every writer (Markdown, JSON, folded, flame graphs, the
 * focus view) on whatever pprof_read() accepts, else folded_read(), must
 * end with 0 or an error, never crash, leak or read out of bounds.  A
 * damaged profile that reads is no less hostile than one that does not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pprof/folded_read.h"
#include "pprof/pprof.h"
#include "profile/profile.h"
#include "report/report.h"

static const struct report_opts formats[] = {
	{ .format = FORMAT_MD },
	{ .format = FORMAT_MD, .top = 3, .budget_tokens = 300 },
	{ .format = FORMAT_JSON },
	{ .format = FORMAT_FOLDED },
	{ .format = FORMAT_SVG },
	{ .format = FORMAT_HTML, .per_thread = true },
	{ .format = FORMAT_MD, .focus = "." },
	{ .format = FORMAT_JSON, .focus = "main" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	char err[256];
	size_t i;
	FILE *f;

	if (pprof_read(data, size, &p, err, sizeof(err))) {
		profile_free(&p);
		if (folded_read(data, size, &p, err, sizeof(err))) {
			profile_free(&p);
			return 0;
		}
	}
	f = fopen("/dev/null", "w");
	if (!f)
		abort();
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		report_write(f, &p, &formats[i]);
	fclose(f);
	profile_free(&p);
	return 0;
}
