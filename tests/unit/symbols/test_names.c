// SPDX-License-Identifier: GPL-2.0
/*
 * Names a reader knows: the demangling wrapper (C++, Rust legacy and v0,
 * failures and bounds keep the symbol), the clone suffix folded, the
 * cache, a lookup end to end on a fixture whose functions carry a
 * mangled and a cloned symbol (asm labels: no C++ compiler needed), and
 * names from a perf map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/clone.h"
#include "symbols/names.h"
#include "symbols/symbolize.h"
#include "tmpdir.h"

static void expect_demangled(const char *mangled, const char *want)
{
	char out[SYMNAME_MAX_DEMANGLED + 1];

	if (symname_demangle(mangled, strlen(mangled), out, sizeof(out)))
		fail_msg("%s: did not demangle", mangled);
	assert_string_equal(out, want);
}

static void test_demangle(void **state)
{
	(void)state;
	expect_demangled("_ZN3geo5IndexIiE7rebuildEi",
			 "geo::Index<int>::rebuild(int)");
	expect_demangled("_Z16execute_one_passP8opt_pass",
			 "execute_one_pass(opt_pass*)");
	expect_demangled("_ZNSt6vectorIiSaIiEE9push_backERKi",
			 "std::vector<int, std::allocator<int> >::"
			 "push_back(int const&)");
	/* Rust: legacy (its hash dropped) and v0 */
	expect_demangled("_ZN4core3fmt5write17h0123456789abcdefE",
			 "core::fmt::write");
	expect_demangled("_RNvCs1234_7mycrate3foo", "mycrate::foo");
}

