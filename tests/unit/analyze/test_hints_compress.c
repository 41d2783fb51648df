// SPDX-License-Identifier: GPL-2.0
/* The compressor hint rule (analyze/hints_compress.c), on hand-built
 * profiles. */
#include "hints_check.h"

/* What the compressor's process ran: its name as exec'd, its command
 * line, its CPU (ms, in its main thread; with a second thread's too when
 * two_threads), its time on the critical path (ms), and whether tar ran
 * it through sh. */
struct codec_case {
	const char *name, *args;
	uint64_t cpu_ms, path_ms;
	bool two_threads, under_tar;
	uint32_t n_cpus;
	uint64_t wall_ms;	/* 0: 1 s */
};

static void add_program(struct profile *p, const char *name, uint32_t pid,
			uint64_t ns)
{
	struct critical_program *cp;

	p->critical.programs = fx_grow(p->critical.programs,
				       p->critical.n_programs, sizeof(*cp));
	cp = &p->critical.programs[p->critical.n_programs++];
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup(name);
	cp->pids = fx_grow(NULL, 0, sizeof(*cp->pids));
	cp->pids[0] = pid;
	cp->n_pids = 1;
	cp->ns = ns;
}

/* tar (pid 1) ran sh (2) ran the compressor (3) when under_tar, else the
 * compressor is the command (pid 3, no parent); xz's frames call
 * liblzma's lzma_code, as Debian's do.  Wall 1 s. */
static struct profile *codec_profile(const struct codec_case *c)
{
	struct profile *p = fx_new(c->args);
	uint32_t main_f, work, tar_f;

	if (c->under_tar) {
		fx_proc(p, 1, 0, "tar", "/usr/bin/tar");
		fx_proc(p, 2, 1, "sh", "/usr/bin/dash");
	}
	fx_proc(p, 3, c->under_tar ? 2 : 0, c->name, "/usr/bin/compressor");
	p->procs[p->n_procs - 1].args = fx_strdup(c->args);
	main_f = fx_frame(p, "[compressor+0x40]", c->name, CLASS_APP);
	work = fx_frame(p, "lzma_code", "liblzma.so.5.4.1", CLASS_LIBRARY);
	FX_STACK(p, 3, 3, c->cpu_ms / 10, main_f, work);
	if (c->two_threads) {
		fx_thread(p, 3, 4, c->name);
		FX_STACK(p, 3, 4, c->cpu_ms / 10, main_f, work);
	}
	add_program(p, c->name, 3, c->path_ms * MS);
	if (c->under_tar) {
		tar_f = fx_frame(p, "main", "tar", CLASS_APP);
		FX_STACK(p, 1, 1, (1000 - c->path_ms) / 10, tar_f);
		add_program(p, "tar", 1, (1000 - c->path_ms) * MS);
	}
	p->critical.ns = p->wall_ns = c->wall_ms ? c->wall_ms * MS : SEC;
	p->n_cpus = c->n_cpus;
	return p;
}

/* tar czf: gzip on one CPU for 78% of the run, pigz to run through tar. */
static void test_compressor_tar_gzip(void **state)
{
	const struct codec_case c = { "gzip", "gzip", 900, 780, false, true,
				      2, 0 };
	struct profile *p = codec_profile(&c);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "compressor");
	assert_str(h, "program", "gzip");
	assert_str(h, "mode", "compress");
	assert_str(h, "advice", "parallel");
	assert_str(h, "launcher", "tar");
	assert_uint(h, "critical_path_ns", 780 * MS);
	assert_uint(h, "cpu_ns", 900 * MS);
	assert_real(h, "time_pct", 78);
	assert_non_null(strstr(h->text, "gzip compressed on one CPU for 78% "
			       "of the wall time (780 ms on the critical "
			       "path, 900 ms of CPU, in 1 process): pigz"));
	assert_non_null(strstr(h->text, "this machine's 2 CPUs (with tar: "
			       "tar -I pigz -cf …), or a lower level "
			       "(gzip -1) trades size for time."));
	hinted_free(&agg);
	fx_free(p);
}

/* xz driving liblzma: one hint, the compressor's, not also the library's
 * own work; asked for threads already, only the lower preset. */
static void test_compressor_xz_threads_asked(void **state)
{
	const struct codec_case c = { "xz", "xz -T0 -6 big.tar", 1000, 1000,
				      false, false, 2, 0 };
	struct profile *p = codec_profile(&c);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "compressor");
	assert_str(h, "advice", "lower_level");
	assert_null(strstr(h->text, "xz -T0"));
	assert_non_null(strstr(h->text, ": a lower preset (xz -1 to -3) "
			       "trades size for time."));
	hinted_free(&agg);
	fx_free(p);
}

/* A level already low: no lower one to advise; pigz still, or, asked
 * for threads too (not -T1), no compressor hint at all.  The threads option's count is no
 * level (xz -T0 -9 is at 9); a default level is above the low ones. */
