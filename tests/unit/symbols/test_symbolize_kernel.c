// SPDX-License-Identifier: GPL-2.0
/* The symbolizer on kernel addresses: a kallsyms file (hidden,
 * missing, the running kernel's) and a kernel lookup function. */
#include "symbolize_check.h"

#include <errno.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_kallsyms_hidden),
		cmocka_unit_test(test_kallsyms_missing),
		cmocka_unit_test(test_kallsyms_real),
		cmocka_unit_test(test_kernel_lookup),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
