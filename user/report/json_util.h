/* SPDX-License-Identifier: GPL-2.0 */
/* What the JSON writers share: strings and small values, escaped. */
#ifndef WHYSLOW_REPORT_JSON_UTIL_H
#define WHYSLOW_REPORT_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
 * Stops at the first byte that fails, so never reads past a NUL.  The
 * XML writers use it too.
 */
size_t utf8_len(const unsigned char *s);

/* s as a JSON string, null for NULL; bad UTF-8 becomes U+FFFD. */
void json_string(FILE *f, const char *s);

void json_bool(FILE *f, bool b);

/* ", "file": ..., "line": ...", both null when the file is unknown. */
void json_file_line(FILE *f, const char *file, int line);

#endif
