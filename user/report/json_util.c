// SPDX-License-Identifier: GPL-2.0
/*
 * JSON strings for the writers: every byte of a name or path is
 * untrusted, so output is always valid UTF-8 and valid JSON.
 */
#include <stdio.h>

#include "lib/util.h"
#include "report/json_util.h"

void json_string(FILE *f, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t len;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*c) {
		len = 1;
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else if (*c == '\t')
			fputs("\\t", f);
		else if (*c == '\r')
			fputs("\\r", f);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else if ((len = utf8_len(c)))
			fwrite(c, 1, len, f);
		else
			fputs("\\ufffd", f);
		c += len ? len : 1;
	}
	fputc('"', f);
}

void json_bool(FILE *f, bool b)
{
	fputs(b ? "true" : "false", f);
}

void json_file_line(FILE *f, const char *file, int line)
{
	fputs(", \"file\": ", f);
	json_string(f, file);
	if (file)
		fprintf(f, ", \"line\": %d", line);
	else
		fputs(", \"line\": null", f);
}
