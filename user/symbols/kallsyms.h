/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbols from kallsyms; the lookups themselves are in symbolize.h. */
#ifndef WHYSLOW_SYMBOLS_KALLSYMS_H
#define WHYSLOW_SYMBOLS_KALLSYMS_H

#include "symbols/internal.h"

void kallsyms_free(struct symbolizer *s);

#endif
