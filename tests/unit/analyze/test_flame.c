// SPDX-License-Identifier: GPL-2.0
/*
 * Flame graphs: the tree (flame.c), the SVG and HTML writers and the
 * differential SVG of whyslow diff, on hand-built profiles.  python3's XML
 * parser checks the SVG is well-formed and reads its frames back.
 */
#include "profile_fixture.h"
#include "output_check.h"

#include <errno.h>

#include "analyze/flame.h"
#include "report/report.h"

/* p rendered in format; malloc'd. */
static char *render(const struct profile *p, enum report_format format)
{
	struct report_opts opts = { .format = format };

	return report_text(p, &opts);
}

static char *render_diff(const struct profile *before,
			 const struct profile *after)
{
	struct report_opts opts = { .format = FORMAT_SVG };

	return diff_text(before, after, &opts);
}

/*
 * Exit status of python3 reading svg: it must parse as XML, and the
 * Python expression check (no single quotes) must be true of its frames:
 * F, a list of dicts (name, cls, ns, depth, x, w, fill, title, g), f(name)
 * the first frame named name, root the <svg> element.
 */
static int svg_check(const char *svg, const char *check)
{
	static const char script[] =
		"import sys, colorsys, xml.etree.ElementTree as ET\n"
		"S = \"{http://www.w3.org/2000/svg}\"\n"
		"root = ET.fromstring(sys.stdin.buffer.read())\n"
		"F = []\n"
		"for g in root.iter(S + \"g\"):\n"
		"    c = g.get(\"class\", \"\").split()\n"
		"    if \"frame\" not in c: continue\n"
		"    r = g.find(S + \"rect\")\n"
		"    F.append(dict(name=g.get(\"data-name\"), cls=c, g=g,\n"
		"        ns=int(g.get(\"data-ns\")), depth=int(g.get(\"data-depth\")),\n"
		"        x=float(r.get(\"x\")), w=float(r.get(\"width\")),\n"
		"        fill=r.get(\"fill\"), title=g.find(S + \"title\").text))\n"
		"def f(n): return [x for x in F if x[\"name\"] == n][0]\n"
		"def hue(c): return 360 * colorsys.rgb_to_hsv(*[int(c[i:i + 2], 16)"
		" / 255 for i in (1, 3, 5)])[0]\n"
		"def kids(p): return [c for c in F if c[\"depth\"] == p[\"depth\"]"
		" + 1 and p[\"x\"] - 0.01 <= c[\"x\"] < p[\"x\"] + p[\"w\"] - 0.01]\n"
		PYTHON_CHECK_EVAL;

	return python_check(script, svg, check);
}

/* Children no wider than their parent, and no ns more either. */
#define ADDS_UP								\
	"all(sum(c[\"w\"] for c in kids(p)) <= p[\"w\"] + 0.01 and "	\
	"sum(c[\"ns\"] for c in kids(p)) <= p[\"ns\"] for p in F)"

static void test_tree(void **state)
{
	struct profile *p = fx_profile_70_30();
	struct flame_tree t;

	(void)state;
	/* The same stack again, elsewhere in the list: it merges. */
	FX_STACK(p, 100, 100, 100, 0, 1);
	assert_int_equal(flame_build(p, &t), 0);
	assert_int_equal(t.n_nodes, 4);
	assert_string_equal(t.nodes[0].name, "all");
	assert_int_equal(t.nodes[0].ns, 1100 * FX_PERIOD_NS);
	assert_string_equal(t.nodes[1].name, "main");
	assert_int_equal(t.nodes[1].size, 3);
	assert_string_equal(t.nodes[2].name, "burn_a");
	assert_int_equal(t.nodes[2].ns, 800 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[2].samples, 800);
	assert_string_equal(t.nodes[3].name, "burn_b");
	assert_int_equal(t.nodes[3].start, 800 * FX_PERIOD_NS);
	assert_int_equal(t.max_depth, 2);
	flame_free(&t);
	fx_free(p);
}

