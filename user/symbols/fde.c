// SPDX-License-Identifier: GPL-2.0
/*
 * Functions of stripped code from .eh_frame.  libdw's Dwarf_Frame gives
 * the range of one CFI row, not of the function, so the FDEs are read
 * here: dwarf_next_cfi() splits the section into entries (bounds checked
 * by libdw), and each FDE's initial location and range are decoded with
 * its CIE's pointer encoding, every read kept inside its entry.  The
 * section is the workload's: its size, the entries walked, the FDEs kept,
 * and each range (inside one load segment) are bounded; the table is
 * cached with the file, per (device, inode).
 */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "symbols/internal.h"
#include "symbols/elf.h"
#include "symbols/fde.h"
#include "symbols/table.h"

/* entries walked, CIEs and FDEs */
#define FDE_MAX_ENTRIES		(2 * FDE_MAX_COUNT)
#define FDE_BAD_ENCODING	0x100

/* A cursor over the bytes of one entry. */
struct fde_cursor {
	const uint8_t *p;
	const uint8_t *end;
	uint64_t vaddr;		/* of p: the base of pcrel values */
};

static bool fde_read_leb(struct fde_cursor *c, bool is_signed, uint64_t *v)
{
	unsigned int shift = 0;
	uint8_t byte;

	*v = 0;
	do {
		if (c->p >= c->end || shift >= 64)
			return false;
		byte = *c->p++;
		c->vaddr++;
		*v |= (uint64_t)(byte & 0x7f) << shift;
		shift += 7;
	} while (byte & 0x80);
	if (is_signed && shift < 64 && (byte & 0x40))
		*v |= ~0ull << shift;
	return true;
}

static bool fde_read_fixed(struct fde_cursor *c, size_t n, bool is_signed,
			   uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if ((size_t)(c->end - c->p) < n)
		return false;
	for (i = 0; i < n; i++)	/* x86-64: little-endian */
		x |= (uint64_t)c->p[i] << (8 * i);
	if (is_signed && n < 8 && (x >> (8 * n - 1)) & 1)
		x |= ~0ull << (8 * n);
	c->p += n;
	c->vaddr += n;
	*v = x;
	return true;
}

/* A value in the format of enc's low nibble (no application). */
static bool fde_read_format(struct fde_cursor *c, unsigned int enc,
			    uint64_t *v)
{
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr:
	case DW_EH_PE_udata8:
	case DW_EH_PE_sdata8:
		return fde_read_fixed(c, 8, false, v);
	case DW_EH_PE_udata2:
	case DW_EH_PE_sdata2:
		return fde_read_fixed(c, 2, enc & DW_EH_PE_signed, v);
	case DW_EH_PE_udata4:
	case DW_EH_PE_sdata4:
		return fde_read_fixed(c, 4, enc & DW_EH_PE_signed, v);
	case DW_EH_PE_uleb128:
	case DW_EH_PE_sleb128:
		return fde_read_leb(c, enc & DW_EH_PE_signed, v);
	}
	return false;
}

/* An address: absolute, or relative to where it is stored. */
static bool fde_read_pointer(struct fde_cursor *c, unsigned int enc,
			     uint64_t *v)
{
	uint64_t at = c->vaddr;

	if (enc == DW_EH_PE_omit || (enc & DW_EH_PE_indirect))
		return false;
	if (!fde_read_format(c, enc, v))
		return false;
	switch (enc & 0x70) {
	case DW_EH_PE_absptr:
		return true;
	case DW_EH_PE_pcrel:
		*v += at;
		return true;
	}
	return false;	/* textrel, datarel, funcrel, aligned: not in ELF
			 * .eh_frame on x86-64 */
}

/*
 * The pointer encoding of a CIE's FDEs, from its augmentation ("zR",
 * "zPLR", ...): FDE_BAD_ENCODING when the string is not understood
 * before its 'R'.
 */
static unsigned int fde_cie_encoding(const Dwarf_CIE *cie)
{
	struct fde_cursor c = { .p = cie->augmentation_data };
	const char *a = cie->augmentation;
	uint64_t skip;
	unsigned int enc;

	if (!a || !*a)
		return DW_EH_PE_absptr;
	if (*a++ != 'z' || !cie->augmentation_data)
		return FDE_BAD_ENCODING;
	c.end = c.p + cie->augmentation_data_size;
	for (; *a; a++) {
		switch (*a) {
		case 'R':
			return c.p < c.end ? *c.p : FDE_BAD_ENCODING;
		case 'L':
			if (c.p >= c.end)
				return FDE_BAD_ENCODING;
			c.p++;
			break;
		case 'P':
			if (c.p >= c.end)
				return FDE_BAD_ENCODING;
			enc = *c.p++;
			if ((enc & 0x70) == DW_EH_PE_aligned ||
			    !fde_read_format(&c, enc, &skip))
				return FDE_BAD_ENCODING;
			break;
		case 'S':
		case 'B':
		case 'G':
			break;
		default:
			return FDE_BAD_ENCODING;
		}
	}
	return DW_EH_PE_absptr;	/* no 'R': absolute pointers */
}

struct fde_cie_slot {
	Dwarf_Off offset;
	unsigned int enc;
	bool used;
};

struct fde_reader {
	const unsigned char *ident;
	Elf_Data *data;
	uint64_t sh_addr;
	struct fde_cie_slot cies[FDE_CIE_CACHE];
};

