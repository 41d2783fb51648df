// SPDX-License-Identifier: GPL-2.0
/* The writers: Markdown, JSON and folded output of hand-built profiles. */
#include "profile_fixture.h"
#include "output_check.h"

#include <errno.h>
#include <unistd.h>

#include "report/report.h"

/* p rendered in format; malloc'd. */
static char *render(const struct profile *p, enum report_format format,
		    int top, int budget_tokens)
{
	struct report_opts opts = {
		.format = format,
		.top = top,
		.budget_tokens = budget_tokens,
	};

	return report_text(p, &opts);
}

static char *render_md(const struct profile *p)
{
	return render(p, FORMAT_MD, 0, 0);
}

static const char *last_line(const char *text)
{
	size_t len = strlen(text);
	const char *line;

	assert_true(len > 1 && text[len - 1] == '\n');
	for (line = text + len - 1; line > text && line[-1] != '\n'; line--)
		;
	return line;
}

/*
 * "./client" (pid 100) parses for cpu_samples samples and waits net_ns on
 * the network in fetch_one, 1% of it in waits too short to keep a stack;
 * the wall time is the two together.
 */
static struct profile *client_profile(uint64_t cpu_samples, uint64_t net_ns)
{
	struct profile *p = fx_new("./client");
	uint32_t m, parse, fetch, recv, k;

	p->wall_ns = cpu_samples * FX_PERIOD_NS + net_ns;
	p->cpu_user_ns = cpu_samples * FX_PERIOD_NS;
	p->cpu_sys_ns = 0;
	p->root_pid = 100;
	p->quality.offcpu = true;
	p->quality.min_block_ns = 10000;
	p->quality.offcpu_short_ns = 10000000ull;	/* the stackless wait */
	fx_proc(p, 100, 1, "client", "/home/u/client");
	m = fx_frame_at(p, "main", "client", CLASS_APP, "client.c", 60);
	parse = fx_frame_at(p, "parse", "client", CLASS_APP, "client.c", 20);
	fetch = fx_frame_at(p, "fetch_one", "client", CLASS_APP, "client.c",
			    42);
	recv = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 100, 100, cpu_samples, m, parse);
	FX_WAIT(p, 100, 100, 50, WAIT_NETWORK, net_ns - net_ns / 100,
		"recv from 127.0.0.1:8080", m, fetch, recv, k);
	fx_wait(p, fx_stack_n(p, 100, 100, 40, NULL, 0), WAIT_NETWORK,
		net_ns / 100, "recv from 127.0.0.1:8080");
	return p;
}

/*
 * python3 linkcheck.py: Checker.check runs line 3 for 700 samples and
 * calls a C extension from line 4 for 300; the source is in dir.
 */
static struct profile *python_profile(const char *dir, char **file)
{
	static const char source[] =
		"class Checker:\n"
		"    def check(self):\n"
		"        for url in self.urls:  # `slow` | here  \n"
		"            self.seen |= {match_links(url, PATTERN, "
		"flags=IGNORECASE | MULTILINE | DOTALL | VERBOSE | ASCII)}\n";
	struct profile *p = fx_new("python3 linkcheck.py");
	uint32_t mod, c3, c4, ext;

	*file = fx_write_file(dir, "linkcheck.py", source,
			      sizeof(source) - 1);
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3.12");
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP, *file, 9);
	c3 = fx_frame_at(p, "Checker.check", "linkcheck.py", CLASS_APP,
			  *file, 3);
	c4 = fx_frame_at(p, "Checker.check", "linkcheck.py", CLASS_APP,
			  *file, 4);
	ext = fx_frame(p, "match_links", "_speedups.so", CLASS_LIBRARY);
	FX_STACK(p, 100, 100, 700, mod, c3);
	FX_STACK(p, 100, 100, 300, mod, c4, ext);
	return p;
}

#define MS	1000000ull

/*
 * python3 linkcheck.py for 4 s: 42 requests one at a time to
 * 127.0.0.1:8080 from check (3.6 s, off-CPU), which also runs re._compile
 * (30 samples) and git 12 times; read_file (10 samples) opens four pages
 * five times each; /etc/hosts fails to open twice.
 */
static struct profile *io_profile(void)
{
	struct profile *p = fx_new("python3 linkcheck.py links.md");
	uint32_t mod, check, conn, rf, rc;
	struct io_endpoint *e;
	int32_t site, fsite;
	struct io_file *f;
	char path[64];
	int i;

	p->wall_ns = 4000 * MS;
	p->root_pid = 100;
	p->quality.offcpu = true;
	p->quality.io_dropped = 3;
	p->io.blocked_known = true;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP,
			  "/home/u/linkcheck.py", 30);
	check = fx_frame_at(p, "check", "linkcheck.py", CLASS_APP,
			    "/home/u/linkcheck.py", 17);
	rf = fx_frame_at(p, "read_file", "linkcheck.py", CLASS_APP,
			 "/home/u/linkcheck.py", 8);
	rc = fx_frame_at(p, "re._compile", "re/__init__.py", CLASS_LIBRARY,
			 "/usr/lib/python3.12/re/__init__.py", 280);
	conn = fx_frame(p, "connect", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 30, mod, check, rc);
	FX_STACK(p, 100, 100, 10, mod, rf);
	FX_WAIT(p, 100, 100, 42, WAIT_NETWORK, 3600 * MS,
		"recv from 127.0.0.1:8080", mod, check, conn);
	site = FX_IO_SITE(p, 100, mod, check, conn);
	fsite = FX_IO_SITE(p, 100, mod, rf);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/home/u/pages/p%d.html", i);
		f = fx_io_file(p, path, 5, (30 - i) * MS, fsite);
		f->reads = 10;
		f->read_bytes = 40000;
		f->blocked_ns = 2 * MS;
	}
	f = fx_io_file(p, "/etc/hosts", 1, 100000, IO_NO_SITE);
	f->failed_opens = 2;
	f->reads = 2;
	f->read_bytes = 300;
	e = fx_io_endpoint(p, "127.0.0.1:8080", "tcp", site);
	e->connections = e->requests = e->sends = 42;
	e->request_ns = 3600 * MS;
	e->max_in_flight = 1;
	e->receives = 84;
	e->bytes_sent = 42 * 120;
	e->bytes_received = 42 * 20000;
	e->connect_ns = 20 * MS;
	e->send_ns = 5 * MS;
	e->recv_ns = 3500 * MS;
	e->blocked_ns = 3400 * MS;
	fx_io_proc(p, 100, 42, 3600 * MS, 3600 * MS, 1);
	fx_io_spawn(p, "/usr/bin/git", 12, 600 * MS, site);
	return p;
}

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

