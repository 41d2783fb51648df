// SPDX-License-Identifier: GPL-2.0
/*
 * Address → function/file/line: the front end.  The lookups of
 * symbolize.h, the per-file ELF cache, the perf-map cache and the
 * symbolizer's lifetime; kallsyms.c, elffile.c (over elf.c, dwarf.c and
 * debuglink.c) and vdso.c do the reading.
 *
 * Every input here is untrusted: kallsyms and perf maps are parsed line by
 * line with a fixed line limit, ELF files are read through libelf with every
 * count and offset bounded, and files are read with pread (ELF_C_READ) rather
 * than mmap so that a file truncated under us is an error, not a SIGBUS.
 *
 * Not thread-safe: one symbolizer per thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "symbols/internal.h"
#include "symbols/dwarf.h"
#include "symbols/elf.h"
#include "symbols/elffile.h"
#include "symbols/kallsyms.h"
#include "symbols/names.h"
#include "symbols/perfmap.h"
#include "symbols/symbolize.h"
#include "symbols/vdso.h"

/* ---- kernel and vDSO: kallsyms.c, vdso.c ------------------------------ */

int symbolizer_preload_kernel(struct symbolizer *s)
{
	return kallsyms_preload(s);
}

void symbolizer_set_kernel_lookup(struct symbolizer *s, symbolizer_ksym_fn fn,
				  void *ctx)
{
	s->klookup = fn;
	s->klookup_ctx = ctx;
}

/* What every lookup of a symbol table ends with: the name a reader knows. */
static int symbolize_named(struct symbolizer *s, int err,
			   struct sym_result *out)
{
	if (!err)
		symname_apply(&s->names, out);
	return err;
}

int symbolize_kernel(struct symbolizer *s, uint64_t addr,
		     struct sym_result *out)
{
	return symbolize_named(s, kallsyms_lookup(s, addr, out), out);
}

bool symbolizer_kernel_hidden(struct symbolizer *s)
{
	return kallsyms_hidden(s);
}

int symbolize_vdso(struct symbolizer *s, uint64_t offset,
		   struct sym_result *out)
{
	return symbolize_named(s, vdso_lookup(s, offset, out), out);
}

/* ---- ELF cache --------------------------------------------------------- */

static size_t elf_cache_bucket(const char *path, uint64_t dev, uint64_t ino)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	if (dev || ino)
		return ((dev * 31 + ino) * 0x9e3779b97f4a7c15ull >> 32) %
		       ELF_CACHE_BUCKETS;
	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 1099511628211ull;
	return h % ELF_CACHE_BUCKETS;
}

static bool elf_file_matches(const struct elf_file *f, const char *path,
			     uint64_t dev, uint64_t ino)
{
	if (f->dev != dev || f->ino != ino)
		return false;
	/*
	 * A loaded (dev, ino) is the same file under any path; a failure, or
	 * a file known only by path, says nothing about other paths.
	 */
	if (!(dev || ino) || f->err)
		return !strcmp(f->path, path);
	return true;
}

static int elf_cache_get(struct symbolizer *s, const char *path, uint64_t dev,
			 uint64_t ino, struct elf_file **out)
{
	size_t b = elf_cache_bucket(path, dev, ino);
	struct elf_file *f;

	for (f = s->elf_cache[b]; f; f = f->next) {
		if (elf_file_matches(f, path, dev, ino)) {
			*out = f;
			return 0;
		}
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->cfi_fd = -1;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return -ENOMEM;
	}
	f->dev = dev;
	f->ino = ino;
	f->err = elffile_load(s, f);
	/* Out of memory is transient, not the file's fault: do not cache. */
	if (f->err == -ENOMEM) {
		elffile_free(f);
		return -ENOMEM;
	}
	f->next = s->elf_cache[b];
	s->elf_cache[b] = f;
	*out = f;
	return 0;
}

int symbolize_elf(struct symbolizer *s, const char *path, uint64_t dev,
		  uint64_t ino, uint64_t file_offset, bool want_line,
		  struct sym_result *out)
{
	struct elf_file *f;
	int err;

	err = symbolizer_lookup_begin(s, out);
	if (err)
		return err;
	if (!path || !*path)
		return -EINVAL;
	err = elf_cache_get(s, path, dev, ino, &f);
	if (err)
		return err;
	err = elffile_symbolize(f, file_offset, want_line, out);
	elffile_count(s, f);
	return symbolize_named(s, err, out);
}

int symbolize_elf_entry(struct symbolizer *s, const char *path, uint64_t dev,
			uint64_t ino, uint64_t *file_offset)
{
	const struct load_seg *seg;
	struct elf_file *f;
	size_t i;
	int err;

	if (!s || !path || !*path)
		return -EINVAL;
	err = elf_cache_get(s, path, dev, ino, &f);
	if (err || f->err)
		return err ? err : f->err;
	for (i = 0; f->entry && i < f->n_segs; i++) {
		seg = &f->segs[i];
		if (f->entry >= seg->vaddr && f->entry - seg->vaddr < seg->filesz) {
			*file_offset = seg->offset + (f->entry - seg->vaddr);
			return 0;
		}
	}
	return -ENOENT;
}

/* The cached file of path, and file_offset's address in it. */
static int elf_address(struct symbolizer *s, const char *path, uint64_t dev,
		       uint64_t ino, uint64_t file_offset, struct elf_file **f,
		       uint64_t *vaddr)
{
	int err;

	if (!s || !path || !*path)
		return -EINVAL;
	if (symbolizer_cancelled(s))
		return -EINTR;
	err = elf_cache_get(s, path, dev, ino, f);
	if (err)
		return err;
	if ((*f)->err)
		return (*f)->err;
	return symelf_offset_to_vaddr(*f, file_offset, vaddr) ? 0 : -ENOENT;
}

