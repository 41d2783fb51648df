/* SPDX-License-Identifier: GPL-2.0 */
/* ELF files through libelf, bounded (symelf_: libelf owns elf_*). */
#ifndef WHYSLOW_SYMBOLS_ELF_H
#define WHYSLOW_SYMBOLS_ELF_H

#include "symbols/internal.h"

struct stat;

void symelf_handle_close(struct elf_handle *h);
int symelf_open(const char *path, struct elf_handle *h, struct stat *st);
Elf_Scn *symelf_find_section(Elf *elf, Elf64_Word type, const char *name,
			     GElf_Shdr *sh);
bool symelf_has_symtab(Elf *elf);
bool symelf_has_dwarf(Elf *elf);
int symelf_load_segments(Elf *elf, struct elf_file *f);
bool symelf_offset_to_vaddr(const struct elf_file *f, uint64_t off,
			    uint64_t *vaddr);
int symelf_load_symbols(Elf *elf, Elf64_Word type, struct elf_file *f);
const struct elf_sym *symelf_sym_find(const struct elf_file *f,
				      uint64_t vaddr);

#endif