static void test_md_70_30(void **state)
{
	static const char *const sections[] = {
		"# whyslow: ./demo --iterations 5\n",
		"\nWall time 10.50 s, CPU time 10.00 s (user 9.80 s, sys "
		"200.0 ms), 1000 samples at 100 Hz.\n",
		"\n## Verdict\n\n`burn_a` (app, hot.c:12) is 70.0% of on-CPU "
		"samples (self), 70.0% with its callees (total); its hottest "
		"path is `main → burn_a` (70.0%).\n",
		"\n## Where the wall time went\n\nPercentages are of the wall "
		"time, 10.50 s. Off-CPU time was not traced: waits are "
		"missing.\n\n"
		"| category | time | % of wall |\n|---|--:|--:|\n"
		"| on-CPU (sampled) | 10.00 s | 95.2% |\n",
		"\n## Top functions\n",
		"Percentages are of 1000 on-CPU samples (10.00 s of CPU time).",
		"| `burn_a` | hot.c:12 | 70.0% | 70.0% | 700 | 7.00 s | — | "
		"66.7% |\n"
		"| `burn_b` | hot.c:30 | 30.0% | 30.0% | 300 | 3.00 s | — | "
		"28.6% |\n"
		"| `main` | hot.c:40 | 0.0% | 100.0% | 0 | 10.00 s | — | "
		"95.2% |\n",
		"\n## Hot lines\n\nThe source line each on-CPU sample was "
		"running",
		"Percentages are of 1000 on-CPU samples; 0.0% ran in no "
		"application line.\n\n"
		"| line | function | share | samples | source |\n"
		"|---|---|--:|--:|---|\n"
		"| hot.c:12 | `burn_a` | 70.0% | 700 | — |\n"
		"| hot.c:30 | `burn_b` | 30.0% | 300 | — |\n",
		"\n## Hot call paths\n",
		"| 70.0% | 700 | `main → burn_a` |\n"
		"| 30.0% | 300 | `main → burn_b` |\n",
		"\n## Data quality\n",
		"- Samples: 1000 kept, 0 lost",
		"- Truncated stacks: 0.0% of samples (0).\n",
		"- Off-CPU traced: no; only on-CPU time is known.\n",
		"- Frequency: 100 Hz, one sample = 10.0 ms of CPU time.\n",
		"\nomitted: nothing\n",
	};
	struct profile *p = fx_profile_70_30();
	char *md = render_md(p);

	(void)state;
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_lacks(md, "run in parallel");
	assert_lacks(md, "## Processes");
	assert_lacks(md, "## Top waits");
	assert_lacks(md, "Sorted by wall");
	assert_lacks(md, "% ±");
	assert_lacks(md, "clamped");
	assert_lacks(md, "kptr_restrict");
	assert_string_equal(last_line(md), "omitted: nothing\n");
	free(md);
	fx_free(p);
}

static void test_md_cpu_sampled_and_threads(void **state)
{
	static const char *const sections[] = {
		"CPU time 10.00 s sampled (user",
		"\n## Where the wall time went\n",
		" The main thread, tid 100 (demo):\n\n",
		"| on-CPU (sampled) | 10.00 s | 95.2% |\n",
		"\nThreads run in parallel, so their times can add up to "
		"more than the wall time.\n\n"
		"| thread | comm | on-CPU | top waits | total |\n"
		"|--:|---|--:|---|--:|\n"
		"| 100 | demo | 10.00 s | — | 10.00 s |\n"
		"| 101 | demo\\|io | 2.00 s | — | 2.00 s |\n",
		"\n## Top functions\n",
		"wall: both, as a share of the wall time (10.50 s), added up "
		"over threads, so it can pass 100%.",
		"| `main` | hot.c:40 | 0.0% | 100.0% | 0 | 12.00 s | — | "
		"114.3% |\n",
		"\n## Hot call paths\n",
		"\n## Processes / threads\n\n"
		"| pid | tid | comm | samples | share |\n"
		"|--:|--:|---|--:|--:|\n"
		"| 100 | 100 | demo | 1000 | 83.3% |\n"
		"| 100 | 101 | demo\\|io | 200 | 16.7% |\n",
		"\n## Data quality\n",
	};
	struct profile *p = fx_profile_70_30();
	char *md;

	(void)state;
	p->cpu_from_rusage = false;
	fx_thread(p, 100, 101, "demo|io");
	FX_STACK(p, 100, 101, 200, p->stacks[0].frames[0],
		 p->stacks[0].frames[1]);
	md = render_md(p);
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	free(md);
	fx_free(p);
}

/* 20 samples: too short to trust, and every share is uncertain. */
static void test_md_uncertainty(void **state)
{
	struct profile *p = fx_new("short");
	uint32_t m, a, b;
	char *md;

	(void)state;
	m = fx_frame(p, "main", "short", CLASS_APP);
	a = fx_frame(p, "burn_a", "short", CLASS_APP);
	b = fx_frame(p, "burn_b", "short", CLASS_APP);
	FX_STACK(p, 1, 1, 14, m, a);
	FX_STACK(p, 1, 1, 6, m, b);
	md = render_md(p);
	/* 100·√(0.7·0.3/20) = 10.25 */
	assert_contains(md, "is 70.0% ±10.2~ of on-CPU samples (self)");
	assert_contains(md, "Only 20 samples: the profile is too short to "
			"trust");
	assert_contains(md, "| `burn_a` | short | 70.0% ±10.2~ | 70.0% ±10.2~ "
			"| 14 |");
	/* 100·√(0.3·0.7/20) = 10.25 as well; 0 samples is exact. */
	assert_contains(md, "| `burn_b` | short | 30.0% ±10.2~ | 30.0% ±10.2~ "
			"| 6 |");
	assert_contains(md, "| `main` | short | 0.0% | 100.0% ±0.0~ | 0 |");
	assert_contains(md, "- Uncertainty: `~` marks a share resting on "
			"fewer than 30 samples; ± is its standard error");
	free(md);
	fx_free(p);
}

