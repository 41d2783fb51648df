/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the symbolizer tests share: a scratch directory (the ELF
 * fixtures', kallsyms files', perf maps'), a symbolizer that looks
 * there, and symbols read with libelf independently of symbolize.c.
 */
#ifndef WHYSLOW_SYMBOLIZE_CHECK_H
#define WHYSLOW_SYMBOLIZE_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/symbolize.h"
#include "tmpdir.h"

static char dir[] = "/tmp/whyslow-symtest-XXXXXX";

static inline void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static inline int write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "w");
	size_t n;

	if (!fp)
		return -1;
	n = fwrite(data, 1, len, fp);
	return fclose(fp) || n != len ? -1 : 0;
}

/* The scratch directory, for a group setup. */
static inline int make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

/* The scratch directory removed, for a group teardown. */
static inline int remove_dir(void **state)
{
	(void)state;
	if (chdir("/"))
		return -1;
	return tmpdir_remove(dir);
}

static inline struct symbolizer *new_symbolizer(void)
{
	char debug_dir[512];
	struct symbolizer_opts opts = {
		.kallsyms_path = "/nonexistent/kallsyms",
		.debug_dir = debug_dir,
		.perfmap_dir = dir,
	};
	struct symbolizer *s;

	path_of(debug_dir, sizeof(debug_dir), "debugroot");
	s = symbolizer_new(&opts);
	assert_non_null(s);
	return s;
}

/* The symbol named func in the first section of type sh_type. */
static inline bool find_symbol(Elf *elf, Elf64_Word sh_type, const char *func,
			       GElf_Sym *out)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	const char *n;
	size_t i;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != sh_type)
			continue;
		data = elf_getdata(scn, NULL);
		for (i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			if (!gelf_getsym(data, i, out))
				continue;
			n = elf_strptr(elf, sh.sh_link, out->st_name);
			if (n && !strcmp(n, func))
				return true;
		}
	}
	return false;
}

static inline uint64_t phdrs_vaddr_to_offset(Elf *elf, uint64_t vaddr)
{
	size_t n, i;
	GElf_Phdr ph;

	assert_int_equal(elf_getphdrnum(elf, &n), 0);
	for (i = 0; i < n; i++) {
		assert_non_null(gelf_getphdr(elf, i, &ph));
		if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
		    vaddr < ph.p_vaddr + ph.p_filesz)
			return vaddr - ph.p_vaddr + ph.p_offset;
	}
	fail_msg("vaddr 0x%lx in no PT_LOAD", (unsigned long)vaddr);
	return 0;
}

#endif
