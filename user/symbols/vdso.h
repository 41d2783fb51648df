/* SPDX-License-Identifier: GPL-2.0 */
/* The vDSO image as an in-memory ELF file. */
#ifndef WHYSLOW_SYMBOLS_VDSO_H
#define WHYSLOW_SYMBOLS_VDSO_H

#include "symbols/internal.h"

/* The body of symbolize_vdso() (symbolize.h). */
int vdso_lookup(struct symbolizer *s, uint64_t offset,
		struct sym_result *out);

#endif