static void test_md_quality_warnings(void **state)
{
	struct profile *p = fx_new("sys");
	struct stack_sample *s;
	uint32_t m, k;
	char *md;

	(void)state;
	m = fx_frame(p, "main", "sys", CLASS_APP);
	k = fx_frame(p, "clear_page_erms", "[kernel]", CLASS_KERNEL);
	s = FX_STACK(p, 1, 1, 60, m, k);
	s->kernel_mode = true;
	s = FX_STACK(p, 1, 1, 40, m);
	s->truncated = true;
	p->quality.requested_hz = 50000;
	p->quality.max_hz = 25000;
	p->quality.kernel_addrs_hidden = true;
	p->quality.lost_samples = 3;
	p->quality.kstack_errors = 2;
	p->quality.truncated_copy_end = 30;
	p->quality.truncated_no_cfi = 10;
	md = render_md(p);
	assert_contains(md, "`clear_page_erms` (kernel, [kernel]) is 60.0%");
	assert_contains(md, "The kernel dominates: 60.0% of samples");
	assert_contains(md, "- Samples: 100 kept, 3 lost");
	assert_contains(md, "- Truncated stacks: 40.0% of samples (40; of which "
			"30 stack copy too short, 10 no CFI (JIT or stripped "
			"code)): usually code built without frame pointers");
	assert_contains(md, "50000 Hz requested, clamped to the kernel limit "
			"kernel.perf_event_max_sample_rate = 25000");
	assert_contains(md, "- Kernel addresses hidden (kernel.kptr_restrict)");
	assert_contains(md, "- Stack read errors: 2 kernel, 0 user.\n");
	free(md);
	md = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(md,
		"d[\"quality\"][\"truncated_copy_end\"] == 30 and "
		"d[\"quality\"][\"truncated_no_cfi\"] == 10 and "
		"d[\"quality\"][\"truncated_no_copy\"] == 0 and "
		"d[\"quality\"][\"truncated_bad_rule\"] == 0"), 0);
	free(md);
	fx_free(p);
}

static void test_md_no_samples(void **state)
{
	static const char *const sections[] = {
		"# whyslow: true\n",
		"No samples were recorded",
		"\n## Data quality\n",
		"\nomitted: nothing\n",
	};
	struct profile *p = fx_new("true");
	char *md = render_md(p);

	(void)state;
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_lacks(md, "## Top functions");
	free(md);
	fx_free(p);
}

/* 500 functions, each with its own path, under a 1000-token budget. */
static void test_md_budget(void **state)
{
	static const char *const sections[] = {
		"## Verdict", "## Top functions", "## Data quality", "\nomitted: ",
	};
	struct profile *p = fx_new("many");
	char name[64], *md;
	uint32_t m, f;
	int i;

	(void)state;
	m = fx_frame(p, "main", "many", CLASS_APP);
	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "function_with_a_long_name_%03d", i);
		f = fx_frame_at(p, name, "libmany.so", CLASS_LIBRARY,
				"/home/user/src/many/generated.c", i + 1);
		FX_STACK(p, 1, 1, 1000 - i, m, f);
	}
	md = render(p, FORMAT_MD, 500, 1000);
	assert_true(strlen(md) <= 4000);
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_contains(md, "| `function_with_a_long_name_000` |");
	assert_lacks(md, "function_with_a_long_name_499");
	assert_true(!strncmp(last_line(md), "omitted: ", 9));
	assert_contains(last_line(md), "% of samples across ");
	assert_contains(last_line(md), " call paths (");
	free(md);

	/* The default budget holds the default 15 rows per table. */
	md = render_md(p);
	assert_contains(md, "| `function_with_a_long_name_014` |");
	assert_lacks(md, "| `function_with_a_long_name_015` |");
	assert_contains(last_line(md), "omitted: 96.0% of samples across 485 "
			"functions; 485 call paths (96.0%)");
	free(md);
	fx_free(p);
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

/*
 * 300 waits on 300 hosts, each in its own function, under a 1000-token
 * budget: the wall-time split and the quality section stay, the rest is
 * cut from the bottom and said so.
 */
static void test_md_budget_waits(void **state)
{
	static const char *const sections[] = {
		"## Verdict", "## Where the wall time went",
		"| network | 45.15 s | 99.8% |", "## Top functions",
		"## Data quality", "- Off-CPU traced: yes", "\nomitted: ",
	};
	struct profile *p = client_profile(10, 0);
	uint32_t m = p->stacks[0].frames[0], f;
	char name[64], target[64], *md;
	int i;

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "fetch_from_host_%03d", i);
		snprintf(target, sizeof(target), "recv from 10.0.%d.%d:8080",
			 i / 200, i % 200);
		f = fx_frame_at(p, name, "client", CLASS_APP, "client.c",
				i + 1);
		FX_WAIT(p, 100, 100, 1, WAIT_NETWORK, 1000000ull * (300 - i),
			target, m, f);
	}
	p->wall_ns = 45250000000ull;
	md = render(p, FORMAT_MD, 500, 1000);
	assert_true(strlen(md) <= 4000);
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_contains(md, "| `fetch_from_host_000` |");
	assert_lacks(md, "fetch_from_host_299");
	assert_contains(last_line(md), "functions, none over ");
	assert_contains(last_line(md), " waits (");
	free(md);
	fx_free(p);
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

