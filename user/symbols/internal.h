/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The symbolizer's private structures, shared by symbolize.c (the front
 * end and its caches), kallsyms.c, elf.c, dwarf.c, fde.c, plt.c,
 * debuglink.c, elffile.c and vdso.c.  Not for other folders: they see symbolize.h only.
 */
#ifndef WHYSLOW_SYMBOLS_INTERNAL_H
#define WHYSLOW_SYMBOLS_INTERNAL_H

#include <elfutils/libdw.h>
#include <errno.h>
#include <gelf.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <stdint.h>

#include "lib/intern.h"
#include "symbols/names.h"
#include "symbols/perfmap.h"
#include "symbols/result.h"

#define ELF_MAX_FILE_SIZE	(4ull << 30)
#define SYM_MAX_NESTING		32	/* enclosing symbols looked back at */
#define BUILD_ID_MAX		64	/* bytes; GNU ld writes 20 */
#define ELF_CACHE_BUCKETS	1024
#define PERFMAP_BUCKETS		256
#define NO_MODULE		UINT32_MAX


/* Strings stored back to back; referenced by offset so the buffer can grow. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

struct ksym {
	uint64_t addr;		/* first member: see table_count_le() */
	uint32_t name;		/* offset in symbolizer.kstrs */
	uint32_t module;	/* offset in symbolizer.kstrs, or NO_MODULE */
	uint32_t seq;		/* line number, keeps the sort stable */
	uint8_t rank;		/* which alias wins: T, W, t, w */
};

struct elf_sym {
	uint64_t start;
	uint64_t end;		/* start + size; section end when size is 0 */
	const char *name;	/* into elf_file.names */
	bool sized;
	uint8_t rank;		/* which alias wins: global, weak, local */
};

/* A function's code as its .eh_frame FDE gives it: [start, end). */
struct fde_range {
	uint64_t start;		/* first member: see table_count_le() */
	uint64_t end;
};

/* A PLT stub, PLT_ENTRY_SIZE bytes from start. */
struct plt_stub {
	uint64_t start;		/* first member: see table_count_le() */
	uint32_t name;		/* offset in elf_file.plt_names */
};

/* A Go function from .gopclntab, up to the next one's start. */
struct go_func {
	uint64_t start;		/* first member: see table_count_le() */
	uint32_t name;		/* offset in elf_file.go_names */
	uint32_t pcsp;		/* its SP deltas' offset in go_pctab */
};

struct load_seg {
	uint64_t offset;
	uint64_t filesz;
	uint64_t vaddr;
};

/*
 * Address ranges of the compile units, built from the CU DIEs because
 * .debug_aranges is optional (clang omits it) and libdw 0.188 needs it
 * for dwarf_addrdie.
 */
struct cu_range {
	uint64_t start;
	uint64_t end;
	Dwarf_Off die;
};

/* An inlined call's code, [start, end) of its DIE (one of its ranges). */
struct inl_call {
	uint64_t start;		/* first member: see table_count_le() */
	uint64_t end;
	uint32_t parent;	/* the enclosing call's, INL_NONE: none */
	uint32_t depth;		/* inlined calls it is in */
	const char *name;	/* the function's symbol, else its name */
	const char *call_file;	/* where it was called, NULL unknown */
	int call_line;
};

#define INL_NONE	UINT32_MAX

/* A function's code, [start, end) of its DIE (one of its ranges). */
struct func_range {
	uint64_t start;		/* first member: see table_count_le() */
	uint64_t end;
	Dwarf_Off die;
	/* the calls inlined in the function, sorted by start then depth,
	 * read on its first lookup (inl_read) */
	struct inl_call *calls;
	uint32_t n_calls;
	bool inl_read;
};

/* The functions of one compile unit, sorted, read on its first inline
 * lookup (inline.c). */
struct cu_funcs {
	struct func_range *r;
	size_t n;
};

