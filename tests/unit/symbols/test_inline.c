// SPDX-License-Identifier: GPL-2.0
/*
 * Inlined frames: a fixture built -O2 -g whose fixture_outer inlines
 * mid_helper, which inlines leaf_helper twice (always_inline).  Every
 * address of fixture_outer is symbolized and its inline chain compared
 * with binutils' addr2line -i, an independent reader of the same DWARF;
 * the nest is checked by name and line; a C++ helper's name demangled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/symbolize.h"
#include "tmpdir.h"

/* Lines below are asserted: keep each on its line. */
#define LEAF_LINE	6	/* leaf_helper's loop body */
#define MID_LINE	11	/* mid_helper's calls of leaf_helper */
#define OUTER_LINE	16	/* fixture_outer's call of mid_helper */
static const char c_src[] =
	"/* whyslow inline fixture */\n"
	"static inline __attribute__((always_inline)) int leaf_helper(int x)\n"
	"{\n"
	"\tint y = x;\n"
	"\tfor (int i = 0; i < x; i++)\n"
	"\t\ty = y * 31 + (y >> 3) + i;\n"
	"\treturn y;\n"
	"}\n"
	"static inline __attribute__((always_inline)) int mid_helper(int x)\n"
	"{\n"
	"\treturn leaf_helper(x) ^ leaf_helper(x + 7);\n"
	"}\n"
	"volatile int sink;\n"
	"__attribute__((noinline)) int fixture_outer(int x)\n"
	"{\n"
	"\treturn mid_helper(x) + 1;\n"
	"}\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"\t(void)argv;\n"
	"\tsink = fixture_outer(argc);\n"
	"\treturn 0;\n"
	"}\n";

static const char cxx_src[] =
	"namespace geo {\n"
	"inline __attribute__((always_inline)) long scale(long v, int k)\n"
	"{ for (int i = 0; i < k; i++) v = v * 7 + i; return v; }\n"
	"}\n"
	"__attribute__((noinline)) long cxx_outer(long v, int k)\n"
	"{ return geo::scale(v, k) - 1; }\n"
	"int main(int argc, char **) { return (int)cxx_outer(argc, argc); }\n";

static char dir[] = "/tmp/whyslow-inltest-XXXXXX";
static bool have_cxx;

static int write_src(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	if (fputs(text, f) < 0) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static int build_fixtures(void **state)
{
	char cmd[1024];

	(void)state;
	if (!mkdtemp(dir) || write_src("inl.c", c_src) ||
	    write_src("inl.cc", cxx_src))
		return -1;
	snprintf(cmd, sizeof(cmd), "cc -O2 -g -o %s/inl %s/inl.c", dir, dir);
	if (system(cmd))
		return -1;
	/* built from a relative path: the line table's is "sub/rel.c" */
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir sub && cp inl.c sub/rel.c "
		 "&& cc -O2 -g -o rel sub/rel.c", dir);
	if (system(cmd))
		return -1;
	snprintf(cmd, sizeof(cmd), "g++ -O2 -g -o %s/inlxx %s/inl.cc "
		 "2>/dev/null", dir, dir);
	have_cxx = !system(cmd);
	return 0;
}

static int remove_fixtures(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* vaddr and size of func in binary path, from .symtab; its file offset
 * (text is mapped at offset == vaddr - p_vaddr + p_offset). */
static void func_range(const char *path, const char *func, uint64_t *vaddr,
		       uint64_t *size, uint64_t *offset)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Phdr ph;
	GElf_Sym sym;
	size_t i, n;
	bool found = false;
	int fd = open(path, O_RDONLY);
	Elf *elf;

	assert_true(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	while (!found && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		for (i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *nm;

			if (!gelf_getsym(data, i, &sym))
				continue;
			nm = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (nm && !strcmp(nm, func)) {
				found = true;
				break;
			}
		}
	}
	assert_true(found);
	*vaddr = sym.st_value;
	*size = sym.st_size;
	assert_int_equal(elf_getphdrnum(elf, &n), 0);
	for (i = 0; i < n; i++) {
		assert_non_null(gelf_getphdr(elf, i, &ph));
		if (ph.p_type == PT_LOAD && *vaddr >= ph.p_vaddr &&
		    *vaddr < ph.p_vaddr + ph.p_filesz)
			*offset = *vaddr - ph.p_vaddr + ph.p_offset;
	}
	elf_end(elf);
	close(fd);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, m = strlen(suffix);

	return s && n >= m && !strcmp(s + n - m, suffix);
}

/* Our chain at one address as addr2line -i -f prints it, innermost
 * first: "name\nfile:line\n" each, file by its last component. */
static void chain_text(const struct sym_result *r, char *buf, size_t size)
{
	const char *file;
	size_t len = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = r->n_inlined; i-- > 0;) {
		file = r->inlined[i].file ? strrchr(r->inlined[i].file, '/') : NULL;
		len += snprintf(buf + len, size - len, "%s\n%s:%d\n",
				r->inlined[i].name, file ? file + 1 : "??",
				r->inlined[i].line);
	}
	file = r->file ? strrchr(r->file, '/') : NULL;
	snprintf(buf + len, size - len, "%s\n%s:%d\n", r->name,
		 file ? file + 1 : "??", r->line);
}