static void test_json_valid_with_keys(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *json;

	(void)state;
	json = render(p, FORMAT_JSON, 1, 100);
	assert_int_equal(json_check(json,
		"all(k in d for k in (\"command\", \"wall_ns\", \"cpu_ns\", "
		"\"cpu_user_ns\", \"cpu_sys_ns\", \"samples\", \"lost\", "
		"\"frequency_hz\", \"period_ns\", \"functions\", "
		"\"hot_lines\", \"paths\", \"processes\", \"quality\"))"),
		0);
	assert_int_equal(json_check(json,
		"all(set(f) >= {\"name\", \"module\", \"file\", \"line\", "
		"\"self_samples\", \"total_samples\", \"self_ns\", "
		"\"total_ns\", \"self_pct\", \"total_pct\", \"class\"} "
		"for f in d[\"functions\"])"), 0);
	/* top limits Markdown only: all three functions are here. */
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"self_samples\"], f[\"total_pct\"], "
		"f[\"line\"]) for f in d[\"functions\"]] == "
		"[(\"burn_a\", 700, 70.0, 12), (\"burn_b\", 300, 30.0, 30), "
		"(\"main\", 0, 100.0, 40)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"paths\"][0] == {\"frames\": [\"main\", \"burn_a\"], "
		"\"samples\": 700, \"ns\": 7000000000, \"pct\": 70.0}"), 0);
	assert_int_equal(json_check(json,
		"d[\"processes\"][0][\"exe\"] == \"/home/u/demo\" and "
		"d[\"processes\"][0][\"threads\"][0][\"tid\"] == 100 and "
		"d[\"cpu_ns\"] == 10000000000 and d[\"samples\"] == 1000 and "
		"d[\"quality\"][\"max_hz\"] == 100000 and "
		"d[\"quality\"][\"kernel_addrs_hidden\"] is False"), 0);
	/* And the check itself can fail. */
	assert_int_not_equal(json_check(json, "d[\"samples\"] == 1"), 0);
	free(json);
	fx_free(p);
}

static void test_json_escaping(void **state)
{
	struct profile *p = fx_new("say \"hi\"\n");
	uint32_t f;
	char *json;

	(void)state;
	/* quotes, backslash, control characters, a lone byte, valid UTF-8 */
	f = fx_frame(p, "we\"ird\\\n\t\x01name\xff\xc3\xa9\xed\xa0\x80",
		     "m", CLASS_APP);
	FX_STACK(p, 1, 1, 5, f);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(json, "\"command\": \"say \\\"hi\\\"\\n\"");
	assert_contains(json, "\"name\": \"we\\\"ird\\\\\\n\\t\\u0001name"
			"\\ufffd\xc3\xa9\\ufffd\\ufffd\\ufffd\"");
	assert_int_equal(json_check(json,
		"d[\"functions\"][0][\"name\"] == "
		"\"we\\\"ird\\\\\\n\\t\\x01name\\ufffd\\xe9\\ufffd\\ufffd\\ufffd\""),
		0);
	free(json);
	fx_free(p);
}

static void test_folded(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m, odd, sys, k;
	struct stack_sample *s;
	char *folded;

	(void)state;
	m = p->stacks[0].frames[0];
	/* Same stack in another thread: merged. */
	fx_thread(p, 100, 101, "io");
	FX_STACK(p, 100, 101, 5, m, p->stacks[0].frames[1]);
	odd = fx_frame(p, "operator; x\ny", "demo", CLASS_APP);
	sys = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "vfs_write", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 100, 100, 2, m, odd);
	s = FX_STACK(p, 100, 100, 3, m, sys, k);
	s->kernel_mode = true;
	/* A process without a record: named by its pid. */
	FX_STACK(p, 7, 7, 1, m);
	folded = render(p, FORMAT_FOLDED, 0, 0);
	assert_string_equal(folded,
		"[7];main 1\n"
		"demo;main;burn_a 705\n"
		"demo;main;burn_b 300\n"
		"demo;main;operator__x_y 2\n"
		"demo;main;write;vfs_write_[k] 3\n");
	free(folded);
	fx_free(p);
}

/* 1 s on-CPU, 1 s on the network: where the wall time went, in full. */
static void test_md_wall_time(void **state)
{
	static const char *const sections[] = {
		"Wall time 2.00 s, CPU time 1.00 s (user 1.00 s, sys 0 ns), "
		"100 samples at 100 Hz.\n",
		"\n## Verdict\n\n`parse` (app, client.c:20) is 100.0% of "
		"on-CPU samples (self)",
		"\n## Where the wall time went\n\nPercentages are of the wall "
		"time, 2.00 s.\n\n"
		"| category | time | % of wall |\n|---|--:|--:|\n"
		"| on-CPU (sampled) | 1.00 s | 50.0% |\n"
		"| network | 1.00 s | 50.0% |\n",
		"\n## Top functions\n",
		" Sorted by own time",
		"(its Amdahl ceiling): don't tune what cannot matter.",
		"| `parse` | client.c:20 | 100.0% | 100.0% | 100 | 1.00 s | "
		"— | 50.0% |\n"
		"| `fetch_one` | client.c:42 | 0.0% | 0.0% | 0 | — | "
		"990.0 ms | 49.5% |\n"
		"| `main` | client.c:60 | 0.0% | 100.0% | 0 | 1.00 s | "
		"990.0 ms | 99.5% |\n",
		"\n## Hot call paths\n",
		"| 100.0% | 100 | `main → parse` |\n",
		"\n## Top waits\n\n",
		"| reason | target | where | time | % of wall | waits | "
		"average |\n|---|---|---|--:|--:|--:|--:|\n"
		"| network | recv from 127.0.0.1:8080 | `fetch_one` "
		"(client.c:42) | 990.0 ms | 49.5% | 50 | 19.8 ms |\n"
		"| network | recv from 127.0.0.1:8080 | (no stack) | 10.0 ms "
		"| 0.5% | 40 | 250.0 µs |\n",
		"\n## Data quality\n",
		"- Off-CPU traced: yes; 0 intervals dropped (map full), 0 "
		"stack collisions; waits shorter than 10.0 µs (1.0% of "
		"off-CPU time) keep no kernel stack, their time, user stack "
		"and target still count.\n",
		"\nomitted: nothing\n",
	};
	struct profile *p = client_profile(100, 1000000000ull);
	char *md = render_md(p);

	(void)state;
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_lacks(md, "run in parallel");
	free(md);
	fx_free(p);
}

