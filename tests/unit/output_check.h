/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of a writer's output: text that must (not) be there, in order,
 * and JSON that python3 must parse and find a claim true of.
 */
#ifndef WHYSLOW_TEST_OUTPUT_CHECK_H
#define WHYSLOW_TEST_OUTPUT_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "report/report.h"

/* What report_write writes of p with opts; malloc'd.  Not inlined: GCC 12
 * then takes the memstream's buffer for a dangling local (a false
 * -Wdangling-pointer). */
static __attribute__((noinline, unused)) char *report_text(const struct profile *p,
				const struct report_opts *opts)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(report_write(f, p, opts), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* What report_write_diff writes; malloc'd. */
static __attribute__((noinline, unused)) char *diff_text(const struct profile *before,
			      const struct profile *after,
			      const struct report_opts *opts)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(report_write_diff(f, before, after, opts), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Each of want[] occurs in text, in this order. */
static inline void assert_in_order(const char *text,
				   const char *const *want, size_t n)
{
	const char *at = text, *found;
	size_t i;

	for (i = 0; i < n; i++) {
		found = strstr(at, want[i]);
		if (!found)
			fail_msg("missing, or out of order: \"%s\" in\n%s",
				 want[i], text);
		at = found + strlen(want[i]);
	}
}

static inline void assert_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\" in\n%s", want, text);
}

static inline void assert_lacks(const char *text, const char *unwanted)
{
	if (strstr(text, unwanted))
		fail_msg("unexpected \"%s\" in\n%s", unwanted, text);
}

/*
 * Exit status of python3 running script (no single quotes) on input fed
 * to its stdin, with check as sys.argv[1]: the script reads the input,
 * evaluates check and exits 0 when it holds.
 */
static inline int python_check(const char *script, const char *input,
			       const char *check)
{
	char *cmd;
	FILE *py;
	int status;

	assert_true(asprintf(&cmd, "python3 -c '%s' '%s'", script, check) > 0);
	py = popen(cmd, "w");
	assert_non_null(py);
	fputs(input, py);
	status = pclose(py);
	free(cmd);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The tail of every check script: evaluate, say what failed, exit. */
#define PYTHON_CHECK_EVAL						\
	"ok = eval(sys.argv[1])\n"					\
	"ok or print(\"check failed:\", sys.argv[1], file=sys.stderr)\n"\
	"sys.exit(0 if ok else 1)\n"

/*
 * Exit status of python3 checking json: it must parse, and the Python
 * expression check (no single quotes) must be true of it as d.
 */
static inline int json_check(const char *json, const char *check)
{
	static const char script[] =
		"import json, sys\n"
		"d = json.load(sys.stdin)\n"
		PYTHON_CHECK_EVAL;

	return python_check(script, json, check);
}

#endif
