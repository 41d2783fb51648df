// SPDX-License-Identifier: GPL-2.0
/*
 * One cached ELF file: its symbols, build-id and (deferred) DWARF, loaded
 * from the binary and its debug file.  Symbol tables are copied out of the
 * ELF file and the file is closed; only files with DWARF keep their Elf
 * handle, and those without a descriptor: libdw reads all debug sections
 * when it opens them.
 */
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "symbols/internal.h"
#include "symbols/debuglink.h"
#include "symbols/dwarf.h"
#include "symbols/elf.h"
#include "symbols/elffile.h"
#include "symbols/fde.h"
#include "symbols/gopclntab.h"
#include "symbols/inline.h"
#include "symbols/plt.h"

static int elf_read_build_id(Elf *elf, struct elf_file *f)
{
	const unsigned char *id;
	ssize_t len = dwelf_elf_gnu_build_id(elf, (const void **)&id), i;

	if (len <= 0 || len > BUILD_ID_MAX)
		return 0;
	f->build_id = malloc(2 * len + 1);
	if (!f->build_id)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		sprintf(f->build_id + 2 * i, "%02x", id[i]);
	return 0;
}

/*
 * Symbols from .symtab, else the debug file's .symtab, else .dynsym; lines
 * from whichever of the binary and the debug file has DWARF.  path and
 * bin_st are NULL for in-memory images (no debuglink lookup).
 */
int elffile_load_image(const struct symbolizer *s, struct elf_file *f,
		       struct elf_handle *bin, const char *path,
		       const struct stat *bin_st)
{
	struct elf_handle dbg = { .fd = -1 };
	bool bin_symtab, bin_dwarf;
	GElf_Ehdr eh;
	int err;

	err = symelf_load_segments(bin->elf, f);
	if (err)
		return err;
	err = elf_read_build_id(bin->elf, f);
	if (err)
		return err;
	f->entry = gelf_getehdr(bin->elf, &eh) ? eh.e_entry : 0;
	bin_symtab = symelf_has_symtab(bin->elf);
	bin_dwarf = symelf_has_dwarf(bin->elf);
	if (!bin_symtab || !bin_dwarf) {
		if (debuglink_by_build_id(s, bin->elf, &dbg) && path)
			debuglink_by_link(s, bin->elf, path, bin_st, &dbg);
	}

	if (bin_symtab)
		err = symelf_load_symbols(bin->elf, SHT_SYMTAB, f);
	else if (dbg.elf && symelf_has_symtab(dbg.elf))
		err = symelf_load_symbols(dbg.elf, SHT_SYMTAB, f);
	else
		err = symelf_load_symbols(bin->elf, SHT_DYNSYM, f);
	if (err)
		goto out;

	/* DWARF is read on the first line asked for: most frames of system
	 * libraries never need it, and it can be large and compressed. */
	if (bin_dwarf)
		err = symdwarf_defer(f, bin);
	else if (dbg.elf && symelf_has_dwarf(dbg.elf))
		err = symdwarf_defer(f, &dbg);
out:
	symelf_handle_close(&dbg);
	return err;
}

/* Frees what a load produced; path and identity stay for the cache. */
void elffile_clear(struct elf_file *f)
{
	/* dwarf_getcfi_elf's CFI is the caller's to free, before its Elf */
	if (f->cfi)
		dwarf_cfi_end(f->cfi);
	if (f->cfi_elf)
		elf_end(f->cfi_elf);
	if (f->cfi_fd >= 0)
		close(f->cfi_fd);
	f->cfi_elf = NULL;
	f->cfi_fd = -1;
	f->cfi = NULL;
	f->cfi_tried = false;
	if (f->dwarf)
		dwarf_end(f->dwarf);
	if (f->dwarf_elf)
		elf_end(f->dwarf_elf);
	free(f->fdes);
	free(f->plts);
	free(f->plt_names);
	symgo_free(f);
	f->fdes = NULL;
	f->plts = NULL;
	f->plt_names = NULL;
	f->n_fdes = f->n_plts = f->plt_names_len = 0;
	f->unnamed_tried = false;
	free(f->cus);
	syminline_free(f);
	symdwarf_free_paths(f);
	free(f->segs);
	free(f->syms);
	free(f->names);
	free(f->image);
	free(f->dwarf_path);
	free(f->build_id);
	f->build_id = NULL;
	f->dwarf_path = NULL;
	f->dwarf = NULL;
	f->dwarf_elf = NULL;
	f->cus = NULL;
	f->segs = NULL;
	f->syms = NULL;
	f->names = NULL;
	f->image = NULL;
	f->n_cus = f->n_segs = f->n_syms = 0;
}

void elffile_free(struct elf_file *f)
{
	elffile_clear(f);
	free(f->path);
	free(f);
}