static void test_md_verdict_names_wait(void **state)
{
	struct profile *p = client_profile(190, 8100000000ull);
	char *md = render_md(p);

	(void)state;
	assert_contains(md, "\n## Verdict\n\n81.0% of wall time is waiting "
			"on the network (recv from 127.0.0.1:8080 in "
			"`fetch_one`); on-CPU time is 19.0%.\n"
			"\n## Where the wall time went\n");
	assert_contains(md, "| network | 8.10 s | 81.0% |\n"
			"| on-CPU (sampled) | 1.90 s | 19.0% |\n");
	free(md);
	fx_free(p);
}

/*
 * The main thread waits on its worker, which computes and fetches: the
 * main thread's split, then each thread's.
 */
static void test_md_threads_wall_time(void **state)
{
	static const char *const sections[] = {
		"\n## Verdict\n\n52.4% of the threads' time is waiting on "
		"locks (in `main`), 88.1% in all waits; on-CPU time is "
		"11.9%.\n",
		"\n## Where the wall time went\n\nPercentages are of the wall "
		"time, 2.00 s. The main thread, tid 100 (client):\n\n"
		"| category | time | % of wall |\n|---|--:|--:|\n"
		"| lock | 1.90 s | 95.0% |\n"
		"| on-CPU (sampled) | 100.0 ms | 5.0% |\n",
		"\nThreads run in parallel, so their times can add up to more "
		"than the wall time.\n\n"
		"| thread | comm | on-CPU | top waits | total |\n"
		"|--:|---|--:|---|--:|\n"
		"| 101 | fetcher | 400.0 ms | network 1.00 s, sleep 500.0 ms, "
		"lock 300.0 ms | 2.20 s |\n"
		"| 100 | client | 100.0 ms | lock 1.90 s | 2.00 s |\n",
		"\n## Top functions\n",
		"\n## Top waits\n",
		"| lock | — | `main` (client.c:60) | 1.90 s | 95.0% | 1 | "
		"1.90 s |\n",
	};
	struct profile *p = client_profile(0, 1000000000ull);
	uint32_t m, w, j, sl, fu;
	char *md;

	(void)state;
	p->wall_ns = 2000000000ull;
	fx_thread(p, 100, 101, "fetcher");
	/* The fetch waits move to the worker. */
	p->stacks[1].tid = p->stacks[2].tid = 101;
	m = p->stacks[0].frames[0];
	w = fx_frame_at(p, "work", "client", CLASS_APP, "client.c", 80);
	j = fx_frame(p, "pthread_join", "libc.so.6", CLASS_RUNTIME);
	sl = fx_frame(p, "nanosleep", "libc.so.6", CLASS_RUNTIME);
	fu = fx_frame(p, "futex_wait", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 100, 100, 10, m);
	FX_WAIT(p, 100, 100, 1, WAIT_LOCK, 1900000000ull, NULL, m, j, fu);
	FX_STACK(p, 100, 101, 40, w);
	FX_WAIT(p, 100, 101, 5, WAIT_SLEEP, 500000000ull, NULL, w, sl);
	FX_WAIT(p, 100, 101, 9, WAIT_LOCK, 300000000ull, NULL, w, fu);
	md = render_md(p);
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	free(md);
	fx_free(p);
}

static void test_json_wall_time(void **state)
{
	struct profile *p = client_profile(100, 1000000000ull);
	char *json;

	(void)state;
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"categories\"] == ["
		"{\"name\": \"on_cpu\", \"on_cpu\": True, "
		"\"ns\": 1000000000, \"pct\": 50.0}, "
		"{\"name\": \"network\", \"on_cpu\": False, "
		"\"ns\": 1000000000, \"pct\": 50.0}]"), 0);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"oncpu_ns\"], f[\"offcpu_ns\"], "
		"f[\"wall_ns\"], f[\"wall_pct\"]) for f in d[\"functions\"]] "
		"== [(\"parse\", 1000000000, 0, 1000000000, 50.0), "
		"(\"main\", 1000000000, 990000000, 1990000000, 99.5), "
		"(\"fetch_one\", 0, 990000000, 990000000, 49.5), "
		"(\"recv\", 0, 990000000, 990000000, 49.5), "
		"(\"tcp_recvmsg\", 0, 990000000, 990000000, 49.5)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"waits\"] == [{\"reason\": \"network\", "
		"\"target\": \"recv from 127.0.0.1:8080\", "
		"\"frames\": [\"main\", \"fetch_one\", \"recv\", "
		"\"tcp_recvmsg\"], \"function\": \"fetch_one\", "
		"\"ns\": 990000000, \"pct\": 49.5, \"count\": 50}, "
		"{\"reason\": \"network\", "
		"\"target\": \"recv from 127.0.0.1:8080\", \"frames\": [], "
		"\"function\": None, \"ns\": 10000000, \"pct\": 0.5, "
		"\"count\": 40}]"), 0);
	assert_int_equal(json_check(json,
		"[(t[\"tid\"], t[\"oncpu_ns\"], t[\"offcpu_ns\"], "
		"t[\"categories\"], t[\"ns\"], t[\"samples\"]) "
		"for t in d[\"processes\"][0][\"threads\"]] == "
		"[(100, 1000000000, 1000000000, {\"on_cpu\": 1000000000, "
		"\"network\": 1000000000}, 1000000000, 100)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"quality\"][\"offcpu\"] is True and "
		"d[\"quality\"][\"min_block_ns\"] == 10000 and "
		"d[\"sampled_ns\"] == 1000000000 and "
		"d[\"paths\"][0][\"frames\"] == [\"main\", \"parse\"]"), 0);
	free(json);
	fx_free(p);
}

/*
 * Waits fold with a [wait:REASON] leaf, in sampling periods (10 ms):
 * equal stacks add up before rounding, and what rounds to 0 is left out.
 */
/*
 * The lines that run, with their source: trimmed, escaped, cut; "—" once
 * the file is gone.  After the functions, before the paths.
 */
