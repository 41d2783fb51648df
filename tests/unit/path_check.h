/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of an aggregate: its call paths as path_format writes them, its
 * functions by name. */
#ifndef WHYSLOW_TEST_PATH_CHECK_H
#define WHYSLOW_TEST_PATH_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
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

/* The function name of module (NULL: any) in agg; fails the test when
 * there is none. */
static inline const struct func_stat *agg_func(const struct aggregate *agg,
					       const char *name,
					       const char *module)
{
	size_t i;

	for (i = 0; i < agg->n_funcs; i++)
		if (!strcmp(agg->funcs[i].name, name) &&
		    (!module || !strcmp(agg->funcs[i].module, module)))
			return &agg->funcs[i];
	fail_msg("no function %s in %s", name, module ? module : "any module");
	return NULL;
}

#endif
