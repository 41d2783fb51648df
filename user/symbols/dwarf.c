// SPDX-License-Identifier: GPL-2.0
/*
 * DWARF through libdw: compile unit ranges and source lines, read lazily on
 * the first line lookup, and call frame information for the unwinder.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util.h"
#include "symbols/internal.h"
#include "symbols/dwarf.h"
#include "symbols/elf.h"
#include "symbols/elfcheck.h"
#include "symbols/inline.h"
#include "symbols/table.h"

#define DWARF_MAX_UNITS		(1u << 20)
#define DWARF_MAX_RANGES	(4u << 20)
#define DWARF_MAX_PATH_BYTES	(4u << 20)	/* relative ones, made whole */

static int cu_range_cmp(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return CMP(x->end, y->end);
}

static int cu_ranges_add(struct elf_file *f, Dwarf_Die *cudie, size_t *cap)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	size_t i;
	int err;

	for (i = 0; i < DWARF_MAX_RANGES && f->n_cus < DWARF_MAX_RANGES; i++) {
		off = dwarf_ranges(cudie, off, &base, &start, &end);
		if (off <= 0)
			break;
		/* Start 0: code the linker discarded. */
		if (!start || end <= start)
			continue;
		err = table_grow((void **)&f->cus, cap, f->n_cus, sizeof(*f->cus));
		if (err)
			return err;
		f->cus[f->n_cus++] = (struct cu_range){
			.start = start,
			.end = end,
			.die = dwarf_dieoffset(cudie),
		};
	}
	return 0;
}

static int cu_ranges_load(Dwarf *dw, struct elf_file *f)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t unit_type;
	size_t cap = 0, units;
	int err;

	for (units = 0; units < DWARF_MAX_UNITS; units++) {
		if (dwarf_get_units(dw, cu, &cu, &version, &unit_type,
				    &cudie, &subdie))
			break;
		if (unit_type != DW_UT_compile && unit_type != DW_UT_skeleton)
			continue;
		err = cu_ranges_add(f, &cudie, &cap);
		if (err)
			return err;
	}
	table_sort(f->cus, f->n_cus, sizeof(*f->cus), cu_range_cmp);
	return 0;
}

/*
 * Keeps the Elf for libdw, which has read every debug section by now, and
 * closes its descriptor so cached files do not hold descriptors.
 */
static int elf_file_open_dwarf(struct elf_file *f, struct elf_handle *h)
{
	Dwarf *dw;
	int err;

	if (elfcheck_dwarf(h->elf)) {
		f->dwarf_refused = true;
		return 0;
	}
	dw = dwarf_begin_elf(h->elf, DWARF_C_READ, NULL);
	if (!dw)
		return 0;
	err = cu_ranges_load(dw, f);
	if (err || !f->n_cus) {
		dwarf_end(dw);
		free(f->cus);
		f->cus = NULL;
		f->n_cus = 0;
		return err;
	}
	f->dwarf = dw;
	f->dwarf_elf = h->elf;
	h->elf = NULL;
	if (h->fd >= 0) {
		elf_cntl(f->dwarf_elf, ELF_C_FDDONE);
		close(h->fd);
		h->fd = -1;
	}
	return 0;
}

/* In-memory images (the vDSO) have no path: their DWARF is read now. */
int symdwarf_defer(struct elf_file *f, struct elf_handle *h)
{
	if (!h->path)
		return elf_file_open_dwarf(f, h);
	f->dwarf_path = strdup(h->path);
	return f->dwarf_path ? 0 : -ENOMEM;
}

/* Opens the DWARF noted at load, once; a failure only means no lines. */
void symdwarf_load(struct elf_file *f)
{
	struct elf_handle h = { .fd = -1 };
	struct stat st;

	if (!f->dwarf_path)
		return;
	if (!symelf_open(f->dwarf_path, &h, &st))
		elf_file_open_dwarf(f, &h);
	symelf_handle_close(&h);
	free(f->dwarf_path);
	f->dwarf_path = NULL;
}

/*
 * A source path relative to its compile unit's directory, made whole:
 * Rust's standard library is "library/std/src/rt.rs" in "/rustc/<hash>",
 * which classify_source tells from the program's code by, and which a
 * reader can open.  Each is kept once, with the file; path when it is not
 * relative, or past DWARF_MAX_PATH_BYTES of them (the file is the
 * workload's).
 */