static void test_md_hot_lines(void **state)
{
	char *dir = fx_tmpdir(), *file, *md, *rows;
	struct profile *p = python_profile(dir, &file);
	const char *sections[] = {
		"\n## Top functions\n",
		"\n## Hot lines\n",
		"Percentages are of 1000 on-CPU samples; 0.0% ran in no "
		"application line.\n\n"
		"| line | function | share | samples | source |\n"
		"|---|---|--:|--:|---|\n",
		NULL,
		"\n## Hot call paths\n",
	};

	(void)state;
	assert_true(asprintf(&rows,
		"| %s:3 | `Checker.check` | 70.0%% | 700 | `for url in "
		"self.urls:  # 'slow' \\| here` |\n"
		"| %s:4 | `Checker.check` | 30.0%% | 300 | `self.seen \\|= "
		"{match_links(url, PATTERN, flags=IGNORECASE \\| MULTILINE "
		"\\| DOTALL \\| …` |\n", file, file) > 0);
	sections[3] = rows;
	md = render_md(p);
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_string_equal(last_line(md), "omitted: nothing\n");
	free(md);
	free(rows);

	md = render(p, FORMAT_MD, 1, 0);
	assert_contains(last_line(md), "; 1 hot lines (30.0%); ");
	free(md);

	assert_int_equal(unlink(file), 0);
	md = render_md(p);
	assert_contains(md, ":3 | `Checker.check` | 70.0% | 700 | — |\n");
	assert_contains(md, ":4 | `Checker.check` | 30.0% | 300 | — |\n");
	free(md);
	free(file);
	fx_rmtree(dir);
	fx_free(p);
}

static void test_json_hot_lines(void **state)
{
	char *dir = fx_tmpdir(), *file, *json, *check;
	struct profile *p = python_profile(dir, &file);

	(void)state;
	json = render(p, FORMAT_JSON, 0, 0);
	assert_true(asprintf(&check,
		"d[\"hot_lines\"] == [{\"file\": \"%s\", \"line\": 3, "
		"\"function\": \"Checker.check\", \"samples\": 700, "
		"\"pct\": 70.0, \"source\": \"for url in self.urls:  # "
		"`slow` | here\"}, {\"file\": \"%s\", \"line\": 4, "
		"\"function\": \"Checker.check\", \"samples\": 300, "
		"\"pct\": 30.0, \"source\": \"self.seen |= {match_links(url, "
		"PATTERN, flags=IGNORECASE | MULTILINE | DOTALL | VERBOSE | "
		"ASCII)}\"}]", file, file) > 0);
	assert_int_equal(json_check(json, check), 0);
	free(check);
	free(json);

	assert_int_equal(unlink(file), 0);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"[h[\"source\"] for h in d[\"hot_lines\"]] == [None, None]"),
		0);
	free(json);
	free(file);
	fx_rmtree(dir);
	fx_free(p);
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

/* Hints after the wall time, I/O after the waits, losses in quality. */
static void test_md_hints_and_io(void **state)
{
	static const char *const sections[] = {
		"\n## Where the wall time went\n",
		"| on-CPU (sampled) | 400.0 ms | 10.0% |\n",
		"\n## Hints\n\n"
		"- 90% of wall time (3.60 s of 4.00 s) had a request in "
		"flight, never more than one at once: 42 requests of 86 ms "
		"on average to 127.0.0.1:8080, made from check "
		"(linkcheck.py:17): issuing them 8 at a time could cut wall "
		"time up to 4.7×.\n"
		"- /usr/bin/git ran 12 times (50 ms on average, 600 ms in "
		"all = 15% of wall time), spawned from check "
		"(linkcheck.py:17): doing the work in-process or in fewer, "
		"larger runs would remove most of it.\n"
		"- re.\\_compile is on 75% of on-CPU time (300 ms), 100% of "
		"it called directly from check (linkcheck.py:17): calling "
		"it less often, or caching its results, would save up to "
		"that.\n"
		"\n## Top functions\n",
		"\n## Top waits\n",
		"\n## I/O\n\nFiles, by time in their open, read and write "
		"syscalls (blocked: the part off the CPU); ×N: opened N "
		"times.\n\n"
		"| file | opens | reads | read | writes | written | time | "
		"blocked | opened from |\n"
		"|---|--:|--:|--:|--:|--:|--:|--:|---|\n"
		"| /home/u/pages/p0.html | ×5 | 10 | 39.1 KiB | 0 | — | "
		"30.0 ms | 2.0 ms | `read_file` (linkcheck.py:8) |\n",
		"| /etc/hosts | 1 (2 failed) | 2 | 300 B | 0 | — | 100.0 µs "
		"| — | — |\n"
		"\nEndpoints, by time in connect, send and receive syscalls; "
		"in: the peers of accepted connections.\n\n"
		"| endpoint | proto | conns | requests | max in flight | sent "
		"| received | time | blocked | connected from |\n"
		"|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n"
		"| 127.0.0.1:8080 | tcp | 42 | 42 | 1 | 4.9 KiB | 820.3 KiB "
		"| 3.52 s | 3.40 s | `check` (linkcheck.py:17) |\n"
		"\nRequests in flight, by process:\n\n"
		"- pid 100 (python3): 42 requests, at most 1 in flight (avg "
		"1.0 while busy), busy 90.0% of wall.\n"
		"\nPrograms run, by wall time from exec to exit.\n\n"
		"| program | runs | wall | mean | spawned from |\n"
		"|---|--:|--:|--:|---|\n"
		"| /usr/bin/git | 12 | 600.0 ms | 50.0 ms | `check` "
		"(linkcheck.py:17) |\n",
		"\n## Data quality\n",
		"- Off-CPU traced: yes",
		"- I/O events lost: 3 (ring buffer or BPF map full); file, "
		"endpoint and program figures are low.\n",
		"\nomitted: nothing\n",
	};
	struct profile *p = io_profile();
	char *md = render_md(p);

	(void)state;
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_lacks(md, "not traced");
	free(md);

	/* Blocked time unknown; rows cut by top, and said so. */
	p->io.blocked_known = false;
	md = render(p, FORMAT_MD, 2, 0);
	assert_contains(md, "| 30.0 ms | – | `read_file` (linkcheck.py:8) "
			"|\n");
	assert_contains(md, "| 3.52 s | – | `check` (linkcheck.py:17) |\n");
	assert_lacks(md, "p2.html");
	assert_contains(last_line(md), "omitted: 1 hints; ");
	assert_contains(last_line(md), "; 3 files (48.3% of file time)");
	free(md);
	fx_free(p);
}