static void test_demangle_failures(void **state)
{
	char out[256], dm[SYMNAME_MAX_DEMANGLED + 1], *big;
	size_t n = SYMNAME_MAX_MANGLED + 1;

	(void)state;
	/* not mangled: C names, Go names, nothing */
	assert_int_equal(symname_demangle("main", 4, out, sizeof(out)), -EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(symname_demangle("main.main", 9, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(symname_demangle("", 0, out, sizeof(out)), -EINVAL);
	assert_int_equal(symname_demangle("_Z", 2, out, sizeof(out)), -EINVAL);
	/* mangled-looking, but not valid */
	assert_int_equal(symname_demangle("_Zbad", 5, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(symname_demangle("_ZN3geo5Index", 13, out,
					  sizeof(out)), -EINVAL);
	assert_int_equal(symname_demangle("_RNvXXX", 7, out, sizeof(out)),
			 -EINVAL);
	assert_string_equal(out, "");
	/* only len bytes are read; a NUL inside is no name */
	assert_int_equal(symname_demangle("_ZN3geo5IndexIiE7rebuildEiXYZ", 26,
					  out, sizeof(out)), 0);
	assert_string_equal(out, "geo::Index<int>::rebuild(int)");
	assert_int_equal(symname_demangle("_Z3f\0oov", 8, out, sizeof(out)),
			 -EINVAL);
	/* the output bound: too small a buffer is no partial name */
	assert_int_equal(symname_demangle("_ZN3geo5IndexIiE7rebuildEi", 26,
					  out, 10), -E2BIG);
	assert_string_equal(out, "");
	assert_int_equal(symname_demangle("_Z1fv", 5, out, 0), -E2BIG);
	/* the input bound: a valid name at it is read, one over it not */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	snprintf(big, 7, "_Z%04zu", n - 1 - 6);	/* one identifier */
	big[6] = 'a';
	big[n - 1] = '\0';
	assert_int_equal(symname_demangle(big, n - 1, dm, sizeof(dm)), 0);
	assert_int_equal(strlen(dm), n - 1 - 6);
	snprintf(big, 7, "_Z%04zu", n - 6);
	big[6] = 'a';
	big[n - 1] = 'a';
	big[n] = '\0';
	assert_int_equal(symname_demangle(big, n, out, sizeof(out)), -E2BIG);
	free(big);
}

/* The name symname_apply gives raw, and what it keeps as the symbol. */
static void expect_applied(struct symname_cache *c, const char *raw,
			   const char *name, bool changed)
{
	struct sym_result r = { .name = raw };

	symname_apply(c, &r);
	assert_string_equal(r.name, name);
	if (changed)
		assert_ptr_equal(r.system_name, raw);
	else
		assert_null(r.system_name);
}

static void test_apply(void **state)
{
	struct symname_cache c = { 0 };
	struct sym_result a = { .name = "foo.isra.0" }, b = a;
	char *long_name;

	(void)state;
	expect_applied(&c, "malloc", "malloc", false);
	expect_applied(&c, "main.main", "main.main", false);
	expect_applied(&c, "crunch_a.constprop.0", "crunch_a", true);
	expect_applied(&c, "foo.part.0.cold", "foo", true);
	expect_applied(&c, "_ZN3geo5IndexIiE7rebuildEi",
		       "geo::Index<int>::rebuild(int)", true);
	expect_applied(&c, "_ZL6crunchmm.constprop.0",
		       "crunch(unsigned long, unsigned long)", true);
	/* a failure keeps the symbol, its clone suffix still folded */
	expect_applied(&c, "_Zbad", "_Zbad", false);
	expect_applied(&c, "_Zbad.cold", "_Zbad", true);
	/* once worked out, the same string */
	symname_apply(&c, &a);
	symname_apply(&c, &b);
	assert_ptr_equal(a.name, b.name);
	/* over the bound: left as it is, not looked at */
	long_name = malloc(CLONE_MAX_NAME + 16);
	assert_non_null(long_name);
	memset(long_name, 'x', CLONE_MAX_NAME + 4);
	strcpy(long_name + CLONE_MAX_NAME + 4, ".isra.0");
	expect_applied(&c, long_name, long_name, false);
	free(long_name);
	/* no name: nothing */
	a = (struct sym_result){ 0 };
	symname_apply(&c, &a);
	assert_null(a.name);
	symname_cache_free(&c);
	symname_cache_free(&c);
}

/* ---- end to end: symbolize_elf on a fixture ---------------------------- */

static const char fixture_src[] =
	"#define F(sym, k) __attribute__((noinline, used)) int f##k(int x)"
		" __asm__(sym); int f##k(int x) { volatile int y = x + k;"
		" return y * 2; }\n"
	"F(\"_ZN3geo5IndexIiE7rebuildEi\", 1)\n"
	"F(\"crunch.constprop.0\", 2)\n"
	"F(\"_ZL6crunchmm.isra.0\", 3)\n"
	"F(\"plain_c\", 4)\n";

static char dir[] = "/tmp/whyslow-namestest-XXXXXX";

static int build_fixture(void **state)
{
	char cmd[512];
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/fix.c", dir);
	f = fopen(cmd, "w");
	if (!f || fputs(fixture_src, f) < 0 || fclose(f))
		return -1;
	snprintf(cmd, sizeof(cmd), "cc -O1 -shared -fPIC -o %s/fix.so %s/fix.c",
		 dir, dir);
	return system(cmd) ? -1 : 0;
}

static int remove_fixture(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* File offset of symbol sym in path, read with libelf. */
static uint64_t offset_of(const char *path, const char *sym)
{
	uint64_t off = UINT64_MAX;
	size_t i, n, shstr;
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Phdr ph;
	GElf_Sym s;
	int fd;
	Elf *e;

	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	e = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(e);
	assert_int_equal(elf_getshdrstrndx(e, &shstr), 0);
	while ((scn = elf_nextscn(e, scn)) && off == UINT64_MAX) {
		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		for (i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			gelf_getsym(data, i, &s);
			if (!strcmp(elf_strptr(e, sh.sh_link, s.st_name), sym))
				off = s.st_value;
		}
	}
	assert_true(off != UINT64_MAX);
	assert_int_equal(elf_getphdrnum(e, &n), 0);
	for (i = 0; i < n; i++) {
		gelf_getphdr(e, i, &ph);
		if (ph.p_type == PT_LOAD && off >= ph.p_vaddr &&
		    off < ph.p_vaddr + ph.p_filesz) {
			off = off - ph.p_vaddr + ph.p_offset;
			break;
		}
	}
	elf_end(e);
	close(fd);
	return off;
}

static void expect_lookup(struct symbolizer *s, const char *sym,
			  const char *name)
{
	struct sym_result r;
	char path[256];

	snprintf(path, sizeof(path), "%s/fix.so", dir);
	assert_int_equal(symbolize_elf(s, path, 0, 0, offset_of(path, sym) + 1,
				       false, &r), 0);
	assert_string_equal(r.name, name);
	assert_int_equal(r.offset, 1);
	if (strcmp(sym, name))
		assert_string_equal(r.system_name, sym);
	else
		assert_null(r.system_name);
}

static void test_lookup(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);

	(void)state;
	assert_non_null(s);
	expect_lookup(s, "_ZN3geo5IndexIiE7rebuildEi",
		      "geo::Index<int>::rebuild(int)");
	expect_lookup(s, "crunch.constprop.0", "crunch");
	expect_lookup(s, "_ZL6crunchmm.isra.0",
		      "crunch(unsigned long, unsigned long)");
	expect_lookup(s, "plain_c", "plain_c");
	/* again, from the caches */
	expect_lookup(s, "crunch.constprop.0", "crunch");
	symbolizer_free(s);
}

/* Names from a perf map (JIT agents write C++ and Rust symbols too) are
 * made readable like a symbol table's; a JIT's own names stay as they
 * are, dots and all. */
static void test_perfmap_names(void **state)
{
	static const char map[] =
		"1000 100 _ZN3geo5IndexIiE7rebuildEi\n"
		"2000 100 _RNvCs1234_7mycrate4main\n"
		"3000 100 LazyCompile:*fetch /srv/app.js:12\n"
		"4000 100 py::Cache.cold:/srv/cache.py\n"
		"5000 100 jit_crunch.constprop.0\n";
	struct symbolizer_opts opts = { .kallsyms_path = "/nonexistent",
					.perfmap_dir = dir };
	struct symbolizer *s = symbolizer_new(&opts);
	struct sym_result r;
	char path[512];
	FILE *f;

	(void)state;
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/perf-4250.map", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(map, f) < 0 || fclose(f), 0);
	assert_int_equal(symbolize_perfmap(s, 4250, 0x1010, &r), 0);
	assert_string_equal(r.name, "geo::Index<int>::rebuild(int)");
	assert_string_equal(r.system_name, "_ZN3geo5IndexIiE7rebuildEi");
	assert_int_equal(r.offset, 0x10);
	assert_int_equal(symbolize_perfmap(s, 4250, 0x2000, &r), 0);
	assert_string_equal(r.name, "mycrate::main");
	assert_int_equal(symbolize_perfmap(s, 4250, 0x3000, &r), 0);
	assert_string_equal(r.name, "LazyCompile:*fetch /srv/app.js:12");
	assert_null(r.system_name);
	assert_int_equal(symbolize_perfmap(s, 4250, 0x4000, &r), 0);
	assert_string_equal(r.name, "py::Cache.cold:/srv/cache.py");
	assert_null(r.system_name);
	assert_int_equal(symbolize_perfmap(s, 4250, 0x5000, &r), 0);
	assert_string_equal(r.name, "jit_crunch");
	assert_string_equal(r.system_name, "jit_crunch.constprop.0");
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demangle),
		cmocka_unit_test(test_demangle_failures),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_perfmap_names),
	};

	return cmocka_run_group_tests(tests, build_fixture, remove_fixture);
}
