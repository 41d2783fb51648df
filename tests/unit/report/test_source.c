// SPDX-License-Identifier: GPL-2.0
/* The text of hot lines, read from their source files (report/source.c). */
#include "profile_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include "report/source.h"

/*
 * src.py has lines with white space around them, an empty one, a NUL, a
 * line of 2-byte characters too long to keep, bytes that are not text,
 * and a last one without a newline.
 */
static char *write_source(const char *dir)
{
	static const char head[] = "import re\n\t  x = 1   \r\n\na\0b\nx";

	return fx_write_long_line(dir, "src.py", head, sizeof(head) - 1, 3000,
				  "\n\xff\xfe bin \x01\nlast");
}

/* More than SOURCE_FILE_MAX bytes: line 1 is read, the last line is not. */
static char *write_huge_source(const char *dir, int *last)
{
	size_t n = SOURCE_FILE_MAX / 64 + 2, i;
	char *text, *path;

	text = malloc(n * 64);
	assert_non_null(text);
	memset(text, ' ', n * 64);
	for (i = 0; i < n; i++)
		text[i * 64 + 63] = '\n';
	memcpy(text, "first", 5);
	memcpy(text + (n - 1) * 64, "after", 5);
	path = fx_write_file(dir, "huge.py", text, n * 64);
	free(text);
	*last = n;
	return path;
}

static void test_line_sources(void **state)
{
	char *dir = fx_tmpdir(), *src, *huge, *link, *fifo, **text;
	struct line_stat rows[] = {
		{ .line = 2 }, { .line = 7 }, { .line = 1 }, { .line = 3 },
		{ .line = 4 }, { .line = 5 }, { .line = 6 }, { .line = 8 },
		{ .line = 0 }, { .line = 2 }, { .line = 1 }, { .line = 1 },
		{ .line = 1 }, { .line = 1 }, { .line = 1 }, { .line = 1 },
	};
	size_t n = sizeof(rows) / sizeof(rows[0]), i;
	int last;

	(void)state;
	src = write_source(dir);
	huge = write_huge_source(dir, &last);
	assert_true(asprintf(&link, "%s/link.py", dir) > 0);
	assert_int_equal(symlink(src, link), 0);
	assert_true(asprintf(&fifo, "%s/fifo.py", dir) > 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (i = 0; i < 10; i++)
		rows[i].file = src;
	rows[10].file = link;
	rows[11].file = huge;
	rows[12] = (struct line_stat){ .file = huge, .line = last };
	rows[13].file = fifo;
	rows[14].file = dir;
	rows[15].file = "/nonexistent/whyslow/src.py";
	text = source_lines(rows, n);
	assert_non_null(text);
	assert_string_equal(text[0], "x = 1");
	assert_string_equal(text[1], "last");
	assert_string_equal(text[2], "import re");
	assert_string_equal(text[3], "");
	assert_string_equal(text[4], "a");
	/* Cut to SOURCE_LINE_MAX on a character: 'x' and 2047 of 3000 'é'. */
	assert_int_equal(strlen(text[5]), SOURCE_LINE_MAX - 1);
	assert_memory_equal(text[5] + SOURCE_LINE_MAX - 3, "\xc3\xa9", 3);
	assert_string_equal(text[6], "\xff\xfe bin \x01");
	assert_null(text[7]);	/* past the end */
	assert_null(text[8]);	/* no line 0 */
	assert_string_equal(text[9], "x = 1");
	assert_string_equal(text[10], "import re");
	assert_string_equal(text[11], "first");
	assert_null(text[12]);
	assert_null(text[13]);	/* a FIFO is not opened, so no block */
	assert_null(text[14]);
	assert_null(text[15]);
	source_lines_free(text, n);
	free(src);
	free(huge);
	free(link);
	free(fifo);
	fx_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