/*
 * Hundreds of files, endpoints, processes with requests and programs
 * under a 1000-token budget: cut from the bottom, and all of it said.
 */
static void test_md_budget_io(void **state)
{
	struct profile *p = io_profile();
	struct io_endpoint *e;
	char name[96];
	int i;

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/var/lib/app/cache/shard-%03d/"
			 "entry-with-a-long-name.json", i);
		fx_io_file(p, name, 2, 1000, IO_NO_SITE);
		snprintf(name, sizeof(name), "10.0.%d.%d:443", i / 200,
			 i % 200);
		e = fx_io_endpoint(p, name, "tcp", IO_NO_SITE);
		e->requests = 1;
		fx_io_proc(p, 1000 + i, 1, 1000, 1000, 1);
		snprintf(name, sizeof(name), "/usr/bin/tool-%03d", i);
		fx_io_spawn(p, name, 1, 1000, IO_NO_SITE);
	}
	for (i = 0; i < 2; i++) {
		char *md = render(p, FORMAT_MD, 500, i ? 0 : 1000);
		const char *last = last_line(md);

		assert_true(strlen(md) <= (i ? 16000 : 4000));
		assert_contains(md, "## Data quality");
		assert_contains(last, " files (");
		assert_contains(last, " endpoints");
		assert_contains(last, " process request lines");
		assert_contains(last, " programs run");
		free(md);
	}
	fx_free(p);
}

/* No hint, no I/O: neither section; a note only when waits show I/O. */
static void test_md_no_hints_no_io(void **state)
{
	struct profile *p = fx_profile_70_30();
	struct profile *waits = client_profile(100, 1000000000ull);
	char *md;

	(void)state;
	md = render_md(p);
	assert_lacks(md, "## Hints");
	assert_lacks(md, "## I/O");
	assert_lacks(md, "I/O");
	free(md);
	md = render_md(waits);
	assert_lacks(md, "## I/O");
	assert_contains(md, "- I/O syscalls not traced: the files, "
			"endpoints and programs behind the waits are "
			"unknown.\n");
	free(md);
	/* Traced, and nothing found: nothing to say. */
	waits->io.traced = true;
	md = render_md(waits);
	assert_lacks(md, "I/O");
	free(md);
	fx_free(p);
	fx_free(waits);
}

/* The heading goes with the first table shown; names are escaped. */
static void test_md_io_spawns_only(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0];
	char *md;

	(void)state;
	fx_io_spawn(p, "/opt/a|b <c>", 30, 6000 * MS, FX_IO_SITE(p, 100, m));
	md = render_md(p);
	assert_contains(md, "\n## Hints\n\n- /opt/a\\|b \\<c\\> ran 30 "
			"times (200 ms on average, 6.00 s in all = 57% of "
			"wall time), spawned from main (hot.c:40): doing the "
			"work");
	assert_contains(md, "\n## I/O\n\nPrograms run, by wall time from "
			"exec to exit.\n\n| program | runs |");
	assert_contains(md, "| /opt/a\\|b <c> | 30 | 6.00 s | 200.0 ms | "
			"`main` (hot.c:40) |\n");
	assert_lacks(md, "Files, by time");
	free(md);
	fx_free(p);
}

/* With --top 1 the by-time table shows the slow file; the cheap file
 * opened again and again gets the second table; one opened as often as
 * the shown ones does not. */
static void test_md_io_reopened_files(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *md;

	(void)state;
	fx_io_file(p, "/data/big.bin", 2, 900 * MS, IO_NO_SITE);
	fx_io_file(p, "/data/once.txt", 1, 5 * MS, IO_NO_SITE);
	fx_io_file(p, "/data/twice.txt", 2, 4 * MS, IO_NO_SITE);
	fx_io_file(p, "/data/conf.ini", 300, 3 * MS, IO_NO_SITE);
	md = render(p, FORMAT_MD, 1, 0);
	assert_contains(md, "| /data/big.bin | ×2 |");
	assert_contains(md, "\nFiles opened more often than any above, by "
			"opens.\n\n| file | opens | time | opened from |\n"
			"|---|--:|--:|---|\n"
			"| /data/conf.ini | ×300 | 3.0 ms | — |\n");
	assert_lacks(md, "twice.txt");
	assert_contains(md, "omitted: ");
	assert_contains(md, "2 files (");
	free(md);
	fx_free(p);
}