static void test_svg_70_30(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *svg = render(p, FORMAT_SVG);

	(void)state;
	assert_int_equal(svg_check(svg,
		"root.get(\"width\") == \"1200\" and root.get(\"viewBox\") and "
		"f(\"all\")[\"ns\"] == 1000 * 10000000 and "
		"f(\"all\")[\"w\"] == 1180 and f(\"all\")[\"depth\"] == 0 and "
		"abs(100 * f(\"burn_a\")[\"w\"] / f(\"all\")[\"w\"] - 70) < 0.5 "
		"and abs(100 * f(\"burn_b\")[\"w\"] / f(\"all\")[\"w\"] - 30) "
		"< 0.5 and f(\"main\")[\"w\"] == 1180 and "
		"f(\"burn_a\")[\"x\"] < f(\"burn_b\")[\"x\"] and "
		"\"oncpu\" in f(\"burn_a\")[\"cls\"] and "
		"\"app\" in f(\"burn_a\")[\"cls\"] and "
		"f(\"burn_a\")[\"title\"].startswith(\"burn_a (demo) \") and "
		"\"70.0%\" in f(\"burn_a\")[\"title\"] and " ADDS_UP), 0);
	assert_contains(svg, "<text id=\"title\"");
	assert_contains(svg, "./demo --iterations 5");
	assert_contains(svg, "on-CPU + 0 ns off-CPU");
	free(svg);
	fx_free(p);
}

/* A recursion is one box named with its depth, coloured as the function,
 * one floor high: the graph is not a tower of one name. */
static void test_svg_recursion(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0], a = p->stacks[0].frames[1];
	uint32_t rec, f[52], n = 0, i;
	char *svg;

	(void)state;
	rec = fx_frame(p, "rec", "demo", CLASS_APP);
	f[n++] = m;
	for (i = 0; i < 50; i++)
		f[n++] = rec;
	f[n++] = a;
	fx_stack_n(p, 100, 100, 1000, f, n);
	FX_STACK(p, 100, 100, 200, m, rec);
	svg = render(p, FORMAT_SVG);
	assert_int_equal(svg_check(svg,
		"f(\"rec (×50)\")[\"ns\"] == 1000 * 10000000 and "
		"f(\"rec\")[\"ns\"] == 200 * 10000000 and "
		"f(\"rec (×50)\")[\"depth\"] == 2 and "
		"max(x[\"depth\"] for x in F) == 3 and "
		"f(\"rec (×50)\")[\"fill\"] == f(\"rec\")[\"fill\"] and "
		"f(\"rec (×50)\")[\"title\"].startswith(\"rec (×50) (demo) \")"
		" and " ADDS_UP), 0);
	free(svg);
	fx_free(p);
}

/* On-CPU frames warm by class, waits cool by reason, all in the root. */
static void test_svg_offcpu(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t recv, k, lock;
	char *svg;

	(void)state;
	p->quality.offcpu = true;
	recv = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	lock = fx_frame(p, "pthread_mutex_lock", "libc.so.6", CLASS_RUNTIME);
	FX_WAIT(p, 100, 100, 5, WAIT_NETWORK, 4000000000ull, NULL, 0, recv, k);
	FX_WAIT(p, 100, 101, 5, WAIT_LOCK, 2000000000ull, NULL, 0, lock);
	/* Too short to keep a stack: a wait right under the root. */
	fx_wait(p, fx_stack_n(p, 100, 100, 3, NULL, 0), WAIT_NETWORK,
		1000000000ull, NULL);
	svg = render(p, FORMAT_SVG);
	assert_int_equal(svg_check(svg,
		"f(\"all\")[\"ns\"] == 17 * 10**9 and "
		"[x[\"ns\"] for x in F if x[\"name\"] == \"[wait:network]\"] == "
		"[10**9, 4 * 10**9] and "
		"all(\"wait-network\" in x[\"cls\"] and \"offcpu\" in x[\"cls\"] "
		"for x in F if x[\"name\"] == \"[wait:network]\") and "
		"\"wait-lock\" in f(\"[wait:lock]\")[\"cls\"] and "
		"all(90 <= hue(x[\"fill\"]) <= 300 for x in F "
		"if \"wait\" in x[\"cls\"]) and "
		"all(hue(x[\"fill\"]) <= 65 or hue(x[\"fill\"]) >= 330 for x in F "
		"if \"oncpu\" in x[\"cls\"]) and "
		"\"kernel\" in f(\"tcp_recvmsg\")[\"cls\"] and "
		"\"lib\" in f(\"recv\")[\"cls\"] and "
		"len({hue(f(n)[\"fill\"]) // 10 for n in (\"main\", \"recv\", "
		"\"tcp_recvmsg\")}) == 3 and "
		"f(\"main\")[\"ns\"] == 16 * 10**9 and "
		"\"10.00 s on-CPU, 6.00 s off-CPU\" in f(\"main\")[\"title\"] and "
		ADDS_UP), 0);
	assert_in_order(svg, (const char *[]){ "<g id=\"legend\">",
		"application", "library/runtime", "kernel", "wait: network",
		"wait: lock" }, 6);
	assert_contains(svg, "7.00 s off-CPU = 17.00 s");
	free(svg);
	fx_free(p);
}

