// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the symbolizer on ELF files.  The fixtures are compiled
 * at run time into a temporary directory; their expected offsets come
 * from their own symbol tables, read here with libelf independently of
 * symbolize.c.
 */
#include "symbolize_check.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

/* The build-id of one fixture, split as its debug file path is. */
#define BUILD_ID_HEAD	"01"
#define BUILD_ID_TAIL	"23456789abcdef0123456789abcdef01234567"

/* Line numbers below are asserted: keep each function on its line. */
#define ALPHA_LINE	4
#define BETA_LINE	6
#define GAMMA_LINE	2
static const char main_src[] =
	"/* whyslow symbolizer fixture */\n"
	"#include <stdlib.h>\n"
	"\n"
	"__attribute__((noinline)) int fixture_alpha(int x) "
		"{ volatile int y = x * 3; return y + 1; }\n"
	"\n"
	"__attribute__((noinline)) int fixture_beta(int x) "
		"{ volatile int y = x - 7; return y * y; }\n"
	"\n"
	"int main(int argc, char **argv) "
		"{ (void)argv; return fixture_alpha(argc) + fixture_beta(argc); }\n";

static const char lib_src[] =
	"/* whyslow symbolizer library fixture */\n"
	"__attribute__((noinline)) int fixture_lib_gamma(int x) "
		"{ volatile int y = x + 5; return y * 2; }\n"
	"static __attribute__((noinline)) int fixture_lib_local(int x) "
		"{ volatile int y = x; return y; }\n"
	"int fixture_lib_delta(int x) "
		"{ return fixture_lib_gamma(x) + fixture_lib_local(x); }\n"
	/* glibc's way: a local function and its hidden alias for internal
	 * calls (____strtod_l_internal, __GI_____strtod_l_internal) */
	"static __attribute__((noinline, used)) int "
		"____fixture_lib_internal(int x) { volatile int y = x; "
		"return y; }\n"
	"static __typeof(____fixture_lib_internal) "
		"__GI_____fixture_lib_internal "
		"__attribute__((alias(\"____fixture_lib_internal\"), used));\n";

static bool have_clang;

static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc)
		fprintf(stderr, "fixture command failed (%d): %s\n", rc, cmd);
	return rc;
}

static int build_fixtures(void **state)
{
	const char *d = dir;

	if (make_dir(state) || chdir(dir))
		return -1;
	if (write_file("main.c", main_src, sizeof(main_src) - 1) ||
	    write_file("lib.c", lib_src, sizeof(lib_src) - 1))
		return -1;
	if (run("cc -g -O0 -fno-pie -no-pie -o %s/nopie %s/main.c", d, d) ||
	    run("cc -g -O0 -fPIE -pie -o %s/pie %s/main.c", d, d) ||
	    run("cc -g -O0 -shared -fPIC -o %s/libfix.so %s/lib.c", d, d))
		return -1;
	/* Stripped, debug info found through .gnu_debuglink next to it. */
	if (run("cc -g -O0 -o %s/dl.full %s/main.c", d, d) ||
	    run("cd %s && cp dl.full dl"
		" && objcopy --only-keep-debug dl dl.debug && strip --strip-all dl"
		" && objcopy --add-gnu-debuglink=dl.debug dl", d))
		return -1;
	/* Same, but the debug file's CRC no longer matches. */
	if (run("cd %s && mkdir bad && cp dl dl.debug bad/"
		" && echo x >> bad/dl.debug", d))
		return -1;
	/* Stripped, debug info found by build-id under the debug dir. */
	if (run("cc -g -O0 -Wl,--build-id=0x" BUILD_ID_HEAD BUILD_ID_TAIL
		" -o %s/bid.full %s/main.c", d, d) ||
	    run("mkdir -p %s/debugroot/.build-id/" BUILD_ID_HEAD
		" && objcopy --only-keep-debug %s/bid.full %s/debugroot/.build-id/"
		BUILD_ID_HEAD "/" BUILD_ID_TAIL ".debug", d, d, d) ||
	    run("cp %s/bid.full %s/bid && strip --strip-all %s/bid", d, d, d))
		return -1;
	/* clang emits no .debug_aranges: line lookup must not depend on it. */
	have_clang = !run("clang -g -O0 -o %s/clangbin %s/main.c 2>/dev/null",
			  d, d);
	return 0;
}

