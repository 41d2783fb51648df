// SPDX-License-Identifier: GPL-2.0
/*
 * Folded stacks read back (pprof/folded_read.c): whyslow's own output is
 * a fixed point, other tools' frames (py-spy's lines, flamegraph.pl's
 * annotations) keep what they say, and bad input is one sentence naming
 * its line.
 */
#include "report_fixture.h"

#include <errno.h>

#include "pprof/folded_read.h"

static int read_text(const char *text, struct profile *p, char *err,
		     size_t errlen)
{
	return folded_read((const uint8_t *)text, strlen(text), p, err,
			   errlen);
}

static const struct frame *frame_named(const struct profile *p,
				       const char *name)
{
	size_t i;

	for (i = 0; i < p->n_frames; i++)
		if (!strcmp(p->frames[i].name, name))
			return &p->frames[i];
	fail_msg("no frame %s", name);
	return NULL;
}

/* whyslow's folded output, read and written again, is the same text. */
static void test_round_trip(void **state)
{
	struct profile *p = client_profile(100, 1000000000ull);
	struct profile back;
	uint32_t m = p->stacks[0].frames[0], py, ex, k, f[8];
	char *first, *again, err[128];
	struct report_opts o = { .format = FORMAT_FOLDED };

	(void)state;
	py = fx_frame_at(p, "fib", "fib.py", CLASS_APP, "/home/u/fib.py", 3);
	ex = fx_frame_at(p, "<module>", "decoder.py", CLASS_RUNTIME,
			 "/usr/lib/python3.11/json/decoder.py", 1);
	k = fx_frame(p, "do_sys_open", "[kernel]", CLASS_KERNEL);
	f[0] = m;
	f[1] = ex;
	f[2] = f[3] = f[4] = py;
	f[5] = k;
	f[6] = k;
	fx_stack_n(p, 100, 100, 7, f, 7);
	first = render(p, FORMAT_FOLDED, 0, 0);
	assert_non_null(strstr(first, ";<module> (json/decoder.py);"
			       "fib (fib.py) (x3);do_sys_open (x2)_[k] 7\n"));
	assert_int_equal(read_text(first, &back, err, sizeof(err)), 0);
	assert_true(back.foreign);
	assert_int_equal(back.period_ns, FOLDED_PERIOD_NS);
	again = report_text(&back, &o);
	assert_string_equal(again, first);
	/* Python's frames keep their file; a wait leaf is a wait */
	assert_string_equal(frame_named(&back, "fib")->file, "fib.py");
	assert_string_equal(frame_named(&back, "fib")->module, "fib.py");
	assert_int_equal(frame_named(&back, "do_sys_open")->cls,
			 CLASS_KERNEL);
	assert_true(back.quality.offcpu);
	assert_int_equal(back.n_notes, 1);
	assert_non_null(strstr(back.notes[0], "folded stacks"));
	free(first);
	free(again);
	profile_free(&back);
	fx_free(p);
}

/* py-spy's "name (file.py:line)", flamegraph.pl's annotations, CRLF,
 * blank lines, zero counts. */