static void test_svg_escaping(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *svg, *html;

	(void)state;
	free(p->frames[1].name);
	p->frames[1].name = fx_strdup("<b>&\"x'\x01\xff\xc3(</text>");
	free(p->command);
	p->command = fx_strdup("./demo ]]> <!-- & \x1b[31m");
	svg = render(p, FORMAT_SVG);
	assert_int_equal(svg_check(svg,
		"f(\"<b>&\\\"x\" + chr(39) + \"\\ufffd\\ufffd\\ufffd(</text>\")"
		"[\"w\"] > 800 and "
		"root.find(S + \"text\").text.startswith(\"whyslow flame graph: "
		"./demo ]]> <!-- & \\ufffd[31m\")"), 0);
	assert_lacks(svg, "<b>");
	assert_lacks(svg, "\xff");
	html = render(p, FORMAT_HTML);
	assert_lacks(html, "<b>");
	assert_lacks(html, "</text>\"");
	assert_lacks(html, "<!-- &");
	assert_contains(html, "\"\\u003cb\\u003e\\u0026\\\"x'\\u0001\\ufffd"
			"\\ufffd(\\u003c/text\\u003e\"");
	free(html);
	free(svg);
	fx_free(p);
}

/* main calls 1000 functions for 1 sample each and one for 10000. */
static struct profile *many_small(void)
{
	struct profile *p = fx_new("./many");
	uint32_t m, big, f;
	char name[32];
	int i;

	fx_proc(p, 100, 1, "many", "/home/u/many");
	m = fx_frame(p, "main", "many", CLASS_APP);
	big = fx_frame(p, "big", "many", CLASS_APP);
	FX_STACK(p, 100, 100, 10000, m, big);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "tiny_%03d", i);
		f = fx_frame(p, name, "many", CLASS_APP);
		FX_STACK(p, 100, 100, 1, m, f);
	}
	return p;
}

static void test_svg_small_frames(void **state)
{
	struct profile *p = many_small();
	char *svg = render(p, FORMAT_SVG);

	(void)state;
	assert_int_equal(svg_check(svg,
		"len(F) == 4 and "
		"f(\"[1000 small frames]\")[\"ns\"] == 1000 * 10000000 and "
		"f(\"[1000 small frames]\")[\"g\"].get(\"data-count\") == \"1000\""
		" and \"small\" in f(\"[1000 small frames]\")[\"cls\"] and "
		"abs(f(\"[1000 small frames]\")[\"x\"] - f(\"big\")[\"x\"] - "
		"f(\"big\")[\"w\"]) < 0.001 and "
		"abs(f(\"big\")[\"w\"] + f(\"[1000 small frames]\")[\"w\"] - "
		"f(\"main\")[\"w\"]) < 0.01 and " ADDS_UP), 0);
	assert_lacks(svg, "tiny_");
	free(svg);
	fx_free(p);
}

