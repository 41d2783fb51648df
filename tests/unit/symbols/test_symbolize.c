// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the symbolizer.  The ELF fixtures are compiled at run time
 * into a temporary directory; their expected offsets come from their own
 * symbol tables, read here with libelf independently of symbolize.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/symbolize.h"
#include "tmpdir.h"

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

static char dir[] = "/tmp/whyslow-symtest-XXXXXX";
static bool have_clang;

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

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

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "w");
	size_t n;

	if (!fp)
		return -1;
	n = fwrite(data, 1, len, fp);
	return fclose(fp) || n != len ? -1 : 0;
}

static int build_fixtures(void **state)
{
	const char *d = dir;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	if (chdir(dir))
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

static int remove_fixtures(void **state)
{
	(void)state;
	if (chdir("/"))
		return -1;
	return tmpdir_remove(dir);
}

static struct symbolizer *new_symbolizer(void)
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
static bool find_symbol(Elf *elf, Elf64_Word sh_type, const char *func,
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

static uint64_t phdrs_vaddr_to_offset(Elf *elf, uint64_t vaddr)
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

static struct symbolizer *kallsyms_symbolizer(const char *name, const char *text)
{
	struct symbolizer_opts opts = { 0 };
	char path[512];

	path_of(path, sizeof(path), name);
	assert_int_equal(write_file(path, text, strlen(text)), 0);
	opts.kallsyms_path = path;
	return symbolizer_new(&opts);
}

static void expect_ksym(struct symbolizer *s, uint64_t addr, const char *name,
			uint64_t offset, const char *module)
{
	struct sym_result r;

	assert_int_equal(symbolize_kernel(s, addr, &r), 0);
	assert_string_equal(r.name, name);
	assert_int_equal(r.offset, offset);
	if (module)
		assert_string_equal(r.module, module);
	else
		assert_null(r.module);
	assert_null(r.file);
}

/* What a kernel's lookup answers, by address (symbolizer_ksym_fn). */
static int fake_kernel_lookup(void *ctx, uint64_t addr, char *buf,
			      size_t size)
{
	static const char *const answers[] = {
		[1] = "vfs_read+0x10/0x120",
		[2] = "nf_hook_slow+0x4/0x40 [nf_tables]",
		[3] = "ext4_read+0x8/0x10 [ext4 0123456789abcdef]",
		[4] = "0xffffffff81000000",		/* no symbol */
		[5] = "past_end+0x20/0x10",		/* offset past size */
		[6] = "two words+0x1/0x2",
		[7] = "x+0x1/0x2 [unterminated",
		[8] = "x+0x1/0x2 trailing",
		[9] = "+0x1/0x2",
		[10] = "x+1/2",				/* not hex */
	};

	(*(int *)ctx)++;
	if (addr == 11)
		return -EIO;
	if (addr == 12) {	/* longer than any kernel name */
		memset(buf, 'a', size - 1);
		buf[size - 1] = '\0';
		return 0;
	}
	snprintf(buf, size, "%s", addr < sizeof(answers) / sizeof(*answers) && answers[addr] ?
		 answers[addr] : "");
	return 0;
}

/* A kernel lookup set: its answers parsed, kallsyms never read (this
 * one names address 1 otherwise), results kept valid. */
static void test_kernel_lookup(void **state)
{
	struct symbolizer *s = kallsyms_symbolizer("ks_lookup",
		"0000000000000001 T wrong_name\n");
	struct sym_result r, first;
	uint64_t bad;
	int calls = 0, i;

	(void)state;
	assert_non_null(s);
	symbolizer_set_kernel_lookup(s, fake_kernel_lookup, &calls);
	assert_int_equal(symbolizer_preload_kernel(s), 0);
	expect_ksym(s, 1, "vfs_read", 0x10, NULL);
	expect_ksym(s, 2, "nf_hook_slow", 4, "nf_tables");
	expect_ksym(s, 3, "ext4_read", 8, "ext4");
	for (bad = 4; bad <= 10; bad++)
		assert_int_equal(symbolize_kernel(s, bad, &r), -ENOENT);
	assert_int_equal(symbolize_kernel(s, 11, &r), -EIO);
	assert_int_equal(symbolize_kernel(s, 12, &r), -ENOENT);
	assert_int_equal(symbolize_kernel(s, 1, &first), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(symbolize_kernel(s, 2, &r), 0);
	assert_string_equal(first.name, "vfs_read");	/* still */
	assert_int_equal(calls, 1013);
	assert_false(symbolizer_kernel_hidden(s));
	symbolizer_free(s);
}

static void test_kallsyms(void **state)
{
	char long_name[320], too_long[600], text[4096];
	struct symbolizer *s;
	struct sym_result r;

	(void)state;
	memset(long_name, 'L', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(too_long, 'X', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "0000000000000000 A fixed_percpu_data\n"
		 "ffffffff81000000 T _stext\n"
		 "ffffffff81000000 t _text_alias\n"
		 "ffffffff81000100 t local_func\n"
		 "ffffffff81000200 D some_data\n"
		 "ffffffff81000300 W weak_func\n"
		 "ffffffff81000400 T %s\n"
		 "ffffffff81000500 T %s\n"
		 "not a kallsyms line\n"
		 "ffffffff81000600 T\n"
		 "ffffffff81000700 Tbroken\n"
		 "ffffffff81001000 T _etext\n"
		 "ffffffffc0001000 t mod_func_a\t[mymod]\n"
		 "ffffffffc0001100 T mod_func_b\t[mymod]\n"
		 "ffffffffc0002000 t other_fn\t[othermod]\n"
		 "ffffffffc0003000 t unterminated\t[brokenmod\n"
		 "ffffffffc0004000 t trailing_no_newline\t[lastmod]",
		 long_name, too_long);
	s = kallsyms_symbolizer("kallsyms", text);
	assert_non_null(s);
	assert_false(symbolizer_kernel_hidden(s));
	expect_ksym(s, 0xffffffff81000010, "_stext", 0x10, NULL);
	expect_ksym(s, 0xffffffff81000150, "local_func", 0x50, NULL);
	/* Data symbols are not functions: the text symbol before still covers. */
	expect_ksym(s, 0xffffffff81000210, "local_func", 0x110, NULL);
	expect_ksym(s, 0xffffffff81000300, "weak_func", 0, NULL);
	assert_int_equal(symbolize_kernel(s, 0xffffffff81000404, &r), 0);
	assert_int_equal(strlen(r.name), sizeof(long_name) - 1);
	assert_int_equal(r.offset, 4);
	/* The over-long name is dropped: its address belongs to the long one. */
	expect_ksym(s, 0xffffffff81000510, long_name, 0x110, NULL);
	expect_ksym(s, 0xffffffffc0001050, "mod_func_a", 0x50, "mymod");
	expect_ksym(s, 0xffffffffc0001100, "mod_func_b", 0, "mymod");
	expect_ksym(s, 0xffffffffc0002010, "other_fn", 0x10, "othermod");
	expect_ksym(s, 0xffffffffc0002fff, "other_fn", 0xfff, "othermod");
	expect_ksym(s, 0xffffffffc0004008, "trailing_no_newline", 8, "lastmod");
	/* Below the first symbol, and far past the last one. */
	assert_int_equal(symbolize_kernel(s, 0xffffffff80000000, &r), -ENOENT);
	assert_null(r.name);
	assert_int_equal(symbolize_kernel(s, 0xffffffffc0004000 + (2 << 20), &r),
			 -ENOENT);
	symbolizer_free(s);
}

static void test_kallsyms_hidden(void **state)
{
	struct symbolizer *s;
	struct sym_result r;

	(void)state;
	s = kallsyms_symbolizer("kallsyms-hidden",
				"0000000000000000 T _stext\n"
				"0000000000000000 t local_func\n"
				"0000000000000000 t mod_func\t[mymod]\n");
	assert_non_null(s);
	assert_int_equal(symbolize_kernel(s, 0, &r), -ENOENT);
	assert_int_equal(symbolize_kernel(s, 0xffffffff81000010, &r), -ENOENT);
	assert_true(symbolizer_kernel_hidden(s));
	symbolizer_free(s);

	/* Asking first works too: the query loads kallsyms. */
	s = kallsyms_symbolizer("kallsyms-hidden2", "0000000000000000 T _stext\n");
	assert_true(symbolizer_kernel_hidden(s));
	symbolizer_free(s);
}

static void test_kallsyms_missing(void **state)
{
	struct symbolizer *s = new_symbolizer();
	struct sym_result r;

	(void)state;
	assert_int_equal(symbolize_kernel(s, 0xffffffff81000000, &r), -ENOENT);
	assert_false(symbolizer_kernel_hidden(s));
	symbolizer_free(s);

	s = kallsyms_symbolizer("kallsyms-empty", "");
	assert_false(symbolizer_kernel_hidden(s));
	assert_int_equal(symbolize_kernel(s, 0xffffffff81000000, &r), -ENOENT);
	symbolizer_free(s);
}

/* The running kernel, with the defaults; skipped when addresses are hidden. */
static void test_kallsyms_real(void **state)
{
	unsigned long long addr = 0, a;
	char line[1024], name[600], type;
	struct symbolizer *s;
	struct sym_result r;
	FILE *fp;

	(void)state;
	fp = fopen("/proc/kallsyms", "r");
	if (!fp)
		skip();
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%llx %c %599s", &a, &type, name) == 3 &&
		    !strcmp(name, "schedule") && a) {
			addr = a;
			break;
		}
	}
	fclose(fp);
	s = symbolizer_new(NULL);
	assert_non_null(s);
	if (!addr) {
		symbolizer_free(s);
		skip();
	}
	assert_false(symbolizer_kernel_hidden(s));
	assert_int_equal(symbolize_kernel(s, addr + 1, &r), 0);
	assert_string_equal(r.name, "schedule");
	assert_int_equal(r.offset, 1);
	assert_null(r.module);
	symbolizer_free(s);
}

static void test_perfmap(void **state)
{
	struct symbolizer *s = new_symbolizer();
	char path[512], text[8192], huge[5000];
	struct sym_result r;

	(void)state;
	memset(huge, 'z', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "7f0000001000 100 jit_func_one\n"
		 "7f0000001100 80 LambdaForm$MH/0x123 invoke with spaces\r\n"
		 "nonsense\n"
		 "7f0000002000 zz bad size\n"
		 "7f0000002100 10\n"
		 "7f0000005000 100 %s\n"
		 "0x7f0000003000 0x40 hex_prefixed\n"
		 "7f0000004000 0 zero_size\n"
		 "ffffffffffffff00 1000 wraps_around\n"
		 "7f0000001000 20 jit_func_one_recompiled\n"
		 "7f0000006000 40 after_long_line",
		 huge);
	snprintf(path, sizeof(path), "%s/perf-4242.map", dir);
	assert_int_equal(write_file(path, text, strlen(text)), 0);

	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000001010, &r), 0);
	assert_string_equal(r.name, "jit_func_one_recompiled");
	assert_int_equal(r.offset, 0x10);
	/* Past the recompiled code's end, and not inside the next entry. */
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000001030, &r), -ENOENT);
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f000000117f, &r), 0);
	assert_string_equal(r.name, "LambdaForm$MH/0x123 invoke with spaces");
	assert_int_equal(r.offset, 0x7f);
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000001180, &r), -ENOENT);
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000003008, &r), 0);
	assert_string_equal(r.name, "hex_prefixed");
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000004000, &r), -ENOENT);
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000005010, &r), -ENOENT);
	assert_int_equal(symbolize_perfmap(s, 4242, 0x7f0000006020, &r), 0);
	assert_string_equal(r.name, "after_long_line");
	assert_int_equal(symbolize_perfmap(s, 4242, 0x1000, &r), -ENOENT);
	assert_null(r.name);
	assert_int_equal(symbolize_perfmap(s, 4243, 0x7f0000001010, &r), -ENOENT);
	symbolizer_free(s);
}

