// SPDX-License-Identifier: GPL-2.0
/* The Markdown summary of hand-built profiles (report/md.c). */
#include "report_fixture.h"

#include <unistd.h>

#include "report/md_util.h"

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
	assert_contains(md, "`clear_page_erms` (kernel, [kernel]) called from "
			"`main` (sys) is 60.0%");
	assert_contains(md, "The kernel dominates: 60.0% of samples were taken "
			"in kernel mode (system calls, page faults).");
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

/* whyslow's own cost, in time and share of the CPU time, in Markdown
 * and JSON; the tracing samples are samples taken, not missing ones. */
static void test_md_overhead(void **state)
{
	struct profile *p = fx_new("opens");
	uint32_t m;
	char *md;

	(void)state;
	m = fx_frame(p, "main", "opens", CLASS_APP);
	FX_STACK(p, 1, 1, 75, m);
	p->cpu_user_ns = 600000000;
	p->cpu_sys_ns = 400000000;
	p->quality.cpu_sampled_ns = 1000000000;
	p->quality.tracing_samples = 25;
	p->quality.tracing_ns = 25 * FX_PERIOD_NS;
	p->quality.whyslow_cpu_ns = 500000000;
	md = render_md(p);
	assert_contains(md, "- whyslow's own cost: its tracing code");
	assert_contains(md, "ran 250.0 ms on the traced threads, 25.0% of "
			"the CPU time (25 samples), cut from every stack");
	assert_contains(md, "whyslow's own process used 500.0 ms of CPU, "
			"50.0% as much as the traced programs.");
	assert_lacks(md, "Missing samples");
	/* the functions' shares are of the program's own samples */
	assert_contains(md, "Percentages are of 75 on-CPU samples");
	free(md);
	md = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(md,
		"d[\"quality\"][\"overhead\"] == {\"tracing_samples\": 25, "
		"\"tracing_ns\": 250000000, \"whyslow_cpu_ns\": 500000000} "
		"and d[\"quality\"][\"expected_samples\"] == 100 and "
		"d[\"quality\"][\"missing_samples_pct\"] == 0"), 0);
	free(md);
	/* a profile saved before either was counted says nothing */
	p->quality.tracing_samples = p->quality.tracing_ns = 0;
	p->quality.whyslow_cpu_ns = 0;
	md = render_md(p);
	assert_lacks(md, "own cost");
	free(md);
	fx_free(p);
}

/* record -p of a process blocked since before it began: nothing seen,
 * and the verdict says why rather than a 0% on-CPU. */
