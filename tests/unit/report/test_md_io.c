// SPDX-License-Identifier: GPL-2.0
/* The Markdown summary's hints and I/O section (report/md_io.c). */
#include "report_fixture.h"

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
		"time up to 4.7×, if the server keeps up: that assumes it "
		"answers 8 at once as fast as one.\n"
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
		"\n## I/O\n\nFiles opened: 5 (21 opens, 2 failed); their "
		"open, read and write syscalls took 114.1 ms, 2.9% of wall "
		"time.\n\nFiles, by time in their open, read and write "
		"syscalls (blocked: the part off the CPU); ×N: opened N "
		"times.\n\n"
		"| file | opens | reads | read | writes | written | time | "
		"blocked | opened from |\n"
		"|---|--:|--:|--:|--:|--:|--:|--:|---|\n"
		"| /home/u/pages/p0.html | ×5 | 10 | 39.1 KiB | 0 | — | "
		"30.0 ms | 2.0 ms | `read_file` (linkcheck.py:8) |\n",
		"| /etc/hosts | 1 (2 failed) | 2 | 300 B | 0 | — | 100.0 µs "
		"| — | — |\n"
		"\nEndpoints, by time making connections (in connect(), and "
		"a non-blocking one's until its first use) and in send and "
		"receive syscalls; in: the peers of accepted connections; "
		"slow: connections a second or more in the making.\n\n"
		"| endpoint | proto | conns | requests | max in flight | sent "
		"| received | time | blocked | connected from |\n"
		"|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n"
		"| 127.0.0.1:8080 | tcp | 42 | 42 | 1 | 4.9 KiB | 820.3 KiB "
		"| 3.52 s | 3.40 s | `check` (linkcheck.py:17) |\n"
		"\nRequests in flight, by process:\n\n"
		"- pid 100 (python3): 42 requests, at most 1 in flight (avg "
		"1.0 while busy), busy 90.0% of wall.\n"
		"\nPrograms run, by wall time from exec to exit; wall: time "
		"with a run going (runs nested in or beside each other "
		"count once), CPU: their processes' own, from fork, at "
		"once: most runs at the same time.\n\n"
		"| program | runs | wall | CPU | mean | at once | spawned "
		"from |\n"
		"|---|--:|--:|--:|--:|--:|---|\n"
		"| /usr/bin/git | 12 | 600.0 ms | — | 50.0 ms | — | `check` "
		"(linkcheck.py:17) |\n",
		"\n## Data quality\n",
		"- Processes not traced: 2 children of traced processes "
		"(whyslow's map of them full); their time is missing.\n",
		"- Tracing runs skipped by the kernel: 5 (a BPF program "
		"already running on that CPU); waits, samples or children may "
		"be missing.\n",
		"- Waits whose end the kernel did not report: 4 (its "
		"tracepoints run no BPF program while some tasks are "
		"current); each ends where its thread's CPU time says, "
		"without its kernel stack.\n",
		"- Off-CPU traced: yes",
		"- I/O events lost: 3 (ring buffer or BPF map full, or untimed "
		"reads and writes on a descriptor another thread closed); "
		"file, endpoint and program figures are low.\n",
		"\nomitted: nothing\n",
	};
	struct profile *p = io_profile();
	char *md = render_md(p);

	(void)state;
	assert_in_order(md, sections, sizeof(sections) / sizeof(sections[0]));
	assert_lacks(md, "I/O syscalls not traced");
	free(md);

	/* Untimed calls: said from 1,000, with the rate they were timed at */
	p->quality.io_untimed = 999;
	p->quality.io_timed_every = 8;
	md = render_md(p);
	assert_lacks(md, "timed 1 in");
	free(md);
	p->quality.io_untimed = 875002;
	md = render_md(p);
	assert_contains(md, "- Reads and writes a thread repeats on one "
			"descriptor are timed 1 in 8: 875,002 were not, their "
			"on-CPU time taken from the thread's last timed call "
			"there (counts, bytes and off-CPU time are exact).\n");
	free(md);
	p->quality.io_untimed = 0;

	/* Blocked time unknown; rows cut by top, and said so. */
	p->io.blocked_known = false;
	md = render(p, FORMAT_MD, 2, 0);
	assert_contains(md, "| 30.0 ms | – | `read_file` (linkcheck.py:8) "
			"|\n");
	assert_contains(md, "| 3.52 s | – | `check` (linkcheck.py:17) |\n");
	assert_lacks(md, "p2.html");
	assert_lacks(md, " slow)");
	assert_contains(last_line(md), "omitted: 1 hints; ");
	assert_contains(last_line(md), "; 3 files (48.3% of file time)");
	free(md);

	/* connections that waited for their SYN's retransmission */
	p->io.endpoints[0].slow_connects = 3;
	md = render_md(p);
	assert_contains(md, "| 127.0.0.1:8080 | tcp | 42 (3 slow) | 42 | 1 |");
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
			"exec to exit; wall: ");
	assert_contains(md, "| /opt/a\\|b <c> | 30 | 6.00 s | — | 200.0 ms "
			"| — | `main` (hot.c:40) |\n");
	free(md);

	/* Known: the wall is the runs' union, with their CPU and most at
	 * once; the hint's share is of the union, so never over 100%. */
	p->io.spawns[0].union_ns = 4000 * MS;
	p->io.spawns[0].cpu_ns = 300 * MS;
	p->io.spawns[0].max_parallel = 3;
	md = render_md(p);
	assert_contains(md, "| /opt/a\\|b <c> | 30 | 4.00 s | 300.0 ms | "
			"200.0 ms | 3 | `main` (hot.c:40) |\n");
	assert_contains(md, "200 ms on average, 6.00 s in all; 4.00 s = 38% "
			"of wall time with runs nested in or beside each "
			"other counted once), spawned from");
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

/*
 * 40 files that end alike under long directories: each row its own name,
 * the longest tail that fits the cell's 96 bytes; a file whose path fits
 * shows whole.
 */
static void test_md_io_distinct_paths(void **state)
{
	static const char dir[] = "/home/someone/src/a-rather-long-project-"
				  "name/build/x86_64-linux-gnu/third_party";
	struct profile *p = fx_profile_70_30();
	char path[256], *md;
	int i;

	(void)state;
	for (i = 1; i <= 40; i++) {
		snprintf(path, sizeof(path), "%s/%d/include/prov/der_ecx.h",
			 dir, i);
		fx_io_file(p, path, 1, (100 - i) * MS, IO_NO_SITE);
	}
	fx_io_file(p, "/etc/hosts", 3, 1 * MS, IO_NO_SITE);
	md = render(p, FORMAT_MD, 50, 0);
	for (i = 1; i <= 40; i++) {
		/* "/home/someone" left out: 13 bytes for the 4 of "…/" */
		snprintf(path, sizeof(path), "\n| …%s/%d/include/prov/"
			 "der_ecx.h | 1 |", dir + strlen("/home/someone"), i);
		assert_contains(md, path);
	}
	assert_contains(md, "\n| /etc/hosts | ×3 |");
	free(md);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_hints_and_io),
		cmocka_unit_test(test_md_budget_io),
		cmocka_unit_test(test_md_no_hints_no_io),
		cmocka_unit_test(test_md_io_spawns_only),
		cmocka_unit_test(test_md_io_reopened_files),
		cmocka_unit_test(test_md_io_distinct_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