/* Code compiled after the map was read: a miss reads it again once it
 * has changed (and PERFMAP_RECHECK_NS, 100 ms, have passed). */
static void test_perfmap_grows(void **state)
{
	struct symbolizer *s = new_symbolizer();
	struct sym_result r;
	char path[512];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/perf-4245.map", dir);
	assert_int_equal(write_file(path, "1000 100 early\n", 15), 0);
	assert_int_equal(symbolize_perfmap(s, 4245, 0x1010, &r), 0);
	assert_string_equal(r.name, "early");
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("2000 100 late\n", f);
	assert_int_equal(fclose(f), 0);
	usleep(150 * 1000);
	assert_int_equal(symbolize_perfmap(s, 4245, 0x2010, &r), 0);
	assert_string_equal(r.name, "late");
	assert_int_equal(symbolize_perfmap(s, 4245, 0x1010, &r), 0);
	assert_string_equal(r.name, "early");
	symbolizer_free(s);
}

/* A symlink planted in the perf-map directory is not followed. */
static void test_perfmap_symlink(void **state)
{
	struct symbolizer *s = new_symbolizer();
	char path[512], target[512];
	struct sym_result r;

	(void)state;
	snprintf(target, sizeof(target), "%s/secret.map", dir);
	snprintf(path, sizeof(path), "%s/perf-4244.map", dir);
	assert_int_equal(write_file(target, "1000 100 secret\n", 16), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(symbolize_perfmap(s, 4244, 0x1010, &r), -ELOOP);
	symbolizer_free(s);
}

/* Our own vDSO's symbol table, read with libelf from a copy of the image. */
static bool vdso_func_offset(const char *func, uint64_t *off)
{
	unsigned long start, end;
	char line[512], *image;
	bool found = false;
	GElf_Sym sym;
	Elf *elf;
	FILE *fp;

	fp = fopen("/proc/self/maps", "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		if (strstr(line, "[vdso]") &&
		    sscanf(line, "%lx-%lx", &start, &end) == 2)
			found = true;
		if (found)
			break;
	}
	fclose(fp);
	if (!found || start != getauxval(AT_SYSINFO_EHDR))
		return false;
	image = malloc(end - start);
	assert_non_null(image);
	memcpy(image, (void *)start, end - start);
	elf = elf_memory(image, end - start);
	assert_non_null(elf);
	found = find_symbol(elf, SHT_DYNSYM, func, &sym);
	if (found)
		*off = phdrs_vaddr_to_offset(elf, sym.st_value);
	elf_end(elf);
	free(image);
	return found;
}