static void test_md_attached_blocked(void **state)
{
	struct profile *p = fx_new("-p 4242");
	char *md;

	(void)state;
	fx_proc(p, 4242, 1, "sleep", "/usr/bin/sleep");
	p->quality.offcpu = true;
	md = render_md(p);
	assert_contains(md, "## Verdict\n\nNothing ran or waited in the traced "
			"threads while recording: no sample, and no wait "
			"began. whyslow sees a wait from its start, so a "
			"thread blocked since before the recording began");
	assert_lacks(md, "No samples were recorded");
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

/*
 * The smallest budget (500 tokens) and a Data quality section with much
 * to say (truncated stacks, whyslow's own cost, refused debug info): the
 * verdict and Data quality stay within it, Data quality without its
 * notes on method, which the last line says; a larger budget keeps them.
 */
static void test_md_budget_smallest(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *md;

	(void)state;
	p->stacks[0].truncated = true;
	p->quality.tracing_samples = 3;
	p->quality.tracing_ns = 3 * FX_PERIOD_NS;
	p->quality.whyslow_cpu_ns = 300000000ull;
	p->quality.dwarf_refused = 1;
	p->quality.truncated_copy_end = 700;
	fx_note(p, "pid 7 (python3): CPython 3.9 is not supported; its stacks "
		"are native only, so its Python functions go unnamed, and its "
		"time shows as the interpreter's C code: this line stands for "
		"any such note.");
	md = render(p, FORMAT_MD, 0, 500);
	assert_true(strlen(md) <= 2000);
	assert_contains(md, "## Verdict");
	assert_contains(md, "- Truncated stacks: ");
	assert_lacks(md, "- Uncertainty: ");
	assert_contains(last_line(md), "Data quality's notes on unwinding and "
			"uncertainty");
	free(md);
	md = render(p, FORMAT_MD, 0, 1000);
	assert_contains(md, "- Uncertainty: ");
	assert_lacks(md, "notes on unwinding");
	free(md);
	fx_free(p);
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
		/* waits of threads add up: shares of their time together */
		"Waits are summed over threads, which wait in parallel: "
		"shares are of all threads' time together, 4.20 s, not of "
		"the wall time.\n\n| reason | target | where | time | % of "
		"thread time | waits | average |\n",
		"| lock | — | `main` (client.c:60) | 1.90 s | 45.2% | 1 | "
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

/* The C++ name of std::sort's loop over a vector<int>, as demangled. */
#define INTROSORT "void std::__introsort_loop<__gnu_cxx::__normal_iterator<" \
	"int*, std::vector<int, std::allocator<int> > >, long, __gnu_cxx::" \
	"__ops::_Iter_less_iter>(__gnu_cxx::__normal_iterator<int*, std::" \
	"vector<int, std::allocator<int> > >, __gnu_cxx::__normal_iterator<" \
	"int*, std::vector<int, std::allocator<int> > >, long, __gnu_cxx::" \
	"__ops::_Iter_less_iter)"

static void expect_name(const char *name, size_t max, const char *want)
{
	char out[CLEAN_SIZE(400)];

	md_name(out, name, max, false);
	assert_string_equal(out, want);
	assert_true(strlen(want) <= max + strlen("…"));
}

/* Long C++ names lose template arguments first, deepest first, then
 * parameters, before they are cut; short ones stay whole. */
static void test_md_names(void **state)
{
	(void)state;
	expect_name("geo::Index<int>::rebuild(int)", 96,
		    "geo::Index<int>::rebuild(int)");
	expect_name(INTROSORT, 200,
		    "void std::__introsort_loop<__gnu_cxx::__normal_iterator<"
		    "int*, std::vector<int, std::allocator<…> > >, long, "
		    "__gnu_cxx::__ops::_Iter_less_iter>(…)");
	expect_name(INTROSORT, 96, "void std::__introsort_loop<…>(…)");
	expect_name("std::map<std::string, std::vector<int> >::find(int) const",
		    40, "std::map<…>::find(int) const");
	/* operators are no brackets; (anonymous namespace) stays */
	expect_name("std::basic_ostream<char, std::char_traits<char> >& "
		    "std::operator<< <std::char_traits<char> >(std::basic_"
		    "ostream<char, std::char_traits<char> >&, char const*)", 90,
		    "std::basic_ostream<…>& std::operator<< <…>(std::basic_"
		    "ostream<…>&, char const*)");
	expect_name("(anonymous namespace)::Pool<Big<Big<int> > >::operator->()",
		    50, "(anonymous namespace)::Pool<…>::operator->()");
	/* a call path keeps its folds' counts */
	expect_name("main → …(5)… → f<a<b<c<d> > > >(std::pair<int, int>)",
		    40, "main → …(5)… → f<a<…> >(…)");
	expect_name("main → g<a<b<c> > >(int) (×36) → f<a<b<c<d> > > >(long)",
		    43, "main → g<…>(…) (×36) → f<…>(…)");
	/* unbalanced brackets from a hostile binary: cut, no crash */
	expect_name("a<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<b>(x)>>>>>>>>>>>>>>>>>>>>>"
		    ">>>>>>>>>>>>>>>>>>>>>>", 10, "a<…>>>>>…");
}

/*
 * tar recorded with -p (no critical path): 80% of its samples in the
 * kernel, reading, writing and faulting pages in.  The verdict's kernel
 * sentence says in which system calls, as shares of the on-CPU time.
 */
static void test_kernel_split_no_path(void **state)
{
	struct profile *p = fx_new("-p 1");
	uint32_t m, rd, wr, ms, entry, dsc, ksr, xw, ksw, apf, epf;
	char *md;

	(void)state;
	fx_proc(p, 1, 0, "tar", "/usr/bin/tar");
	m = fx_frame(p, "main", "tar", CLASS_APP);
	rd = fx_frame(p, "read", "libc.so.6", CLASS_RUNTIME);
	wr = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	ms = fx_frame(p, "memset", "libc.so.6", CLASS_RUNTIME);
	entry = fx_frame(p, "entry_SYSCALL_64_after_hwframe", "[kernel]",
			 CLASS_KERNEL);
	dsc = fx_frame(p, "do_syscall_64", "[kernel]", CLASS_KERNEL);
	ksr = fx_frame(p, "ksys_read", "[kernel]", CLASS_KERNEL);
	xw = fx_frame(p, "__x64_sys_write", "[kernel]", CLASS_KERNEL);
	ksw = fx_frame(p, "ksys_write", "[kernel]", CLASS_KERNEL);
	apf = fx_frame(p, "asm_exc_page_fault", "[kernel]", CLASS_KERNEL);
	epf = fx_frame(p, "exc_page_fault", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 1, 1, 40, m, rd, entry, dsc, ksr)->kernel_mode = true;
	FX_STACK(p, 1, 1, 30, m, wr, entry, dsc, xw, ksw)->kernel_mode = true;
	FX_STACK(p, 1, 1, 10, m, ms, apf, epf)->kernel_mode = true;
	FX_STACK(p, 1, 1, 20, m);
	p->wall_ns = 100 * FX_PERIOD_NS;
	md = render_md(p);
	assert_contains(md, "The kernel dominates: 80.0% of samples were taken "
			"in kernel mode: system calls `read` 40.0%, `write` "
			"30.0%; page faults 10.0%.");
	free(md);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_split_no_path),
		cmocka_unit_test(test_md_70_30),
		cmocka_unit_test(test_md_cpu_sampled_and_threads),
		cmocka_unit_test(test_md_uncertainty),
		cmocka_unit_test(test_md_quality_warnings),
		cmocka_unit_test(test_md_overhead),
		cmocka_unit_test(test_md_no_samples),
		cmocka_unit_test(test_md_attached_blocked),
		cmocka_unit_test(test_md_budget),
		cmocka_unit_test(test_md_budget_waits),
		cmocka_unit_test(test_md_budget_smallest),
		cmocka_unit_test(test_md_wall_time),
		cmocka_unit_test(test_md_verdict_names_wait),
		cmocka_unit_test(test_md_threads_wall_time),
		cmocka_unit_test(test_md_hot_lines),
		cmocka_unit_test(test_md_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
