// SPDX-License-Identifier: GPL-2.0
/* The focus view: one function's callers, callees, lines and waits. */
#include "profile_fixture.h"
#include "output_check.h"

#include <errno.h>

#include "analyze/aggregate.h"
#include "analyze/focus.h"
#include "report/report.h"

#define MS	1000000ull

/* p's focus view of pattern in format; *err gets report_write_focus's
 * result. */
static char *render_focus_err(const struct profile *p,
			      enum report_format format, const char *pattern,
			      int top, int budget_tokens, int *err)
{
	struct report_opts opts = {
		.format = format,
		.top = top,
		.budget_tokens = budget_tokens,
		.focus = pattern,
	};
	struct aggregate agg;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(aggregate_profile(p, &agg), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	*err = report_write_focus(f, p, &agg, &opts);
	assert_int_equal(fclose(f), 0);
	aggregate_free(&agg);
	return text;
}

static char *render_focus(const struct profile *p, enum report_format format,
			  const char *pattern)
{
	int err;
	char *text = render_focus_err(p, format, pattern, 0, 0, &err);

	assert_int_equal(err, 0);
	return text;
}

/*
 * "./server": parse is called from handler_a (700 samples) and handler_b
 * (300); it calls lex (400) and emit (200) and runs itself (400).  render
 * (1000 samples) never reaches it.
 */
static struct profile *parse_profile(void)
{
	struct profile *p = fx_new("./server");
	uint32_t m, ha, hb, parse, lex, emit, render;

	fx_proc(p, 100, 1, "server", "/srv/server");
	m = fx_frame_at(p, "main", "server", CLASS_APP, "server.c", 90);
	ha = fx_frame_at(p, "handler_a", "server", CLASS_APP, "server.c", 20);
	hb = fx_frame_at(p, "handler_b", "server", CLASS_APP, "server.c", 40);
	parse = fx_frame_at(p, "parse", "server", CLASS_APP, "parse.c", 10);
	lex = fx_frame_at(p, "lex", "server", CLASS_APP, "lex.c", 5);
	emit = fx_frame_at(p, "emit", "server", CLASS_APP, "emit.c", 7);
	render = fx_frame_at(p, "render", "server", CLASS_APP, "render.c", 3);
	FX_STACK(p, 100, 100, 300, m, ha, parse, lex);
	FX_STACK(p, 100, 100, 400, m, ha, parse);
	FX_STACK(p, 100, 100, 100, m, hb, parse, lex);
	FX_STACK(p, 100, 100, 200, m, hb, parse, emit);
	FX_STACK(p, 100, 100, 1000, m, render);
	return p;
}

static void test_callers_callees(void **state)
{
	struct profile *p = parse_profile();
	char *json;

	(void)state;
	json = render_focus(p, FORMAT_JSON, "parse");
	assert_int_equal(json_check(json,
		"d[\"focus\"] == \"parse\" and d[\"regex\"] is True and "
		"[m[\"name\"] for m in d[\"matched\"]] == [\"parse\"]"), 0);
	assert_int_equal(json_check(json,
		"d[\"time\"][\"self_samples\"] == 400 and "
		"d[\"time\"][\"total_samples\"] == 1000 and "
		"d[\"time\"][\"total_ns\"] == 10000000000 and "
		"d[\"time\"][\"total_pct\"] == 50.0 and "
		"d[\"time\"][\"self_pct\"] == 20.0 and "
		"d[\"time\"][\"offcpu_ns\"] == 0"), 0);
	assert_int_equal(json_check(json,
		"[(c[\"name\"], c[\"samples\"], c[\"oncpu_ns\"], c[\"pct\"]) "
		"for c in d[\"callers\"]] == [(\"handler_a\", 700, 7000000000, "
		"70.0), (\"handler_b\", 300, 3000000000, 30.0)]"), 0);
	assert_int_equal(json_check(json,
		"[(c[\"name\"], c[\"samples\"], c[\"oncpu_pct\"]) for c in "
		"d[\"callees\"]] == [(\"lex\", 400, 40.0), (\"(self)\", 400, "
		"40.0), (\"emit\", 200, 20.0)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"callers\"][0][\"file\"] == \"server.c\" and "
		"d[\"callees\"][1][\"module\"] is None and "
		"d[\"callees\"][1][\"file\"] is None"), 0);
	free(json);
	fx_free(p);
}

static void test_md_sections(void **state)
{
	static const char *const want[] = {
		"# whyslow focus: `parse` in ./server\n\n",
		"`parse`, as an extended regex, matches 1 function.\n",
		"\n## Matched\n\n",
		"- On-CPU self (running its own code): 400 samples, 4.00 s, "
		"20.0% of on-CPU samples, 38.1% of wall.\n",
		"- On-CPU total (with its callees): 1000 samples, 10.00 s, "
		"50.0% of on-CPU samples, 95.2% of wall.\n",
		"- Off-CPU: not traced; its waits are unknown.\n",
		"| `parse` | parse.c:10 | 20.0% | 50.0% | 400 | 10.00 s | — | "
		"95.2% |\n",
		"\n## Callers\n\n",
		"| caller | where | on-CPU | samples | off-CPU | wall |\n"
		"|---|---|--:|--:|--:|--:|\n"
		"| `handler_a` | server.c:20 | 70.0% | 700 | — | 70.0% |\n"
		"| `handler_b` | server.c:40 | 30.0% | 300 | — | 30.0% |\n",
		"\n## Callees\n\n",
		"| `lex` | lex.c:5 | 40.0% | 400 | — | 40.0% |\n"
		"| (self) | — | 40.0% | 400 | — | 40.0% |\n"
		"| `emit` | emit.c:7 | 20.0% | 200 | — | 20.0% |\n",
		"\n## Hot lines\n\n",
		"| parse.c:10 | `parse` | 40.0% | 400 | — |\n",
		"\nomitted: nothing\n",
	};
	struct profile *p = parse_profile();
	char *md;

	(void)state;
	md = render_focus(p, FORMAT_MD, "parse");
	assert_in_order(md, want, sizeof(want) / sizeof(want[0]));
	/* No wait went through it, so there is no waits table. */
	assert_lacks(md, "## Waits");
	assert_lacks(md, "render");
	free(md);
	fx_free(p);
}

static void test_md_top_and_budget(void **state)
{
	struct profile *p = parse_profile();
	char *md;
	int err;

	(void)state;
	md = render_focus_err(p, FORMAT_MD, "parse", 1, 0, &err);
	assert_int_equal(err, 0);
	assert_contains(md, "| `handler_a` |");
	assert_lacks(md, "| `handler_b` |");
	assert_contains(md, "\nomitted: 1 callers (30.0% of its wall time); "
			"2 callees (60.0% of its wall time)\n");
	free(md);
	/* A budget too small for any table keeps the title and the end. */
	md = render_focus_err(p, FORMAT_MD, "parse", 0, 150, &err);
	assert_int_equal(err, 0);
	assert_contains(md, "# whyslow focus: `parse` in ./server\n");
	assert_lacks(md, "## Callers");
	assert_contains(md, "\nomitted: 1 matched functions; 2 callers (100.0% "
			"of its wall time); 3 callees (100.0% of its wall "
			"time); 1 hot lines (40.0% of its samples)\n");
	free(md);
	fx_free(p);
}

/*
 * fib recurses: main → fib → fib → fib → work (100), main → fib → fib
 * (50, in itself), main → fib → helper → fib → sum (50).
 */
static void test_recursion_once(void **state)
{
	struct profile *p = fx_new("./fib");
	uint32_t m, fib, work, helper, sum;
	char *json;

	(void)state;
	fx_proc(p, 7, 1, "fib", "/bin/fib");
	m = fx_frame(p, "main", "fib", CLASS_APP);
	fib = fx_frame(p, "fib", "fib", CLASS_APP);
	work = fx_frame(p, "work", "fib", CLASS_APP);
	helper = fx_frame(p, "helper", "fib", CLASS_APP);
	sum = fx_frame(p, "sum", "fib", CLASS_APP);
	FX_STACK(p, 7, 7, 100, m, fib, fib, fib, work);
	FX_STACK(p, 7, 7, 50, m, fib, fib);
	FX_STACK(p, 7, 7, 50, m, fib, helper, fib, sum);
	json = render_focus(p, FORMAT_JSON, "^fib$");
	assert_int_equal(json_check(json,
		"d[\"time\"][\"total_samples\"] == 200 and "
		"d[\"time\"][\"self_samples\"] == 50"), 0);
	/* The caller of the outermost fib only, each stack once. */
	assert_int_equal(json_check(json,
		"[(c[\"name\"], c[\"samples\"], c[\"pct\"]) for c in "
		"d[\"callers\"]] == [(\"main\", 200, 100.0)]"), 0);
	/* fib calling fib is inside the set; helper and sum share a stack. */
	assert_int_equal(json_check(json,
		"[(c[\"name\"], c[\"samples\"]) for c in d[\"callees\"]] == "
		"[(\"work\", 100), (\"helper\", 50), (\"sum\", 50), "
		"(\"(self)\", 50)]"), 0);
	free(json);
	fx_free(p);
}

/* Two functions as one set: the call between them is inside it. */
static void test_set_of_two(void **state)
{
	struct profile *p = fx_new("./app");
	uint32_t m, foo, bar, baz;
	char *json, *md;

	(void)state;
	fx_proc(p, 7, 1, "app", "/bin/app");
	m = fx_frame(p, "main", "app", CLASS_APP);
	foo = fx_frame(p, "foo", "app", CLASS_APP);
	bar = fx_frame(p, "bar", "app", CLASS_APP);
	baz = fx_frame(p, "baz", "app", CLASS_APP);
	FX_STACK(p, 7, 7, 60, m, foo, bar, baz);
	FX_STACK(p, 7, 7, 40, m, bar);
	json = render_focus(p, FORMAT_JSON, "^(foo|bar)$");
	assert_int_equal(json_check(json,
		"[m[\"name\"] for m in d[\"matched\"]] == [\"bar\", \"foo\"] "
		"and d[\"time\"][\"total_samples\"] == 100 and "
		"[(c[\"name\"], c[\"samples\"]) for c in d[\"callers\"]] == "
		"[(\"main\", 100)] and "
		"[(c[\"name\"], c[\"samples\"]) for c in d[\"callees\"]] == "
		"[(\"baz\", 60), (\"(self)\", 40)]"), 0);
	free(json);
	md = render_focus(p, FORMAT_MD, "^(foo|bar)$");
	assert_contains(md, "`^(foo|bar)$`, as an extended regex, matches 2 "
			"functions, taken as one set: ");
	free(md);
	fx_free(p);
}

/*
 * "./client": fetch runs 100 samples (1 s) and waits 2 s on the network
 * in recv below it, 42 times; main also sleeps 1 s outside fetch.
 */
static struct profile *fetch_profile(void)
{
	struct profile *p = fx_new("./client");
	uint32_t m, fetch, recv, k, nap;

	p->wall_ns = 4000 * MS;
	p->quality.offcpu = true;
	fx_proc(p, 100, 1, "client", "/bin/client");
	m = fx_frame_at(p, "main", "client", CLASS_APP, "client.c", 50);
	fetch = fx_frame_at(p, "fetch", "client", CLASS_APP, "client.c", 42);
	recv = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	nap = fx_frame(p, "nanosleep", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 100, m, fetch);
	FX_WAIT(p, 100, 100, 42, WAIT_NETWORK, 2000 * MS,
		"recv from 10.0.0.1:80", m, fetch, recv, k);
	FX_WAIT(p, 100, 100, 1, WAIT_SLEEP, 1000 * MS, NULL, m, nap);
	return p;
}

static void test_offcpu_waits(void **state)
{
	struct profile *p = fetch_profile();
	char *json, *md;

	(void)state;
	json = render_focus(p, FORMAT_JSON, "fetch");
	assert_int_equal(json_check(json,
		"d[\"time\"][\"offcpu_ns\"] == 2000000000 and "
		"d[\"time\"][\"total_ns\"] == 1000000000 and "
		"d[\"time\"][\"wall_ns\"] == 3000000000 and "
		"d[\"time\"][\"wall_pct\"] == 75.0"), 0);
	assert_int_equal(json_check(json,
		"[(c[\"name\"], c[\"oncpu_ns\"], c[\"offcpu_ns\"], c[\"pct\"]) "
		"for c in d[\"callers\"]] == [(\"main\", 1000000000, "
		"2000000000, 100.0)]"), 0);
	assert_int_equal(json_check(json,
		"[(c[\"name\"], c[\"offcpu_pct\"], round(c[\"pct\"], 2)) for c "
		"in d[\"callees\"]] == [(\"recv\", 100.0, 66.67), (\"(self)\", "
		"0.0, 33.33)]"), 0);
	assert_int_equal(json_check(json,
		"[(w[\"reason\"], w[\"target\"], w[\"function\"], w[\"ns\"], "
		"w[\"pct\"], w[\"wall_pct\"], w[\"count\"]) for w in "
		"d[\"waits\"]] == [(\"network\", \"recv from 10.0.0.1:80\", "
		"\"fetch\", 2000000000, 100.0, 50.0, 42)]"), 0);
	free(json);

	md = render_focus(p, FORMAT_MD, "fetch");
	assert_contains(md, "- Off-CPU (waits with it on the stack): 2.00 s, "
			"50.0% of wall.\n");
	assert_contains(md, "- Wall (both): 3.00 s, 75.0% of wall time: ");
	assert_contains(md, "| `main` | client.c:50 | 100.0% | 100 | 2.00 s "
			"(100.0%) | 100.0% |\n");
	assert_contains(md, "| `recv` | libc.so.6 | 0.0% | 0 | 2.00 s "
			"(100.0%) | 66.7% |\n");
	assert_contains(md, "\n## Waits\n\n");
	assert_contains(md, "| network | recv from 10.0.0.1:80 | `fetch` "
			"(client.c:42) | 2.00 s | 100.0% | 50.0% | 42 |\n");
	assert_lacks(md, "| sleep |");
	free(md);
	fx_free(p);
}

/* A plain name matches as a substring, a regex as one, a bad one as text. */
static void test_patterns(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m, op;
	char *out;
	int err;

	(void)state;
	m = fx_frame(p, "main", "demo", CLASS_APP);
	op = fx_frame(p, "Vec::operator[]", "demo", CLASS_APP);
	FX_STACK(p, 100, 100, 10, m, op);

	out = render_focus(p, FORMAT_JSON, "burn");
	assert_int_equal(json_check(out,
		"[m[\"name\"] for m in d[\"matched\"]] == [\"burn_a\", "
		"\"burn_b\"] and d[\"regex\"] is True"), 0);
	free(out);
	out = render_focus(p, FORMAT_JSON, "^burn_.$|^ma");
	assert_int_equal(json_check(out,
		"sorted(m[\"name\"] for m in d[\"matched\"]) == [\"burn_a\", "
		"\"burn_b\", \"main\"]"), 0);
	free(out);
	/* Not a valid regex: a literal substring. */
	out = render_focus(p, FORMAT_JSON, "operator[");
	assert_int_equal(json_check(out,
		"[m[\"name\"] for m in d[\"matched\"]] == "
		"[\"Vec::operator[]\"] and d[\"regex\"] is False and "
		"d[\"callers\"][0][\"name\"] == \"main\""), 0);
	free(out);
	out = render_focus(p, FORMAT_MD, "operator[");
	assert_contains(out, "`operator[`, not a valid regex, as a substring, "
			"matches 1 function.\n");
	free(out);
	/* A regex matches the regex, not the text. */
	out = render_focus_err(p, FORMAT_JSON, "burn_[ab]x", 0, 0, &err);
	assert_int_equal(err, -ENOENT);
	free(out);
	fx_free(p);
}

static void test_errors(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *out;
	int err;

	(void)state;
	out = render_focus_err(p, FORMAT_MD, "no_such_function", 0, 0, &err);
	assert_int_equal(err, -ENOENT);
	/* Nothing written: the caller says what went wrong. */
	assert_string_equal(out, "");
	free(out);
	out = render_focus_err(p, FORMAT_MD, "(burn", 0, 0, &err);
	assert_int_equal(err, -ENOENT);
	free(out);
	out = render_focus_err(p, FORMAT_MD, "", 0, 0, &err);
	assert_int_equal(err, -EINVAL);
	free(out);
	out = render_focus_err(p, FORMAT_MD, NULL, 0, 0, &err);
	assert_int_equal(err, -EINVAL);
	free(out);
	out = render_focus_err(p, FORMAT_FOLDED, "burn", 0, 0, &err);
	assert_int_equal(err, -EINVAL);
	assert_string_equal(out, "");
	free(out);
	fx_free(p);
}

/* The hot lines of the function only, with their text, as shares of it. */
static void test_hot_lines(void **state)
{
	static const char source[] =
		"int main(void)\n"
		"{\n"
		"\tfor (;;)\n"
		"\t\tx += crc(buf, n);\n";
	struct profile *p = fx_new("./crc");
	char *dir = fx_tmpdir(), *file, *out;
	uint32_t m, c3, c4, other;

	(void)state;
	file = fx_write_file(dir, "crc.c", source, sizeof(source) - 1);
	fx_proc(p, 1, 0, "crc", "/bin/crc");
	m = fx_frame_at(p, "main", "crc", CLASS_APP, file, 1);
	c3 = fx_frame_at(p, "crc", "crc", CLASS_APP, file, 3);
	c4 = fx_frame_at(p, "crc", "crc", CLASS_APP, file, 4);
	other = fx_frame_at(p, "other", "crc", CLASS_APP, file, 2);
	FX_STACK(p, 1, 1, 90, m, c4);
	FX_STACK(p, 1, 1, 10, m, c3);
	FX_STACK(p, 1, 1, 50, m, other);
	out = render_focus(p, FORMAT_JSON, "^crc$");
	assert_int_equal(json_check(out,
		"[(l[\"line\"], l[\"function\"], l[\"samples\"], l[\"pct\"], "
		"l[\"source\"]) for l in d[\"lines\"]] == [(4, \"crc\", 90, "
		"90.0, \"x += crc(buf, n);\"), (3, \"crc\", 10, 10.0, "
		"\"for (;;)\")]"), 0);
	free(out);
	out = render_focus(p, FORMAT_MD, "^crc$");
	assert_contains(out, ":4 | `crc` | 90.0% | 90 | `x += crc(buf, n);` "
			"|\n");
	assert_contains(out, ":3 | `crc` | 10.0% ±3.0~ | 10 | `for (;;)` |\n");
	assert_lacks(out, "`other`");
	free(out);
	free(file);
	fx_rmtree(dir);
	fx_free(p);
}

/* Names are untrusted: escaped in Markdown, valid in JSON. */
static void test_escaping(void **state)
{
	struct profile *p = fx_new("./odd | `x`");
	uint32_t m, odd;
	char *out;

	(void)state;
	m = fx_frame(p, "main", "odd", CLASS_APP);
	odd = fx_frame(p, "we|ird`\"\\\n\xff", "odd", CLASS_APP);
	FX_STACK(p, 1, 1, 40, m, odd);
	out = render_focus(p, FORMAT_MD, "ird");
	assert_contains(out, "# whyslow focus: `ird` in ./odd \\| 'x'\n");
	assert_contains(out, "| `we\\|ird'\"\\ \xff` |");
	free(out);
	out = render_focus(p, FORMAT_JSON, "ird");
	assert_int_equal(json_check(out,
		"d[\"matched\"][0][\"name\"] == \"we|ird`\\\"\\\\\\n\\ufffd\" "
		"and d[\"command\"] == \"./odd | `x`\""), 0);
	free(out);
	fx_free(p);
}

/* The selection without a writer: what focus_md.c and focus_json.c get. */
static void test_build(void **state)
{
	struct profile *p = parse_profile();
	struct aggregate agg;
	struct focus fo = { .p = p, .agg = &agg, .pattern = "parse" };
	struct focus none = { .p = p, .agg = &agg, .pattern = "nomatch" };

	(void)state;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(focus_build(&fo), 0);
	assert_int_equal(fo.n_matched, 1);
	assert_string_equal(focus_func_name(&agg.funcs[fo.matched[0]]),
			    "parse");
	assert_int_equal(fo.self, 400);
	assert_int_equal(fo.total, 1000);
	assert_int_equal(focus_wall_ns(&fo), fo.total_ns);
	assert_int_equal(fo.n_callers, 2);
	assert_string_equal(agg.funcs[fo.callers[0].func].name, "handler_a");
	assert_int_equal(fo.callers[0].samples, 700);
	assert_int_equal(fo.n_callees, 3);
	assert_string_equal(agg.funcs[fo.callees[0].func].name, "lex");
	/* (self) ties with lex, after the function */
	assert_int_equal(fo.callees[1].func, FOCUS_NONE);
	assert_int_equal(fo.callees[1].samples, 400);
	assert_string_equal(agg.funcs[fo.callees[2].func].name, "emit");
	assert_int_equal(focus_build(&none), -ENOENT);
	focus_free(&fo);
	focus_free(&none);
	aggregate_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_callers_callees),
		cmocka_unit_test(test_md_sections),
		cmocka_unit_test(test_md_top_and_budget),
		cmocka_unit_test(test_recursion_once),
		cmocka_unit_test(test_set_of_two),
		cmocka_unit_test(test_offcpu_waits),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hot_lines),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
