// SPDX-License-Identifier: GPL-2.0
/*
 * Inlined functions from DWARF: the DW_TAG_inlined_subroutine DIEs that
 * cover an address, outermost first, each with where it was called
 * (DW_AT_call_file, DW_AT_call_line).  libdw's dwarf_getscopes walks the
 * whole compile unit on every lookup; here a unit's functions (their DIE
 * ranges) are read once, on its first lookup, and a lookup descends only
 * the DIE tree of the one function that covers the address.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "lib/util.h"
#include "symbols/inline.h"
#include "symbols/internal.h"
#include "symbols/table.h"

#define INLINE_MAX_FUNC_RANGES	(4u << 20)	/* per file */
#define INLINE_MAX_RANGES_PER_FUNC	256
#define INLINE_MAX_DIES		(1u << 16)	/* visited by one lookup */

struct funcs_ctx {
	struct elf_file *f;
	struct cu_funcs *cf;
	size_t cap;
	int err;
};

static int func_range_cmp(const void *a, const void *b)
{
	const struct func_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return CMP(x->end, y->end);
}

static int func_add(Dwarf_Die *die, void *arg)
{
	struct funcs_ctx *c = arg;
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	unsigned int i;

	for (i = 0; i < INLINE_MAX_RANGES_PER_FUNC; i++) {
		off = dwarf_ranges(die, off, &base, &start, &end);
		if (off <= 0)
			break;
		/* start 0: code the linker discarded */
		if (!start || end <= start)
			continue;
		if (c->f->n_func_ranges >= INLINE_MAX_FUNC_RANGES)
			return DWARF_CB_ABORT;
		if (table_grow((void **)&c->cf->r, &c->cap, c->cf->n,
			       sizeof(*c->cf->r))) {
			c->err = -ENOMEM;
			return DWARF_CB_ABORT;
		}
		c->cf->r[c->cf->n++] = (struct func_range){
			.start = start, .end = end, .die = dwarf_dieoffset(die),
		};
		c->f->n_func_ranges++;
	}
	return DWARF_CB_OK;
}

/* The functions of cudie's unit, read on the first call; NULL when out
 * of memory (then this unit has no inlined frames). */
static const struct cu_funcs *cu_funcs_get(struct elf_file *f,
					   Dwarf_Die *cudie)
{
	Dwarf_Off off = dwarf_dieoffset(cudie);
	struct funcs_ctx c = { .f = f };
	int added;
	int64_t i = intern_bytes(&f->inl_cus, &off, sizeof(off), &added);

	if (i < 0)
		return NULL;
	if (added && intern_items_reserve((void **)&f->cu_funcs,
					  &f->cap_cu_funcs, i,
					  sizeof(*f->cu_funcs)))
		return NULL;
	if ((size_t)i >= f->cap_cu_funcs)	/* an earlier reserve failed */
		return NULL;
	c.cf = &f->cu_funcs[i];
	if (added) {
		/* a unit cut short (bounds, memory) keeps what was read */
		dwarf_getfuncs(cudie, func_add, &c, 0);
		table_sort(c.cf->r, c.cf->n, sizeof(*c.cf->r), func_range_cmp);
	}
	return c.cf;
}

/* The innermost function of cf whose range covers vaddr. */
static bool func_find(struct elf_file *f, const struct cu_funcs *cf,
		      uint64_t vaddr, Dwarf_Die *out)
{
	size_t n = table_count_le(cf->r, cf->n, sizeof(*cf->r), vaddr), i;

	for (i = 1; i <= n && i <= SYM_MAX_NESTING; i++)
		if (vaddr < cf->r[n - i].end)
			return dwarf_offdie(f->dwarf, cf->r[n - i].die, out);
	return false;
}

static bool is_scope(int tag)
{
	return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
	       tag == DW_TAG_try_block || tag == DW_TAG_catch_block;
}

/* The child of parent whose code covers pc, if a scope (*budget DIEs at
 * most are looked at). */
static bool child_at(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *child,
		     unsigned int *budget)
{
	if (dwarf_child(parent, child))
		return false;
	do {
		if (!*budget)
			return false;
		(*budget)--;
		if (is_scope(dwarf_tag(child)) && dwarf_haspc(child, pc) == 1)
			return true;
	} while (!dwarf_siblingof(child, child));
	return false;
}

/* The inlined calls that cover pc in function fn, outermost first. */
static size_t inline_chain(Dwarf_Die *fn, Dwarf_Addr pc, Dwarf_Die *chain)
{
	unsigned int budget = INLINE_MAX_DIES;
	Dwarf_Die cur = *fn, child;
	size_t n = 0;

	while (n < SYM_MAX_INLINE && child_at(&cur, pc, &child, &budget)) {
		if (dwarf_tag(&child) == DW_TAG_inlined_subroutine)
			chain[n++] = child;
		cur = child;
	}
	return n;
}

/* Where the inlined call die was made: file (of files) and line. */
static void call_site(Dwarf_Die *die, Dwarf_Files *files, size_t n_files,
		      const char **file, int *line)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	*file = NULL;
	*line = 0;
	if (!dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &w) &&
	    w <= INT_MAX)
		*line = w;
	if (files && !dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &w) &&
	    w < n_files)
		*file = dwarf_filesrc(files, w, NULL, NULL);
}

/* The inlined function's symbol where DWARF has it (C++: demangled
 * later), else its name. */
static const char *inline_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *name;

	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name,
						     &a));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(
				die, DW_AT_MIPS_linkage_name, &a));
	if (!name)
		name = dwarf_diename(die);
	return name && *name ? name : "[inlined]";
}

void syminline_find(struct elf_file *f, Dwarf_Die *cudie, uint64_t vaddr,
		    struct sym_result *out)
{
	Dwarf_Die chain[SYM_MAX_INLINE], fn;
	const struct cu_funcs *cf = cu_funcs_get(f, cudie);
	const char *leaf_file = out->file;
	int leaf_line = out->line;
	Dwarf_Files *files = NULL;
	size_t n, n_files = 0, i;
	struct sym_inline *in;

	if (!cf || !func_find(f, cf, vaddr, &fn))
		return;
	n = inline_chain(&fn, vaddr, chain);
	if (!n)
		return;
	if (dwarf_getsrcfiles(cudie, &files, &n_files))
		files = NULL;
	call_site(&chain[0], files, n_files, &out->file, &out->line);
	for (i = 0; i < n; i++) {
		in = &out->inlined[i];
		in->name = inline_name(&chain[i]);
		if (i + 1 < n) {
			call_site(&chain[i + 1], files, n_files, &in->file,
				  &in->line);
		} else {
			in->file = leaf_file;
			in->line = leaf_line;
		}
	}
	out->n_inlined = n;
}

void syminline_free(struct elf_file *f)
{
	size_t i;

	for (i = 0; i < f->inl_cus.n && i < f->cap_cu_funcs; i++)
		free(f->cu_funcs[i].r);
	free(f->cu_funcs);
	f->cu_funcs = NULL;
	f->cap_cu_funcs = 0;
	f->n_func_ranges = 0;
	intern_free(&f->inl_cus);
}