int elffile_load(const struct symbolizer *s, struct elf_file *f)
{
	struct elf_handle bin;
	struct stat st;
	int err;

	err = symelf_open(f->path, &bin, &st);
	if (err)
		return err;
	/*
	 * fstat of what we opened: no window for the file to be swapped.
	 * Only the inode is compared: the device the kernel reports for a
	 * mapping (the superblock's) differs from st_dev on btrfs
	 * subvolumes and overlayfs, and the path already names the file.
	 */
	if (f->ino && (uint64_t)st.st_ino != f->ino)
		err = -ESTALE;
	else
		err = elffile_load_image(s, f, &bin, f->path, &st);
	symelf_handle_close(&bin);
	if (err)
		elffile_clear(f);
	return err;
}

/* Each refused file once, whichever lookup found it out. */
void elffile_count(struct symbolizer *s, struct elf_file *f)
{
	if (f->syms_refused && !f->syms_counted) {
		f->syms_counted = true;
		s->symbols_refused++;
	}
	if (f->dwarf_refused && !f->dwarf_counted) {
		f->dwarf_counted = true;
		s->dwarf_refused++;
	}
}

/* A Go binary's function table, named by .text's address. */
static void elffile_load_go(Elf *elf, struct elf_file *f)
{
	GElf_Shdr sh, text;
	Elf_Scn *scn;
	Elf_Data *data;

	if (!symelf_find_section(elf, SHT_NULL, ".text", &text))
		text.sh_addr = 0;
	scn = symelf_find_section(elf, SHT_NULL, ".gopclntab", &sh);
	if (!scn || sh.sh_type != SHT_PROGBITS || sh.sh_size > GO_MAX_SECTION)
		return;
	data = elf_getdata(scn, NULL);
	if (data && data->d_buf && data->d_size <= sh.sh_size)
		symgo_parse(data->d_buf, data->d_size, text.sh_addr, f);
}

/*
 * What names code without symbols, read once per file: the FDE ranges of
 * .eh_frame, the PLT stubs and Go's function table.  Those sections alone
 * are read (libelf's pread), not the whole file: a browser is 300 MB,
 * its .eh_frame under 1 MB.  A failure only means no names from them.
 */
static void elffile_load_unnamed(struct elf_file *f)
{
	struct elf_handle h = { .fd = -1 };
	struct stat st;
	Elf_Scn *scn;
	GElf_Shdr sh;

	f->unnamed_tried = true;
	/* in-memory images (the vDSO) name all their functions */
	if (f->image || !f->path || symelf_open(f->path, &h, &st))
		return;
	if (f->ino && (uint64_t)st.st_ino != f->ino)
		goto out;
	scn = symelf_find_section(h.elf, SHT_NULL, ".eh_frame", &sh);
	if (scn && sh.sh_type == SHT_PROGBITS && sh.sh_size <= FDE_MAX_SECTION)
		symfde_parse((const unsigned char *)elf_getident(h.elf, NULL),
			     elf_getdata(scn, NULL), sh.sh_addr, &f->fdes,
			     &f->n_fdes);
	symplt_parse(h.elf, f);
	elffile_load_go(h.elf, f);
out:
	symelf_handle_close(&h);
}

/* No sized symbol covers vaddr: a Go function, a PLT stub, or a
 * function by its FDE. */
static int elffile_unnamed(struct elf_file *f, uint64_t vaddr,
			   const struct elf_sym *unsized,
			   struct sym_result *out)
{
	const struct plt_stub *stub;
	const struct go_func *go;

	if (!f->unnamed_tried)
		elffile_load_unnamed(f);
	go = symgo_find(f, vaddr);
	if (go) {
		out->name = f->go_names + go->name;
		out->offset = vaddr - go->start;
		out->go_table = true;
		return 0;
	}
	stub = symplt_find(f, vaddr);
	if (stub) {
		out->name = f->plt_names + stub->name;
		out->offset = vaddr - stub->start;
		return 0;
	}
	return symfde_symbolize(f, vaddr, unsized, out);
}

int elffile_go_sp_delta(struct elf_file *f, uint64_t vaddr, uint32_t *delta)
{
	if (!f->unnamed_tried)
		elffile_load_unnamed(f);
	return symgo_sp_delta(f, vaddr, delta);
}

int elffile_symbolize(struct elf_file *f, uint64_t file_offset,
		      bool want_line, struct sym_result *out)
{
	const struct elf_sym *sym;
	uint64_t vaddr;
	int err;

	if (f->err)
		return f->err;
	if (!symelf_offset_to_vaddr(f, file_offset, &vaddr))
		return -ENOENT;
	out->vaddr = vaddr;
	out->build_id = f->build_id;
	sym = symelf_sym_find(f, vaddr);
	if (sym && sym->sized) {
		out->name = sym->name;
		out->offset = vaddr - sym->start;
	} else {
		err = elffile_unnamed(f, vaddr, sym, out);
		if (err)
			return err;
	}
	if (want_line)
		symdwarf_load(f);
	if (want_line && f->dwarf)
		symdwarf_lines(f, vaddr, out);
	return 0;
}

