/* SPDX-License-Identifier: GPL-2.0 */
/* DWARF lines and call frame information (symdwarf_: libdw owns dwarf_*). */
#ifndef WHYSLOW_SYMBOLS_DWARF_H
#define WHYSLOW_SYMBOLS_DWARF_H

#include "symbols/internal.h"

int symdwarf_defer(struct elf_file *f, struct elf_handle *h);
void symdwarf_load(struct elf_file *f);
void symdwarf_lines(struct elf_file *f, uint64_t vaddr, struct sym_result *out);
Dwarf_CFI *symdwarf_cfi(struct elf_file *f, int *fds_left);
void symdwarf_free_paths(struct elf_file *f);

#endif