struct elf_file {
	struct elf_file *next;	/* hash chain */
	uint64_t dev;
	uint64_t ino;
	char *path;
	int err;		/* loading failed: cached, not retried */
	struct load_seg *segs;
	size_t n_segs;
	struct elf_sym *syms;	/* sorted by start, one per address */
	size_t n_syms;
	char *names;		/* copy of the symbols' string table */
	char *image;		/* in-memory image (vDSO) the Elf reads from */
	Elf *dwarf_elf;
	Dwarf *dwarf;		/* owns the file/line strings we return */
	char *dwarf_path;	/* DWARF not read yet: in this file */
	struct cu_range *cus;
	size_t n_cus;
	struct intern inl_cus;	/* CU DIE offsets whose functions were read */
	struct intern src_paths;	/* relative source paths made whole */
	char **src_path_strs;		/* ... by src_paths index */
	size_t cap_src_paths;
	struct cu_funcs *cu_funcs;	/* by inl_cus index */
	size_t cap_cu_funcs;
	size_t n_func_ranges;	/* over all CUs, bounded */
	size_t n_inl_calls;	/* over all functions, bounded */
	char *build_id;		/* hex GNU build-id, NULL when none */
	uint64_t entry;		/* e_entry, 0 none */
	Elf *cfi_elf;		/* its .eh_frame, read from cfi_fd or (-1)
				 * read into memory */
	int cfi_fd;
	Dwarf_CFI *cfi;		/* NULL: none, or not tried (cfi_tried) */
	bool cfi_tried;
	/* code without symbols, read on the first address no symbol covers
	 * (unnamed_tried): functions from .eh_frame, PLT stubs */
	struct fde_range *fdes;	/* sorted */
	size_t n_fdes;
	struct plt_stub *plts;	/* sorted */
	size_t n_plts;
	char *plt_names;
	size_t plt_names_len;
	struct go_func *gofuncs;	/* sorted; from .gopclntab */
	size_t n_gofuncs;
	char *go_names;
	uint8_t *go_pctab;	/* the tables of values by pc (pcsp) */
	size_t go_pctab_len;
	uint8_t go_quantum;	/* bytes of a pc step */
	uint64_t go_text_end;	/* past the last Go function */
	bool unnamed_tried;
	bool syms_refused;	/* string table not NUL-terminated */
	bool dwarf_refused;	/* elfcheck_dwarf() said no */
	bool syms_counted;	/* ... in symbolizer.symbols_refused */
	bool dwarf_counted;	/* ... in symbolizer.dwarf_refused */
};

/* Files whose CFI is read as needed from their open descriptor; past
 * these, whole into memory (see symdwarf_cfi). */
#define SYMBOLIZER_CFI_FDS	256

struct symbolizer {
	char *kallsyms_path;
	char *debug_dir;
	char *perfmap_dir;

	const volatile sig_atomic_t *cancel;	/* set: lookups give up */
	bool kernel_loaded;
	bool kernel_preloading;		/* kernel_thread owns the kernel_* */
	pthread_t kernel_thread;
	int kernel_err;
	bool kernel_hidden;
	struct ksym *ksyms;
	size_t n_ksyms;
	struct strbuf kstrs;
	/* kernel names looked up one by one (symbolizer_set_kernel_lookup):
	 * no kallsyms then; what the lookups gave, kept for the results */
	symbolizer_ksym_fn klookup;
	void *klookup_ctx;
	char **knames;
	size_t n_knames, knames_cap;

	struct elf_file *elf_cache[ELF_CACHE_BUCKETS];
	struct elf_file *vdso;	/* NULL until first use */
	struct perfmap *perfmaps[PERFMAP_BUCKETS];
	struct perfmap_stats perfmap_stats;
	uint64_t dwarf_refused;
	uint64_t symbols_refused;
	struct symname_cache names;	/* readable names, by symbol */
	int cfi_fds_left;	/* files symdwarf_cfi() may keep open */
};

/* An open ELF file; fd is -1 for in-memory images. */
struct elf_handle {
	int fd;
	Elf *elf;
	char *path;	/* as opened, for reading its DWARF later */
};

static inline bool symbolizer_cancelled(const struct symbolizer *s)
{
	return s->cancel && *s->cancel;
}

/* What every lookup does first: out cleared, and -EINTR once cancelled. */
static inline int symbolizer_lookup_begin(const struct symbolizer *s,
					  struct sym_result *out)
{
	if (!s || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	return symbolizer_cancelled(s) ? -EINTR : 0;
}

#endif