/* The encoding of the CIE at offset, remembered in a small cache. */
static unsigned int fde_encoding(struct fde_reader *rd, Dwarf_Off offset)
{
	struct fde_cie_slot *slot = &rd->cies[offset % FDE_CIE_CACHE];
	Dwarf_CFI_Entry e;
	Dwarf_Off next;

	if (slot->used && slot->offset == offset)
		return slot->enc;
	slot->used = true;
	slot->offset = offset;
	slot->enc = FDE_BAD_ENCODING;
	if (!dwarf_next_cfi(rd->ident, rd->data, true, offset, &next, &e) &&
	    dwarf_cfi_cie_p(&e))
		slot->enc = fde_cie_encoding(&e.cie);
	return slot->enc;
}

/* An FDE's [start, end): false when it cannot be read, or is empty. */
static bool fde_decode(struct fde_reader *rd, const Dwarf_FDE *fde,
		       struct fde_range *r)
{
	const uint8_t *base = rd->data->d_buf;
	struct fde_cursor c = { .p = fde->start, .end = fde->end };
	unsigned int enc = fde_encoding(rd, fde->CIE_pointer);
	uint64_t len;

	if (enc == FDE_BAD_ENCODING || c.p < base || c.end < c.p ||
	    (size_t)(c.end - base) > rd->data->d_size)
		return false;
	c.vaddr = rd->sh_addr + (uint64_t)(c.p - base);
	if (!fde_read_pointer(&c, enc, &r->start) ||
	    !fde_read_format(&c, enc & 0x0f, &len))
		return false;
	r->end = r->start + len;
	/* start 0: code the linker discarded */
	return r->start && len && r->end > r->start;
}

static int fde_range_cmp(const void *a, const void *b)
{
	const struct fde_range *x = a, *y = b;

	if (x->start != y->start)
		return CMP(x->start, y->start);
	return CMP(y->end, x->end);
}

/* Sorted, and an FDE starting inside the one before it dropped: one
 * function per address. */
static void fde_sort(struct fde_range *t, size_t *n)
{
	size_t i, k = 0;

	table_sort(t, *n, sizeof(*t), fde_range_cmp);
	for (i = 0; i < *n; i++) {
		if (k && t[i].start < t[k - 1].end)
			continue;
		t[k++] = t[i];
	}
	*n = k;
}

int symfde_parse(const unsigned char *ident, Elf_Data *data,
		 uint64_t sh_addr, struct fde_range **out, size_t *n)
{
	struct fde_reader *rd;
	Dwarf_Off off = 0, next;
	Dwarf_CFI_Entry e;
	size_t cap = 0, entries;
	struct fde_range r;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!ident || !data || !data->d_buf || !data->d_size ||
	    data->d_size > FDE_MAX_SECTION)
		return 0;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	*rd = (struct fde_reader){ .ident = ident, .data = data,
				   .sh_addr = sh_addr };
	for (entries = 0; entries < FDE_MAX_ENTRIES && *n < FDE_MAX_COUNT;
	     entries++) {
		if (dwarf_next_cfi(ident, data, true, off, &next, &e) ||
		    next <= off)
			break;
		off = next;
		if (dwarf_cfi_cie_p(&e) || !fde_decode(rd, &e.fde, &r))
			continue;
		err = table_grow((void **)out, &cap, *n, sizeof(**out));
		if (err)
			break;
		(*out)[(*n)++] = r;
	}
	free(rd);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
		return err;
	}
	fde_sort(*out, n);
	return 0;
}

/* The load segment holding vaddr, or NULL. */
static const struct load_seg *fde_segment(const struct elf_file *f,
					  uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < f->n_segs; i++)
		if (vaddr >= f->segs[i].vaddr &&
		    vaddr - f->segs[i].vaddr < f->segs[i].filesz)
			return &f->segs[i];
	return NULL;
}

bool symfde_find(struct elf_file *f, uint64_t vaddr, struct fde_range *r)
{
	const struct load_seg *seg;
	size_t n;

	n = table_count_le(f->fdes, f->n_fdes, sizeof(*f->fdes), vaddr);
	if (!n || vaddr >= f->fdes[n - 1].end)
		return false;
	*r = f->fdes[n - 1];
	/* a range past its segment is not a function of this file */
	seg = fde_segment(f, r->start);
	return seg && r->end - seg->vaddr <= seg->filesz;
}

int symfde_symbolize(struct elf_file *f, uint64_t vaddr,
		     const struct elf_sym *unsized, struct sym_result *out)
{
	const struct load_seg *seg;
	struct fde_range r;

	if (!symfde_find(f, vaddr, &r)) {
		if (unsized) {
			out->name = unsized->name;
			out->offset = vaddr - unsized->start;
			return 0;
		}
		/* the entry point's code without CFI (musl's _start) */
		if (f->entry && vaddr >= f->entry &&
		    vaddr - f->entry < FDE_ENTRY_SPAN) {
			out->name = "_start";
			out->offset = vaddr - f->entry;
			return 0;
		}
		return -ENOENT;
	}
	/* a size-0 symbol names its own function, not the ones after it */
	if (unsized && unsized->start >= r.start) {
		out->name = unsized->name;
		out->offset = vaddr - unsized->start;
		return 0;
	}
	out->offset = vaddr - r.start;
	if (f->entry && r.start == f->entry) {
		out->name = "_start";
		return 0;
	}
	seg = fde_segment(f, r.start);
	out->func_start = seg->offset + (r.start - seg->vaddr);
	out->func_known = true;
	return -ENOENT;
}
