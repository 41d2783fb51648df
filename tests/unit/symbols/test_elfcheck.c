// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile ELF bounds: the decompressed-size caps on both sides, string
 * sections that must end in NUL, and what the symbolizer does with a file
 * that fails them (no lines or no names, counted in its stats).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/elfcheck.h"
#include "symbols/symbolize.h"
#include "tmpdir.h"

static char dir[] = "/tmp/whyslow-elfcheck-XXXXXX";

static const char src[] =
	"__attribute__((noinline)) int work(int x) { return x * 3 + 1; }\n"
	"int main(int argc, char **argv) { (void)argv; return work(argc); }\n";

static int setup(void **state)
{
	char cmd[512];
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/prog.c", dir);
	f = fopen(cmd, "w");
	if (!f)
		return -1;
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && cc -g -gdwarf-5 -O1 -no-pie "
		 "-fno-pie -o plain prog.c && cc -g -gdwarf-5 -O1 -no-pie "
		 "-fno-pie -gz=zlib -o zlib prog.c", dir);
	return system(cmd) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_inflate_caps(void **state)
{
	uint64_t total = 0, half = ELFCHECK_MAX_DWARF / 2;

	(void)state;
	/* the ratio: exactly ELFCHECK_MAX_RATIO passes, a byte more not */
	assert_true(elfcheck_inflate_ok(half / ELFCHECK_MAX_RATIO, half,
					&total));
	assert_int_equal(total, half);
	total = 0;
	assert_false(elfcheck_inflate_ok(half / ELFCHECK_MAX_RATIO - 1, half,
					 &total));
	assert_int_equal(total, 0);
	/* small sections may inflate more: .debug_abbrev of zeros */
	assert_true(elfcheck_inflate_ok(1, ELFCHECK_RATIO_FLOOR, &total));
	total = 0;
	assert_false(elfcheck_inflate_ok(1, ELFCHECK_RATIO_FLOOR + 64, &total));
	/* the total: up to the cap, not a byte over */
	total = ELFCHECK_MAX_DWARF - 100;
	assert_true(elfcheck_inflate_ok(100, 100, &total));
	assert_int_equal(total, ELFCHECK_MAX_DWARF);
	total = ELFCHECK_MAX_DWARF - 100;
	assert_false(elfcheck_inflate_ok(101, 101, &total));
	/* no wrap-around of a huge ch_size */
	total = 1;
	assert_false(elfcheck_inflate_ok(UINT64_MAX, UINT64_MAX, &total));
}

static void test_strtab(void **state)
{
	Elf_Data d = { 0 };

	(void)state;
	d.d_buf = "a\0b";
	d.d_size = 4;		/* the literal's own NUL */
	assert_true(elfcheck_strtab_ok(&d));
	d.d_size = 3;
	assert_false(elfcheck_strtab_ok(&d));
	d.d_size = 0;
	assert_false(elfcheck_strtab_ok(&d));
	assert_false(elfcheck_strtab_ok(NULL));
}

/* Offset and size in the file of the section called name. */
static void section_at(const char *path, const char *name, uint64_t *off,
		       uint64_t *size)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn))) {
		gelf_getshdr(scn, &sh);
		if (!strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name))
			break;
	}
	assert_non_null(scn);
	*off = sh.sh_offset;
	*size = sh.sh_size;
	elf_end(elf);
	close(fd);
}

/* Copies dir/from to dir/to with bytes written at off. */
static void patched(const char *from, const char *to, uint64_t off,
		    const void *bytes, size_t n, char *path)
{
	char cmd[512];
	int fd;

	snprintf(cmd, sizeof(cmd), "cp %s/%s %s/%s", dir, from, dir, to);
	assert_int_equal(system(cmd), 0);
	snprintf(path, 256, "%s/%s", dir, to);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, n, off), (ssize_t)n);
	close(fd);
}

/* The file offset of work(): -no-pie, so vaddr - 0x400000. */
static uint64_t work_offset(const char *path)
{
	char cmd[512];
	unsigned long long v = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s | awk '$3 == \"work\" {print $1}'",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%llx", &v), 1);
	pclose(p);
	return v - 0x400000;
}

