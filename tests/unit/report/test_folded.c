// SPDX-License-Identifier: GPL-2.0
/* The folded stacks output (report/folded.c). */
#include "report_fixture.h"
#include "pprof/folded_read.h"

static void test_folded(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m, odd, sys, k, cxx;
	struct stack_sample *s;
	char *folded;

	(void)state;
	m = p->stacks[0].frames[0];
	/* Same stack in another thread: merged. */
	fx_thread(p, 100, 101, "io");
	FX_STACK(p, 100, 101, 5, m, p->stacks[0].frames[1]);
	odd = fx_frame(p, "operator; x\ny", "demo", CLASS_APP);
	cxx = fx_frame(p, "std::vector<std::vector<int> >::at(unsigned long, "
		       "int) const", "demo", CLASS_APP);
	FX_STACK(p, 100, 100, 4, m, cxx);
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
		"demo;main;std::vector<std::vector<int>>::at(unsigned_long,int)"
		"_const 4\n"
		"demo;main;write;vfs_write_[k] 3\n");
	free(folded);
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

/* A function repeated in a row is one frame with its count; values and
 * the lines' order stay those of the stacks. */
static void test_folded_recursion(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0], burn = p->stacks[0].frames[1];
	uint32_t ex, ex2, k, f[40], n = 0, i;
	char *folded;

	(void)state;
	ex = fx_frame_at(p, "expand", "demo", CLASS_APP, "demo.c", 3);
	ex2 = fx_frame_at(p, "expand", "demo", CLASS_APP, "demo.c", 9);
	k = fx_frame(p, "walk_component", "[kernel]", CLASS_KERNEL);
	f[n++] = m;
	for (i = 0; i < 36; i++)
		f[n++] = i % 2 ? ex : ex2;	/* lines differ: one function */
	f[n++] = burn;
	fx_stack_n(p, 100, 100, 4, f, n);
	FX_STACK(p, 100, 100, 2, m, ex, burn, ex);	/* not in a row */
	FX_STACK(p, 100, 100, 1, m, m, k, k, k);
	folded = render(p, FORMAT_FOLDED, 0, 0);
	assert_string_equal(folded,
		"demo;main (x2);walk_component (x3)_[k] 1\n"
		"demo;main;burn_a 700\n"
		"demo;main;burn_b 300\n"
		"demo;main;expand (x36);burn_a 4\n"
		"demo;main;expand;burn_a;expand 2\n");
	free(folded);
	fx_free(p);
}

/*
 * Python frames end in their file, as py-spy writes them: a frozen
 * module's keeps its space, so that reading the output back finds
 * importlib (the imports hint); a line read back is the same line.
 */
static void test_folded_python(void **state)
{
	struct profile *p = fx_new("python3 app.py"), *q = NULL;
	uint32_t mod, imp, load, c;
	char *folded, *again, err[256];

	(void)state;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3.11");
	mod = fx_frame_at(p, "<module>", "app.py", CLASS_APP,
			  "/home/u/app.py", 1);
	imp = fx_frame_at(p, "_find_and_load", "<frozen importlib._bootstrap>",
			  CLASS_RUNTIME, "<frozen importlib._bootstrap>", 1178);
	load = fx_frame_at(p, "<module>", "big.py", CLASS_APP,
			   "/home/u/big.py", 3);
	c = fx_frame(p, "PyLong_FromLong", "libpython3.11.so.1.0",
		     CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 5, mod, imp, load, c);
	folded = render(p, FORMAT_FOLDED, 0, 0);
	assert_string_equal(folded,
		"python3;<module> (app.py);_find_and_load (<frozen "
		"importlib._bootstrap>);<module> (big.py);PyLong_FromLong 5\n");
	q = calloc(1, sizeof(*q));
	assert_non_null(q);
	assert_int_equal(folded_read((const uint8_t *)folded, strlen(folded),
				     q, err, sizeof(err)), 0);
	assert_string_equal(q->frames[q->stacks[0].frames[2]].file,
			    "<frozen importlib._bootstrap>");
	again = render(q, FORMAT_FOLDED, 0, 0);
	assert_string_equal(again, folded);
	free(again);
	free(folded);
	fx_free(q);
	fx_free(p);
}

/* A doubled slash after the root the file is cut at leaves it relative,
 * as read back it stays (the fuzzer's "python3.11//x/y.py"). */
static void test_folded_python_slashes(void **state)
{
	struct profile *p = fx_new("python3 app.py");
	uint32_t a, b;
	char *folded;

	(void)state;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3.11");
	a = fx_frame_at(p, "f", "y.py", CLASS_RUNTIME,
			"/usr/lib/python3.11//x/y.py", 3);
	b = fx_frame_at(p, "g", "m.py", CLASS_LIBRARY,
			"/venv/lib/site-packages//pkg/m.py", 4);
	FX_STACK(p, 100, 100, 2, a, b);
	folded = render(p, FORMAT_FOLDED, 0, 0);
	assert_string_equal(folded, "python3;f (x/y.py);g (pkg/m.py) 2\n");
	free(folded);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_folded_waits),
		cmocka_unit_test(test_folded_recursion),
		cmocka_unit_test(test_folded_python),
		cmocka_unit_test(test_folded_python_slashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
