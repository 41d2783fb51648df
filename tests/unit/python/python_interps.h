/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPythons the tests run on: each one's interpreter, the file
 * defining _PyRuntime and what detection must find; found and detected
 * in a group setup, with a scratch directory for copies of them.
 */
#ifndef WHYSLOW_PYTHON_INTERPS_H
#define WHYSLOW_PYTHON_INTERPS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "python/detect.h"
#include "tmpdir.h"

#define PYENV		"/root/.pyenv/versions/"

/* One CPython to test: the interpreter to run, the file defining
 * _PyRuntime (the executable when linked statically), and what
 * detection must find. */
struct interp {
	const char *label;
	const char *exe;
	const char *runtime_file;
	int minor;
	int micro;		/* -1: not checked */
	bool present;
	int detect_err;
	struct python_info info;
	char runtime_real[PATH_MAX];
	struct truth *truth;
};

#define INTERP(lbl, ex, rt, mi, mc) \
	{ .label = lbl, .exe = ex, .runtime_file = rt, .minor = mi, .micro = mc }

/* Debian's python3.11 is linked statically: its executable is the
 * runtime; its micro version follows the distribution's updates. */
static struct interp interps[] = {
	INTERP("3.11 (Debian)", "/usr/bin/python3.11", "/usr/bin/python3.11",
	       11, -1),
	INTERP("3.10.13", PYENV "3.10.13/bin/python3",
	       PYENV "3.10.13/lib/libpython3.10.so.1.0", 10, -1),
	INTERP("3.11.7", PYENV "3.11.7/bin/python3",
	       PYENV "3.11.7/lib/libpython3.11.so.1.0", 11, 7),
	INTERP("3.12.1", PYENV "3.12.1/bin/python3",
	       PYENV "3.12.1/lib/libpython3.12.so.1.0", 12, 1),
	INTERP("3.13.0", PYENV "3.13.0/bin/python3",
	       PYENV "3.13.0/lib/libpython3.13.so.1.0", 13, 0),
};
#define N_INTERPS	(ARRAY_SIZE(interps))

static char dir[] = "/tmp/whyslow-pytest-XXXXXX";

static inline void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static inline int copy_file(const char *from, const char *to)
{
	static char buf[1 << 16];
	int in = open(from, O_RDONLY), out = -1, err = -1;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			goto out;
	err = n < 0 ? -1 : 0;
out:
	if (out >= 0)
		close(out);
	close(in);
	return err;
}

/* The interpreter, checked to be present and detected, or the test is
 * skipped naming the missing version. */
static inline struct interp *need_interp(void **state)
{
	struct interp *in = *state;

	if (!in->present) {
		print_message("[ SKIPPED  ] CPython %s: %s or %s not installed\n",
			      in->label, in->exe, in->runtime_file);
		skip();
	}
	if (in->detect_err)
		fail_msg("%s: python_detect(%s) = %d", in->label,
			 in->runtime_file, in->detect_err);
	return in;
}

/* The scratch directory made, and each CPython found and detected. */
static inline int interps_setup(void **state)
{
	size_t i;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	for (i = 0; i < N_INTERPS; i++) {
		struct interp *in = &interps[i];

		in->present = !access(in->exe, X_OK) &&
			      realpath(in->runtime_file, in->runtime_real);
		if (!in->present)
			continue;
		in->detect_err = python_detect(in->runtime_file, &in->info);
	}
	return 0;
}

static inline int interps_teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

#endif
