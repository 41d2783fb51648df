// SPDX-License-Identifier: GPL-2.0
/* The symbolizer on code with no ELF file behind it: JIT perf maps
 * (perf-PID.map) and the vDSO. */
#include "symbolize_check.h"

#include <errno.h>
#include <sys/auxv.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perfmap),
		cmocka_unit_test(test_perfmap_grows),
		cmocka_unit_test(test_perfmap_symlink),
		cmocka_unit_test(test_vdso),
		cmocka_unit_test(test_vdso_absent),
	};

	elf_version(EV_CURRENT);
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