static void test_json_io_and_hints(void **state)
{
	struct profile *p = io_profile();
	char *json;

	(void)state;
	json = render(p, FORMAT_JSON, 1, 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"traced\"] is True and "
		"d[\"io\"][\"blocked_known\"] is True and "
		"len(d[\"io\"][\"files\"]) == 5 and "
		"d[\"quality\"][\"io_dropped\"] == 3"), 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"files\"][0] == {\"path\": "
		"\"/home/u/pages/p0.html\", \"opens\": 5, "
		"\"failed_opens\": 0, \"reads\": 10, \"read_bytes\": 40000, "
		"\"writes\": 0, \"write_bytes\": 0, \"time_ns\": 30000000, "
		"\"blocked_ns\": 2000000, \"opened_from\": {\"name\": "
		"\"read_file\", \"file\": \"/home/u/linkcheck.py\", "
		"\"line\": 8}, \"opened_from_count\": 5, \"repeated\": True}"
		" and d[\"io\"][\"files\"][4][\"opened_from\"] is None and "
		"d[\"io\"][\"files\"][4][\"repeated\"] is False"), 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"endpoints\"] == [{\"endpoint\": "
		"\"127.0.0.1:8080\", \"protocol\": \"tcp\", "
		"\"inbound\": False, \"connections\": 42, \"sends\": 42, "
		"\"receives\": 84, \"bytes_sent\": 5040, "
		"\"bytes_received\": 840000, \"connect_ns\": 20000000, "
		"\"send_ns\": 5000000, \"recv_ns\": 3500000000, "
		"\"blocked_ns\": 3400000000, \"requests\": 42, "
		"\"request_ns\": 3600000000, \"max_in_flight\": 1, "
		"\"connected_from\": {\"name\": \"check\", \"file\": "
		"\"/home/u/linkcheck.py\", \"line\": 17}}]"), 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"concurrency\"] == [{\"pid\": 100, "
		"\"comm\": \"python3\", \"requests\": 42, "
		"\"request_ns\": 3600000000, \"busy_ns\": 3600000000, "
		"\"max_in_flight\": 1, \"avg_in_flight\": 1.0}] and "
		"d[\"io\"][\"spawns\"] == [{\"program\": \"/usr/bin/git\", "
		"\"count\": 12, \"wall_ns\": 600000000, "
		"\"mean_ns\": 50000000, \"spawned_from\": {\"name\": "
		"\"check\", \"file\": \"/home/u/linkcheck.py\", "
		"\"line\": 17}, \"spawned_from_count\": 12}]"), 0);
	assert_int_equal(json_check(json,
		"[h[\"rule\"] for h in d[\"hints\"]] == [\"serial_network\", "
		"\"spawns\", \"hot_library_function\"] and "
		"d[\"hints\"][0][\"text\"].startswith(\"90% of wall time\") "
		"and {k: d[\"hints\"][0][k] for k in (\"pid\", \"requests\", "
		"\"mean_request_ns\", \"busy_ns\", \"busy_pct\", "
		"\"max_in_flight\", \"endpoint\", \"location\", "
		"\"at_a_time\", \"speedup\")} == {\"pid\": 100, "
		"\"requests\": 42, \"mean_request_ns\": 85714285, "
		"\"busy_ns\": 3600000000, \"busy_pct\": 90.0, "
		"\"max_in_flight\": 1, \"endpoint\": \"127.0.0.1:8080\", "
		"\"location\": \"check (linkcheck.py:17)\", "
		"\"at_a_time\": 8, \"speedup\": 4.71}"), 0);
	free(json);

	/* Unknown blocked time and an idle process are null. */
	p->io.blocked_known = false;
	p->io.procs[0].busy_ns = 0;
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"all(f[\"blocked_ns\"] is None for f in d[\"io\"][\"files\"]"
		" + d[\"io\"][\"endpoints\"]) and "
		"d[\"io\"][\"concurrency\"][0][\"avg_in_flight\"] is None"),
		0);
	free(json);
	fx_free(p);

	/* Nothing traced: all there, and empty. */
	p = fx_profile_70_30();
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"hints\"] == [] and d[\"io\"] == {\"traced\": False, "
		"\"blocked_known\": False, \"files\": [], \"endpoints\": [], "
		"\"concurrency\": [], \"spawns\": []} and "
		"d[\"quality\"][\"io_dropped\"] == 0"), 0);
	free(json);
	fx_free(p);
}

/* Strings from the traced program stay valid JSON in rows and hints. */
static void test_json_io_escaping(void **state)
{
	struct profile *p = fx_profile_70_30();
	struct io_endpoint *e;
	char *json;

	(void)state;
	fx_io_spawn(p, "/tmp/we\"ird\n\xff", 10, 2000 * MS, IO_NO_SITE);
	e = fx_io_endpoint(p, "/run/a\\b.sock", "unix", IO_NO_SITE);
	memcpy(e->proto, "12345678", sizeof(e->proto));
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"spawns\"][0][\"program\"] == "
		"\"/tmp/we\\\"ird\\n\\ufffd\" and "
		"d[\"hints\"][0][\"program\"] == "
		"d[\"io\"][\"spawns\"][0][\"program\"] and "
		"d[\"hints\"][0][\"text\"].startswith(\"/tmp/we\\\"ird\\n\") "
		"and d[\"hints\"][0][\"location\"] is None and "
		"d[\"io\"][\"endpoints\"][0][\"endpoint\"] == "
		"\"/run/a\\\\b.sock\" and "
		"d[\"io\"][\"endpoints\"][0][\"protocol\"] == \"12345678\" and "
		"d[\"io\"][\"endpoints\"][0][\"connected_from\"] is None"), 0);
	free(json);
	fx_free(p);
}

static void test_folded_waits(void **state)
{
	struct profile *p = client_profile(100, 1000000000ull);
	uint32_t m = p->stacks[0].frames[0], sl;
	char *folded;

	(void)state;
	sl = fx_frame(p, "nanosleep", "libc.so.6", CLASS_RUNTIME);
	fx_thread(p, 100, 101, "client");
	FX_WAIT(p, 100, 100, 1, WAIT_SLEEP, 3000000ull, NULL, m, sl);
	FX_WAIT(p, 100, 101, 1, WAIT_SLEEP, 3000000ull, NULL, m, sl);
	FX_WAIT(p, 100, 100, 1, WAIT_DISK, 4999999ull, "read data.bin", m, sl);
	folded = render(p, FORMAT_FOLDED, 0, 0);
	assert_string_equal(folded,
		"client;[wait:network] 1\n"
		"client;main;fetch_one;recv;tcp_recvmsg_[k];[wait:network] 99\n"
		"client;main;nanosleep;[wait:sleep] 1\n"
		"client;main;parse 100\n");
	free(folded);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_md_70_30),
		cmocka_unit_test(test_md_cpu_sampled_and_threads),
		cmocka_unit_test(test_md_uncertainty),
		cmocka_unit_test(test_md_quality_warnings),
		cmocka_unit_test(test_md_no_samples),
		cmocka_unit_test(test_md_budget),
		cmocka_unit_test(test_md_budget_waits),
		cmocka_unit_test(test_output_deterministic),
		cmocka_unit_test(test_json_valid_with_keys),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_md_wall_time),
		cmocka_unit_test(test_md_verdict_names_wait),
		cmocka_unit_test(test_md_threads_wall_time),
		cmocka_unit_test(test_json_wall_time),
		cmocka_unit_test(test_folded_waits),
		cmocka_unit_test(test_md_hot_lines),
		cmocka_unit_test(test_json_hot_lines),
		cmocka_unit_test(test_hot_line_binary_source),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_md_hints_and_io),
		cmocka_unit_test(test_md_budget_io),
		cmocka_unit_test(test_md_no_hints_no_io),
		cmocka_unit_test(test_md_io_spawns_only),
		cmocka_unit_test(test_md_io_reopened_files),
		cmocka_unit_test(test_json_io_and_hints),
		cmocka_unit_test(test_json_io_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