/* Looks up work() in path: name, and whether a line came with it. */
static void lookup(const char *path, const char *orig, struct sym_result *r,
		   struct symbolizer_stats *st)
{
	char opath[256];

	struct symbolizer_opts o = { .debug_dir = dir, .perfmap_dir = dir };
	struct symbolizer *s = symbolizer_new(&o);
	static char name[64];

	assert_non_null(s);
	/* a patched copy may defeat nm: the offset is the original's */
	snprintf(opath, sizeof(opath), "%s/%s", dir, orig);
	symbolize_elf(s, path, 0, 0, work_offset(opath), true, r);
	snprintf(name, sizeof(name), "%s", r->name ? r->name : "");
	r->name = r->name ? name : NULL;
	r->file = r->file ? "yes" : NULL;
	symbolizer_get_stats(s, st);
	symbolizer_free(s);
}

static void test_symbolizer_refuses(void **state)
{
	struct symbolizer_stats st;
	struct sym_result r;
	char path[256];
	uint64_t off, size, bomb = 1ull << 30;

	(void)state;
	snprintf(path, sizeof(path), "%s/plain", dir);
	lookup(path, "plain", &r, &st);
	assert_string_equal(r.name, "work");
	assert_non_null(r.file);
	assert_int_equal(st.dwarf_refused + st.symbols_refused, 0);
	snprintf(path, sizeof(path), "%s/zlib", dir);
	lookup(path, "zlib", &r, &st);
	assert_non_null(r.file);	/* compressed, within the caps */
	assert_int_equal(st.dwarf_refused, 0);

	/* .debug_line_str without its final NUL: no lines, counted */
	snprintf(path, sizeof(path), "%s/plain", dir);
	section_at(path, ".debug_line_str", &off, &size);
	patched("plain", "linestr", off + size - 1, "x", 1, path);
	lookup(path, "plain", &r, &st);
	assert_string_equal(r.name, "work");
	assert_null(r.file);
	assert_int_equal(st.dwarf_refused, 1);

	/* a compression header claiming 1 GiB: refused before inflating */
	snprintf(path, sizeof(path), "%s/zlib", dir);
	section_at(path, ".debug_info", &off, &size);
	patched("zlib", "bomb", off + 8, &bomb, 8, path);
	lookup(path, "zlib", &r, &st);
	assert_string_equal(r.name, "work");
	assert_null(r.file);
	assert_int_equal(st.dwarf_refused, 1);

	/* .strtab without its final NUL: no names from it, counted */
	snprintf(path, sizeof(path), "%s/plain", dir);
	section_at(path, ".strtab", &off, &size);
	patched("plain", "strtab", off + size - 1, "x", 1, path);
	lookup(path, "plain", &r, &st);
	assert_null(r.name);
	assert_int_equal(st.symbols_refused, 1);
}

/* Ctrl-C while symbolizing: every lookup gives up at once. */
static void test_cancel(void **state)
{
	struct symbolizer_opts o = { .debug_dir = dir, .perfmap_dir = dir };
	struct symbolizer *s = symbolizer_new(&o);
	static volatile sig_atomic_t stop;
	struct sym_result r;
	char path[256];
	uint64_t off;

	(void)state;
	snprintf(path, sizeof(path), "%s/plain", dir);
	off = work_offset(path);
	symbolizer_set_cancel(s, &stop);
	stop = 1;
	assert_int_equal(symbolize_elf(s, path, 0, 0, off, true, &r), -EINTR);
	assert_int_equal(symbolize_kernel(s, 0xffffffff81000000ull, &r),
			 -EINTR);
	assert_int_equal(symbolize_perfmap(s, 1, 0x1000, &r), -EINTR);
	stop = 0;
	assert_int_equal(symbolize_elf(s, path, 0, 0, off, true, &r), 0);
	assert_string_equal(r.name, "work");
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inflate_caps),
		cmocka_unit_test(test_strtab),
		cmocka_unit_test(test_symbolizer_refuses),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
