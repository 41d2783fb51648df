/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of python/code.c's decoding: a name is valid UTF-8, an
 * instruction resolves to a line. */
#ifndef WHYSLOW_PYTHON_CODE_CHECK_H
#define WHYSLOW_PYTHON_CODE_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/util.h"
#include "python/code.h"

static inline bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p; p += n)
		if (!(n = utf8_len(p)))
			return false;
	return true;
}

static inline int resolve_line(const struct ws_py_code *c, int minor, int instr)
{
	struct python_frame f;

	assert_int_equal(python_code_resolve(c, minor, instr, &f), 0);
	assert_true(f.line >= 0);
	return f.line;
}

#endif
