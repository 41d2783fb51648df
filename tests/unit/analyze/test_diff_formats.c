// SPDX-License-Identifier: GPL-2.0
/* whyslow diff's output: the rows top and the token budget keep,
 * untrusted names escaped, an unknown format refused, the HTML page. */
#include "diff_check.h"

#include <errno.h>

/* Five functions each twice as fast: top and the budget cut rows. */
static struct profile *five(uint64_t samples)
{
	static const char *const names[] = {
		"f_one", "f_two", "f_three", "f_four", "f_five",
	};
	struct profile *p = fx_new("./five");
	uint32_t m, f;
	size_t i;

	p->wall_ns = 5 * samples * FX_PERIOD_NS;
	fx_proc(p, 100, 1, "five", "/home/u/five");
	m = fx_frame(p, "main", "five", CLASS_APP);
	for (i = 0; i < 5; i++) {
		f = fx_frame(p, names[i], "five", CLASS_APP);
		FX_STACK(p, 100, 100, samples * (10 - i) / 10, m, f);
	}
	return p;
}

static void test_top_and_budget(void **state)
{
	struct profile *before = five(400), *after = five(200);
	char *md;

	(void)state;
	md = render_diff(before, after, FORMAT_MD, 2, 0);
	assert_in_order(md, (const char *const[]){
		"| `f_one` |", "| `f_two` |",
		"omitted: 3 faster functions (−4.20 s own time in all)\n",
	}, 3);
	assert_lacks(md, "| `f_three` |");
	free(md);

	/* Room for the head and verdict only: every table is left out. */
	md = render_diff(before, after, FORMAT_MD, 0, 250);
	assert_contains(md, "## Verdict");
	assert_lacks(md, "## Functions");
	assert_lacks(md, "| `f_five` |");
	assert_contains(md, "5 faster functions");
	free(md);
	fx_free(before);
	fx_free(after);
}

/* Untrusted names stay valid JSON and plain Markdown table cells. */
static void test_escaping(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = demo(FX_PERIOD_NS, 350, 300, 7000000000ull);
	char *md, *json;

	(void)state;
	free(after->command);
	after->command = fx_strdup("./demo \"fast\"|x\n");
	rename_frame(before, 1, "op|er`\"x\"");
	rename_frame(after, 1, "op|er`\"x\"");
	md = diff_md(before, after);
	assert_contains(md, "# whyslow diff: ./demo --iterations 5 → "
			"./demo \"fast\"\\|x \n");
	assert_contains(md, "| `op\\|er'\"x\"` | hot.c:12 |");
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"d[\"after\"][\"command\"] == \"./demo \\\"fast\\\"|x\\n\" and "
		"d[\"functions\"][0][\"name\"] == \"op|er`\\\"x\\\"\""), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

static void test_bad_format(void **state)
{
	struct profile *p = fx_profile_70_30();
	struct report_opts opts = { .format = FORMAT_FOLDED };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(report_write_diff(f, p, p, &opts), -EINVAL);
	assert_int_equal(fclose(f), 0);
	free(text);
	fx_free(p);
}

/* The page: the verdict, the tables, the differential flame graph. */
static void test_html(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = demo(FX_PERIOD_NS, 350, 300, 7000000000ull);
	char *html;

	(void)state;
	rename_frame(after, 2, "burn_<c>");
	html = render_diff(before, after, FORMAT_HTML, 0, 0);
	assert_in_order(html, (const char *const[]){
		"<!DOCTYPE html>",
		"<h1>whyslow diff: ./demo --iterations 5 → ./demo",
		"<p id=\"verdict\">AFTER is 1.5× faster",
		"<h3>Faster</h3>",
		"<td><code>burn_a</code></td>",
		"2.0× faster",
		"<h3>Appeared (time beyond noise in AFTER only)</h3>",
		"<td><code>burn_&lt;c&gt;</code></td>",
		"<h3>Vanished (time beyond noise in BEFORE only)</h3>",
		"<svg id=\"flame\"",
		"</svg>",
		"</html>",
	}, 12);
	/* one page: the inline graph has no XML declaration of its own */
	assert_lacks(html, "<?xml");
	assert_lacks(html, "burn_<c>");
	free(html);
	fx_free(before);
	fx_free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_and_budget),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_bad_format),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
