// SPDX-License-Identifier: GPL-2.0
/*
 * PLT stubs by name.  GNU ld and lld lay out x86-64's lazy .plt as PLT0
 * and then one 16-byte stub per .rela.plt entry, in order; with IBT the
 * stubs that do the jumping (.plt.sec) come one per entry from its start,
 * as perf assumes too.  Only R_X86_64_JUMP_SLOT entries name a stub.  The
 * counts are bounded, the string table must end in NUL, and symbols and
 * relocations are read through libelf's bounds-checked accessors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "symbols/elf.h"
#include "symbols/elfcheck.h"
#include "symbols/plt.h"
#include "symbols/table.h"

#define PLT_SUFFIX	"@plt"

/* Where a section's stubs are: entry i at addr + first + 16 i. */
struct plt_layout {
	uint64_t addr;
	uint64_t size;
	uint64_t first;
};

static bool plt_section(Elf *elf, const char *name, uint64_t first,
			struct plt_layout *l)
{
	GElf_Shdr sh;

	if (!symelf_find_section(elf, SHT_NULL, name, &sh) ||
	    sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
		return false;
	*l = (struct plt_layout){ .addr = sh.sh_addr, .size = sh.sh_size,
				  .first = first };
	return true;
}

/* "name@plt" appended to f->plt_names; its offset in *off. */
static int plt_add_name(struct elf_file *f, size_t *cap, const char *name,
			uint32_t *off)
{
	size_t len = strlen(name) + sizeof(PLT_SUFFIX), need;
	char *buf;

	if (len > UINT32_MAX - f->plt_names_len)
		return -E2BIG;
	need = f->plt_names_len + len;
	if (need > *cap) {
		*cap = *cap ? *cap : 4096;
		while (*cap < need)
			*cap *= 2;
		buf = realloc(f->plt_names, *cap);
		if (!buf)
			return -ENOMEM;
		f->plt_names = buf;
	}
	*off = f->plt_names_len;
	snprintf(f->plt_names + *off, len, "%s" PLT_SUFFIX, name);
	f->plt_names_len = need;
	return 0;
}

static int plt_add_stub(struct elf_file *f, size_t *cap, uint64_t start,
			uint32_t name)
{
	int err = table_grow((void **)&f->plts, cap, f->n_plts,
			     sizeof(*f->plts));

	if (err)
		return err;
	f->plts[f->n_plts++] = (struct plt_stub){ .start = start,
						  .name = name };
	return 0;
}

/* The relocations and dynamic symbols that name the stubs. */
struct plt_tables {
	Elf_Data *rela;
	Elf_Data *syms;
	size_t strndx;
	size_t n;
};

static bool plt_tables(Elf *elf, struct plt_tables *t)
{
	GElf_Shdr rsh, dsh, ssh;
	Elf_Scn *rscn, *dscn, *sscn;

	rscn = symelf_find_section(elf, SHT_NULL, ".rela.plt", &rsh);
	if (!rscn || rsh.sh_type != SHT_RELA ||
	    rsh.sh_entsize != gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT))
		return false;
	dscn = elf_getscn(elf, rsh.sh_link);
	if (!dscn || !gelf_getshdr(dscn, &dsh) || dsh.sh_type != SHT_DYNSYM)
		return false;
	sscn = elf_getscn(elf, dsh.sh_link);
	if (!sscn || !gelf_getshdr(sscn, &ssh) || ssh.sh_type != SHT_STRTAB ||
	    !elfcheck_strtab_ok(elf_getdata(sscn, NULL)))
		return false;
	t->rela = elf_getdata(rscn, NULL);
	t->syms = elf_getdata(dscn, NULL);
	t->strndx = dsh.sh_link;
	t->n = rsh.sh_size / rsh.sh_entsize;
	if (t->n > PLT_MAX_ENTRIES)
		t->n = PLT_MAX_ENTRIES;
	return t->rela && t->syms;
}

/* The function relocation i jumps to, or NULL. */
static const char *plt_target(Elf *elf, const struct plt_tables *t, size_t i)
{
	GElf_Rela r;
	GElf_Sym sym;
	const char *name;

	if (!gelf_getrela(t->rela, i, &r) ||
	    GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT ||
	    !gelf_getsym(t->syms, GELF_R_SYM(r.r_info), &sym) || !sym.st_name)
		return NULL;
	name = elf_strptr(elf, t->strndx, sym.st_name);
	return name && *name ? name : NULL;
}

static int plt_stub_cmp(const void *a, const void *b)
{
	const struct plt_stub *x = a, *y = b;

	return CMP(x->start, y->start);
}

int symplt_parse(Elf *elf, struct elf_file *f)
{
	struct plt_layout lay[2];
	size_t n_lay = 0, cap = 0, names_cap = 0, i, k;
	struct plt_tables t;
	const char *target;
	uint32_t name;
	uint64_t at;
	int err = 0;

	if (!plt_tables(elf, &t))
		return 0;
	/* with IBT, .plt.sec jumps and .plt's stubs follow PLT0 */
	n_lay += plt_section(elf, ".plt.sec", 0, &lay[n_lay]);
	n_lay += plt_section(elf, ".plt", PLT_ENTRY_SIZE, &lay[n_lay]);
	for (i = 0; i < t.n && n_lay && !err; i++) {
		target = plt_target(elf, &t, i);
		if (!target)
			continue;
		err = plt_add_name(f, &names_cap, target, &name);
		for (k = 0; k < n_lay && !err; k++) {
			at = lay[k].first + i * PLT_ENTRY_SIZE;
			if (at + PLT_ENTRY_SIZE <= lay[k].size)
				err = plt_add_stub(f, &cap, lay[k].addr + at,
						   name);
		}
	}
	if (err) {
		free(f->plts);
		free(f->plt_names);
		f->plts = NULL;
		f->plt_names = NULL;
		f->n_plts = f->plt_names_len = 0;
		return err == -ENOMEM ? err : 0;
	}
	table_sort(f->plts, f->n_plts, sizeof(*f->plts), plt_stub_cmp);
	return 0;
}

const struct plt_stub *symplt_find(const struct elf_file *f, uint64_t vaddr)
{
	size_t n = table_count_le(f->plts, f->n_plts, sizeof(*f->plts), vaddr);

	if (!n || vaddr - f->plts[n - 1].start >= PLT_ENTRY_SIZE)
		return NULL;
	return &f->plts[n - 1];
}
