/* SPDX-License-Identifier: GPL-2.0 */
/* The text of hot source lines, read from their files for the writers. */
#ifndef WHYSLOW_SOURCE_H
#define WHYSLOW_SOURCE_H

#include <stddef.h>

#include "analyze/aggregate.h"

/*
 * The text of lines[0..n-1], read from their files: text[i] is the line
 * without the white space around it, cut to SOURCE_LINE_MAX bytes on a
 * UTF-8 boundary and at a NUL, or NULL when it cannot be read.  Files are
 * untrusted: only regular ones are read (links are followed), each once
 * and at most SOURCE_FILE_MAX bytes of it.  A relative path is of the
 * working directory.  NULL when out of memory; free with
 * source_lines_free.
 */
#define SOURCE_FILE_MAX		(4u << 20)
#define SOURCE_LINE_MAX		4096u
char **source_lines(const struct line_stat *lines, size_t n);
void source_lines_free(char **text, size_t n);

struct focus;

/* The text of the focus view's first n hot lines, as source_lines. */
char **source_focus_lines(const struct focus *fo, size_t n);

#endif /* WHYSLOW_SOURCE_H */
