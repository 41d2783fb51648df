/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a report to stdout or, atomically and as the user, to a file. */
#ifndef WHYSLOW_OUTPUT_H
#define WHYSLOW_OUTPUT_H


#include <stdbool.h>
#include <stdio.h>

/* What writes the bytes: 0 or -errno. */
typedef int (*output_fn)(FILE *f, void *arg);

/* An output opened ahead of its bytes, so that a bad path fails before a
 * recording, not after it. */
struct output {
	const char *path;	/* NULL: stdout */
	int fd;			/* where the bytes go; -1: closed */
	int dirfd;		/* the target's directory, for a new file */
	char *base;		/* the target's name in dirfd */
	char *tmp;		/* the temporary's name when the file system
				 * has no O_TMPFILE, else NULL */
	bool replace;		/* fd is a new file that replaces base */
	int write_err;		/* the first failed write's errno */
};

/*
 * Opens path ("-" or NULL: stdout) with the user's rights (sudo.h): a
 * character device or a FIFO in place, without waiting for a reader;
 * otherwise a nameless new file in the target's directory.  0, or 1 with
 * the error printed.
 */
int output_open(struct output *o, const char *path);

/* fn's bytes to o, then a new file takes the target's name.  o is closed.
 * 0, or 1 with the error printed. */
int output_write(struct output *o, output_fn fn, void *arg);

/* Closes o, leaving the target as it was. */
void output_abort(struct output *o);

/* output_open and output_write. */
int output_to(const char *path, output_fn fn, void *arg);

#endif