/* addr2line -i -f's chain at vaddr, file names cut to their last
 * component and "(discriminator N)" dropped. */
static void addr2line_text(const char *path, uint64_t vaddr, char *buf,
			   size_t size)
{
	char cmd[1024], line[1024], *p, *slash;
	size_t len = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "addr2line -i -f -e %s 0x%llx", path,
		 (unsigned long long)vaddr);
	f = popen(cmd, "r");
	assert_non_null(f);
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if ((p = strstr(line, " (discriminator")))
			strcpy(p, "\n");
		slash = strrchr(line, '/');
		len += snprintf(buf + len, size - len, "%s",
				slash ? slash + 1 : line);
	}
	assert_int_equal(pclose(f), 0);
}

/* Every 4th address of fixture_outer agrees with addr2line; the nest
 * outer → mid → leaf is seen, with its lines. */
static void test_chain(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	uint64_t vaddr, size, off, d;
	char path[512], ours[4096], theirs[4096];
	struct sym_result r;
	int nested = 0, compared = 0;

	(void)state;
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/inl", dir);
	func_range(path, "fixture_outer", &vaddr, &size, &off);
	for (d = 0; d < size; d += 4) {
		if (symbolize_elf(s, path, 0, 0, off + d, true, &r) || !r.line)
			continue;
		assert_string_equal(r.name, "fixture_outer");
		chain_text(&r, ours, sizeof(ours));
		addr2line_text(path, vaddr + d, theirs, sizeof(theirs));
		if (strstr(theirs, "??"))	/* no line there */
			continue;
		assert_string_equal(ours, theirs);
		compared++;
		if (r.n_inlined != 2)
			continue;
		nested++;
		assert_int_equal(r.line, OUTER_LINE);
		assert_string_equal(r.inlined[0].name, "mid_helper");
		assert_int_equal(r.inlined[0].line, MID_LINE);
		assert_true(ends_with(r.inlined[0].file, "/inl.c"));
		assert_string_equal(r.inlined[1].name, "leaf_helper");
		assert_true(r.inlined[1].line >= LEAF_LINE - 2 &&
			    r.inlined[1].line <= LEAF_LINE + 1);
		assert_null(r.inlined[1].system_name);
	}
	assert_true(compared >= 4);
	assert_true(nested >= 2);
	/* source lines not asked for: no inline scopes read either */
	assert_int_equal(symbolize_elf(s, path, 0, 0, off + 8, false, &r), 0);
	assert_int_equal(r.n_inlined, 0);
	symbolizer_free(s);
}

/* A C++ helper's DWARF name is its linkage name, demangled. */
static void test_cxx_name(void **state)
{
	struct symbolizer *s;
	uint64_t vaddr, size, off, d;
	struct sym_result r;
	char path[512];
	bool seen = false;

	(void)state;
	if (!have_cxx)
		skip();
	s = symbolizer_new(NULL);
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/inlxx", dir);
	func_range(path, "_Z9cxx_outerli", &vaddr, &size, &off);
	for (d = 0; d < size && !seen; d++) {
		if (symbolize_elf(s, path, 0, 0, off + d, true, &r) ||
		    r.n_inlined != 1)
			continue;
		seen = true;
		assert_string_equal(r.name, "cxx_outer(long, int)");
		assert_string_equal(r.inlined[0].name, "geo::scale(long, int)");
		assert_string_equal(r.inlined[0].system_name, "_ZN3geo5scaleEli");
		assert_int_equal(r.line, 6);
		assert_int_equal(r.inlined[0].line, 3);
	}
	assert_true(seen);
	symbolizer_free(s);
}

/* A source path relative to its compile unit's directory is made whole,
 * for the function and the ones inlined into it. */
static void test_relative_path(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	uint64_t vaddr, size, off, d;
	char path[512], want[600];
	struct sym_result r;
	bool seen = false;
	uint32_t i;

	(void)state;
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/rel", dir);
	snprintf(want, sizeof(want), "%s/sub/rel.c", dir);
	func_range(path, "fixture_outer", &vaddr, &size, &off);
	for (d = 0; d < size && !seen; d += 4) {
		if (symbolize_elf(s, path, 0, 0, off + d, true, &r) ||
		    r.n_inlined != 2)
			continue;
		seen = true;
		assert_string_equal(r.file, want);
		for (i = 0; i < r.n_inlined; i++)
			assert_string_equal(r.inlined[i].file, want);
	}
	assert_true(seen);
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_cxx_name),
		cmocka_unit_test(test_relative_path),
	};

	return cmocka_run_group_tests(tests, build_fixtures, remove_fixtures);
}
