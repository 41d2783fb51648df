// SPDX-License-Identifier: GPL-2.0
/*
 * The symbols behind each function: a frame's name is what a reader
 * knows (demangled, a clone suffix folded), its system_name the symbol
 * in the binary.  One function may have several (foo.constprop.0 and
 * foo.cold; the overloads of a C++ name whose parameters were dropped
 * by another tool), and JSON lists them.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "analyze/aggregate.h"

/* Whether func already lists sym. */
static bool has_symbol(const struct aggregate *agg, const struct func_stat *fs,
		       const char *sym)
{
	uint32_t k;

	for (k = 0; k < fs->n_symbols; k++)
		if (!strcmp(agg->symbols[fs->first_symbol + k], sym))
			return true;
	return false;
}

int aggregate_symbols_build(const struct profile *p, struct aggregate *agg)
{
	struct func_stat *fs;
	size_t i, total = 0;
	uint32_t func;

	/* room first: a function's frames with a symbol, at most the cap */
	for (i = 0; i < p->n_frames; i++) {
		func = agg->frame_func[i];
		if (func == AGG_NO_FUNC || !p->frames[i].system_name)
			continue;
		fs = &agg->funcs[func];
		if (fs->n_symbols < AGG_MAX_SYMBOLS) {
			fs->n_symbols++;
			total++;
		}
	}
	agg->symbols = aggregate_alloc_array(total, sizeof(*agg->symbols));
	if (!agg->symbols)
		return -ENOMEM;
	total = 0;
	for (i = 0; i < agg->n_funcs; i++) {
		agg->funcs[i].first_symbol = total;
		total += agg->funcs[i].n_symbols;
		agg->funcs[i].n_symbols = 0;
	}
	for (i = 0; i < p->n_frames; i++) {
		func = agg->frame_func[i];
		if (func == AGG_NO_FUNC || !p->frames[i].system_name)
			continue;
		fs = &agg->funcs[func];
		if (fs->n_symbols < AGG_MAX_SYMBOLS &&
		    !has_symbol(agg, fs, p->frames[i].system_name))
			agg->symbols[fs->first_symbol + fs->n_symbols++] =
				p->frames[i].system_name;
	}
	return 0;
}
