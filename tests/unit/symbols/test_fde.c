// SPDX-License-Identifier: GPL-2.0
/*
 * Stripped code by function: .eh_frame sections built byte by byte (CIE
 * augmentations, pointer encodings, overlapping, empty and cut entries,
 * the size cap), and -O2 programs and a library compiled at run time and
 * stripped, whose unstripped copies say where each function starts; PLT
 * stubs named as binutils' objdump labels them, with and without IBT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/fde.h"
#include "symbols/symbolize.h"
#include "tmpdir.h"

/* where the built sections "are" */
#define SH_ADDR		0x10000ull

/* ---- .eh_frame built by hand --------------------------------------- */

struct ehbuf {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct ehbuf *e, uint8_t v)
{
	assert_true(e->n < sizeof(e->b));
	e->b[e->n++] = v;
}

static void put32(struct ehbuf *e, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put8(e, v >> (8 * i));
}

/* Pads with DW_CFA_nop to a multiple of 4 and writes the length. */
static void end_entry(struct ehbuf *e, size_t start)
{
	uint32_t len;

	while ((e->n - start) % 4)
		put8(e, DW_CFA_nop);
	len = e->n - start - 4;
	memcpy(e->b + start, &len, 4);
}

/* A CIE with augmentation aug and its data; its offset. */
static size_t put_cie(struct ehbuf *e, const char *aug, const uint8_t *data,
		      size_t n)
{
	size_t start = e->n, i;

	put32(e, 0);		/* length */
	put32(e, 0);		/* CIE id */
	put8(e, 1);		/* version */
	for (i = 0; i <= strlen(aug); i++)
		put8(e, aug[i]);
	put8(e, 1);		/* code alignment */
	put8(e, 0x78);		/* data alignment -8 */
	put8(e, 16);		/* return address column */
	if (aug[0] == 'z') {
		put8(e, n);
		for (i = 0; i < n; i++)
			put8(e, data[i]);
	}
	put8(e, DW_CFA_def_cfa);
	put8(e, 7);
	put8(e, 8);
	end_entry(e, start);
	return start;
}

/* An FDE of cie for [start, start + len): pc-relative sdata4 when pcrel,
 * else absolute udata4. */
static void put_fde(struct ehbuf *e, size_t cie, bool pcrel, uint64_t start,
		    uint32_t len)
{
	size_t at = e->n;

	put32(e, 0);
	put32(e, e->n - cie);	/* back from this field to the CIE */
	put32(e, pcrel ? (uint32_t)(start - (SH_ADDR + e->n)) : start);
	put32(e, len);
	put8(e, 0);		/* no augmentation data */
	end_entry(e, at);
}

static const unsigned char ident[EI_NIDENT] = {
	ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
};

static void parse(struct ehbuf *e, size_t size, struct fde_range **t,
		  size_t *n)
{
	Elf_Data d = {
		.d_buf = e->b, .d_size = size, .d_type = ELF_T_BYTE,
		.d_version = EV_CURRENT,
	};

	assert_int_equal(symfde_parse(ident, &d, SH_ADDR, t, n), 0);
}

static void assert_range(const struct fde_range *r, uint64_t start,
			 uint64_t end)
{
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
}

static void test_parse(void **state)
{
	static const uint8_t zr[] = { DW_EH_PE_pcrel | DW_EH_PE_sdata4 };
	/* personality (indirect pcrel sdata4 + 4 bytes), LSDA, then R */
	static const uint8_t zplr[] = { 0x9b, 1, 2, 3, 4, 0x1b,
					DW_EH_PE_udata4 };
	static const uint8_t zxr[] = { 0, 0x1b };
	struct ehbuf *e = calloc(1, sizeof(*e));
	size_t c1, c2, c3, n;
	struct fde_range *t;

	(void)state;
	c1 = put_cie(e, "zR", zr, sizeof(zr));
	put_fde(e, c1, true, 0x2000, 0x40);
	put_fde(e, c1, true, 0x1000, 0x80);
	put_fde(e, c1, true, 0x1010, 0x10);	/* inside the one before */
	put_fde(e, c1, true, 0x3000, 0);	/* empty */
	put_fde(e, c1, true, 0, 0x10);		/* discarded by ld */
	c2 = put_cie(e, "zPLR", zplr, sizeof(zplr));
	put_fde(e, c2, false, 0x4000, 0x20);	/* absolute udata4 */
	c3 = put_cie(e, "zXR", zxr, sizeof(zxr));
	put_fde(e, c3, true, 0x5000, 0x20);	/* 'X': not understood */
	put_fde(e, c1, true, 0x6000, 0x30);	/* back to the first CIE */
	put32(e, 0);				/* terminator */

	parse(e, e->n, &t, &n);
	assert_int_equal(n, 4);
	assert_range(&t[0], 0x1000, 0x1080);
	assert_range(&t[1], 0x2000, 0x2040);
	assert_range(&t[2], 0x4000, 0x4020);
	assert_range(&t[3], 0x6000, 0x6030);
	free(t);

	/* cut inside the second FDE: the first is kept, nothing read past */
	parse(e, 0x30, &t, &n);
	assert_int_equal(n, 1);
	assert_range(&t[0], 0x2000, 0x2040);
	free(t);
	free(e);
}

