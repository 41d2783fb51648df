/* SPDX-License-Identifier: GPL-2.0 */
/* What a lookup gives back; its own header so the readers under symbolize.c
 * need not include symbolize.h. */
#ifndef WHYSLOW_SYMBOLS_RESULT_H
#define WHYSLOW_SYMBOLS_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inlined calls followed at one address: DWARF is untrusted, and deeper
 * nests are machine-made (templates), no more readable. */
#define SYM_MAX_INLINE	16

/* A function inlined at the address, from DWARF's inline scopes. */
struct sym_inline {
	const char *name;	/* demangled, a clone suffix folded */
	const char *system_name;	/* as in DWARF; NULL when it is name */
	const char *file;	/* NULL when unknown */
	int line;		/* 0 when unknown */
};

/* Strings point into the symbolizer's caches: valid until symbolizer_free. */
struct sym_result {
	const char *name;	/* function name, NULL when nothing covers addr:
				 * demangled, a clone suffix folded */
	const char *system_name;	/* the symbol name was made from, as in
					 * the file; NULL when it is name */
	uint64_t offset;	/* addr - symbol start */
	const char *file;	/* source file, NULL when no line info */
	int line;		/* 0 when unknown */
	const char *module;	/* kernel module name for kernel addrs, else NULL */
	const char *build_id;	/* ELF files: hex GNU build-id, else NULL */
	uint64_t vaddr;		/* ELF files: the address as the file numbers
				 * it (objdump's), also when no symbol covers
				 * it; 0 unknown */
	/* name NULL, func_known: the code is a function without a name
	 * (stripped; its range from .eh_frame) starting at file offset
	 * func_start; offset is from there */
	uint64_t func_start;
	bool func_known;
	bool go_table;		/* named from Go's function table: no file */
	/*
	 * The functions inlined at addr, outermost first (want_line, with
	 * DWARF): file and line are then where inlined[0] was called from
	 * name, inlined[i]'s where inlined[i + 1] was called, and the last
	 * one's the line addr is on.
	 */
	uint32_t n_inlined;
	struct sym_inline inlined[SYM_MAX_INLINE];
};

/*
 * A kernel's own lookup of addr (symbolizer_set_kernel_lookup()): writes
 * addr's symbol into buf as the kernel's %pB prints it, "name+0xoff/0xsize"
 * with " [module]" for a module's, or anything else (the kernel's "0x...")
 * for an address of no symbol: 0, or -errno.
 */
typedef int (*symbolizer_ksym_fn)(void *ctx, uint64_t addr, char *buf,
				  size_t size);

#endif