/* One narrow frame alone is drawn as itself, not as "[1 small frames]". */
static void test_svg_one_small_frame(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t tiny = fx_frame(p, "tiny", "demo", CLASS_APP);
	char *svg;

	(void)state;
	p->stacks[0].count = p->stacks[0].ns = 0;
	FX_STACK(p, 100, 100, 100000, 0, 1);
	FX_STACK(p, 100, 100, 1, 0, tiny);
	svg = render(p, FORMAT_SVG);
	assert_int_equal(svg_check(svg,
		"f(\"tiny\")[\"w\"] < 0.5 and len(F) == 5 and " ADDS_UP), 0);
	assert_lacks(svg, "small frames");
	free(svg);
	fx_free(p);
}

/* The same stacks in another order give the same bytes. */
static void test_deterministic(void **state)
{
	struct profile *a = fx_profile_70_30(), *b = fx_new(a->command);
	uint32_t m, x, y;
	char *sa, *sb, *ha, *hb;

	(void)state;
	fx_proc(b, 100, 1, "demo", "/home/u/demo");
	y = fx_frame(b, "burn_b", "demo", CLASS_APP);
	x = fx_frame(b, "burn_a", "demo", CLASS_APP);
	m = fx_frame(b, "main", "demo", CLASS_APP);
	FX_STACK(b, 100, 100, 300, m, y);
	FX_STACK(b, 100, 100, 700, m, x);
	sa = render(a, FORMAT_SVG);
	sb = render(b, FORMAT_SVG);
	assert_string_equal(sa, sb);
	free(sb);
	sb = render(a, FORMAT_SVG);
	assert_string_equal(sa, sb);
	ha = render(a, FORMAT_HTML);
	hb = render(b, FORMAT_HTML);
	assert_string_equal(ha, hb);
	free(sa);
	free(sb);
	free(ha);
	free(hb);
	fx_free(a);
	fx_free(b);
}

/* The JSON the page's script reads: between its tags. */
static char *page_data(const char *html)
{
	const char *open = "<script type=\"application/json\" id=\"flame-data\">";
	const char *start = strstr(html, open), *end;

	assert_non_null(start);
	start += strlen(open);
	end = strstr(start, "</script>");
	assert_non_null(end);
	return strndup(start, end - start);
}

static void test_html(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *html = render(p, FORMAT_HTML), *data;

	(void)state;
	assert_lacks(html, "http://");
	assert_lacks(html, "https://");
	assert_lacks(html, " src=");
	assert_lacks(html, " href=");
	assert_in_order(html, (const char *[]){ "<!DOCTYPE html>",
		"Content-Security-Policy", "<h1 id=\"title\">",
		"id=\"subtitle\"", "id=\"legend\"", "id=\"search\"",
		"id=\"search-share\"", "id=\"reset\"", "id=\"invert\"",
		"<svg id=\"flame\"", "<g id=\"frames\">",
		"<g class=\"frame root\" data-name=\"all\"",
		"<g class=\"frame oncpu app\" data-name=\"burn_a\"",
		"id=\"details\"", "id=\"flame-data\"", "<script>",
		"</html>" }, 17);
	data = page_data(html);
	assert_int_equal(json_check(data,
		"[n[0] for n in d[\"nodes\"]] == [\"all\", \"main\", \"burn_a\", "
		"\"burn_b\"] and [n[2] for n in d[\"nodes\"]] == [-1, 0, 1, 1] "
		"and d[\"nodes\"][2][3] == 7 * 10**9 and "
		"d[\"nodes\"][2][5] == \"oncpu app\""), 0);
	free(data);
	free(html);
	fx_free(p);
}

/* The frames the page holds are the image's, one for one (but for y). */
static void test_html_frames_are_svg_frames(void **state)
{
	struct profile *p = many_small();
	char *html = render(p, FORMAT_HTML), *svg = render(p, FORMAT_SVG);
	const char *at, *g;
	size_t n = 0;

	(void)state;
	for (at = html; (g = strstr(at, "<g class=\"frame ")); at = g + 1) {
		size_t len = strstr(g, "<rect") - g;
		char *line = strndup(g, len);

		assert_contains(svg, line);
		free(line);
		n++;
	}
	assert_int_equal(n, 4);
	free(svg);
	free(html);
	fx_free(p);
}