static void test_parse_caps(void **state)
{
	Elf_Data d = { .d_size = FDE_MAX_SECTION + 1ull, .d_type = ELF_T_BYTE,
		       .d_version = EV_CURRENT };
	static uint8_t junk[64];
	struct fde_range *t = (void *)1;
	size_t n = 1;

	(void)state;
	/* larger than the cap: not read at all (d_buf is far smaller) */
	d.d_buf = junk;
	assert_int_equal(symfde_parse(ident, &d, SH_ADDR, &t, &n), 0);
	assert_null(t);
	assert_int_equal(n, 0);
	/* garbage: no FDE, no error */
	memset(junk, 0xff, sizeof(junk));
	d.d_size = sizeof(junk);
	assert_int_equal(symfde_parse(ident, &d, SH_ADDR, &t, &n), 0);
	assert_int_equal(n, 0);
	free(t);
	assert_int_equal(symfde_parse(ident, NULL, SH_ADDR, &t, &n), 0);
	assert_int_equal(n, 0);
}

/* ---- real programs, stripped ---------------------------------------- */

static char dir[] = "/tmp/whyslow-fde-XXXXXX";

static const char prog_src[] =
	"#include <stdint.h>\n"
	"#define F(name, k) __attribute__((noinline, noclone)) uint64_t "
	"name(uint64_t n) { uint64_t x = k; for (uint64_t i = 0; i < n; i++) "
	"{ x = x * 6364136223846793005ull + k; __asm__ volatile(\"\" : "
	"\"+r\"(x)); } return x; }\n"
	"F(one, 1) F(two, 3) F(three, 5) F(four, 7) F(five, 9)\n"
	"int main(int argc, char **argv) { (void)argv; return (int)(one(argc) "
	"+ two(argc) + three(argc) + four(argc) + five(argc)); }\n";

/* lib_other is exported, so lib_public calls it through the PLT */
static const char lib_src[] =
	"static __attribute__((noinline, noclone)) int lib_hidden(int x) "
	"{ volatile int y = x * 7; return y + 1; }\n"
	"int lib_other(int x);\n"
	"int lib_public(int x) { return lib_hidden(x) + lib_other(x) + 2; }\n"
	"int lib_other(int x) { volatile int y = x; return y; }\n";

static const char *const funcs[] = { "one", "two", "three", "four", "five",
				     "main" };

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static int build(void **state)
{
	char cmd[1024];
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/prog.c", dir);
	f = fopen(cmd, "w");
	if (!f || fputs(prog_src, f) < 0 || fclose(f))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/lib.c", dir);
	f = fopen(cmd, "w");
	if (!f || fputs(lib_src, f) < 0 || fclose(f))
		return -1;
	/* PIE and non-PIE: file offsets and addresses differ in the latter */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && "
		 "cc -O2 -g -fomit-frame-pointer -o pie.full prog.c && "
		 "cc -O2 -g -no-pie -o nopie.full prog.c && "
		 "cc -O2 -g -shared -fPIC -o lib.full lib.c && "
		 "cc -O2 -shared -fPIC -Wl,-z,ibtplt -o libibt lib.c && "
		 "strip --strip-all -o pie pie.full && "
		 "strip --strip-all -o nopie nopie.full && "
		 "strip --strip-all -o lib lib.full", dir);
	return system(cmd) ? -1 : 0;
}

static int cleanup(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* vaddr's file offset in file, through its program headers. */
static uint64_t file_offset(const char *file, uint64_t vaddr)
{
	char path[512];
	uint64_t off = 0;
	bool found = false;
	GElf_Phdr ph;
	size_t i, n;
	Elf *elf;
	int fd;

	path_of(path, sizeof(path), file);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getphdrnum(elf, &n), 0);
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD &&
		    vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz) {
			off = ph.p_offset + (vaddr - ph.p_vaddr);
			found = true;
		}
	}
	assert_true(found);
	elf_end(elf);
	close(fd);
	return off;
}

/* A symbol's file offset and size from the unstripped copy; e_entry's
 * offset for "ENTRY". */
