// SPDX-License-Identifier: GPL-2.0
/*
 * ELF files through libelf, every count and offset bounded: opening (read
 * with pread, ELF_C_READ, not mmap, so a file truncated under us is an
 * error, not a SIGBUS), sections, load segments, symbol tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/internal.h"
#include "symbols/elf.h"
#include "symbols/elfcheck.h"
#include "symbols/file.h"
#include "symbols/table.h"

#define ELF_MAX_SECTIONS	65536
#define ELF_MAX_PHDRS		4096
#define ELF_MAX_SYMS		(16u << 20)

void symelf_handle_close(struct elf_handle *h)
{
	if (h->elf)
		elf_end(h->elf);
	if (h->fd >= 0)
		close(h->fd);
	free(h->path);
	h->elf = NULL;
	h->fd = -1;
	h->path = NULL;
}

int symelf_open(const char *path, struct elf_handle *h, struct stat *st)
{
	int err;

	h->elf = NULL;
	h->path = NULL;
	h->fd = symfile_open(path, 0, st);
	if (h->fd < 0)
		return h->fd;
	h->path = strdup(path);
	if (!h->path) {
		err = -ENOMEM;
		goto fail;
	}
	if ((uint64_t)st->st_size > ELF_MAX_FILE_SIZE) {
		err = -EFBIG;
		goto fail;
	}
	h->elf = elf_begin(h->fd, ELF_C_READ, NULL);
	if (!h->elf || elf_kind(h->elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto fail;
	}
	return 0;
fail:
	symelf_handle_close(h);
	return err;
}

/* The first section of the given type, or (type SHT_NULL) with that name. */
Elf_Scn *symelf_find_section(Elf *elf, Elf64_Word type, const char *name,
			     GElf_Shdr *sh)
{
	size_t n, shstrndx, i;
	const char *sname;
	Elf_Scn *scn;

	if (elf_getshdrnum(elf, &n) || n > ELF_MAX_SECTIONS)
		return NULL;
	if (name && elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	for (i = 1; i < n; i++) {
		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, sh))
			continue;
		if (type != SHT_NULL && sh->sh_type != type)
			continue;
		if (name) {
			sname = elf_strptr(elf, shstrndx, sh->sh_name);
			if (!sname || strcmp(sname, name))
				continue;
		}
		return scn;
	}
	return NULL;
}

bool symelf_has_symtab(Elf *elf)
{
	GElf_Shdr sh;

	return symelf_find_section(elf, SHT_SYMTAB, NULL, &sh) &&
	       sh.sh_size > 0;
}

bool symelf_has_dwarf(Elf *elf)
{
	GElf_Shdr sh;

	return symelf_find_section(elf, SHT_NULL, ".debug_info", &sh) &&
	       sh.sh_type != SHT_NOBITS && sh.sh_size > 0;
}

int symelf_load_segments(Elf *elf, struct elf_file *f)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n) || !n || n > ELF_MAX_PHDRS)
		return -ENOEXEC;
	f->segs = calloc(n, sizeof(*f->segs));
	if (!f->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    !ph.p_filesz || ph.p_offset + ph.p_filesz < ph.p_offset)
			continue;
		f->segs[f->n_segs++] = (struct load_seg){
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.vaddr = ph.p_vaddr,
		};
	}
	return f->n_segs ? 0 : -ENOEXEC;
}

bool symelf_offset_to_vaddr(const struct elf_file *f, uint64_t off,
			    uint64_t *vaddr)
{
	const struct load_seg *seg;
	size_t i;

	for (i = 0; i < f->n_segs; i++) {
		seg = &f->segs[i];
		if (off >= seg->offset && off - seg->offset < seg->filesz) {
			*vaddr = seg->vaddr + (off - seg->offset);
			return true;
		}
	}
	return false;
}

/* A size-0 function covers at most the rest of its section. */
static bool elf_section_end(Elf *elf, size_t shndx, uint64_t *end)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
		return false;
	scn = elf_getscn(elf, shndx);
	if (!scn || !gelf_getshdr(scn, &sh) ||
	    sh.sh_addr + sh.sh_size < sh.sh_addr)
		return false;
	*end = sh.sh_addr + sh.sh_size;
	return true;
}

static bool elf_sym_convert(Elf *elf, const GElf_Sym *sym, size_t strndx,
			    size_t strsize, struct elf_sym *out)
{
	int type = GELF_ST_TYPE(sym->st_info);
	int bind = GELF_ST_BIND(sym->st_info);

	if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
	    sym->st_shndx == SHN_UNDEF || !sym->st_name ||
	    sym->st_name >= strsize || !elf_strptr(elf, strndx, sym->st_name))
		return false;
	out->start = sym->st_value;
	out->sized = sym->st_size > 0;
	out->rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
	if (out->sized) {
		out->end = sym->st_value + sym->st_size;
		return out->end > out->start;
	}
	return elf_section_end(elf, sym->st_shndx, &out->end) &&
	       out->end > out->start;
}

