/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address → function/file/line.  Kernel addresses from kallsyms, user
 * addresses from ELF files (libelf for symbols, libdw for lines), JIT code
 * from /tmp/perf-PID.map.  Symbol tables are cached per ELF file, keyed by
 * (device, inode) when known, never per process.
 */
#ifndef WHYSLOW_SYMBOLIZE_H
#define WHYSLOW_SYMBOLIZE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "symbols/result.h"

struct symbolizer;

struct symbolizer_opts {
	const char *kallsyms_path;	/* default "/proc/kallsyms" */
	const char *debug_dir;		/* default "/usr/lib/debug" */
	const char *perfmap_dir;	/* default "/tmp" */
};

struct symbolizer *symbolizer_new(const struct symbolizer_opts *opts);
void symbolizer_free(struct symbolizer *s);

/*
 * Starts reading kallsyms in a thread, so its cost (~100 ms for a
 * distribution kernel) overlaps the recording; the first kernel lookup
 * waits for it.  0 or -errno (then lookups load it).
 */
int symbolizer_preload_kernel(struct symbolizer *s);

/*
 * Kernel addresses looked up one by one with fn (symbols/result.h)
 * instead of read from kallsyms.  Set before the first lookup; kallsyms is
 * not read then.
 */
void symbolizer_set_kernel_lookup(struct symbolizer *s, symbolizer_ksym_fn fn,
				  void *ctx);

/* 0 on success, -ENOENT when no symbol covers addr, other -errno on error. */
int symbolize_kernel(struct symbolizer *s, uint64_t addr, struct sym_result *out);

/* True when kallsyms exists but every address reads 0 (kptr_restrict). */
bool symbolizer_kernel_hidden(struct symbolizer *s);

/*
 * A user address given as an offset into the file mapped at path
 * (addr - map_start + map_pgoff).  dev/ino identify the file for the cache
 * and guard against a replaced file (0/0: trust the path): dev is encoded
 * as stat()'s st_dev, makedev(major, minor).  -ESTALE when the file now at
 * path is another one.  Failures are cached per (dev, ino, path).
 * Stripped code: the entry point (e_entry) is "_start"; elsewhere, with no
 * symbol, -ENOENT with out->func_known and func_start, the file offset
 * where the function starts (its .eh_frame FDE), when one covers addr.
 */
int symbolize_elf(struct symbolizer *s, const char *path, uint64_t dev,
		  uint64_t ino, uint64_t file_offset, bool want_line,
		  struct sym_result *out);

/* The file offset of path's entry point (e_entry): 0, -ENOENT when it has
 * none in a loaded segment, or -errno. */
int symbolize_elf_entry(struct symbolizer *s, const char *path, uint64_t dev,
			uint64_t ino, uint64_t *file_offset);

/*
 * How to find the caller of the code at file_offset of path: its call
 * frame information (libdw's Dwarf_Frame; the caller frees it).  -ENOENT
 * when the file has none for that address.
 */
typedef struct Dwarf_Frame_s Dwarf_Frame;

/*
 * How far above sp the return address is at file_offset of path, Go
 * code (symgo_sp_delta: its function table's pcsp): for Go functions
 * without CFI whose rbp is no frame pointer.  -ENOENT when none.
 */
int symbolize_go_sp(struct symbolizer *s, const char *path, uint64_t dev,
		    uint64_t ino, uint64_t file_offset, uint32_t *delta);

int symbolize_cfi_frame(struct symbolizer *s, const char *path, uint64_t dev,
			uint64_t ino, uint64_t file_offset, Dwarf_Frame **frame);

/* addr is an offset into the vDSO image of this kernel. */
int symbolize_vdso(struct symbolizer *s, uint64_t offset, struct sym_result *out);

/* JIT code of pid, from <perfmap_dir>/perf-<pid>.map, read on the first
 * lookup and again on a miss once the file has changed (perfmap.h). */
int symbolize_perfmap(struct symbolizer *s, uint32_t pid, uint64_t addr,
		      struct sym_result *out);

/*
 * Once *flag is set (by a signal handler), every lookup fails with -EINTR
 * at once instead of reading or waiting: what is resolved by then is
 * kept.
 */
void symbolizer_set_cancel(struct symbolizer *s,
			   const volatile sig_atomic_t *flag);

/* What hostile input made the symbolizer leave out; see elfcheck.h. */
struct symbolizer_stats {
	uint64_t dwarf_refused;		/* files whose DWARF/CFI was refused:
					 * decompression bomb, bad strings */
	uint64_t symbols_refused;	/* files whose symbol table was */
	uint64_t perfmap_lines_skipped;	/* too long, or over the symbol cap */
	uint64_t perfmap_bytes_skipped;	/* past the size cap, not read */
	uint64_t perfmap_refused;	/* not regular, or not the process's */
};

void symbolizer_get_stats(const struct symbolizer *s,
			  struct symbolizer_stats *out);

#endif