static void truth(const char *file, const char *func, uint64_t *off,
		  uint64_t *size)
{
	char path[512];
	uint64_t vaddr = 0;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Scn *scn = NULL;
	Elf_Data *d;
	size_t i;
	bool found = false;
	Elf *elf;
	int fd;

	path_of(path, sizeof(path), file);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	if (!strcmp(func, "ENTRY")) {
		assert_non_null(gelf_getehdr(elf, &eh));
		vaddr = eh.e_entry;
		*size = 0;
		found = true;
	}
	while (!found && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *name;

			if (!gelf_getsym(d, i, &sym))
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && !strcmp(name, func)) {
				vaddr = sym.st_value;
				*size = sym.st_size;
				found = true;
				break;
			}
		}
	}
	assert_true(found);
	elf_end(elf);
	close(fd);
	*off = file_offset(file, vaddr);
}

/* Every byte of each function names the function by its start. */
static void check_program(const char *file, const char *full)
{
	struct symbolizer *s = symbolizer_new(NULL);
	uint64_t off, size, at, step;
	struct sym_result r;
	char path[512];
	size_t i;

	assert_non_null(s);
	path_of(path, sizeof(path), file);
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		truth(full, funcs[i], &off, &size);
		assert_true(size > 0);
		step = size / 7 ? size / 7 : 1;
		for (at = off; at < off + size; at += step) {
			assert_int_equal(symbolize_elf(s, path, 0, 0, at, false,
						       &r), -ENOENT);
			assert_null(r.name);
			assert_true(r.func_known);
			assert_int_equal(r.func_start, off);
			assert_int_equal(r.offset, at - off);
		}
	}
	/* the entry point is _start, its call to __libc_start_main too */
	truth(full, "ENTRY", &off, &size);
	assert_int_equal(symbolize_elf(s, path, 0, 0, off, false, &r), 0);
	assert_string_equal(r.name, "_start");
	assert_int_equal(r.offset, 0);
	assert_int_equal(symbolize_elf(s, path, 0, 0, off + 0x1f, false, &r),
			 0);
	assert_string_equal(r.name, "_start");
	assert_int_equal(r.offset, 0x1f);
	/* the ELF header is no function */
	assert_int_equal(symbolize_elf(s, path, 0, 0, 0x10, false, &r),
			 -ENOENT);
	assert_false(r.func_known);
	symbolizer_free(s);
}

static void test_pie(void **state)
{
	(void)state;
	check_program("pie", "pie.full");
}

static void test_nopie(void **state)
{
	(void)state;
	check_program("nopie", "nopie.full");
}

/* A library's static function has no .dynsym entry: grouped by its FDE;
 * its exported neighbour keeps its name. */
static void test_library(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	uint64_t off, size;
	struct sym_result r;
	char path[512];

	(void)state;
	assert_non_null(s);
	path_of(path, sizeof(path), "lib");
	truth("lib.full", "lib_hidden", &off, &size);
	assert_int_equal(symbolize_elf(s, path, 0, 0, off + size / 2, false,
				       &r), -ENOENT);
	assert_true(r.func_known);
	assert_int_equal(r.func_start, off);
	truth("lib.full", "lib_public", &off, &size);
	assert_int_equal(symbolize_elf(s, path, 0, 0, off + size / 2, false,
				       &r), 0);
	assert_string_equal(r.name, "lib_public");
	assert_false(r.func_known);
	symbolizer_free(s);
}

/* The file offset of objdump's label <label> in a (stripped) file. */
static uint64_t objdump_label(const char *file, const char *label)
{
	char cmd[1024];
	uint64_t vaddr = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "objdump -d %s/%s | sed -n "
		 "'s/^\\([0-9a-f]*\\) <%s>:$/\\1/p'", dir, file, label);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%lx", &vaddr), 1);
	pclose(p);
	return file_offset(file, vaddr);
}

/* Calls through the PLT: the stub is named after what it jumps to. */
static void test_plt(void **state)
{
	static const char *const libs[] = { "lib", "libibt" };
	struct symbolizer *s = symbolizer_new(NULL);
	struct sym_result r;
	char path[512];
	uint64_t off;
	size_t i;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < 2; i++) {
		path_of(path, sizeof(path), libs[i]);
		off = objdump_label(libs[i], "lib_other@plt");
		assert_int_equal(symbolize_elf(s, path, 0, 0, off, false, &r),
				 0);
		assert_string_equal(r.name, "lib_other@plt");
		assert_int_equal(r.offset, 0);
		assert_int_equal(symbolize_elf(s, path, 0, 0, off + 6, false,
					       &r), 0);
		assert_string_equal(r.name, "lib_other@plt");
		assert_int_equal(r.offset, 6);
	}
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest parse_tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_caps),
	};
	const struct CMUnitTest program_tests[] = {
		cmocka_unit_test(test_pie),
		cmocka_unit_test(test_nopie),
		cmocka_unit_test(test_library),
		cmocka_unit_test(test_plt),
	};

	int failed = cmocka_run_group_tests(parse_tests, NULL, NULL);

	return failed + cmocka_run_group_tests(program_tests, build, cleanup);
}
