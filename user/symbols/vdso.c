// SPDX-License-Identifier: GPL-2.0
/*
 * The vDSO: the image this process has mapped, sized from its own headers
 * and read as an in-memory ELF file.
 */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "symbols/internal.h"
#include "symbols/elf.h"
#include "symbols/elffile.h"
#include "symbols/vdso.h"

#define VDSO_MAX_SIZE		(1u << 20)

/*
 * The image's size from its own headers: the end of the furthest PT_LOAD or
 * of the section header table.  The program headers must lie in the first
 * page, which is mapped whenever the image is.
 */
static size_t vdso_image_size(const unsigned char *base)
{
	const ElfW(Ehdr) *eh = (const void *)base;
	uint64_t page = getpagesize();
	const ElfW(Phdr) *ph;
	uint64_t size, end;
	size_t i;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phentsize != sizeof(*ph) || eh->e_phoff > page ||
	    (uint64_t)eh->e_phnum * sizeof(*ph) > page - eh->e_phoff ||
	    eh->e_shoff > VDSO_MAX_SIZE)
		return 0;
	size = (uint64_t)eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	ph = (const void *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		end = (uint64_t)ph[i].p_offset + ph[i].p_filesz;
		if (end < ph[i].p_offset)
			return 0;
		if (end > size)
			size = end;
	}
	return size >= sizeof(*eh) && size <= VDSO_MAX_SIZE ? size : 0;
}

/* Parses a private copy: libelf may write to an image it was handed. */
static int vdso_load(const struct symbolizer *s, struct elf_file *f)
{
	const unsigned char *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	struct elf_handle h = { .fd = -1 };
	size_t size;
	int err;

	if (!base)
		return -ENOENT;
	size = vdso_image_size(base);
	if (!size)
		return -ENOEXEC;
	f->image = malloc(size);
	if (!f->image)
		return -ENOMEM;
	memcpy(f->image, base, size);
	h.elf = elf_memory(f->image, size);
	if (!h.elf || elf_kind(h.elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto out;
	}
	err = elffile_load_image(s, f, &h, NULL, NULL);
out:
	symelf_handle_close(&h);
	if (err)
		elffile_clear(f);
	return err;
}

int vdso_lookup(struct symbolizer *s, uint64_t offset,
		struct sym_result *out)
{
	int err;

	err = symbolizer_lookup_begin(s, out);
	if (err)
		return err;
	if (!s->vdso) {
		s->vdso = calloc(1, sizeof(*s->vdso));
		if (!s->vdso)
			return -ENOMEM;
		s->vdso->cfi_fd = -1;
		s->vdso->err = vdso_load(s, s->vdso);
		if (s->vdso->err == -ENOMEM) {
			elffile_free(s->vdso);
			s->vdso = NULL;
			return -ENOMEM;
		}
	}
	err = elffile_symbolize(s->vdso, offset, true, out);
	elffile_count(s, s->vdso);
	return err;
}