/*
 * "clock_nanosleep@@GLIBC_2.17" is clock_nanosleep to a reader.  Cutting
 * in place is safe: strtab strings that share these bytes are suffixes of
 * this name, and those that include the '@' want the same cut.
 */
static void strip_symbol_version(char *name)
{
	char *at = strchr(name, '@');

	if (at && at != name)
		*at = '\0';
}

/*
 * Among aliases, the name a user would call: printf over _IO_printf,
 * malloc over __libc_malloc; never glibc's hidden alias for its own calls
 * (__GI_____strtod_l_internal for ____strtod_l_internal), whatever its
 * underscores.
 */
static int alias_name_cmp(const char *x, const char *y)
{
	size_t ux = strspn(x, "_"), uy = strspn(y, "_");
	bool gx = !strncmp(x, "__GI_", 5), gy = !strncmp(y, "__GI_", 5);
	size_t lx, ly;

	if (gx != gy)
		return gx ? 1 : -1;

	if (ux != uy)
		return ux < uy ? -1 : 1;
	lx = strlen(x);
	ly = strlen(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

static int elf_sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->sized != y->sized)
		return x->sized ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return alias_name_cmp(x->name, y->name);
}

/* Sorts by address and keeps the preferred alias at each address. */
static void elf_syms_sort(struct elf_file *f)
{
	struct elf_sym *shrunk;
	size_t i, n = 0;

	table_sort(f->syms, f->n_syms, sizeof(*f->syms), elf_sym_cmp);
	for (i = 0; i < f->n_syms; i++) {
		if (n && f->syms[n - 1].start == f->syms[i].start)
			continue;
		f->syms[n++] = f->syms[i];
	}
	f->n_syms = n;
	if (!n) {
		free(f->syms);
		free(f->names);
		f->syms = NULL;
		f->names = NULL;
		return;
	}
	shrunk = reallocarray(f->syms, n, sizeof(*f->syms));
	if (shrunk)
		f->syms = shrunk;
}

/* Copies the function symbols of the first section of type (symtab/dynsym). */
int symelf_load_symbols(Elf *elf, Elf64_Word type, struct elf_file *f)
{
	Elf_Data *data, *strdata;
	GElf_Shdr sh, strsh;
	Elf_Scn *scn, *strscn;
	size_t n, i, entsize;
	GElf_Sym sym;

	scn = symelf_find_section(elf, type, NULL, &sh);
	if (!scn)
		return 0;
	strscn = elf_getscn(elf, sh.sh_link);
	if (!strscn || !gelf_getshdr(strscn, &strsh) ||
	    strsh.sh_type != SHT_STRTAB)
		return 0;
	data = elf_getdata(scn, NULL);
	strdata = elf_getdata(strscn, NULL);
	entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (!data || !data->d_buf || !strdata || !strdata->d_buf ||
	    !strdata->d_size || !entsize)
		return 0;
	if (!elfcheck_strtab_ok(strdata)) {
		f->syms_refused = true;
		return 0;
	}
	/* Entry 0 is the undefined symbol. */
	n = data->d_size / entsize;
	if (n < 2)
		return 0;
	if (n > ELF_MAX_SYMS)
		n = ELF_MAX_SYMS;

	/* A NUL past the end terminates every name, whatever the file says. */
	f->names = malloc(strdata->d_size + 1);
	f->syms = calloc(n, sizeof(*f->syms));
	if (!f->names || !f->syms)
		return -ENOMEM;
	memcpy(f->names, strdata->d_buf, strdata->d_size);
	f->names[strdata->d_size] = '\0';

	for (i = 1; i < n; i++) {
		struct elf_sym *out = &f->syms[f->n_syms];

		if (!gelf_getsym(data, i, &sym) ||
		    !elf_sym_convert(elf, &sym, sh.sh_link, strdata->d_size,
				     out))
			continue;
		out->name = f->names + sym.st_name;
		strip_symbol_version(f->names + sym.st_name);
		f->n_syms++;
	}
	elf_syms_sort(f);
	return 0;
}

/*
 * The covering sized symbol nearest below vaddr wins; a size-0 symbol only
 * when no sized one covers vaddr.
 */
const struct elf_sym *symelf_sym_find(const struct elf_file *f,
				      uint64_t vaddr)
{
	const struct elf_sym *sym;
	size_t n, i;

	n = table_count_le(f->syms, f->n_syms, sizeof(*f->syms), vaddr);
	for (i = 1; i <= n && i <= SYM_MAX_NESTING; i++) {
		sym = &f->syms[n - i];
		if (sym->sized && vaddr < sym->end)
			return sym;
	}
	if (n && !f->syms[n - 1].sized && vaddr < f->syms[n - 1].end)
		return &f->syms[n - 1];
	return NULL;
}
