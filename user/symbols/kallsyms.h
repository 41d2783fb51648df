/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbols from kallsyms; the lookups themselves are in symbolize.h. */
#ifndef WHYSLOW_SYMBOLS_KALLSYMS_H
#define WHYSLOW_SYMBOLS_KALLSYMS_H

#include "symbols/internal.h"

/* The bodies of symbolizer_preload_kernel(), symbolize_kernel() and
 * symbolizer_kernel_hidden() (symbolize.h). */
int kallsyms_preload(struct symbolizer *s);
int kallsyms_lookup(struct symbolizer *s, uint64_t addr,
		    struct sym_result *out);
bool kallsyms_hidden(struct symbolizer *s);
void kallsyms_free(struct symbolizer *s);
void kallsyms_free_knames(struct symbolizer *s);

#endif
