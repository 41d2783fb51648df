// SPDX-License-Identifier: GPL-2.0
/* lib/util.h and lib/log.h: comparisons safe for 64-bit values, shares,
 * path components, UTF-8 boundaries, and the "whyslow: " messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "lib/util.h"

static void test_array_size(void **state)
{
	static const int five[5];
	char name[16];

	(void)state;
	(void)five;
	assert_int_equal(ARRAY_SIZE(five), 5);
	assert_int_equal(ARRAY_SIZE(name), 16);
}

/* a - b as an int gets these wrong: the sign of a 64-bit difference is
 * lost in the cast. */
static void test_cmp_u64(void **state)
{
	uint64_t big = UINT64_MAX, one = 1, zero = 0;
	uint64_t far = 1ull << 32;

	(void)state;
	assert_int_equal(CMP(big, one), 1);
	assert_int_equal(CMP(one, big), -1);
	assert_int_equal(CMP(big, big), 0);
	assert_int_equal(CMP(far, zero), 1);
	assert_int_equal(CMP(zero, far), -1);
	assert_int_equal(CMP(-5, 3), -1);
	assert_int_equal(CMP(2.5, 2.5), 0);
}

static void test_pct_of(void **state)
{
	(void)state;
	assert_true(pct_of(1, 4) == 25.0);
	assert_true(pct_of(7, 0) == 0.0);
	assert_true(pct_of(UINT64_MAX, UINT64_MAX) == 100.0);
}

static void test_path_basename(void **state)
{
	(void)state;
	assert_string_equal(path_basename("/src/amalg.py"), "amalg.py");
	assert_string_equal(path_basename("amalg.py"), "amalg.py");
	assert_string_equal(path_basename("/usr/lib/"), "");
	assert_string_equal(path_basename(""), "");
}

static void test_utf8_continuation(void **state)
{
	const unsigned char e_acute[] = "\xc3\xa9";

	(void)state;
	assert_false(utf8_continuation('a'));
	assert_false(utf8_continuation(e_acute[0]));
	assert_true(utf8_continuation(e_acute[1]));
	assert_false(utf8_continuation(0xff));
}

static void test_utf8_len(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "a", 1 }, { "", 1 },
		{ "\xc3\xa9", 2 },		/* é */
		{ "\xe2\x82\xac", 3 },	/* € */
		{ "\xf0\x9f\x98\x80", 4 },	/* U+1F600 */
		{ "\xc0\xaf", 0 },		/* overlong "/" */
		{ "\xe0\x80\xaf", 0 },	/* overlong, 3 bytes */
		{ "\xed\xa0\x80", 0 },	/* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
		{ "\xc3", 0 },		/* cut at the NUL */
		{ "\x80", 0 },		/* a continuation first */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(utf8_len((const unsigned char *)cases[i].s),
				 cases[i].len);
}

/* What the pr_* calls of fn write to stderr, in buf. */
static void capture_stderr(void (*fn)(void), char *buf, size_t size)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void say_all(void)
{
	pr_err("cannot write %s: %s\n", "x.md", "No space left on device");
	pr_warn("-F %u is above the kernel's limit\n", 5000u);
	pr_debug("only with -v\n");
}

static void test_log(void **state)
{
	char buf[512];

	(void)state;
	log_verbose = false;
	capture_stderr(say_all, buf, sizeof(buf));
	assert_string_equal(buf,
		"whyslow: cannot write x.md: No space left on device\n"
		"whyslow: -F 5000 is above the kernel's limit\n");
	log_verbose = true;
	capture_stderr(say_all, buf, sizeof(buf));
	assert_string_equal(buf,
		"whyslow: cannot write x.md: No space left on device\n"
		"whyslow: -F 5000 is above the kernel's limit\n"
		"whyslow: only with -v\n");
	log_verbose = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_size),
		cmocka_unit_test(test_cmp_u64),
		cmocka_unit_test(test_pct_of),
		cmocka_unit_test(test_path_basename),
		cmocka_unit_test(test_utf8_continuation),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
