/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening the files the symbolizer reads (binaries, debug files, perf maps,
 * kallsyms): many are named by the workload, and whyslow is root.
 */
#ifndef WHYSLOW_SYMFILE_H
#define WHYSLOW_SYMFILE_H

#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Opens path read-only if it is a regular file, else -EINVAL (or the
 * open's -errno); flags may add O_NOFOLLOW.  Fills st.  Never opens a
 * device, FIFO or socket, even one swapped in under the name.
 */
int symfile_open(const char *path, int flags, struct stat *st);

/* symfile_open() as a stdio stream; NULL with *err set. */
FILE *symfile_fopen(const char *path, int flags, int *err);

/*
 * Reads one line, without its newline, into buf.  Returns its length, -1 at
 * end of file, or -2 for a line longer than size - 1 bytes (consumed, to be
 * skipped).
 */
ssize_t symfile_read_line(FILE *fp, char *buf, size_t size);

#endif