int symbolize_cfi_frame(struct symbolizer *s, const char *path, uint64_t dev,
			uint64_t ino, uint64_t file_offset, Dwarf_Frame **frame)
{
	struct elf_file *f;
	Dwarf_CFI *cfi;
	uint64_t vaddr;
	int err;

	*frame = NULL;
	err = elf_address(s, path, dev, ino, file_offset, &f, &vaddr);
	if (err)
		return err;
	cfi = symdwarf_cfi(f, &s->cfi_fds_left);
	elffile_count(s, f);
	if (!cfi || dwarf_cfi_addrframe(cfi, vaddr, frame)) {
		*frame = NULL;
		return -ENOENT;
	}
	return 0;
}

int symbolize_go_sp(struct symbolizer *s, const char *path, uint64_t dev,
		    uint64_t ino, uint64_t file_offset, uint32_t *delta)
{
	struct elf_file *f;
	uint64_t vaddr;
	int err = elf_address(s, path, dev, ino, file_offset, &f, &vaddr);

	return err ? err : elffile_go_sp_delta(f, vaddr, delta);
}

/* ---- perf maps --------------------------------------------------------- */

static void perfmap_free(struct perfmap *m)
{
	perfmap_clear(m);
	free(m);
}

static int perfmap_get(struct symbolizer *s, uint32_t pid, struct perfmap **out)
{
	size_t b = pid % PERFMAP_BUCKETS;
	struct perfmap *m;

	for (m = s->perfmaps[b]; m; m = m->next) {
		if (m->pid == pid) {
			*out = m;
			return 0;
		}
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->pid = pid;
	m->err = perfmap_load(m, s->perfmap_dir, &s->perfmap_stats);
	if (m->err == -ENOMEM) {
		perfmap_free(m);
		return -ENOMEM;
	}
	m->next = s->perfmaps[b];
	s->perfmaps[b] = m;
	*out = m;
	return 0;
}

int symbolize_perfmap(struct symbolizer *s, uint32_t pid, uint64_t addr,
		      struct sym_result *out)
{
	const struct perfmap_sym *e;
	struct perfmap *m;
	int err;

	err = symbolizer_lookup_begin(s, out);
	if (err)
		return err;
	err = perfmap_get(s, pid, &m);
	if (err)
		return err;
	e = m->err ? NULL : perfmap_find(m, addr);
	/* JITs append as they compile: a miss may be newer than the read */
	if (!e && perfmap_refresh(m, s->perfmap_dir, &s->perfmap_stats))
		e = m->err ? NULL : perfmap_find(m, addr);
	if (m->err)
		return m->err;
	if (!e)
		return -ENOENT;
	out->name = m->names + e->name;
	out->offset = addr - e->start;
	/* JITs of C++ and Rust (and perf-map agents) write symbols */
	return symbolize_named(s, 0, out);
}

void symbolizer_set_cancel(struct symbolizer *s,
			   const volatile sig_atomic_t *flag)
{
	s->cancel = flag;
}

void symbolizer_get_stats(const struct symbolizer *s,
			  struct symbolizer_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	out->dwarf_refused = s->dwarf_refused;
	out->symbols_refused = s->symbols_refused;
	out->perfmap_lines_skipped = s->perfmap_stats.lines_skipped;
	out->perfmap_bytes_skipped = s->perfmap_stats.bytes_skipped;
	out->perfmap_refused = s->perfmap_stats.refused;
}

/* ---- lifetime ---------------------------------------------------------- */

struct symbolizer *symbolizer_new(const struct symbolizer_opts *opts)
{
	const struct symbolizer_opts defaults = {
		.kallsyms_path = "/proc/kallsyms",
		.debug_dir = "/usr/lib/debug",
		.perfmap_dir = "/tmp",
	};
	struct symbolizer *s;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	if (!opts)
		opts = &defaults;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->kallsyms_path = strdup(opts->kallsyms_path ?:
				  defaults.kallsyms_path);
	s->debug_dir = strdup(opts->debug_dir ?: defaults.debug_dir);
	s->perfmap_dir = strdup(opts->perfmap_dir ?: defaults.perfmap_dir);
	s->cfi_fds_left = SYMBOLIZER_CFI_FDS;
	if (!s->kallsyms_path || !s->debug_dir || !s->perfmap_dir) {
		symbolizer_free(s);
		return NULL;
	}
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	struct elf_file *f, *fnext;
	struct perfmap *m, *mnext;
	size_t i;

	if (!s)
		return;
	if (s->kernel_preloading)
		pthread_join(s->kernel_thread, NULL);
	for (i = 0; i < ELF_CACHE_BUCKETS; i++) {
		for (f = s->elf_cache[i]; f; f = fnext) {
			fnext = f->next;
			elffile_free(f);
		}
	}
	for (i = 0; i < PERFMAP_BUCKETS; i++) {
		for (m = s->perfmaps[i]; m; m = mnext) {
			mnext = m->next;
			perfmap_free(m);
		}
	}
	if (s->vdso)
		elffile_free(s->vdso);
	kallsyms_free(s);
	kallsyms_free_knames(s);
	symname_cache_free(&s->names);
	free(s->kallsyms_path);
	free(s->debug_dir);
	free(s->perfmap_dir);
	free(s);
}
