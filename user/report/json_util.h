/* SPDX-License-Identifier: GPL-2.0 */
/* What the JSON writers share: strings and small values, escaped. */
#ifndef WHYSLOW_REPORT_JSON_UTIL_H
#define WHYSLOW_REPORT_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* s as a JSON string, null for NULL; bad UTF-8 becomes U+FFFD. */
void json_string(FILE *f, const char *s);

void json_bool(FILE *f, bool b);

/* ", "file": ..., "line": ...", both null when the file is unknown. */
void json_file_line(FILE *f, const char *file, int line);

#endif
