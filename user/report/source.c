// SPDX-License-Identifier: GPL-2.0
/*
 * The text of the hot lines, read from their source files for the
 * writers: the one place past the profile that a report reads.  Rows are
 * sorted by file and line so that each file is opened once and read in
 * one pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/sudo.h"
#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/focus.h"
#include "report/source.h"

#define SOURCE_CHUNK	65536

/* One file's rows, read from it in line order. */
struct source_scan {
	const struct line_stat *lines;
	char **text;
	const size_t *rows;	/* indexes into lines and text, by line */
	size_t n_rows;
	size_t next;		/* the first row not read yet */
	int line;		/* number of the line being read */
	bool started;		/* a byte of it was read */
	size_t len;		/* bytes of it kept */
	char kept[SOURCE_LINE_MAX + 1];	/* one more: was it cut? */
};

static int cmp_source_row(const void *a, const void *b, void *ctx)
{
	const struct line_stat *lines = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = aggregate_cmp_str(lines[ia].file, lines[ib].file);

	if (!c)
		c = CMP(lines[ia].line, lines[ib].line);
	return c ? c : CMP(ia, ib);
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The kept bytes, cut on a UTF-8 boundary and at a NUL, and trimmed. */
static char *kept_text(const struct source_scan *sc)
{
	size_t from = 0, to = sc->len;

	if (to > SOURCE_LINE_MAX) {
		to = SOURCE_LINE_MAX;
		while (to > 0 && utf8_continuation(sc->kept[to]))
			to--;
	}
	to = strnlen(sc->kept, to);
	while (from < to && is_blank(sc->kept[from]))
		from++;
	while (to > from && is_blank(sc->kept[to - 1]))
		to--;
	return strndup(sc->kept + from, to - from);
}

/* The line number the next row wants. */
static int scan_wants(const struct source_scan *sc)
{
	return sc->lines[sc->rows[sc->next]].line;
}

/* The line read is complete: its text to the rows that want it. */
static int scan_line_end(struct source_scan *sc)
{
	size_t row;

	while (sc->next < sc->n_rows && scan_wants(sc) == sc->line) {
		row = sc->rows[sc->next++];
		sc->text[row] = kept_text(sc);
		if (!sc->text[row])
			return -ENOMEM;
	}
	sc->line++;
	sc->started = false;
	sc->len = 0;
	return 0;
}

/* n bytes of the file; the wanted line's are kept, the others skipped. */
static int scan_bytes(struct source_scan *sc, const char *bytes, size_t n)
{
	const char *end = bytes + n, *nl;
	size_t len, room;
	int err;

	while (bytes < end && sc->next < sc->n_rows) {
		nl = memchr(bytes, '\n', end - bytes);
		len = (nl ? nl : end) - bytes;
		if (scan_wants(sc) == sc->line) {
			room = sizeof(sc->kept) - sc->len;
			if (len < room)
				room = len;
			memcpy(sc->kept + sc->len, bytes, room);
			sc->len += room;
		}
		if (len)
			sc->started = true;
		if (!nl)
			break;
		err = scan_line_end(sc);
		if (err)
			return err;
		bytes = nl + 1;
	}
	return 0;
}

/*
 * A regular file at path, links followed; -1 for anything else.  Paths
 * come from the traced program (co_filename, debug info): they are opened
 * with the invoking user's rights (sudo.h), so a report can quote no line
 * that user could not read anyway, and without blocking on a FIFO.
 */
static int open_source(const char *path)
{
	struct stat st;
	int fd = sudo_open_input(path);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The scan's rows from the file at path, up to SOURCE_FILE_MAX bytes in,
 * read through chunk (SOURCE_CHUNK bytes); rows it cannot read keep their
 * NULL.  0 or -ENOMEM.
 */
static int scan_file(struct source_scan *sc, const char *path, char *chunk)
{
	size_t total = 0, want;
	ssize_t got;
	int fd, err = 0;

	/* Lines are numbered from 1: a row below that is never read. */
	while (sc->next < sc->n_rows && scan_wants(sc) < 1)
		sc->next++;
	fd = sc->next < sc->n_rows ? open_source(path) : -1;
	if (fd < 0)
		return 0;
	while (!err && sc->next < sc->n_rows && total < SOURCE_FILE_MAX) {
		want = SOURCE_FILE_MAX - total;
		if (want > SOURCE_CHUNK)
			want = SOURCE_CHUNK;
		got = read(fd, chunk, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		total += got;
		err = scan_bytes(sc, chunk, got);
	}
	/* A last line without a newline, or one cut by the limit. */
	if (!err && sc->started)
		err = scan_line_end(sc);
	close(fd);
	return err;
}

void source_lines_free(char **text, size_t n)
{
	size_t i;

	if (!text)
		return;
	for (i = 0; i < n; i++)
		free(text[i]);
	free(text);
}

char **source_lines(const struct line_stat *lines, size_t n)
{
	struct source_scan sc;
	size_t *rows, i, j;
	char **text, *chunk;
	const char *file;
	int err = -ENOMEM;

	text = aggregate_alloc_array(n, sizeof(*text));
	rows = aggregate_alloc_array(n, sizeof(*rows));
	chunk = malloc(SOURCE_CHUNK);
	if (!text || !rows || !chunk)
		goto out;
	for (i = 0; i < n; i++)
		rows[i] = i;
	/* Rows of a file together, so that each file is read once. */
	qsort_r(rows, n, sizeof(*rows), cmp_source_row, (void *)lines);
	for (err = 0, i = 0; !err && i < n; i = j) {
		file = lines[rows[i]].file;
		j = i + 1;
		while (j < n && !aggregate_cmp_str(file, lines[rows[j]].file))
			j++;
		if (!file)
			continue;
		sc = (struct source_scan){
			.lines = lines,
			.text = text,
			.rows = rows + i,
			.n_rows = j - i,
			.line = 1,
		};
		err = scan_file(&sc, file, chunk);
	}
out:
	free(rows);
	free(chunk);
	if (err) {
		source_lines_free(text, n);
		return NULL;
	}
	return text;
}

/* The lines rows 0..n-1 point at, for source_lines. */
static struct line_stat *focus_line_stats(const struct focus *fo, size_t n)
{
	struct line_stat *ls = calloc(n + 1, sizeof(*ls));
	size_t i;

	if (!ls)
		return NULL;
	for (i = 0; i < n; i++)
		ls[i] = fo->agg->lines[fo->lines[i]];
	return ls;
}

char **source_focus_lines(const struct focus *fo, size_t n)
{
	struct line_stat *ls = focus_line_stats(fo, n);
	char **text;

	if (!ls)
		return NULL;
	text = source_lines(ls, n);
	free(ls);
	return text;
}
