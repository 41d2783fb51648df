// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the pprof reader (`make fuzz`, see README.md):
 * pprof_read() on arbitrary bytes must return 0 or an error with a reason,
 * never crash, leak or read out of bounds.  What it reads must also write
 * and read back to the same bytes (pprof.h: "a profile written by whyslow
 * reads back equal"), which runs the writer on the odd profiles the
 * fuzzer finds too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof/pprof.h"
#include "profile/profile.h"

/* p in pprof bytes, malloc'd; NULL when pprof_write fails. */
static char *encode(const struct profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int err;

	if (!f)
		abort();
	err = pprof_write(f, p);
	if (fclose(f))
		abort();
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p, q;
	char err[256], err2[256];
	char *once, *twice;
	size_t len1 = 0, len2 = 0;

	if (pprof_read(data, size, &p, err, sizeof(err))) {
		if (!err[0]) {
			fprintf(stderr, "pprof_read failed without a reason\n");
			abort();
		}
		profile_free(&p);
		return 0;
	}
	once = encode(&p, &len1);
	profile_free(&p);
	if (!once)
		return 0;	/* -ENOMEM: not the reader's fault */
	if (pprof_read((const uint8_t *)once, len1, &q, err2, sizeof(err2))) {
		fprintf(stderr, "a profile whyslow wrote does not read back: "
			"%s\n", err2);
		abort();
	}
	twice = encode(&q, &len2);
	profile_free(&q);
	if (twice && (len1 != len2 || memcmp(once, twice, len1))) {
		fprintf(stderr, "write(read(write(p))) differs from write(p): "
			"%zu vs %zu bytes\n", len2, len1);
		abort();
	}
	free(once);
	free(twice);
	return 0;
}