static void test_compressor_level_low(void **state)
{
	static const struct {
		const char *name, *args;
		const char *advice;	/* NULL: no compressor hint */
		bool lower;		/* parallel: a lower level too */
	} cases[] = {
		{ "gzip", "gzip -1", "parallel", false },
		{ "gzip", "gzip -1c big", "parallel", false },
		{ "gzip", "gzip --fast big", "parallel", false },
		{ "gzip", "gzip -2 big", "parallel", true },
		{ "xz", "xz -T0 -2 big", NULL, false },
		{ "xz", "xz -T0 -9 big", "lower_level", false },
		{ "xz", "xz -T0 big", "lower_level", false },
		{ "xz", "xz -3T0 big", NULL, false },
		{ "zstd", "zstd -T0 -1 big", NULL, false },
		{ "zstd", "zstd -T0 -19 big", "lower_level", false },
		/* one thread asked for is none: -T0 advised */
		{ "zstd", "zstd -19 -T1 big", "parallel", true },
		{ "xz", "xz --threads=1 -2 big", "parallel", false },
		{ "xz", "xz -T 1 -2 big", "parallel", false },
		{ "xz", "xz -T 2 -2 big", NULL, false },
		{ "xz", "xz --threads 4 -2 big", NULL, false },
		{ "xz", "xz --threads=12 -2 big", NULL, false },
		{ "xz", "xz -T10 -2 big", NULL, false },
		{ "xz", "xz -2T1 big", "parallel", false },
	};
	struct codec_case c = { NULL, NULL, 1000, 1000, false, false, 2, 0 };
	const struct hint *h;
	struct hinted agg;
	struct profile *p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c.name = cases[i].name;
		c.args = cases[i].args;
		p = codec_profile(&c);
		if (!cases[i].advice) {
			hints_of(p, &agg);
			for (size_t k = 0; k < agg.n_hints; k++)
				assert_string_not_equal(agg.hints[k].rule,
							"compressor");
			hinted_free(&agg);
		} else {
			h = only_hint(p, &agg);
			assert_str(h, "advice", cases[i].advice);
			if (!strcmp(cases[i].advice, "parallel"))
				assert_int_equal(!!strstr(h->text, "lower"),
						 cases[i].lower);
			hinted_free(&agg);
		}
		fx_free(p);
	}
}

/* xargs -P2 gzip: its six runs already went two at a time, 1.8 CPUs on
 * average (900 ms of CPU while at least one ran, 500 ms): no parallel tool
 * to advise, only the lower level, and not "on one CPU". */
static void test_compressor_already_spread(void **state)
{
	const struct codec_case c = { "gzip", "gzip -k f3", 500, 500, false,
				      false, 2, 0 };
	struct profile *p = codec_profile(&c);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	p->io.spawns = fx_grow(NULL, 0, sizeof(*p->io.spawns));
	p->io.spawns[0] = (struct io_spawn){
		.program = fx_strdup("/usr/bin/gzip"), .count = 6,
		.wall_ns = 900 * MS, .union_ns = 500 * MS, .cpu_ns = 900 * MS,
		.site = IO_NO_SITE };
	p->io.n_spawns = 1;
	h = only_hint(p, &agg);
	assert_str(h, "advice", "lower_level");
	assert_null(strstr(h->text, "pigz"));
	assert_null(strstr(h->text, "on one CPU"));
	assert_non_null(strstr(h->text, "gzip compressed for 50% of the wall "
			       "time, already on 1.8 CPUs at once on average "
			       "(500 ms on the critical path, 500 ms of CPU, "
			       "in 1 process): a lower level (gzip -1) "
			       "trades size for time."));
	hinted_free(&agg);
	fx_free(p);
}

/* Decompressing, told by the option or by the name as exec'd. */
static void test_compressor_decompress(void **state)
{
	const struct codec_case gz = { "gzip", "gzip -dc a.gz", 500, 500,
				       false, false, 2, 0 };
	const struct codec_case bz = { "bzcat", "bzcat a.bz2", 500, 500,
				       false, false, 2, 0 };
	struct profile *p = codec_profile(&gz);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_str(h, "mode", "decompress");
	assert_str(h, "advice", "format");
	assert_non_null(strstr(h->text, "gzip decompressed on one CPU"));
	assert_non_null(strstr(h->text, "zstd's decompresses several times "
			       "faster"));
	hinted_free(&agg);
	fx_free(p);
	p = codec_profile(&bz);
	h = only_hint(p, &agg);
	assert_str(h, "mode", "decompress");
	assert_str(h, "advice", "parallel");
	assert_non_null(strstr(h->text, "lbzip2 -d"));
	hinted_free(&agg);
	fx_free(p);
}

/* None: under 20% of the wall time or 100 ms, mostly waiting, in two threads, no
 * advice left on one CPU, a program that is no compressor. */
static void test_compressor_none(void **state)
{
	static const struct codec_case cases[] = {
		{ "gzip", "gzip", 190, 190, false, true, 2, 0 },
		{ "gzip", "gzip -d", 90, 90, false, false, 2, 90 },
		{ "gzip", "gzip", 300, 700, false, true, 2, 0 },
		{ "zstd", "zstd -19 a", 600, 600, true, false, 2, 0 },
		{ "bzip2", "bzip2 a", 900, 900, false, false, 1, 0 },
		{ "gzipper", "gzipper a", 900, 900, false, false, 2, 0 },
	};
	struct profile *p;
	struct hinted agg;
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		p = codec_profile(&cases[i]);
		hints_of(p, &agg);
		for (k = 0; k < agg.n_hints; k++)
			assert_string_not_equal(agg.hints[k].rule,
						"compressor");
		hinted_free(&agg);
		fx_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compressor_tar_gzip),
		cmocka_unit_test(test_compressor_xz_threads_asked),
		cmocka_unit_test(test_compressor_level_low),
		cmocka_unit_test(test_compressor_already_spread),
		cmocka_unit_test(test_compressor_decompress),
		cmocka_unit_test(test_compressor_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
