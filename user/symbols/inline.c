// SPDX-License-Identifier: GPL-2.0
/*
 * Inlined functions from DWARF: the DW_TAG_inlined_subroutine DIEs that
 * cover an address, outermost first, each with where it was called
 * (DW_AT_call_file, DW_AT_call_line).  libdw's dwarf_getscopes walks the
 * whole compile unit on every lookup; here a unit's functions (their DIE
 * ranges) are read once, on its first lookup, and a function's inlined
 * calls (their ranges, names and call sites) on its first: a lookup is
 * then a binary search and a walk up the calls that enclose the address.
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

#define INLINE_MAX_FUNC_RANGES	(1u << 20)	/* per file: 48 MiB */
#define INLINE_MAX_RANGES_PER_FUNC	256
#define INLINE_MAX_CALLS	(1u << 20)	/* per file: 48 MiB */
#define INLINE_MAX_DIES		(1u << 20)	/* looked at in one function */
#define INLINE_MAX_NEST		64	/* DIE levels under a function */

struct funcs_ctx {
	struct elf_file *f;
	struct cu_funcs *cf;
	size_t cap;
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
			       sizeof(*c->cf->r)))
			return DWARF_CB_ABORT;
		c->cf->r[c->cf->n++] = (struct func_range){
			.start = start, .end = end, .die = dwarf_dieoffset(die),
		};
		c->f->n_func_ranges++;
	}
	return DWARF_CB_OK;
}

/* The functions of cudie's unit, read on the first call; NULL when out
 * of memory (then this unit has no inlined frames). */
static struct cu_funcs *cu_funcs_get(struct elf_file *f, Dwarf_Die *cudie)
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

/* The innermost function of cf whose range covers vaddr, NULL none. */
static struct func_range *func_find(struct cu_funcs *cf, uint64_t vaddr)
{
	size_t n = table_count_le(cf->r, cf->n, sizeof(*cf->r), vaddr), i;

	for (i = 1; i <= n && i <= SYM_MAX_NESTING; i++)
		if (vaddr < cf->r[n - i].end)
			return &cf->r[n - i];
	return NULL;
}