static void test_vdso(void **state)
{
	struct symbolizer *s;
	struct sym_result r;
	uint64_t off = 0;

	(void)state;
	/* Valgrind hides the vDSO from the auxiliary vector. */
	if (!getauxval(AT_SYSINFO_EHDR) ||
	    !vdso_func_offset("__vdso_clock_gettime", &off))
		skip();
	s = new_symbolizer();
	assert_int_equal(symbolize_vdso(s, off + 2, &r), 0);
	assert_non_null(strstr(r.name, "clock_gettime"));
	assert_int_equal(r.offset, 2);
	assert_int_equal(symbolize_vdso(s, 1ull << 32, &r), -ENOENT);
	symbolizer_free(s);
}

static void test_vdso_absent(void **state)
{
	struct symbolizer *s;
	struct sym_result r;

	(void)state;
	if (getauxval(AT_SYSINFO_EHDR))
		skip();
	s = new_symbolizer();
	assert_int_equal(symbolize_vdso(s, 0x100, &r), -ENOENT);
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
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_kallsyms_hidden),
		cmocka_unit_test(test_kallsyms_missing),
		cmocka_unit_test(test_kallsyms_real),
		cmocka_unit_test(test_perfmap),
		cmocka_unit_test(test_perfmap_grows),
		cmocka_unit_test(test_perfmap_symlink),
		cmocka_unit_test(test_kernel_lookup),
		cmocka_unit_test(test_vdso),
		cmocka_unit_test(test_vdso_absent),
		cmocka_unit_test(test_null_args),
	};

	elf_version(EV_CURRENT);
	return cmocka_run_group_tests(tests, build_fixtures, remove_fixtures);
}
