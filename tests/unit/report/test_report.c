// SPDX-License-Identifier: GPL-2.0
/*
 * The writers: format names, every format rendered alike twice, and what
 * Markdown and JSON both show (notes, a binary source line).
 */
#include "report_fixture.h"

#include <errno.h>

static void test_format_parse(void **state)
{
	struct profile *p = fx_new("x");
	struct report_opts opts = { .format = 7 };

	(void)state;
	assert_int_equal(report_format_parse("md"), FORMAT_MD);
	assert_int_equal(report_format_parse("json"), FORMAT_JSON);
	assert_int_equal(report_format_parse("folded"), FORMAT_FOLDED);
	assert_int_equal(report_format_parse("pprof"), FORMAT_PPROF);
	assert_int_equal(report_format_parse("svg"), FORMAT_SVG);
	assert_int_equal(report_format_parse("html"), FORMAT_HTML);
	assert_int_equal(report_format_parse("png"), -1);
	assert_int_equal(report_format_parse(NULL), -1);
	assert_int_equal(report_write(stdout, p, &opts), -EINVAL);
	fx_free(p);
}

/* -o's extension: the format it names, case aside; the last dot's. */
static void test_format_of_path(void **state)
{
	(void)state;
	assert_int_equal(report_format_of_path("r.md"), FORMAT_MD);
	assert_int_equal(report_format_of_path("dir.svg/r.markdown"),
			 FORMAT_MD);
	assert_int_equal(report_format_of_path("/tmp/r.JSON"), FORMAT_JSON);
	assert_int_equal(report_format_of_path("all.folded"), FORMAT_FOLDED);
	assert_int_equal(report_format_of_path("all.collapsed"),
			 FORMAT_FOLDED);
	assert_int_equal(report_format_of_path("x.svg"), FORMAT_SVG);
	assert_int_equal(report_format_of_path("x.html"), FORMAT_HTML);
	assert_int_equal(report_format_of_path("x.htm"), FORMAT_HTML);
	assert_int_equal(report_format_of_path("cpu.pb.gz"), FORMAT_PPROF);
	assert_int_equal(report_format_of_path("cpu.PB.GZ"), FORMAT_PPROF);
	assert_int_equal(report_format_of_path("cpu.pprof"), FORMAT_PPROF);
	assert_int_equal(report_format_of_path("cpu.pb"), FORMAT_PPROF);
	/* a .gz of anything else: Markdown would not be gzip'd */
	assert_int_equal(report_format_of_path("r.md.gz"),
			 REPORT_FORMAT_AMBIGUOUS);
	/* no extension, another one, a hidden file, a directory's */
	assert_int_equal(report_format_of_path("report"), -1);
	assert_int_equal(report_format_of_path("r.txt"), -1);
	assert_int_equal(report_format_of_path(".svg"), -1);
	assert_int_equal(report_format_of_path("/x.svg/"), -1);
	assert_int_equal(report_format_of_path("r.svg.txt"), -1);
	assert_int_equal(report_format_of_path(NULL), -1);
	assert_string_equal(report_format_name(FORMAT_PPROF), "pprof");
	assert_string_equal(report_format_name(FORMAT_HTML), "html");
	assert_string_equal(report_format_name(99), "?");
}

/* Every format of p, rendered twice, the same. */
static void assert_renders_alike(const struct profile *p)
{
	enum report_format formats[] = { FORMAT_MD, FORMAT_JSON, FORMAT_FOLDED };
	char *first, *second;
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		first = render(p, formats[i], 0, 0);
		second = render(p, formats[i], 0, 0);
		assert_string_equal(first, second);
		free(first);
		free(second);
	}
}

static void test_output_deterministic(void **state)
{
	struct profile *p = fx_profile_70_30();
	struct profile *waits = client_profile(100, 1000000000ull);

	(void)state;
	fx_thread(p, 100, 101, "io");
	FX_STACK(p, 100, 101, 300, p->stacks[1].frames[0],
		 p->stacks[1].frames[1]);
	assert_renders_alike(p);
	fx_thread(waits, 100, 101, "io");
	FX_WAIT(waits, 100, 101, 2, WAIT_NETWORK, 1000000000ull,
		"recv from 127.0.0.1:8080", waits->stacks[1].frames[0],
		waits->stacks[1].frames[1]);
	assert_renders_alike(waits);
	fx_free(p);
	fx_free(waits);
}

/*
 * A source line of control characters, backquotes, bars, bytes that are
 * not UTF-8 and 6000 'é': cut in Markdown, valid and bounded in JSON.
 */
static void test_hot_line_binary_source(void **state)
{
	static const char head[] = "\x01\x02`|\xff\xfe";
	char *dir = fx_tmpdir(), *file, *out;
	struct profile *p = fx_new("bin");

	(void)state;
	file = fx_write_long_line(dir, "bin.py", head, sizeof(head) - 1, 6000,
				  "\n");
	FX_STACK(p, 1, 1, 10, fx_frame_at(p, "f", "bin.py", CLASS_APP, file,
					  1));
	out = render_md(p);
	/* 80 bytes: 6 odd ones, 37 'é' */
	assert_contains(out, "| 10 | `  '\\|\xff\xfe\xc3\xa9");
	assert_contains(out, "\xc3\xa9\xc3\xa9…` |\n");
	assert_lacks(out, "\x01");
	free(out);
	out = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(out,
		"d[\"hot_lines\"][0][\"source\"] == "
		"\"\\x01\\x02`|\\ufffd\\ufffd\" + \"\\xe9\" * 2045"), 0);
	free(out);
	free(file);
	fx_rmtree(dir);
	fx_free(p);
}

/* The record stage's notes end Data quality, escaped; JSON has them all. */
static void test_notes(void **state)
{
	struct profile *p = fx_profile_70_30();
	char note[32], *md, *json;
	int i;

	(void)state;
	fx_note(p, "Python 3.14 at /opt/py/bin/python3.14 (`_PyRuntime` "
		"*not found*): its stacks stay native");
	fx_note(p, "two\nlines <b>|</b> [x](y) ~z~ &amp; \\");
	md = render_md(p);
	assert_contains(md, "100·√(p(1−p)/n), n = 1000.\n"
			"- Python 3.14 at /opt/py/bin/python3.14 "
			"(\\`\\_PyRuntime\\` \\*not found\\*): its stacks "
			"stay native\n"
			"- two lines \\<b\\>\\|\\</b\\> \\[x\\](y) \\~z\\~ "
			"\\&amp; \\\\\n"
			"\nomitted: nothing\n");
	free(md);

	for (i = 3; i <= 12; i++) {
		snprintf(note, sizeof(note), "note %d", i);
		fx_note(p, note);
	}
	md = render_md(p);
	assert_contains(md, "- note 10\n- 2 more notes: see the JSON output."
			"\n\nomitted: ");
	assert_lacks(md, "note 11");
	free(md);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"len(d[\"quality\"][\"notes\"]) == 12 and "
		"d[\"quality\"][\"notes\"][1] == "
		"\"two\\nlines <b>|</b> [x](y) ~z~ &amp; \\\\\" and "
		"d[\"quality\"][\"notes\"][11] == \"note 12\""), 0);
	free(json);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_format_of_path),
		cmocka_unit_test(test_output_deterministic),
		cmocka_unit_test(test_hot_line_binary_source),
		cmocka_unit_test(test_notes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