static bool is_scope(int tag)
{
	return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
	       tag == DW_TAG_try_block || tag == DW_TAG_catch_block;
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

/* Reading the calls inlined in one function. */
struct calls_ctx {
	struct elf_file *f;
	struct func_range *fr;
	Dwarf_Files *files;
	size_t n_files;
	size_t cap;
	unsigned int budget;	/* DIEs left to look at */
};

/* The entry of [first, first + n) whose range holds addr: the parent. */
static uint32_t enclosing(const struct func_range *fr, uint32_t first,
			  uint32_t n, uint64_t addr)
{
	uint32_t i;

	for (i = first; i < first + n && i < fr->n_calls; i++)
		if (addr >= fr->calls[i].start && addr < fr->calls[i].end)
			return i;
	return INL_NONE;
}

/* The ranges of the inlined call die, enclosed by the calls
 * [first, first + n) (its parent's). */
static int calls_add(struct calls_ctx *c, Dwarf_Die *die, uint32_t first,
		     uint32_t n, uint32_t depth)
{
	struct func_range *fr = c->fr;
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	const char *name = inline_name(die), *file;
	unsigned int i;
	int line;

	call_site(die, c->files, c->n_files, &file, &line);
	for (i = 0; i < INLINE_MAX_RANGES_PER_FUNC; i++) {
		off = dwarf_ranges(die, off, &base, &start, &end);
		if (off <= 0)
			break;
		if (!start || end <= start)
			continue;
		if (c->f->n_inl_calls >= INLINE_MAX_CALLS ||
		    fr->n_calls >= INL_NONE - 1)
			return -E2BIG;
		if (table_grow((void **)&fr->calls, &c->cap, fr->n_calls,
			       sizeof(*fr->calls)))
			return -ENOMEM;
		fr->calls[fr->n_calls++] = (struct inl_call){
			.start = start, .end = end,
			.parent = enclosing(fr, first, n, start),
			.depth = depth, .name = name, .call_file = file,
			.call_line = line,
		};
		c->f->n_inl_calls++;
	}
	return 0;
}

/*
 * The inlined calls under parent, depth-first; first and n: the ranges
 * of the inlined call that encloses them.  Lexical blocks are looked
 * through.  Recursion is bounded by nest (DIE levels).
 */
static int calls_walk(struct calls_ctx *c, Dwarf_Die *parent, uint32_t first,
		      uint32_t n, uint32_t depth, unsigned int nest)
{
	Dwarf_Die child;
	uint32_t mine;
	int tag, err;

	if (nest >= INLINE_MAX_NEST || dwarf_child(parent, &child))
		return 0;
	do {
		if (!c->budget)
			return -E2BIG;
		c->budget--;
		tag = dwarf_tag(&child);
		if (!is_scope(tag))
			continue;
		if (tag != DW_TAG_inlined_subroutine) {
			err = calls_walk(c, &child, first, n, depth, nest + 1);
		} else {
			mine = c->fr->n_calls;
			err = calls_add(c, &child, first, n, depth);
			if (!err)
				err = calls_walk(c, &child, mine,
						 c->fr->n_calls - mine,
						 depth + 1, nest + 1);
		}
		if (err)
			return err;
	} while (!dwarf_siblingof(&child, &child));
	return 0;
}

static int inl_call_cmp(const void *a, const void *b)
{
	const struct inl_call *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return CMP(x->depth, y->depth);
}

/* Sorts fr's calls by start then depth, their parents renumbered
 * (while sorting, parent holds each call's old index). */
static int calls_sort(struct func_range *fr)
{
	uint32_t *pos = malloc((fr->n_calls + 1) * sizeof(*pos)), i, *old;
	struct inl_call *k;

	old = malloc((fr->n_calls + 1) * sizeof(*old));
	if (!pos || !old) {
		free(pos);
		free(old);
		return -ENOMEM;
	}
	for (i = 0; i < fr->n_calls; i++)
		old[i] = fr->calls[i].parent;
	for (i = 0; i < fr->n_calls; i++)
		fr->calls[i].parent = i;
	table_sort(fr->calls, fr->n_calls, sizeof(*fr->calls), inl_call_cmp);
	for (i = 0; i < fr->n_calls; i++)
		pos[fr->calls[i].parent] = i;
	for (i = 0; i < fr->n_calls; i++) {
		k = &fr->calls[i];
		k->parent = old[k->parent] == INL_NONE ? INL_NONE :
			    pos[old[k->parent]];
	}
	free(pos);
	free(old);
	return 0;
}

/* The calls inlined in fr, read once; out of memory, none. */
static void calls_read(struct elf_file *f, Dwarf_Die *cudie,
		       struct func_range *fr)
{
	struct calls_ctx c = { .f = f, .fr = fr, .budget = INLINE_MAX_DIES };
	Dwarf_Die fn;
	int err = -ENOENT;

	fr->inl_read = true;
	if (dwarf_getsrcfiles(cudie, &c.files, &c.n_files))
		c.files = NULL;
	if (dwarf_offdie(f->dwarf, fr->die, &fn))
		err = calls_walk(&c, &fn, 0, 0, 0, 0);
	/* past a bound: the calls read so far, each with its parents */
	if (!err || err == -E2BIG)
		err = calls_sort(fr);
	if (err) {
		f->n_inl_calls -= fr->n_calls;
		free(fr->calls);
		fr->calls = NULL;
		fr->n_calls = 0;
	}
}

/* The inlined calls that hold pc, outermost first (the outermost
 * SYM_MAX_INLINE of deeper nests): how many. */
static size_t calls_at(const struct func_range *fr, uint64_t pc,
		       const struct inl_call **chain)
{
	const struct inl_call *tmp[INLINE_MAX_NEST];
	size_t n = table_count_le(fr->calls, fr->n_calls, sizeof(*fr->calls),
				  pc), k = 0, i, steps;
	uint32_t at = n ? n - 1 : INL_NONE;

	/* nested or apart: the last to start before pc, else one it is in
	 * (parents come from DIE levels: INLINE_MAX_NEST at most) */
	for (steps = 0; at < fr->n_calls && steps < INLINE_MAX_NEST; steps++) {
		if (pc < fr->calls[at].end)
			tmp[k++] = &fr->calls[at];
		at = fr->calls[at].parent;
	}
	for (i = 0; i < k && i < SYM_MAX_INLINE; i++)
		chain[i] = tmp[k - 1 - i];
	return i;
}

void syminline_find(struct elf_file *f, Dwarf_Die *cudie, uint64_t vaddr,
		    struct sym_result *out)
{
	const struct inl_call *chain[SYM_MAX_INLINE];
	struct cu_funcs *cf = cu_funcs_get(f, cudie);
	struct func_range *fr = cf ? func_find(cf, vaddr) : NULL;
	const char *leaf_file = out->file;
	int leaf_line = out->line;
	struct sym_inline *in;
	size_t n, i;

	if (!fr)
		return;
	if (!fr->inl_read)
		calls_read(f, cudie, fr);
	n = calls_at(fr, vaddr, chain);
	if (!n)
		return;
	out->file = chain[0]->call_file;
	out->line = chain[0]->call_line;
	for (i = 0; i < n; i++) {
		in = &out->inlined[i];
		in->name = chain[i]->name;
		in->file = i + 1 < n ? chain[i + 1]->call_file : leaf_file;
		in->line = i + 1 < n ? chain[i + 1]->call_line : leaf_line;
	}
	out->n_inlined = n;
}

void syminline_free(struct elf_file *f)
{
	size_t i, j;

	for (i = 0; i < f->inl_cus.n && i < f->cap_cu_funcs; i++) {
		for (j = 0; j < f->cu_funcs[i].n; j++)
			free(f->cu_funcs[i].r[j].calls);
		free(f->cu_funcs[i].r);
	}
	free(f->cu_funcs);
	f->cu_funcs = NULL;
	f->cap_cu_funcs = 0;
	f->n_func_ranges = 0;
	f->n_inl_calls = 0;
	intern_free(&f->inl_cus);
}