/* vaddr and size of a function, read from the fixture's .symtab. */
static void fixture_sym(const char *name, const char *func, uint64_t *vaddr,
			uint64_t *size)
{
	char path[512];
	GElf_Sym sym;
	Elf *elf;
	bool found;
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	found = find_symbol(elf, SHT_SYMTAB, func, &sym);
	elf_end(elf);
	close(fd);
	assert_true(found);
	*vaddr = sym.st_value;
	*size = sym.st_size;
}

static uint64_t vaddr_to_offset(const char *name, uint64_t vaddr)
{
	char path[512];
	uint64_t off;
	Elf *elf;
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	off = phdrs_vaddr_to_offset(elf, vaddr);
	elf_end(elf);
	close(fd);
	return off;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * Symbolizes func+delta in binary `name`, whose symbols live in `symfile`
 * (the unstripped twin for stripped fixtures).
 */
static void expect_func(struct symbolizer *s, const char *name,
			const char *symfile, const char *func, uint64_t delta,
			const char *src, int line)
{
	struct sym_result r;
	uint64_t vaddr, size;
	char path[512];

	fixture_sym(symfile, func, &vaddr, &size);
	assert_true(delta < size);
	path_of(path, sizeof(path), name);
	assert_int_equal(symbolize_elf(s, path, 0, 0,
				       vaddr_to_offset(name, vaddr + delta), true, &r), 0);
	assert_string_equal(r.name, func);
	assert_int_equal(r.offset, delta);
	assert_null(r.module);
	if (!src)
		return;
	assert_non_null(r.file);
	assert_true(ends_with(r.file, src));
	assert_int_equal(r.line, line);
}

static void test_elf_nopie(void **state)
{
	struct symbolizer *s = new_symbolizer();

	(void)state;
	expect_func(s, "nopie", "nopie", "fixture_alpha", 4, "/main.c", ALPHA_LINE);
	expect_func(s, "nopie", "nopie", "fixture_beta", 0, "/main.c", BETA_LINE);
	expect_func(s, "nopie", "nopie", "main", 1, "/main.c", 8);
	symbolizer_free(s);
}

static void test_elf_pie(void **state)
{
	struct symbolizer *s = new_symbolizer();

	(void)state;
	expect_func(s, "pie", "pie", "fixture_alpha", 4, "/main.c", ALPHA_LINE);
	expect_func(s, "pie", "pie", "fixture_beta", 5, "/main.c", BETA_LINE);
	symbolizer_free(s);
}

static void test_elf_shared_lib(void **state)
{
	struct symbolizer *s = new_symbolizer();

	(void)state;
	expect_func(s, "libfix.so", "libfix.so", "fixture_lib_gamma", 3,
		    "/lib.c", GAMMA_LINE);
	expect_func(s, "libfix.so", "libfix.so", "fixture_lib_local", 1,
		    "/lib.c", GAMMA_LINE + 1);
	expect_func(s, "libfix.so", "libfix.so", "fixture_lib_delta", 2,
		    "/lib.c", GAMMA_LINE + 2);
	/* of two aliases, not glibc's __GI_ one, whatever its underscores */
	expect_func(s, "libfix.so", "libfix.so", "____fixture_lib_internal", 1,
		    "/lib.c", GAMMA_LINE + 3);
	symbolizer_free(s);
}

static void test_elf_debuglink(void **state)
{
	struct symbolizer *s = new_symbolizer();

	(void)state;
	expect_func(s, "dl", "dl.full", "fixture_alpha", 4, "/main.c", ALPHA_LINE);
	expect_func(s, "dl", "dl.full", "fixture_beta", 2, "/main.c", BETA_LINE);
	symbolizer_free(s);
}

static void test_elf_build_id(void **state)
{
	struct symbolizer *s = new_symbolizer();

	(void)state;
	expect_func(s, "bid", "bid.full", "fixture_alpha", 4, "/main.c", ALPHA_LINE);
	expect_func(s, "bid", "bid.full", "main", 0, "/main.c", 8);
	symbolizer_free(s);
}

/* A debug file whose CRC does not match is not used: no symbol for alpha. */
static void test_elf_debuglink_bad_crc(void **state)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t vaddr, size;
	struct sym_result r;
	char path[512];

	(void)state;
	fixture_sym("dl.full", "fixture_alpha", &vaddr, &size);
	path_of(path, sizeof(path), "bad/dl");
	assert_int_equal(symbolize_elf(s, path, 0, 0,
				       vaddr_to_offset("bad/dl", vaddr), true, &r), -ENOENT);
	assert_null(r.name);
	symbolizer_free(s);
}

