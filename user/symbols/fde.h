/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions of code without symbols: the address ranges of the FDEs in
 * .eh_frame (compilers emit one per function, or per hot/cold part),
 * read once per file into a sorted table (symfde_: libdw owns dwarf_*).
 */
#ifndef WHYSLOW_SYMBOLS_FDE_H
#define WHYSLOW_SYMBOLS_FDE_H

#include "symbols/internal.h"

/* .eh_frame larger than this is not read (a C++ browser carries ~20 MB) */
#define FDE_MAX_SECTION		(256u << 20)
/* FDEs kept per file: 16 bytes each, 64 MiB at most */
#define FDE_MAX_COUNT		(4u << 20)
/* CIEs whose pointer encoding is remembered while reading */
#define FDE_CIE_CACHE		64
/* Bytes from e_entry named _start when no FDE covers the entry point:
 * glibc's _start is 43, musl's 24. */
#define FDE_ENTRY_SPAN		64

/*
 * The FDE ranges of an .eh_frame section (data, at vaddr sh_addr) of an
 * ELF file with identification ident, sorted by start, overlaps and
 * empty ranges dropped: 0 with *out (malloc'd, NULL when none) and *n, or
 * -ENOMEM.  A section over FDE_MAX_SECTION gives none; an entry not
 * understood is skipped.
 */
int symfde_parse(const unsigned char *ident, Elf_Data *data,
		 uint64_t sh_addr, struct fde_range **out, size_t *n);

/* The FDE around vaddr in f (f->fdes, read by elffile.c): true with *r,
 * or false. */
bool symfde_find(struct elf_file *f, uint64_t vaddr, struct fde_range *r);

/*
 * Names an address no sized symbol covers (unsized: the size-0 symbol
 * below it, or NULL): 0 with out->name set (the unsized symbol when its
 * function holds vaddr, "_start" for the entry point), -ENOENT with
 * out->func_start set when only the function's start is known (its FDE),
 * else -ENOENT.
 */
int symfde_symbolize(struct elf_file *f, uint64_t vaddr,
		     const struct elf_sym *unsized, struct sym_result *out);

#endif
