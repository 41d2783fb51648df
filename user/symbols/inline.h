/* SPDX-License-Identifier: GPL-2.0 */
/* Inlined functions at an address, from DWARF's inline scopes. */
#ifndef WHYSLOW_SYMBOLS_INLINE_H
#define WHYSLOW_SYMBOLS_INLINE_H

#include "symbols/internal.h"

/*
 * The functions inlined at vaddr of the compile unit cudie, into
 * out->inlined (sym_result.h says how its lines read): out->file and
 * out->line hold the line table's line on entry.
 */
void syminline_find(struct elf_file *f, Dwarf_Die *cudie, uint64_t vaddr,
		    struct sym_result *out);
void syminline_free(struct elf_file *f);

#endif