/*
 * BEFORE: main → burn_a 700, burn_b 300, gone 100, same 200 samples;
 * AFTER: burn_a 350 (2× faster), burn_b 600 (slower), same 200, new 50.
 */
static void diff_profiles(struct profile **before, struct profile **after)
{
	struct profile *b = fx_profile_70_30(), *a = fx_profile_70_30();
	uint32_t gone, same_b, same_a, fresh;

	gone = fx_frame(b, "gone", "demo", CLASS_APP);
	same_b = fx_frame(b, "same", "demo", CLASS_APP);
	FX_STACK(b, 100, 100, 100, 0, gone);
	FX_STACK(b, 100, 100, 200, 0, same_b);
	a->stacks[0].count = 350;
	a->stacks[0].ns = 350 * FX_PERIOD_NS;
	a->stacks[1].count = 600;
	a->stacks[1].ns = 600 * FX_PERIOD_NS;
	same_a = fx_frame(a, "same", "demo", CLASS_APP);
	fresh = fx_frame(a, "fresh", "demo", CLASS_APP);
	FX_STACK(a, 100, 100, 200, 0, same_a);
	FX_STACK(a, 100, 100, 50, 0, fresh);
	free(a->command);
	a->command = fx_strdup("./demo --fast");
	*before = b;
	*after = a;
}

static void test_diff_svg(void **state)
{
	struct profile *before, *after;
	char *svg;

	(void)state;
	diff_profiles(&before, &after);
	svg = render_diff(before, after);
	assert_int_equal(svg_check(svg,
		"\"faster\" in f(\"burn_a\")[\"cls\"] and "
		"\"slower\" in f(\"burn_b\")[\"cls\"] and "
		"\"unchanged\" in f(\"same\")[\"cls\"] and "
		"\"appeared\" in f(\"fresh\")[\"cls\"] and "
		"180 <= hue(f(\"burn_a\")[\"fill\"]) <= 265 and "
		"(hue(f(\"burn_b\")[\"fill\"]) < 15 or "
		"hue(f(\"burn_b\")[\"fill\"]) > 345) and "
		"int(f(\"burn_b\")[\"fill\"][1:3], 16) - "
		"int(f(\"burn_b\")[\"fill\"][3:5], 16) >= 60 and "
		"f(\"burn_a\")[\"g\"].get(\"data-before-ns\") == \"7000000000\" "
		"and f(\"burn_a\")[\"g\"].get(\"data-delta-ns\") == "
		"\"-3500000000\" and f(\"all\")[\"ns\"] == 1200 * 10**7 and "
		"\"before 7.00 s\" in f(\"burn_a\")[\"title\"] and "
		"\"(-50.0%)\" in f(\"burn_a\")[\"title\"] and "
		"not [x for x in F if x[\"name\"] == \"gone\"] and " ADDS_UP),
		0);
	assert_contains(svg, "whyslow diff: ./demo --iterations 5 \xe2\x86\x92 "
			"./demo --fast");
	assert_contains(svg, "Paths only in BEFORE, not drawn: 1.00 s (7.7% "
			"of BEFORE)");
	free(svg);
	fx_free(before);
	fx_free(after);
}

/* Equal profiles: nothing changed beyond noise. */
static void test_diff_svg_identical(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *svg = render_diff(p, p);

	(void)state;
	assert_int_equal(svg_check(svg,
		"all(x[\"cls\"] == [\"frame\", \"unchanged\"] for x in F) and "
		"len(F) == 4"), 0);
	assert_contains(svg, "not drawn: 0 ns (0.0% of BEFORE)");
	free(svg);
	fx_free(p);
}

static void test_empty(void **state)
{
	struct profile *p = fx_new("./idle");
	char *svg = render(p, FORMAT_SVG), *html;

	(void)state;
	assert_int_equal(svg_check(svg, "len(F) == 1 and f(\"all\")[\"ns\"] "
				   "== 0"), 0);
	html = render(p, FORMAT_HTML);
	assert_contains(html, "</html>\n");
	free(html);
	free(svg);
	svg = render_diff(p, p);
	assert_int_equal(svg_check(svg, "len(F) == 1"), 0);
	free(svg);
	fx_free(p);
}

