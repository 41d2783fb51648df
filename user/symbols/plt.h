/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PLT stubs named after the function they jump to ("memcpy@plt", as perf
 * and gdb name them): no symbol table lists them, and a library that
 * calls its own exported functions (libsqlite3) spends real time there.
 */
#ifndef WHYSLOW_SYMBOLS_PLT_H
#define WHYSLOW_SYMBOLS_PLT_H

#include "symbols/internal.h"

#define PLT_ENTRY_SIZE		16	/* x86-64, GNU ld and lld */
#define PLT_MAX_ENTRIES		(1u << 20)

/*
 * Reads the stubs of .plt and .plt.sec from elf's .rela.plt and dynamic
 * symbols into f->plts (sorted; none when the layout is not the usual
 * one).  0 or -ENOMEM.
 */
int symplt_parse(Elf *elf, struct elf_file *f);

/* The stub holding vaddr, or NULL. */
const struct plt_stub *symplt_find(const struct elf_file *f, uint64_t vaddr);

#endif
