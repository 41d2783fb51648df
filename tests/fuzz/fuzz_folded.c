// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the folded stacks reader (`make fuzz`, see
 * README.md): folded_read() on arbitrary bytes must return 0 or an error
 * with a reason, never crash, leak or read out of bounds.  What it reads,
 * written as folded stacks again, must read back, and from its second
 * writing on stay the same text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof/folded_read.h"
#include "profile/profile.h"
#include "report/report.h"

/* p as folded stacks, malloc'd; NULL when the writer fails. */
static char *fold(const struct profile *p, size_t *len)
{
	struct report_opts o = { .format = FORMAT_FOLDED };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int err;

	if (!f)
		abort();
	err = report_write(f, p, &o);
	if (fclose(f))
		abort();
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* data read and folded again; NULL when it does not read. */
static char *refold(const uint8_t *data, size_t size, size_t *len,
		    bool must_read)
{
	struct profile p;
	char err[256], *out;

	if (folded_read(data, size, &p, err, sizeof(err))) {
		if (!err[0]) {
			fprintf(stderr, "folded_read failed without a reason\n");
			abort();
		}
		if (must_read) {
			fprintf(stderr, "folded stacks whyslow wrote do not "
				"read back: %s\n", err);
			abort();
		}
		profile_free(&p);
		return NULL;
	}
	out = fold(&p, len);
	profile_free(&p);
	return out;
}

/*
 * Once written, names are sanitized (a space is '_'), which may make two
 * frames one function; from the second writing on, the text stays put.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice = NULL, *thrice = NULL;
	size_t len1 = 0, len2 = 0, len3 = 0;

	once = refold(data, size, &len1, false);
	if (once)
		twice = refold((const uint8_t *)once, len1, &len2, true);
	if (twice)
		thrice = refold((const uint8_t *)twice, len2, &len3, true);
	if (thrice && (len2 != len3 || memcmp(twice, thrice, len2))) {
		fprintf(stderr, "folded stacks written twice and thrice "
			"differ\n");
		abort();
	}
	free(once);
	free(twice);
	free(thrice);
	return 0;
}