static void test_other_tools(void **state)
{
	static const char text[] =
		"\n"
		"<module> (app.py:10);work (app.py:4);json.dumps (json/__init__.py:231) 5\r\n"
		"<module> (app.py:10);work (app.py:5) 3\n"
		"perl;main;read_[k];vfs_read_[k] 2\n"
		"perl;jitted_[j];x_[i] 1\n"
		"perl;main 0\n"
		"perl;mod (x1);(weird) name (x) 4";
	struct profile p;
	const struct frame *w;
	char err[128];
	size_t i;

	(void)state;
	assert_int_equal(read_text(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n_stacks, 5);
	assert_int_equal(p.samples, 15);
	assert_int_equal(p.cpu_user_ns, 15 * FOLDED_PERIOD_NS);
	assert_false(p.quality.offcpu);
	w = frame_named(&p, "work");
	assert_string_equal(w->file, "app.py");
	assert_int_equal(w->line, 4);
	assert_string_equal(frame_named(&p, "json.dumps")->module,
			    "__init__.py");
	assert_int_equal(frame_named(&p, "read")->cls, CLASS_KERNEL);
	assert_int_equal(frame_named(&p, "jitted")->cls, CLASS_APP);
	assert_null(frame_named(&p, "jitted")->file);
	assert_non_null(frame_named(&p, "x"));
	/* "(x1)" is a count of one; "(x)" and "(weird)" are names */
	assert_non_null(frame_named(&p, "mod"));
	assert_non_null(frame_named(&p, "(weird) name (x)"));
	for (i = 0; i < p.n_stacks; i++)
		assert_int_equal(p.stacks[i].reason, WAIT_NONE);
	profile_free(&p);
}

static void assert_fails(const char *text, const char *why)
{
	struct profile p;
	char err[160];

	assert_int_equal(read_text(text, &p, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" does not say \"%s\"", err, why);
	profile_free(&p);
}

static void test_bad_input(void **state)
{
	size_t n = FOLDED_LINE_MAX + 10;
	char *long_line = malloc(n + 1);

	(void)state;
	assert_fails("a;b 1\nc;d x\n", "line 2: bad count 'x'");
	assert_fails("a;b -3\n", "line 1: bad count '-3'");
	assert_fails("a;b 1.5\n", "bad count '1.5'");
	assert_fails("a;b 99999999999999999999\n", "line 1: bad count");
	assert_fails("a;b 5000000000\n", "over 2^32 samples");
	assert_fails("a 4000000000\nb 4000000000\nc 4000000000\n"
		     "d 4000000000\ne 4000000000\nf 4000000000\n"
		     "g 4000000000\nh 4000000000\ni 4000000000\n"
		     "j 4000000000\nk 4000000000\nl 4000000000\n"
		     "m 4000000000\nn 4000000000\no 4000000000\n"
		     "p 4000000000\nq 4000000000\nr 4000000000\n",
		     "line 18: more than 2^36 samples in all");
	assert_fails("a;b\n", "line 1: not folded stacks");
	assert_fails(" 12\n", "line 1: no frames");
	assert_fails("a 0\n\n", "no stack with a count above 0");
	assert_fails("a (x60000);b (x6000) 1\n", "deeper than 65536 frames");
	assert_fails("# comment\n", "line 1: bad count 'comment'");
	assert_non_null(long_line);
	memset(long_line, 'a', n);
	memcpy(long_line + n - 2, " 1", 2);
	long_line[n] = '\0';
	assert_fails(long_line, "line 1: longer than 1048576 bytes");
	free(long_line);
}

/* Text is folded stacks; gzip and protobuf bytes are not. */
/* A line of a wait alone, no frame ("[wait:poll] 4": the fuzzer's): a
 * stack of none, that wait's time. */
static void test_wait_only_line(void **state)
{
	struct profile p;
	char err[128];

	(void)state;
	assert_int_equal(read_text("[wait:poll] 4\nmain;work 2\n", &p, err,
				   sizeof(err)), 0);
	assert_int_equal(p.n_stacks, 2);
	assert_int_equal(p.stacks[0].n_frames, 0);
	assert_int_equal(p.stacks[0].reason, WAIT_POLL);
	assert_int_equal(p.stacks[0].ns, 4 * FOLDED_PERIOD_NS);
	assert_int_equal(p.stacks[1].n_frames, 2);
	profile_free(&p);
}

static void test_detect(void **state)
{
	static const uint8_t gz[] = { 0x1f, 0x8b, 8, 0 };
	static const uint8_t pb[] = { 0x0a, 0x04, 0x08, 0x01, 0x10, 0x02 };

	(void)state;
	assert_true(folded_detect((const uint8_t *)"a;b 1\n", 6));
	assert_true(folded_detect((const uint8_t *)"# x\n", 4));
	assert_false(folded_detect(gz, sizeof(gz)));
	assert_false(folded_detect(pb, sizeof(pb)));
	assert_false(folded_detect(pb, 0));
	assert_false(folded_detect((const uint8_t *)"`\xff\xff\xff\xff", 5));
	assert_true(folded_detect((const uint8_t *)"caf\xc3\xa9 1\n", 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_other_tools),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_wait_only_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