/* The folded output names wait leaves as the flame graphs do. */
/* Two processes: a root frame each, "comm (pid)", their stacks apart
 * though the functions are the same; --per-thread: a thread level. */
static void test_process_level(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0], a = p->stacks[0].frames[1];
	struct report_opts opts = { .format = FORMAT_SVG };
	struct flame_tree t;
	char *svg;

	(void)state;
	assert_int_equal(flame_default_levels(p, false), 0);
	fx_proc(p, 7, 1, "other", "/bin/other");
	fx_thread(p, 100, 101, "worker");
	FX_STACK(p, 7, 7, 50, m, a);
	FX_STACK(p, 100, 101, 20, m, a);
	/* a process with no time does not count */
	FX_STACK(p, 9, 9, 0, m);
	assert_int_equal(flame_default_levels(p, false), FLAME_BY_PROCESS);
	assert_int_equal(flame_build_levels(p, &t, FLAME_BY_PROCESS), 0);
	assert_string_equal(t.nodes[1].name, "demo (100)");
	assert_int_equal(t.nodes[1].kind, FLAME_PROCESS);
	assert_int_equal(t.nodes[1].ns, 1020 * FX_PERIOD_NS);
	assert_string_equal(t.nodes[2].name, "main");
	assert_int_equal(t.nodes[2].depth, 2);
	assert_string_equal(t.nodes[1 + t.nodes[1].size].name, "other (7)");
	assert_int_equal(t.nodes[1 + t.nodes[1].size].ns, 50 * FX_PERIOD_NS);
	flame_free(&t);
	assert_int_equal(flame_build_levels(p, &t, flame_default_levels(p,
					    true)), 0);
	assert_string_equal(t.nodes[2].name, "demo (100)");
	assert_int_equal(t.nodes[2].kind, FLAME_THREAD);
	assert_int_equal(t.nodes[2].ns, 1000 * FX_PERIOD_NS);
	assert_string_equal(t.nodes[2 + t.nodes[2].size].name,
			    "worker (101)");
	flame_free(&t);
	svg = report_text(p, &opts);
	assert_int_equal(svg_check(svg, "len([x for x in F if \"process\" "
				   "in x[\"cls\"]]) == 2 and "
				   "f(\"other (7)\")[\"depth\"] == 1"), 0);
	free(svg);
	/* the differential graph matches paths across runs: no pids */
	assert_int_equal(flame_build(p, &t), 0);
	assert_string_equal(t.nodes[1].name, "main");
	flame_free(&t);
	fx_free(p);
}

/* The image's script sits in CDATA, its controls hidden until it runs. */
static void test_svg_script(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *svg = render(p, FORMAT_SVG);

	(void)state;
	assert_non_null(strstr(svg, "<script type=\"text/ecmascript\">"
			       "<![CDATA[\n"));
	assert_non_null(strstr(svg, "]]></script>\n</svg>\n"));
	assert_int_equal(svg_check(svg, "root.find(S + \"text[@id=\\\"reset\\\"]\")"
				   ".get(\"class\") == \"ctl off\""), 0);
	free(svg);
	fx_free(p);
}

static void test_wait_label(void **state)
{
	char label[WAIT_LABEL_SIZE];

	(void)state;
	wait_leaf_label(WAIT_NETWORK, label);
	assert_string_equal(label, "[wait:network]");
	wait_leaf_label(WAIT_PAGE_FAULT, label);
	assert_string_equal(label, "[wait:page_fault]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_svg_70_30),
		cmocka_unit_test(test_svg_recursion),
		cmocka_unit_test(test_svg_offcpu),
		cmocka_unit_test(test_svg_escaping),
		cmocka_unit_test(test_svg_small_frames),
		cmocka_unit_test(test_svg_one_small_frame),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_frames_are_svg_frames),
		cmocka_unit_test(test_diff_svg),
		cmocka_unit_test(test_diff_svg_identical),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_process_level),
		cmocka_unit_test(test_svg_script),
		cmocka_unit_test(test_wait_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
