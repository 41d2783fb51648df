/* SPDX-License-Identifier: GPL-2.0 */
/* One cached ELF file: load, clear, look up. */
#ifndef WHYSLOW_SYMBOLS_ELFFILE_H
#define WHYSLOW_SYMBOLS_ELFFILE_H

#include "symbols/internal.h"

struct stat;

int elffile_load_image(const struct symbolizer *s, struct elf_file *f,
		       struct elf_handle *bin, const char *path,
		       const struct stat *bin_st);
void elffile_clear(struct elf_file *f);
void elffile_free(struct elf_file *f);
int elffile_load(const struct symbolizer *s, struct elf_file *f);
void elffile_count(struct symbolizer *s, struct elf_file *f);
/* Go's SP delta at vaddr (symgo_sp_delta), its table read first. */
int elffile_go_sp_delta(struct elf_file *f, uint64_t vaddr, uint32_t *delta);
int elffile_symbolize(struct elf_file *f, uint64_t file_offset,
		      bool want_line, struct sym_result *out);

#endif