static void test_elf_clang_lines(void **state)
{
	struct symbolizer *s;

	(void)state;
	if (!have_clang)
		skip();
	s = new_symbolizer();
	expect_func(s, "clangbin", "clangbin", "fixture_alpha", 4, "/main.c",
		    ALPHA_LINE);
	expect_func(s, "clangbin", "clangbin", "fixture_beta", 1, "/main.c",
		    BETA_LINE);
	symbolizer_free(s);
}

/* Offsets outside every PT_LOAD, or in no function, resolve to nothing. */
static void test_elf_uncovered(void **state)
{
	struct symbolizer *s = new_symbolizer();
	struct sym_result r;
	char path[512];

	(void)state;
	path_of(path, sizeof(path), "nopie");
	assert_int_equal(symbolize_elf(s, path, 0, 0, 1ull << 40, true, &r), -ENOENT);
	assert_int_equal(symbolize_elf(s, path, 0, 0, 0, true, &r), -ENOENT);
	assert_null(r.name);
	symbolizer_free(s);
}

static void test_elf_dev_ino(void **state)
{
	struct symbolizer *s = new_symbolizer();
	char path[512], other[512];
	uint64_t vaddr, size, off;
	struct sym_result r;
	struct stat st;

	(void)state;
	fixture_sym("nopie", "fixture_alpha", &vaddr, &size);
	off = vaddr_to_offset("nopie", vaddr);
	path_of(path, sizeof(path), "nopie");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(symbolize_elf(s, path, st.st_dev, st.st_ino, off, true, &r), 0);
	assert_string_equal(r.name, "fixture_alpha");
	assert_int_equal(symbolize_elf(s, path, st.st_dev, st.st_ino + 1, off, true, &r),
			 -ESTALE);
	assert_null(r.name);
	assert_int_equal(symbolize_elf(s, path, st.st_dev, st.st_ino + 1, off, true, &r),
			 -ESTALE);

	/* A file replaced after it was mapped is not symbolized. */
	path_of(path, sizeof(path), "replaced");
	path_of(other, sizeof(other), "replacement");
	assert_int_equal(run("cp %s/nopie %s && cp %s/pie %s", dir, path, dir, other), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(symbolize_elf(s, path, st.st_dev, st.st_ino, off, true, &r),
			 -ESTALE);
	symbolizer_free(s);
}

/* A file that failed once is remembered, not reopened for every frame. */
static void test_elf_missing_path(void **state)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t vaddr, size, off;
	struct sym_result r;
	char path[512];

	(void)state;
	fixture_sym("nopie", "fixture_alpha", &vaddr, &size);
	off = vaddr_to_offset("nopie", vaddr);
	path_of(path, sizeof(path), "appears-later");
	assert_int_equal(symbolize_elf(s, path, 0, 0, off, true, &r), -ENOENT);
	assert_int_equal(run("cp %s/nopie %s", dir, path), 0);
	assert_int_equal(symbolize_elf(s, path, 0, 0, off, true, &r), -ENOENT);
	symbolizer_free(s);

	s = new_symbolizer();
	assert_int_equal(symbolize_elf(s, path, 0, 0, off, true, &r), 0);
	assert_string_equal(r.name, "fixture_alpha");
	assert_int_equal(symbolize_elf(s, dir, 0, 0, off, true, &r), -EINVAL);
	assert_int_equal(symbolize_elf(s, "", 0, 0, off, true, &r), -EINVAL);
	symbolizer_free(s);
}

static void *read_all(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, st.st_size), st.st_size);
	close(fd);
	*len = st.st_size;
	return buf;
}

