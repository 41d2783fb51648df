// SPDX-License-Identifier: GPL-2.0
/* report/path_short: paths shortened for display, never two alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/path_short.h"

#define MAX	40	/* bytes a display may take, "…/" included */

/* The displays of paths under the plan, checked distinct, each within
 * MAX bytes unless wider is needed; *shown[i] is malloc'd. */
static char **show_all(const char *const *paths, size_t n)
{
	size_t *from = calloc(n + 1, sizeof(*from)), i, j;
	char **shown = calloc(n + 1, sizeof(*shown));

	assert_non_null(from);
	assert_non_null(shown);
	assert_int_equal(path_short_plan(paths, n, MAX, from), 0);
	for (i = 0; i < n; i++) {
		shown[i] = path_short(paths[i], from[i]);
		assert_non_null(shown[i]);
		/* a display is the path or "…/" and a tail of it */
		if (from[i]) {
			assert_true(from[i] < strlen(paths[i]));
			assert_int_equal(paths[i][from[i] - 1], '/');
			assert_string_equal(shown[i] + strlen("…/"),
					    paths[i] + from[i]);
		} else {
			assert_string_equal(shown[i], paths[i]);
		}
		for (j = 0; j < i; j++)
			assert_string_not_equal(shown[i], shown[j]);
	}
	free(from);
	return shown;
}

static void free_all(char **shown, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(shown[i]);
	free(shown);
}

/* Paths that fit show whole, even when others do not. */
static void test_short_paths_whole(void **state)
{
	const char *const paths[] = {
		"/etc/hosts", "/x/y/z/w.h", "w.h", "…/y/z/w.h",
		"/a/very/long/path/that/does/not/fit/in/forty/bytes/w.h",
	};
	char **shown;

	(void)state;
	shown = show_all(paths, 5);
	assert_string_equal(shown[0], "/etc/hosts");
	assert_string_equal(shown[1], "/x/y/z/w.h");
	assert_string_equal(shown[2], "w.h");
	assert_string_equal(shown[3], "…/y/z/w.h");
	/* the longest tail that fits */
	assert_string_equal(shown[4],
			    "…/that/does/not/fit/in/forty/bytes/w.h");
	free_all(shown, 5);
}

/*
 * 40 files sharing their last four components under long, different
 * directories: each shows the component that tells it apart.
 */
static void test_shared_tails(void **state)
{
	const char *paths[40];
	char buf[40][128], want[64];
	char **shown;
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(buf[i], sizeof(buf[i]),
			 "/home/user/src/project/build/third_party/a/%d/x/y/"
			 "z/w.h", i + 1);
		paths[i] = buf[i];
	}
	shown = show_all(paths, 40);
	for (i = 0; i < 40; i++) {
		snprintf(want, sizeof(want),
			 "…/build/third_party/a/%d/x/y/z/w.h", i + 1);
		assert_string_equal(shown[i], want);
	}
	free_all(shown, 40);
}

/* A tail needed to tell two paths apart shows whole even past MAX. */
static void test_distinct_beyond_max(void **state)
{
#define A50	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	const char *const paths[] = {
		"/one/" A50 "/f",
		"/two/" A50 "/f",
		/* a suffix of another: shown whole, not as "…/" */
		"/" A50 "/f",
		/* a cut path, the same components as read */
		"…/" A50 "/f",
	};
	char **shown;

	(void)state;
	shown = show_all(paths, 4);
	assert_string_equal(shown[0], "…/one/" A50 "/f");
	assert_string_equal(shown[1], "…/two/" A50 "/f");
	assert_string_equal(shown[2], paths[2]);
	assert_string_equal(shown[3], paths[3]);
	free_all(shown, 4);
}

/* Random trees of few names: any two displays differ. */
static void test_random_trees(void **state)
{
	static const char *const names[] = {
		"a", "bb", "include", "x", "", "w.h",
	};
	enum { N = 300 };
	const char *paths[N];
	char buf[N][96];
	uint64_t x = 2463534242ull;
	size_t n = 0, i, j, depth, len;
	char **shown;

	(void)state;
	while (n < N) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		depth = 1 + x % 12;
		len = snprintf(buf[n], sizeof(buf[n]), "%s",
			       x >> 60 ? "/" : (x >> 59) & 1 ? "…/" : "");
		for (i = 0; i < depth; i++)
			len += snprintf(buf[n] + len, sizeof(buf[n]) - len,
					"%s%s", i ? "/" : "",
					names[(x >> (4 * i + 8)) % 6]);
		for (j = 0; j < n && strcmp(buf[j], buf[n]); j++)
			;
		if (j == n && buf[n][0]) {
			paths[n] = buf[n];
			n++;
		}
	}
	shown = show_all(paths, N);	/* asserts they differ */
	free_all(shown, N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_paths_whole),
		cmocka_unit_test(test_shared_tails),
		cmocka_unit_test(test_distinct_beyond_max),
		cmocka_unit_test(test_random_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
