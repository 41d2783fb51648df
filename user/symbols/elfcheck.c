// SPDX-License-Identifier: GPL-2.0
/*
 * What libdw would decompress, added up from the compression headers
 * (SHF_COMPRESSED's Elf64_Chdr, or .zdebug's "ZLIB" + big-endian size)
 * before anything is inflated; and the string sections libdw indexes
 * without bounds checks made to end in NUL.
 */
#include <errno.h>
#include <string.h>

#include "symbols/elfcheck.h"

#define ELFCHECK_MAX_SECTIONS	65536

bool elfcheck_inflate_ok(uint64_t csize, uint64_t size, uint64_t *total)
{
	if (size > ELFCHECK_MAX_DWARF - *total)
		return false;
	if (size > ELFCHECK_RATIO_FLOOR && size / ELFCHECK_MAX_RATIO > csize)
		return false;
	*total += size;
	return true;
}

bool elfcheck_strtab_ok(const Elf_Data *d)
{
	return d && d->d_buf && d->d_size &&
	       ((const char *)d->d_buf)[d->d_size - 1] == '\0';
}

/* .zdebug_*: "ZLIB" and the inflated size, big-endian. */
static int elfcheck_gnu_size(Elf_Scn *scn, uint64_t *size)
{
	const unsigned char *p;
	Elf_Data *d;
	int i;

	d = elf_rawdata(scn, NULL);
	if (!d || !d->d_buf || d->d_size < 12 || memcmp(d->d_buf, "ZLIB", 4))
		return -EBADMSG;
	p = (const unsigned char *)d->d_buf + 4;
	for (*size = 0, i = 0; i < 8; i++)
		*size = *size << 8 | p[i];
	return 0;
}

/* The section's size once libdw has inflated it. */
static int elfcheck_size(Elf_Scn *scn, const GElf_Shdr *sh, bool gnu,
			 uint64_t *size)
{
	GElf_Chdr ch;

	if (sh->sh_type == SHT_NOBITS) {
		*size = 0;
		return 0;
	}
	if (sh->sh_flags & SHF_COMPRESSED) {
		if (!gelf_getchdr(scn, &ch))
			return -EBADMSG;
		*size = ch.ch_size;
		return 0;
	}
	if (gnu)
		return elfcheck_gnu_size(scn, size);
	*size = sh->sh_size;
	return 0;
}

/* Inflates (within the caps already checked) and looks at the last byte. */
static int elfcheck_strings(Elf_Scn *scn, const GElf_Shdr *sh, bool gnu)
{
	if (sh->sh_type == SHT_NOBITS || !sh->sh_size)
		return 0;
	if ((sh->sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return -EBADMSG;
	if (gnu && elf_compress_gnu(scn, 0, 0) < 0)
		return -EBADMSG;
	return elfcheck_strtab_ok(elf_getdata(scn, NULL)) ? 0 : -EBADMSG;
}

static bool elfcheck_is_strings(const char *dbg)
{
	return !strcmp(dbg, "str") || !strcmp(dbg, "line_str");
}

struct debug_section {
	Elf_Scn *scn;
	GElf_Shdr sh;
	const char *name;	/* after .debug_ or .zdebug_ */
	bool gnu;		/* .zdebug_: GNU-style compression */
};

/* The DWARF section at index i, if it is one. */
static bool debug_section(Elf *elf, size_t shstrndx, size_t i,
			  struct debug_section *d)
{
	const char *name;

	d->scn = elf_getscn(elf, i);
	if (!d->scn || !gelf_getshdr(d->scn, &d->sh))
		return false;
	name = elf_strptr(elf, shstrndx, d->sh.sh_name);
	if (!name)
		return false;
	d->gnu = !strncmp(name, ".zdebug_", 8);
	if (!d->gnu && strncmp(name, ".debug_", 7))
		return false;
	d->name = name + (d->gnu ? 8 : 7);
	return true;
}

int elfcheck_dwarf(Elf *elf)
{
	uint64_t total = 0, size;
	struct debug_section d;
	size_t n, shstrndx, i;
	int err;

	if (elf_getshdrnum(elf, &n) || n > ELFCHECK_MAX_SECTIONS ||
	    elf_getshdrstrndx(elf, &shstrndx))
		return -EBADMSG;
	/* sizes first: nothing is inflated before the whole file passes */
	for (i = 1; i < n; i++) {
		if (!debug_section(elf, shstrndx, i, &d))
			continue;
		err = elfcheck_size(d.scn, &d.sh, d.gnu, &size);
		if (err)
			return err;
		if (!elfcheck_inflate_ok(d.sh.sh_size, size, &total))
			return -EFBIG;
	}
	for (i = 1; i < n; i++) {
		if (!debug_section(elf, shstrndx, i, &d) ||
		    !elfcheck_is_strings(d.name))
			continue;
		err = elfcheck_strings(d.scn, &d.sh, d.gnu);
		if (err)
			return err;
	}
	return 0;
}