static void test_elf_corrupt(void **state)
{
	static const char elf_magic[64] = "\177ELF\2\1\1";
	struct symbolizer *s = new_symbolizer();
	size_t len, cuts[6], i;
	uint64_t vaddr, size, off;
	struct sym_result r;
	char path[512], src[512];
	unsigned char *img;

	(void)state;
	path_of(path, sizeof(path), "garbage");
	assert_int_equal(write_file(path, "hello, not an ELF file\n", 23), 0);
	assert_int_equal(symbolize_elf(s, path, 0, 0, 0, true, &r), -ENOEXEC);
	path_of(path, sizeof(path), "magic-only");
	assert_int_equal(write_file(path, elf_magic, sizeof(elf_magic)), 0);
	assert_true(symbolize_elf(s, path, 0, 0, 0, true, &r) < 0);

	fixture_sym("nopie", "fixture_alpha", &vaddr, &size);
	off = vaddr_to_offset("nopie", vaddr);
	path_of(src, sizeof(src), "nopie");
	img = read_all(src, &len);
	cuts[0] = 16;
	cuts[1] = 64;
	cuts[2] = 200;
	cuts[3] = 1000;
	cuts[4] = len / 2;
	cuts[5] = len - 1;
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/cut-%zu", dir, cuts[i]);
		assert_int_equal(write_file(path, img, cuts[i]), 0);
		if (symbolize_elf(s, path, 0, 0, off, true, &r) == 0)
			assert_non_null(r.name);
		else
			assert_null(r.name);
	}
	free(img);
	symbolizer_free(s);
}

/*
 * Random byte flips, weighted towards the headers and the section header
 * table at the end: any result is fine, a crash or a leak is not.
 */
static void test_elf_mutated(void **state)
{
	struct symbolizer *s = new_symbolizer();
	uint64_t vaddr, size, off;
	unsigned char *img, *mut;
	struct sym_result r;
	char path[512], src[512];
	size_t len, pos;
	int i, j, flips;

	(void)state;
	fixture_sym("nopie", "fixture_alpha", &vaddr, &size);
	off = vaddr_to_offset("nopie", vaddr);
	path_of(src, sizeof(src), "nopie");
	img = read_all(src, &len);
	mut = malloc(len);
	assert_non_null(mut);
	srand(4242);
	for (i = 0; i < 200; i++) {
		memcpy(mut, img, len);
		flips = 1 + rand() % 8;
		for (j = 0; j < flips; j++) {
			switch (rand() % 3) {
			case 0: pos = rand() % 64; break;
			case 1: pos = len - 1 - rand() % 2048; break;
			default: pos = rand() % len; break;
			}
			mut[pos] = rand();
		}
		snprintf(path, sizeof(path), "%s/mutant-%d", dir, i);
		assert_int_equal(write_file(path, mut, len), 0);
		if (!symbolize_elf(s, path, 0, 0, off, true, &r))
			assert_non_null(r.name);
		symbolize_elf(s, path, 0, 0, rand() % len, true, &r);
		unlink(path);
	}
	free(mut);
	free(img);
	symbolizer_free(s);
}

static void test_null_args(void **state)
{
	struct sym_result r;

	(void)state;
	symbolizer_free(NULL);
	assert_false(symbolizer_kernel_hidden(NULL));
	assert_int_equal(symbolize_kernel(NULL, 0, &r), -EINVAL);
	assert_int_equal(symbolize_elf(NULL, "/bin/true", 0, 0, 0, true, &r), -EINVAL);
	assert_int_equal(symbolize_vdso(NULL, 0, &r), -EINVAL);
	assert_int_equal(symbolize_perfmap(NULL, 1, 0, &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_nopie),
		cmocka_unit_test(test_elf_pie),
		cmocka_unit_test(test_elf_shared_lib),
		cmocka_unit_test(test_elf_debuglink),
		cmocka_unit_test(test_elf_build_id),
		cmocka_unit_test(test_elf_debuglink_bad_crc),
		cmocka_unit_test(test_elf_clang_lines),
		cmocka_unit_test(test_elf_uncovered),
		cmocka_unit_test(test_elf_dev_ino),
		cmocka_unit_test(test_elf_missing_path),
		cmocka_unit_test(test_elf_corrupt),
		cmocka_unit_test(test_elf_mutated),
		cmocka_unit_test(test_null_args),
	};

	elf_version(EV_CURRENT);
	return cmocka_run_group_tests(tests, build_fixtures, remove_dir);
}