static const char *whole_path(struct elf_file *f, const char *dir,
			      const char *path)
{
	char buf[4096];
	int64_t i;
	int len, added;

	if (!path || path[0] == '/' || !dir || dir[0] != '/' ||
	    f->src_paths.arena_len >= DWARF_MAX_PATH_BYTES)
		return path;
	len = snprintf(buf, sizeof(buf), "%s/%s", dir, path);
	if (len < 0 || len >= (int)sizeof(buf))
		return path;
	i = intern_bytes(&f->src_paths, buf, len, &added);
	if (i < 0)
		return path;
	if (added) {
		if (intern_items_reserve((void **)&f->src_path_strs,
					 &f->cap_src_paths, i,
					 sizeof(*f->src_path_strs)))
			return path;
		f->src_path_strs[i] = strdup(buf);
	}
	return f->src_path_strs[i] ? f->src_path_strs[i] : path;
}

void symdwarf_free_paths(struct elf_file *f)
{
	size_t i;

	for (i = 0; i < f->src_paths.n && i < f->cap_src_paths; i++)
		free(f->src_path_strs[i]);
	free(f->src_path_strs);
	f->src_path_strs = NULL;
	f->cap_src_paths = 0;
	intern_free(&f->src_paths);
}

/* The line vaddr is on, and the functions inlined there. */
void symdwarf_lines(struct elf_file *f, uint64_t vaddr, struct sym_result *out)
{
	const struct cu_range *r = NULL;
	Dwarf_Attribute a;
	Dwarf_Line *line;
	Dwarf_Die cudie;
	const char *src, *dir;
	size_t n, i;
	int lineno;

	n = table_count_le(f->cus, f->n_cus, sizeof(*f->cus), vaddr);
	for (i = 1; i <= n && i <= SYM_MAX_NESTING && !r; i++)
		if (vaddr < f->cus[n - i].end)
			r = &f->cus[n - i];
	if (!r || !dwarf_offdie(f->dwarf, r->die, &cudie))
		return;
	line = dwarf_getsrc_die(&cudie, vaddr);
	if (!line || dwarf_lineno(line, &lineno) || lineno <= 0)
		return;
	src = dwarf_linesrc(line, NULL, NULL);
	if (!src)
		return;
	out->file = src;
	out->line = lineno;
	syminline_find(f, &cudie, vaddr, out);
	dir = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &a));
	out->file = whole_path(f, dir, out->file);
	for (i = 0; i < out->n_inlined; i++)
		out->inlined[i].file = whole_path(f, dir, out->inlined[i].file);
}

/*
 * The file's call frame information (.eh_frame, else .debug_frame), read
 * once.  While *fds_left lasts, the file stays open and libelf reads
 * only the sections the CFI needs, as it needs them (pread: a file
 * truncated meanwhile makes a read fail, never a SIGBUS); beyond, the
 * whole file is read into memory and closed, as a recording of every
 * process (-a) would otherwise run out of descriptors.  Read whole, the
 * files unwound in a 5 s `record -a` of a busy machine took 100 MiB.
 */
Dwarf_CFI *symdwarf_cfi(struct elf_file *f, int *fds_left)
{
	struct elf_handle h = { .fd = -1 };
	struct stat st;
	bool keep_fd = *fds_left > 0;

	if (f->cfi_tried)
		return f->cfi;
	f->cfi_tried = true;
	if (symelf_open(f->path, &h, &st))
		return NULL;
	if (f->ino && (uint64_t)st.st_ino != f->ino)
		goto out;
	/* first: sections read before it would leak (libelf 0.188) */
	if (!keep_fd && elf_cntl(h.elf, ELF_C_FDREAD))
		goto out;
	/* .debug_frame, the fallback, may be compressed: same caps */
	if (elfcheck_dwarf(h.elf)) {
		f->dwarf_refused = true;
		goto out;
	}
	f->cfi = dwarf_getcfi_elf(h.elf);
	if (f->cfi) {
		f->cfi_elf = h.elf;
		h.elf = NULL;
		if (keep_fd) {
			f->cfi_fd = h.fd;
			h.fd = -1;
			(*fds_left)--;
		}
	}
out:
	symelf_handle_close(&h);
	return f->cfi;
}
