// SPDX-License-Identifier: GPL-2.0
/*
 * Go's function table (see gopclntab.h).  Its layout, from the Go
 * linker's pcHeader: magic, two zero bytes, the instruction quantum, the
 * pointer size, then pointer-sized words: nfunc, nfiles, (1.18+)
 * textStart, and the offsets of funcnametab, cutab, filetab, pctab and
 * the function table, in that order in the section.  The function table
 * is nfunc (entry, funcoff) pairs and the end of the text: 32-bit offsets
 * from the text's start since 1.18, addresses in 1.16; funcoff leads
 * from the table's start to the function's _func: its entry, then 32-bit
 * fields, the name's offset in funcnametab first and the pcsp table's
 * offset in pctab fourth.  A pc table is pairs of varints, a zigzag value
 * delta and a pc delta in quanta, from the value -1 at the entry; a value
 * delta of 0 after the first pair ends it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/gopclntab.h"
#include "symbols/table.h"

#define GO_MAGIC_116	0xfffffffau
#define GO_MAGIC_118	0xfffffff0u
#define GO_MAGIC_120	0xfffffff1u
#define GO_NO_NAME	UINT32_MAX
#define GO_NO_PCSP	UINT32_MAX
#define GO_MAX_SP	(1u << 20)	/* a frame's bytes, at most */
#define GO_MAX_STEPS	(1u << 16)	/* pairs of a pc table read */

struct go_header {
	uint64_t nfunc;
	uint64_t text;		/* the functions' base (1.18+) */
	uint64_t names;		/* funcnametab's offset */
	uint64_t names_end;	/* cutab's, where funcnametab ends */
	uint64_t pctab;		/* pctab's, where the function table ends */
	uint64_t table;		/* the function table's */
	size_t field;		/* bytes of a function table field */
};

