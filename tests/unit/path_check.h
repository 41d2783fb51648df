/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of an aggregate's call paths as path_format writes them. */
#ifndef WHYSLOW_TEST_PATH_CHECK_H
#define WHYSLOW_TEST_PATH_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "analyze/aggregate.h"

/* The formatted path i; checks it against want and frees it. */
static inline void assert_path(const struct aggregate *agg, size_t i,
			       const char *want)
{
	char *text;

	assert_true(i < agg->n_paths);
	text = path_format(agg, &agg->paths[i]);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

#endif
