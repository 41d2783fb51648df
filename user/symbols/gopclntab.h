/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Go functions named from .gopclntab: the table of functions the Go
 * runtime itself unwinds and names with, kept in every Go binary,
 * stripped (-ldflags=-s, Debian's go, most released Go programs) or
 * not.  Go 1.16 and later (magic 0xfffffffa, 0xfffffff0, 0xfffffff1)
 * on a 64-bit target; older tables, and a PIE whose table has no
 * .gopclntab section (it is then in .data.rel.ro), give none.
 */
#ifndef WHYSLOW_SYMBOLS_GOPCLNTAB_H
#define WHYSLOW_SYMBOLS_GOPCLNTAB_H

#include <stddef.h>
#include <stdint.h>

#include "symbols/internal.h"

#define GO_MAX_SECTION		(256u << 20)
#define GO_MAX_FUNCS		(4u << 20)
#define GO_MAX_NAMES		(64u << 20)	/* bytes of function names */

/*
 * Reads the table in d (len bytes, the section's contents, untrusted)
 * into f->gofuncs (sorted by start), f->go_names, f->go_pctab and
 * f->go_text_end.
 * text_addr: the .text section's address, the functions' base when the
 * table's own is 0 (a PIE's, relocated at load).  0; -EINVAL for a table
 * not read (unknown version, a field out of bounds); -ENOMEM.
 */
int symgo_parse(const unsigned char *d, size_t len, uint64_t text_addr,
		struct elf_file *f);

/* The Go function holding vaddr, or NULL. */
const struct go_func *symgo_find(const struct elf_file *f, uint64_t vaddr);

/*
 * How far above sp the return address is, at vaddr in a Go function: its
 * pcsp table's value there (Go's own unwinder's rule: code that keeps
 * no frame pointer, or uses rbp for data, as its assembly does).  0, or
 * -ENOENT when no table covers it or it does not read.
 */
int symgo_sp_delta(const struct elf_file *f, uint64_t vaddr, uint32_t *delta);

/* Frees what symgo_parse() read. */
void symgo_free(struct elf_file *f);

#endif