static uint64_t le(const unsigned char *p, size_t size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

/* The header's words, checked against the section's length. */
static int go_header(const unsigned char *d, size_t len, uint64_t text_addr,
		     struct go_header *h)
{
	uint32_t magic;
	bool v118;

	if (len < 8 + 8 * 8)
		return -EINVAL;
	magic = le(d, 4);
	if (magic != GO_MAGIC_116 && magic != GO_MAGIC_118 &&
	    magic != GO_MAGIC_120)
		return -EINVAL;
	if (d[4] || d[5] || !d[6] || d[7] != 8)	/* 64-bit targets */
		return -EINVAL;
	v118 = magic != GO_MAGIC_116;
	h->nfunc = le(d + 8, 8);
	/* Go's own reader takes the text section's address: a PIE's
	 * textStart is left for the loader to relocate */
	h->text = text_addr ? text_addr : v118 ? le(d + 24, 8) : 0;
	h->names = le(d + (v118 ? 32 : 24), 8);
	h->names_end = le(d + (v118 ? 40 : 32), 8);
	h->pctab = le(d + (v118 ? 56 : 48), 8);
	h->table = le(d + (v118 ? 64 : 56), 8);
	h->field = v118 ? 4 : 8;
	if (!h->nfunc || h->nfunc > GO_MAX_FUNCS ||
	    h->names >= h->names_end || h->names_end > len ||
	    h->names_end - h->names > GO_MAX_NAMES || h->table >= len ||
	    h->pctab > h->table ||
	    (len - h->table) / h->field < 2 * h->nfunc + 1)
		return -EINVAL;
	return 0;
}

/* Function i's 32-bit field k (0: its name), UINT32_MAX when out of the
 * section. */
static uint32_t go_field(const unsigned char *d, size_t len,
			 const struct go_header *h, uint64_t i, unsigned int k)
{
	uint64_t funcoff = le(d + h->table + (2 * i + 1) * h->field, h->field);
	uint64_t at = h->table + funcoff + h->field + 4 * k;

	if (funcoff >= len || at > len - 4)
		return UINT32_MAX;
	return le(d + at, 4);
}

/* Function i's name offset in funcnametab, GO_NO_NAME when out of it. */
static uint32_t go_name(const unsigned char *d, size_t len,
			const struct go_header *h, uint64_t i)
{
	uint32_t name = go_field(d, len, h, i, 0);

	return name >= h->names_end - h->names ? GO_NO_NAME : name;
}

/* Function i's pcsp offset in pctab, GO_NO_PCSP when out of it. */
static uint32_t go_pcsp(const unsigned char *d, size_t len,
			const struct go_header *h, uint64_t i)
{
	uint32_t pcsp = go_field(d, len, h, i, 3);

	return pcsp >= h->table - h->pctab ? GO_NO_PCSP : pcsp;
}

static uint64_t go_entry(const unsigned char *d, const struct go_header *h,
			 uint64_t i)
{
	uint64_t v = le(d + h->table + 2 * i * h->field, h->field);

	return h->field == 4 ? h->text + v : v;
}

static int cmp_go_func(const void *a, const void *b)
{
	const struct go_func *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

int symgo_parse(const unsigned char *d, size_t len, uint64_t text_addr,
		struct elf_file *f)
{
	struct go_header h;
	size_t names_len;
	bool sorted = true;
	uint64_t i;

	if (!d || go_header(d, len, text_addr, &h))
		return -EINVAL;
	names_len = h.names_end - h.names;
	f->go_pctab_len = h.table - h.pctab;
	f->go_names = malloc(names_len + 1);
	f->go_pctab = malloc(f->go_pctab_len ? f->go_pctab_len : 1);
	f->gofuncs = malloc(h.nfunc * sizeof(*f->gofuncs));
	if (!f->go_names || !f->go_pctab || !f->gofuncs) {
		symgo_free(f);
		return -ENOMEM;
	}
	memcpy(f->go_names, d + h.names, names_len);
	f->go_names[names_len] = '\0';	/* the last name ends */
	memcpy(f->go_pctab, d + h.pctab, f->go_pctab_len);
	f->go_quantum = d[6];
	for (i = 0; i < h.nfunc; i++) {
		f->gofuncs[i].start = go_entry(d, &h, i);
		f->gofuncs[i].name = go_name(d, len, &h, i);
		f->gofuncs[i].pcsp = go_pcsp(d, len, &h, i);
		sorted &= !i || f->gofuncs[i].start >= f->gofuncs[i - 1].start;
	}
	f->n_gofuncs = h.nfunc;
	if (!sorted)
		table_sort(f->gofuncs, f->n_gofuncs, sizeof(*f->gofuncs),
			   cmp_go_func);
	f->go_text_end = go_entry(d, &h, h.nfunc);
	return 0;
}

void symgo_free(struct elf_file *f)
{
	free(f->gofuncs);
	free(f->go_names);
	free(f->go_pctab);
	f->gofuncs = NULL;
	f->go_names = NULL;
	f->go_pctab = NULL;
	f->n_gofuncs = f->go_pctab_len = 0;
	f->go_text_end = 0;
}

/* The function holding vaddr, named or not; NULL outside Go's text. */
static const struct go_func *go_func_at(const struct elf_file *f,
					uint64_t vaddr)
{
	size_t n = table_count_le(f->gofuncs, f->n_gofuncs,
				  sizeof(*f->gofuncs), vaddr);

	return n && vaddr < f->go_text_end ? &f->gofuncs[n - 1] : NULL;
}

const struct go_func *symgo_find(const struct elf_file *f, uint64_t vaddr)
{
	const struct go_func *fn = go_func_at(f, vaddr);

	return fn && fn->name != GO_NO_NAME ? fn : NULL;
}

/* An unsigned LEB128 varint of at most 32 bits at *at, before end. */
static bool go_varint(const uint8_t *p, size_t end, size_t *at, uint32_t *v)
{
	unsigned int shift;

	*v = 0;
	for (shift = 0; shift < 35 && *at < end; shift += 7) {
		*v |= (uint32_t)(p[*at] & 0x7f) << shift;
		if (!(p[(*at)++] & 0x80))
			return true;
	}
	return false;
}

int symgo_sp_delta(const struct elf_file *f, uint64_t vaddr, uint32_t *delta)
{
	const struct go_func *fn = go_func_at(f, vaddr);
	uint64_t pc, step;
	size_t at;
	uint32_t uv, dpc, i;
	int64_t val = -1;

	if (!fn || fn->pcsp == GO_NO_PCSP)
		return -ENOENT;
	pc = fn->start;
	at = fn->pcsp;
	for (i = 0; i < GO_MAX_STEPS; i++) {
		if (!go_varint(f->go_pctab, f->go_pctab_len, &at, &uv) ||
		    (!uv && i) ||
		    !go_varint(f->go_pctab, f->go_pctab_len, &at, &dpc))
			return -ENOENT;
		val += uv & 1 ? -(int64_t)(uv >> 1) - 1 : (int64_t)(uv >> 1);
		step = (uint64_t)dpc * f->go_quantum;
		if (val < 0 || val > GO_MAX_SP)
			return -ENOENT;
		if (vaddr < pc + step) {
			*delta = (uint32_t)val;
			return 0;
		}
		pc += step;
	}
	return -ENOENT;
}
